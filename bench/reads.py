"""Time every read path of one populated company: party account, lists, aged balance, statement, dashboard,
journal entries, and the export of a month. Prints, for each, the median and worst time and the largest number
of bind parameters one of its statements sent (a number that grows with the data is a defect).

    .venv/bin/python bench/reads.py --url postgresql://postgres@127.0.0.1:5432/acompte_reads_bench \\
        --documents 100000 --export
    .venv/bin/python bench/reads.py --url … --company 2 --repeat 5     # a company populated before

With `--documents N` a new company of N documents is populated first (bench/populate.py: parties of 50
documents dated over last year). `--export` then posts one month of it (`run_export`) and writes the FEC of the
year, as `acompte export` does: that writes, so it runs once per company. `--month-documents N` first adds
parties whose documents all fall in that month, so that its export posts about N documents (twice as many are
populated: half of populate's pattern is quotes, orders, drafts… that post nothing) and their payments:

    .venv/bin/python bench/reads.py --url … --documents 10000 --month-documents 10000 --export --no-reads
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/reads.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, event, text

from acompte import bootstrap
from acompte.adapters.exports.fec import write_fec
from acompte.domain.errors import TemporarilyUnavailable
from acompte.services import accounts, dashboard, deadline, documents, exports, payments, queries
from acompte.services import parties as party_service
from acompte.services.ports import Ctx
from bench import populate
from bench.lists import CASES, TOTALS, list_arguments
from bench.measure import percentile


@dataclass(frozen=True)
class Timing:
    label: str
    median_ms: float
    p95_ms: float
    worst_ms: float
    statements: int
    max_params: int
    error: str = ""
    cpu_ms: float = 0.0  # this process's CPU time, per call (median calls aside: the mean)
    server_cpu_ms: float = 0.0  # the database server's, on a local PostgreSQL (its backends of this database)
    calls: int = 0


def server_cpu_seconds(engine: Engine) -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL backend connected to this database, read from /proc (the server
    runs on this machine; the bench database is nobody else's). Empty elsewhere."""
    if engine.dialect.name != "postgresql":
        return {}
    with engine.connect() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).scalars()
        result = {}
        tick = os.sysconf("SC_CLK_TCK")
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            result[int(pid)] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        return result


@contextmanager
def counting(engine: Engine) -> Iterator[list[int]]:
    """The bind-parameter count of every statement sent meanwhile."""
    seen: list[int] = []

    def before(_conn: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, many: bool) -> None:
        if (
            many
            and isinstance(parameters, (list, tuple))
            and parameters
            and isinstance(parameters[0], (list, tuple, dict))
        ):
            parameters = parameters[0]
        seen.append(len(parameters) if parameters else 0)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def timed(
    engine: Engine,
    label: str,
    call: Callable[[int], Any],
    repeat: int,
    budget: float = float("inf"),
    warm_up: bool = False,
    cap: float | None = None,
) -> Timing:
    """`repeat` calls, fewer when they have taken `budget` seconds (at least one); with `warm_up`, one call
    before them, not timed (caches, the first plan), unless it alone took the budget: then it is the one timed.
    With `cap`, each call runs under a deadline of that many seconds, as a request does: a call still running
    then is stopped, and the case is reported as stopped."""

    def one(k: int) -> float:
        t0 = time.perf_counter()
        with deadline.applied(deadline.Budget(cap) if cap else None):
            call(k)
        return time.perf_counter() - t0

    seconds: list[float] = []
    server_before, cpu_before = server_cpu_seconds(engine), time.process_time()
    with counting(engine) as seen:
        try:
            if warm_up:
                first = one(repeat)
                if first >= budget:
                    seconds.append(first)
                else:
                    seen.clear()
            while len(seconds) < repeat and sum(seconds) < budget:
                seconds.append(one(len(seconds)))
        except Exception as error:  # reported beside the timings, never hidden
            what = f"{type(error).__name__}: {error}"
            if isinstance(error, TemporarilyUnavailable) and cap:
                what = f"stopped by a {cap:.0f} s deadline"
            return Timing(label, 0, 0, 0, len(seen), max(seen, default=0), what[:120])
    calls = max(len(seconds), 1)
    cpu = (time.process_time() - cpu_before) * 1000 / calls
    server_after = server_cpu_seconds(engine)
    server = sum(v - server_before.get(pid, 0.0) for pid, v in server_after.items()) * 1000 / calls
    ms = [s * 1000 for s in seconds]
    return Timing(
        label,
        statistics.median(ms),
        percentile(ms, 95),
        max(ms),
        len(seen) // len(ms),
        max(seen, default=0),
        "",
        cpu_ms=cpu,
        server_cpu_ms=server,
        calls=len(ms),
    )


_timed = timed


def read_cases(
    app: bootstrap.App,
    company: int,
    parties: list[int],
    repeat: int,
    *,
    lists: bool = True,
    budget: float = float("inf"),
    warm_up: bool = False,
    cap: float | None = None,
) -> list[Timing]:
    """Every read path of one company; each case `repeat` times, or for `budget` seconds, each call within `cap`."""
    ctx = Ctx(company, actor="bench")
    e = app.engine

    def timed(engine: Engine, label: str, call: Callable[[int], Any], repeat: int) -> Timing:
        return _timed(engine, label, call, repeat, budget, warm_up, cap)

    party = lambda k: parties[(k * 7919) % len(parties)]  # noqa: E731
    year = date.today().year - 1
    out = [
        timed(e, "party account (one party)", lambda k: accounts.party_account(app.uow(), ctx, party(k)), repeat),
        timed(e, "party balance (one party)", lambda k: queries.party_balance(app.uow(), ctx, party(k)), repeat),
        timed(
            e,
            "statement of a year (one party)",
            lambda k: accounts.statement(
                app.uow(), ctx, party(k), date_from=date(year, 1, 1), date_to=date(year, 12, 31)
            ),
            repeat,
        ),
        timed(e, "aged balance, one party", lambda k: accounts.aged_balance(app.uow(), ctx, party_id=party(k)), repeat),
        timed(e, "aged balance, whole company", lambda k: accounts.aged_balance(app.uow(), ctx), max(1, repeat // 3)),
        timed(e, "dashboard", lambda k: dashboard.dashboard(app.uow(), ctx), max(1, repeat // 3)),
    ]
    if lists:
        for label, kw in (*CASES, *TOTALS):
            args = list_arguments(app, ctx, parties, kw)
            read = documents.document_list_totals if label.startswith("totals") else documents.document_list
            name = f"list {label}" if label.startswith("totals") else f"list: {label}"
            out.append(timed(e, name, lambda k, args=args, read=read: read(app.uow(), ctx, **args), repeat))
        one = parties[len(parties) // 2]
        for label, kw in (
            ("payments: newest 50", {}),
            ("payments: one party", {"party_id": one}),
            ("payments: with money left", {"unallocated_only": True}),
            ("payments: one month", {"date_from": date(year, 3, 1), "date_to": date(year, 3, 31)}),
        ):
            out.append(
                timed(e, label, lambda k, kw=kw: payments.list_payments(app.uow(), ctx, **kw), repeat)  # type: ignore[arg-type]
            )
        out.append(
            timed(
                e,
                "parties: search by name",
                lambda k: party_service.list_parties(app.uow(), ctx, search="0042"),
                repeat,
            )
        )
    return out


def export_month(app: bootstrap.App, company: int, month: int) -> list[Timing]:
    ctx = Ctx(company, actor="bench")
    year = date.today().year - 1
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1).fromordinal(
        date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1
    )
    result: dict[str, Any] = {}

    def post(_k: int) -> None:
        result["run"] = exports.run_export(app.uow(), ctx, date_from=start, date_to=end)

    def fec(_k: int) -> None:
        run = result["run"]
        year_ledger = exports.ledger(app.uow(), ctx, fiscal_year_end=run.fiscal_year_end)
        result["bytes"] = len(write_fec(year_ledger))

    def journal(_k: int) -> None:
        exports.ledger(app.uow(), ctx, run_id=result["run"].run_id)

    timings = [timed(app.engine, f"export: post {start:%B %Y}", post, 1)]
    if "run" in result:
        run = result["run"]
        print(f"  posted {run.documents} documents, {run.payments} payments, {len(run.posted)} entries")
        timings.append(timed(app.engine, "export: FEC of the year", fec, 1))
        timings.append(timed(app.engine, "journal entries of the run", journal, 1))
    return timings


def main(argv: list[str] | None = None) -> list[Timing]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--documents", type=int, default=0, help="populate a new company of this many documents")
    parser.add_argument("--company", type=int, default=0, help="or read this company, populated before")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--export", action="store_true", help="also post one month and write the FEC (writes)")
    parser.add_argument("--month", type=int, default=3)
    parser.add_argument("--no-lists", action="store_true")
    parser.add_argument(
        "--month-documents", type=int, default=0, help="add parties dated in --month: its export posts about this many"
    )
    parser.add_argument("--no-reads", action="store_true", help="skip the read paths (measure the export alone)")
    args = parser.parse_args(argv)
    app = bootstrap.build(args.url, pool_size=2)
    if args.documents or args.month_documents:
        [company] = populate.create_companies(app.uow, [f"Lectures {int(time.time()) % 100_000}"])
        year = date.today().year - 1
        if args.documents:
            populate.populate_parties(app.engine, company, args.documents // populate.PARTY_DOCUMENTS, year=year)
        if args.month_documents:
            # half of populate's pattern is posted (sale invoices and deposit invoices)
            parties = -(-2 * args.month_documents // populate.PARTY_DOCUMENTS)
            populate.populate_parties(app.engine, company, parties, year=year, month=args.month, tag="M")
        populate.analyze(app.engine)
        company_id, parties = company.id, company.parties
    else:
        company_id = args.company
        with app.engine.connect() as conn:
            parties = list(
                conn.execute(
                    text("SELECT id FROM parties WHERE company_id = :c ORDER BY id"), {"c": company_id}
                ).scalars()
            )
    with app.engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM documents WHERE company_id = :c"), {"c": company_id}).scalar()
    print(f"{app.engine.dialect.name}: company {company_id}, {n:,} documents, {len(parties):,} parties; "
          f"load {os.getloadavg()[0]:.2f}")  # fmt: skip
    timings = [] if args.no_reads else read_cases(app, company_id, parties, args.repeat, lists=not args.no_lists)
    if args.export:
        timings += export_month(app, company_id, args.month)
    width = max((len(t.label) for t in timings), default=4)
    print(
        f"{'case':<{width}}  {'median ms':>10}  {'p95 ms':>9}  {'worst ms':>9}  {'stmts':>6}  {'max params':>10}  "
        f"{'cpu ms':>8}  {'db cpu ms':>9}"
    )
    for t in timings:
        if t.error:
            print(f"{t.label:<{width}}  FAILED after {t.statements} statements ({t.max_params} params): {t.error}")
        else:
            print(
                f"{t.label:<{width}}  {t.median_ms:>10.1f}  {t.p95_ms:>9.1f}  {t.worst_ms:>9.1f}  {t.statements:>6}  "
                f"{t.max_params:>10}  {t.cpu_ms:>8.0f}  {t.server_cpu_ms:>9.0f}"
            )
    print(f"load {os.getloadavg()[0]:.2f}")
    app.close()
    return timings


if __name__ == "__main__":
    main()
