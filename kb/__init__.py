"""bilateral-kb: a knowledge base of bilateral cooperation and visit reports."""

__version__ = "0.1.0"
