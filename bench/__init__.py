"""Benchmarks: the import benchmark, the reader pages benchmark and the corpus generator."""
