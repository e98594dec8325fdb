"""Benchmark tooling for bilateral-kb: a synthetic corpus generator and the benchmark runner.

Lives under scripts/, not in the kb package: nothing here ships to users.
"""
