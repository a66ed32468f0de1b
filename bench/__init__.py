"""Benchmarks: each figure measured beside its physical limit in the same run (JSON out)."""
