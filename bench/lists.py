"""Time one page of the document list (services.documents.document_list) on a populated database.

    .venv/bin/python bench/lists.py --url postgresql://postgres@127.0.0.1:5432/acompte_lists_bench --reset \\
        --documents 100000
    .venv/bin/python bench/lists.py --url sqlite:////tmp/acompte-lists-bench.db --reset --documents 100000

One company gets `--documents` documents (bench/populate.py: parties of 50 documents, half of them sale invoices,
some paid, some half paid); then each case reads one page of 50 sale invoices `--repeat` times and prints the
median and the worst time; a page reads its rows only. Then, for each filter, the count and the totals of every
filtered row (`document_list_totals`, what the web loads apart and the API answers at /documents/totals).
`--company N` reads a company populated by an earlier run instead.
`--export` also times the CSV rows of every sale invoice (document_list_rows), and the former way of loading
every row (list_documents without a limit) for comparison.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/lists.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from acompte import bootstrap
from acompte.domain.documents import Flow, Kind
from acompte.services import documents
from acompte.services.ports import Ctx
from acompte.services.queries import EVERYTHING
from bench import populate

#: The list cases timed: (label, keyword arguments of document_list beyond flow=sale, kind=invoice).
CASES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("newest first (date desc), page 1", {"sort": "date", "descending": True}),
    ("date desc, page 200", {"sort": "date", "descending": True, "page": 200}),
    ("date desc, page 201 (or the middle one) by cursor", {"sort": "date", "descending": True, "after_page": 200}),
    ("by number, page 1", {"sort": "number", "descending": False}),
    ("by party, page 1", {"sort": "party", "descending": False}),
    ("largest balance due first, page 1", {"sort": "balance", "descending": True}),
    ("status = unpaid, page 1", {"status": "unpaid"}),
    ("status = partial, by balance, page 1", {"status": "partial", "sort": "balance"}),
    ("number search '0042', page 1", {"search": "0042"}),
    ("one party, page 1", {"party": True}),
    ("every kind, newest first", {"sort": "date", "descending": True, "kind": None}),
    ("every kind, status = unpaid", {"status": "unpaid", "kind": None}),
)

#: The filters whose count and totals are timed (the cases above share them).
TOTALS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("totals: sale invoices", {}),
    ("totals: status = unpaid", {"status": "unpaid"}),
    ("totals: number search '0042'", {"search": "0042"}),
    ("totals: one party", {"party": True}),
)


@dataclass(frozen=True)
class Timing:
    label: str
    median_ms: float
    worst_ms: float
    count: int


def timed(call: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    seconds, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - t0)
    return seconds, result


def list_arguments(app: bootstrap.App, ctx: Ctx, parties: list[int], kw: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of a case of CASES or TOTALS (sale invoices unless it says otherwise)."""
    args = {"flow": Flow.SALE, "kind": Kind.INVOICE, **kw}
    if args.pop("party", False):
        args["party_id"] = parties[len(parties) // 2]
    if "after_page" in args:  # the cursor the page before gives (its « next » link)
        wanted, rest = args.pop("after_page"), dict(args)
        before = documents.document_list(app.uow(), ctx, **rest, page=wanted)
        if before.next_cursor is None:  # fewer pages (a page past the last is the last): the middle one's cursor,
            # so that the case reads after a cursor at every size (else it read by offset at the small size only)
            before = documents.document_list(app.uow(), ctx, **rest, page=max(1, before.page // 2))
        args["after"], args["page"] = before.next_cursor, before.page + 1
    return args


def time_list_pages(app: bootstrap.App, company: int, parties: list[int], repeat: int = 5) -> list[Timing]:
    """Each case of CASES on `company`'s sale invoices: one page of 50 (its rows only); then each filter of
    TOTALS: the count and the totals of every row it keeps."""
    ctx = Ctx(company, actor="bench")
    result = []
    for label, kw in CASES:
        args = list_arguments(app, ctx, parties, kw)
        seconds, page = timed(lambda args=args: documents.document_list(app.uow(), ctx, **args), repeat)
        result.append(Timing(label, statistics.median(seconds) * 1000, max(seconds) * 1000, len(page.rows)))
    for label, kw in TOTALS:
        args = list_arguments(app, ctx, parties, kw)
        seconds, totals = timed(lambda args=args: documents.document_list_totals(app.uow(), ctx, **args), repeat)
        result.append(Timing(label, statistics.median(seconds) * 1000, max(seconds) * 1000, totals.count))
    return result


def time_export(app: bootstrap.App, company: int) -> list[Timing]:
    ctx = Ctx(company, actor="bench")
    rows = lambda: sum(1 for _ in documents.document_list_rows(app.uow(), ctx, flow=Flow.SALE, kind=Kind.INVOICE))  # noqa: E731
    old = lambda: len(  # noqa: E731
        documents.list_documents(app.uow(), ctx, flow=Flow.SALE, kind=Kind.INVOICE, limit=EVERYTHING)
    )
    out = []
    for label, call in (("export: every sale invoice, in chunks", rows), ("former way: load every row", old)):
        seconds, n = timed(call, 1)
        out.append(Timing(label, seconds[0] * 1000, seconds[0] * 1000, n))
    return out


def main(argv: list[str] | None = None) -> list[Timing]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--company", type=int, default=0, help="read this company, populated by an earlier run")
    parser.add_argument("--reset", action="store_true", help="empty the database first (name must contain 'bench')")
    parser.add_argument("--export", action="store_true", help="also time the full export and the former way")
    args = parser.parse_args(argv)
    if args.reset:
        from bench.run import reset

        reset(args.url)
    app = bootstrap.build(args.url, pool_size=2)
    if args.company:
        company_id = args.company
        with app.engine.connect() as conn:
            party_ids = list(
                conn.execute(
                    text("SELECT id FROM parties WHERE company_id = :c ORDER BY id"), {"c": company_id}
                ).scalars()
            )
        documents_in_database = populate.count_documents(app.engine)
        print(f"{app.engine.dialect.name}: company {company_id} ({documents_in_database:,} documents in the database)")
    else:
        t0 = time.perf_counter()
        [company] = populate.create_companies(app.uow, [f"Listes {int(time.time()) % 100_000}"])
        parties, rest = divmod(args.documents, populate.PARTY_DOCUMENTS)
        if rest or not parties:
            raise SystemExit(f"--documents must be a multiple of {populate.PARTY_DOCUMENTS}")
        populate.populate_parties(app.engine, company, parties, year=date.today().year - 1)
        populate.analyze(app.engine)
        print(
            f"{app.engine.dialect.name}: company {company.id} with {company.documents:,} documents "
            f"({populate.count_documents(app.engine):,} in the database), populated in {time.perf_counter() - t0:.1f} s"
        )
        company_id, party_ids = company.id, list(company.parties)
    print(f"load {' / '.join(f'{x:.2f}' for x in os.getloadavg()[:2])}")
    timings = time_list_pages(app, company_id, party_ids, args.repeat)
    if args.export:
        timings += time_export(app, company_id)
    width = max(len(t.label) for t in timings)
    print(f"{'case':<{width}}  {'median ms':>10}  {'worst ms':>9}  {'rows':>8}")
    for t in timings:
        print(f"{t.label:<{width}}  {t.median_ms:>10.1f}  {t.worst_ms:>9.1f}  {t.count:>8,}")
    print(f"load {' / '.join(f'{x:.2f}' for x in os.getloadavg()[:2])}")
    return timings


if __name__ == "__main__":
    main()
