"""Benchmarks of acompte through its service layer, on SQLite and PostgreSQL (see bench/run.py)."""
