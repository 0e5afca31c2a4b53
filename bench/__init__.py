"""Benchmarks: `python -m bench` measures each figure beside its baseline."""
