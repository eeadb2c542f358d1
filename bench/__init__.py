"""Benchmarks on PostgreSQL (`make bench`). Each figure is paired with its floor measured in the same run."""
