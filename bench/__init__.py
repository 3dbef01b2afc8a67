"""Benchmarks: one script each, printing figures. `python -m bench` runs them all."""
