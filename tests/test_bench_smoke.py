"""The benchmark still runs: bench/run.py in quick mode against the test database (a few seconds)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from bench import pages, report, run


def test_the_benchmark_runs_in_quick_mode_and_writes_its_report(database_url: str, backend: str, tmp_path: Path):
    output = tmp_path / "benchmarks.md"
    http = ["--http"] if backend == "postgresql" else []  # `acompte serve --workers 2` needs PostgreSQL

    result = run.main(
        ["--quick", "--backends", backend, f"--{backend}-url", database_url, "--output", str(output), *http]
    )

    [measured] = result.backends
    assert [w.workers for w in measured.writes] == [1, 2, 2]
    assert all(w.payments > 0 and w.errors == 0 for w in measured.writes)
    small, large, newest = measured.reads
    # The count is of the whole database, which other test workers write to at the same time on PostgreSQL:
    # the growth is at least what the benchmark added, and the third read sees the same database as the second.
    assert large.documents - small.documents >= run.QUICK.large_docs - run.QUICK.small_docs
    assert newest.documents >= large.documents
    assert small.open_documents == large.open_documents == newest.open_documents > 0  # parties all of one size
    # Every read path at both sizes, each with its bind parameters counted; the export of a month at each size.
    small_paths, large_paths = measured.paths
    assert [t.label for t in small_paths.timings] == [t.label for t in large_paths.timings]
    assert len(large_paths.timings) > 20
    assert all(not t.error and t.calls >= 1 and t.max_params > 0 for t in large_paths.timings), [
        (t.label, t.error) for t in large_paths.timings if t.error
    ]
    assert [e.month.month for e in measured.exports] == [3, 5]
    assert all(not e.error and e.post_and_fec_ms and e.journal for e in measured.exports)
    assert measured.cycles is not None and measured.cycles.cycles >= 1 and measured.cycles.errors == 0
    text = output.read_text()
    assert "### Payments recorded and allocated" in text
    assert "### Reading one party's open documents and balance" in text
    assert "### Every read path of the API and the web pages" in text
    assert "### Full deposit cycles" in text
    if backend == "postgresql":
        assert [h.clients for h in measured.http] == [1, 2]
        assert all(h.payments > 0 and h.errors == 0 for h in measured.http), [h.statuses for h in measured.http]
        assert measured.memory is not None and measured.memory.errors == 0
        first, last = measured.memory.samples
        assert (first.requests, last.requests) == (run.QUICK.memory_early, run.QUICK.memory_late)
        assert len(first.rss_kb) == 2 and all(kb > 0 for kb in last.rss_kb.values())  # both server workers
        assert "`POST /api/v1/payments` (`acompte serve --workers 2`), 2 client(s)" in text
        assert "memory of `acompte serve --workers 2` flat" in text


def test_the_page_timings_read_every_page_of_the_demo_and_of_a_populated_company(database_url: str, capsys):  # type: ignore[no-untyped-def]
    timings = pages.main(["--url", database_url, "--documents", "100", "--repeat", "1", "--profile"])

    assert [(t.company, t.page) for t in timings] == [
        (company, name) for company in ("demo", "100 documents") for name, _path in pages.PAGES
    ]
    assert all(t.status == 200 for t in timings), [(t.page, t.status) for t in timings if t.status != 200]
    assert all(t.requests == 1 and 0 < t.p50_ms <= t.p95_ms <= t.worst_ms for t in timings)
    assert all(t.statements > 0 and t.cpu_p50_ms > 0 for t in timings)  # round trips and CPU, beside the wall time
    assert {t.target_ms for t in timings} == {pages.DEMO_TARGET_MS, pages.LARGE_TARGET_MS}
    printed = capsys.readouterr().out
    assert "| sqlite |" in printed or "| postgresql |" in printed
    assert "cProfile of one read of" in printed and "function calls" in printed  # the endpoint's own calls

    # In run.py's report: a section with every page, and the targets' lines saying which company missed.
    late = replace(timings[0], p95_ms=1e6)  # the slowest, whatever this machine measured
    stopped = replace(timings[-1], status=503)
    backend = report.BackendReport(
        backend="sqlite", url=database_url, version="3", pages=[late, *timings[1:-1], stopped]
    )
    text = report.render(report.Report(command="bench", quick=True, started=report.now(), machine={}, uptime_start=""))
    assert "Web pages" not in text
    text = report.render(
        report.Report(
            command="bench", quick=True, started=report.now(), machine={}, uptime_start="", backends=[backend]
        )
    )
    assert "### Web pages a bookkeeper opens" in text
    assert f"every web page p95 < 300 ms (demo) | slowest: {late.page}" in text
    # (the other pages may miss too on a loaded machine: the first and last of each list are these two)
    assert f"**no**: {late.page}" in text and re.search(rf"\*\*no\*\*: [^|]*{stopped.page} \|", text)
    assert "503: stopped by the request deadline" in text
    assert text.count("| sqlite | ") == len(pages.PAGES) * 2


def test_the_bank_matching_benchmark_is_right_first_and_never_wrongly_certain(database_url: str, backend: str):
    from bench import bank_matching

    result = bank_matching.measure(database_url, backend, 200, customers=60, suppliers=10)

    assert result.lines == 200 and result.answerable > 150  # bank fees alone have no answer
    assert result.accuracy >= 0.95, result.misses
    assert result.wrong_certain == 0 and result.auto_wrong == 0, result.misses
    assert 0 < result.auto_confirmed <= result.certain  # only lines whose best candidate is certain


def test_the_bulk_ledger_of_the_bank_matching_benchmark_writes_the_rows_the_services_write(database_url: str):
    from bench import bank_ledger, bank_matching

    from acompte import bootstrap
    from acompte.domain.payments import AccountKind
    from acompte.services import companies
    from acompte.services.ports import Ctx

    app = bootstrap.build(database_url)
    try:
        built = []
        for engine in (None, app.engine):  # through the services, then in bulk, from the same seed
            uow = app.uow()
            ctx = Ctx(companies.create_company(uow, name="Banc", currency="EUR"), actor="bench")
            companies.add_account(uow, ctx, name="Banque", kind=AccountKind.BANK, iban=bank_matching.OWN_IBAN)
            statement, _truths = bank_matching.build(uow, ctx, 60, seed=7, customers=20, suppliers=4, engine=engine)
            built.append((statement.lines, bank_ledger.rows_of(app.engine, ctx.company_id)))
    finally:
        app.close()

    (lines, by_services), (same_lines, in_bulk) = built
    assert [line.amount for line in lines] == [line.amount for line in same_lines]
    assert {t: len(rows) for t, rows in in_bulk.items()} == {t: len(rows) for t, rows in by_services.items()}
    assert by_services["documents"] and by_services["payments"] and by_services["allocations"]
    assert in_bulk == by_services


def test_pages_are_chosen_by_names_that_may_hold_a_comma() -> None:
    chosen = pages.page_names("home (dashboard),sale invoices, status unpaid,sale invoices")
    assert chosen == {"home (dashboard)", "sale invoices, status unpaid", "sale invoices"}
    assert pages.page_names("") == frozenset()
