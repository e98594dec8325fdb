"""``python -m kb.cli``: the ``kb`` command (used where the console script is not on PATH)."""

from kb.cli import main

main()
