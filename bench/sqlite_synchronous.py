"""The price of `PRAGMA synchronous=FULL` against NORMAL on SQLite in WAL mode, with nothing else in the way:
small write transactions (one row each) committed one after the other, on a file in the given directory.

    .venv/bin/python bench/sqlite_synchronous.py /var/tmp 2000

In WAL mode NORMAL syncs the WAL only at checkpoints (a commit can be lost at a power cut, never corrupted);
FULL syncs it at every commit. The end-to-end figure (`bench/compare_payments.py`) is in docs/benchmarks.md.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path


def commits_per_second(directory: Path, synchronous: str, commits: int) -> float:
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        db = sqlite3.connect(Path(tmp) / "sync.db", isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={synchronous}")
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, amount_minor INTEGER)")
        started = time.perf_counter()
        for i in range(commits):
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO t (amount_minor) VALUES (?)", (i,))
            db.execute("COMMIT")
        elapsed = time.perf_counter() - started
        db.close()
    return commits / elapsed


def main(directory: Path, commits: int) -> None:
    for round_ in range(3):
        for mode in ("NORMAL", "FULL"):
            rate = commits_per_second(directory, mode, commits)
            print(f"round {round_ + 1} synchronous={mode:<6} {rate:8.0f} commits/s  {1000 / rate:.3f} ms/commit")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
