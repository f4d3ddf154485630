"""The benchmark still runs: bench/run.py in quick mode against the test database (a few seconds)."""

from __future__ import annotations

from pathlib import Path

from bench import run


def test_the_benchmark_runs_in_quick_mode_and_writes_its_report(database_url: str, backend: str, tmp_path: Path):
    output = tmp_path / "benchmarks.md"

    result = run.main(["--quick", "--backends", backend, f"--{backend}-url", database_url, "--output", str(output)])

    [measured] = result.backends
    assert [w.workers for w in measured.writes] == [1, 2, 2]
    assert all(w.payments > 0 and w.errors == 0 for w in measured.writes)
    small, large, newest = measured.reads
    # The count is of the whole database, which other test workers write to at the same time on PostgreSQL:
    # the growth is at least what the benchmark added, and the third read sees the same database as the second.
    assert large.documents - small.documents >= run.QUICK.large_docs - run.QUICK.small_docs
    assert newest.documents >= large.documents
    assert small.open_documents == large.open_documents == newest.open_documents > 0  # parties all of one size
    text = output.read_text()
    assert "### Payments recorded and allocated" in text
    assert "### Reading one party's open documents and balance" in text
