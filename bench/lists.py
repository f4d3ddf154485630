"""Time one page of the document list (services.documents.document_list) on a populated database.

    .venv/bin/python bench/lists.py --url postgresql://postgres@127.0.0.1:5432/acompte_lists_bench --reset \\
        --documents 100000
    .venv/bin/python bench/lists.py --url sqlite:////tmp/acompte-lists-bench.db --reset --documents 100000

One company gets `--documents` documents (bench/populate.py: parties of 50 documents, half of them sale invoices,
some paid, some half paid); then each case reads one page of 50 sale invoices `--repeat` times and prints the
median and the worst time. Each page call also computes the count and the totals of every filtered row.
`--export` also times the CSV rows of every sale invoice (document_list_rows), and the former way of loading
every row (list_documents without a limit) for comparison.
"""

from __future__ import annotations

import argparse
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
    ("by number, page 1", {"sort": "number", "descending": False}),
    ("by party, page 1", {"sort": "party", "descending": False}),
    ("largest balance due first, page 1", {"sort": "balance", "descending": True}),
    ("status = unpaid, page 1", {"status": "unpaid"}),
    ("status = partial, by balance, page 1", {"status": "partial", "sort": "balance"}),
    ("number search '0042', page 1", {"search": "0042"}),
    ("one party, page 1", {"party": True}),
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


def time_list_pages(app: bootstrap.App, company: populate.CompanyData, repeat: int = 5) -> list[Timing]:
    """Each case of CASES on `company`'s sale invoices: one page of 50 with the totals of every filtered row."""
    ctx = Ctx(company.id, actor="bench")
    result = []
    for label, kw in CASES:
        args = dict(kw)
        if args.pop("party", False):
            args["party_id"] = company.parties[len(company.parties) // 2]
        seconds, page = timed(
            lambda args=args: documents.document_list(app.uow(), ctx, flow=Flow.SALE, kind=Kind.INVOICE, **args),
            repeat,
        )
        result.append(Timing(label, statistics.median(seconds) * 1000, max(seconds) * 1000, page.totals.count))
    return result


def time_export(app: bootstrap.App, company: populate.CompanyData) -> list[Timing]:
    ctx = Ctx(company.id, actor="bench")
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
    parser.add_argument("--reset", action="store_true", help="empty the database first (name must contain 'bench')")
    parser.add_argument("--export", action="store_true", help="also time the full export and the former way")
    args = parser.parse_args(argv)
    if args.reset:
        from bench.run import reset

        reset(args.url)
    app = bootstrap.build(args.url, pool_size=2)
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
    timings = time_list_pages(app, company, args.repeat)
    if args.export:
        timings += time_export(app, company)
    width = max(len(t.label) for t in timings)
    print(f"{'case':<{width}}  {'median ms':>10}  {'worst ms':>9}  {'rows':>8}")
    for t in timings:
        print(f"{t.label:<{width}}  {t.median_ms:>10.1f}  {t.worst_ms:>9.1f}  {t.count:>8,}")
    return timings


if __name__ == "__main__":
    main()
