"""Time the payment list (services.payment_lists: « Règlements », the CSV export) on a populated database.

    .venv/bin/python bench/payment_list.py --url postgresql://postgres@127.0.0.1:5432/acompte_paylist_bench \\
        --reset --documents 100000
    .venv/bin/python bench/payment_list.py --url sqlite:////tmp/acompte-paylist-bench.db --reset --documents 100000

One company gets `--documents` documents (bench/populate.py: parties of 50 documents, some paid, some half paid:
about 46 000 payments for 100 000 documents); then each case reads one page of 50 payments `--repeat` times — the
page and the count and totals of every filtered payment, as the web list does — and prints the median and the
worst time. The export case streams every payment in chunks once.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/payment_list.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acompte import bootstrap
from acompte.services import payment_lists
from acompte.services.ports import Ctx
from bench import populate
from bench.lists import Timing, timed

#: The cases timed: (label, filters, keyword arguments of payment_list).
CASES: tuple[tuple[str, dict[str, Any], dict[str, Any]], ...] = (
    ("newest first (date desc), page 1", {}, {"sort": "date"}),
    ("date desc, page 200", {}, {"sort": "date", "page": 200}),
    ("by number, page 1", {}, {"sort": "number", "descending": False}),
    ("by party, page 1", {}, {"sort": "party", "descending": False}),
    ("largest amount first, page 1", {}, {"sort": "amount"}),
    ("largest unallocated first, page 1", {}, {"sort": "unallocated"}),
    ("search '0042' (number or party), page 1", {"search": "0042"}, {}),
    ("one party, page 1", {"party": True}, {}),
    ("with money left, newest first, page 1", {"unallocated_only": True}, {"sort": "date"}),
    ("with money left, largest left first, page 1", {"unallocated_only": True}, {"sort": "unallocated"}),
)


def time_pages(app: bootstrap.App, company: populate.CompanyData, repeat: int) -> list[Timing]:
    ctx = Ctx(company.id, actor="bench")
    result = []
    for label, given, kw in CASES:
        wanted = dict(given)
        if wanted.pop("party", False):
            wanted["party_id"] = company.parties[len(company.parties) // 2]
        filters = payment_lists.payment_filter(**wanted)
        seconds, page = timed(lambda f=filters, kw=kw: payment_lists.payment_list(app.uow(), ctx, f, **kw), repeat)
        result.append(Timing(label, statistics.median(seconds) * 1000, max(seconds) * 1000, page.totals.count))
    every = payment_lists.payment_filter()
    seconds, n = timed(lambda: sum(1 for _ in payment_lists.payment_list_rows(app.uow(), ctx, every)), 1)
    result.append(Timing("export: every payment, in chunks", seconds[0] * 1000, seconds[0] * 1000, n))
    return result


def main(argv: list[str] | None = None) -> list[Timing]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reset", action="store_true", help="empty the database first (name must contain 'bench')")
    args = parser.parse_args(argv)
    if args.reset:
        from bench.run import reset

        reset(args.url)
    app = bootstrap.build(args.url, pool_size=2)
    parties, rest = divmod(args.documents, populate.PARTY_DOCUMENTS)
    if rest or not parties:
        raise SystemExit(f"--documents must be a multiple of {populate.PARTY_DOCUMENTS}")
    t0 = time.perf_counter()
    [company] = populate.create_companies(app.uow, [f"Règlements {int(time.time()) % 100_000}"])
    populate.populate_parties(app.engine, company, parties, year=date.today().year - 1)
    populate.analyze(app.engine)
    print(f"{app.engine.dialect.name}: {company.documents:,} documents populated in {time.perf_counter() - t0:.1f} s")
    timings = time_pages(app, company, args.repeat)
    width = max(len(t.label) for t in timings)
    print(f"{'case':<{width}}  {'median ms':>10}  {'worst ms':>9}  {'payments':>8}")
    for t in timings:
        print(f"{t.label:<{width}}  {t.median_ms:>10.1f}  {t.worst_ms:>9.1f}  {t.count:>8,}")
    app.close()
    return timings


if __name__ == "__main__":
    main()
