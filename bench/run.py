"""Benchmark acompte through its service layer on SQLite and PostgreSQL; write docs/benchmarks.md.

    .venv/bin/python bench/run.py --reset          # the full run (about 15 minutes); rewrites docs/benchmarks.md
    .venv/bin/python bench/run.py --quick          # a few seconds, tiny sizes, prints the report

For each backend: populate 10 000 documents in bulk (several companies, parties of 50 documents), time
`party_balance` reads; grow the database to 1 000 000 documents and time the same reads again; then time
`record_payment` (one allocation, one transaction each) with 1 worker, 2 workers in one company and 2 workers in
two companies. With `--pages`, the web pages a bookkeeper opens (bench/pages.py) are timed after the growth, in
the demo company and in the first company (100 000 documents at the full sizes). On PostgreSQL, `pgbench`
(TPC-B-like, -s 10) runs just before our run with the same number of clients, so that both see the same load on
this shared machine.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from acompte import bootstrap
from acompte.persistence.engine import is_sqlite, normalize_url
from acompte.services.ports import Ctx
from bench import measure, pages, populate, report

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/acompte_bench"
DEFAULT_PGBENCH = "postgresql://postgres@127.0.0.1:5432/acompte_pgbench"
FIRST = "the first ones (as at the smaller size)"
NEWEST = "the newest ones (highest ids)"


@dataclass(frozen=True)
class Sizes:
    small_docs: int  # documents in the database for the first read measurement
    large_docs: int  # ... and for the second one
    companies_small: int
    companies_large: int
    reads: int  # party reads per database size
    write_seconds: float  # per write measurement
    pool_parties: int  # parties per write worker
    pool_invoices: int  # open invoices per such party
    pgbench_seconds: int
    pgbench_scale: int

    def parties_per_company(self, docs: int, companies: int) -> int:
        parties, rest = divmod(docs, populate.PARTY_DOCUMENTS * companies)
        if rest or parties == 0:
            raise SystemExit(f"{docs} documents do not split into parties of 50 over {companies} companies")
        return parties


FULL = Sizes(10_000, 1_000_000, 2, 10, 3_000, 25.0, 20, 50, 25, 10)
QUICK = Sizes(200, 600, 2, 3, 20, 0.25, 2, 5, 2, 1)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a few seconds (a smoke run)")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--sqlite-url", default=f"sqlite:///{Path(tempfile.gettempdir()) / 'acompte-bench.db'}")
    parser.add_argument("--postgresql-url", default=DEFAULT_POSTGRES)
    parser.add_argument(
        "--pgbench-url", default=None, help=f"database for pgbench (full run default: {DEFAULT_PGBENCH})"
    )
    parser.add_argument("--no-pgbench", action="store_true", help="do not run pgbench")
    parser.add_argument(
        "--reset", action="store_true", help="empty the bench databases first (names must contain 'bench')"
    )
    parser.add_argument("--output", default=None, help="report file (full run default: docs/benchmarks.md; '-': none)")
    parser.add_argument("--sizes", default=None, help="documents for the two read measurements, e.g. 10000,1000000")
    parser.add_argument("--seconds", type=float, default=None, help="duration of each write measurement")
    parser.add_argument("--reads", type=int, default=None, help="party reads per database size")
    parser.add_argument("--profile", type=float, default=0.0, help="cProfile one payer for this many seconds")
    parser.add_argument("--pages", action="store_true", help="also time the web pages (bench/pages.py)")
    parser.add_argument("--page-reads", type=int, default=20, help="with --pages: reads per page")
    return parser.parse_args(argv)


def ensure_database(url: str) -> None:
    """Create a PostgreSQL bench database when it does not exist yet (a new machine has none)."""
    if is_sqlite(url):
        return
    parsed = make_url(normalize_url(url))
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database})
        if exists.first() is None:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    server.dispose()


def reset(url: str) -> None:
    """Empty a bench database: delete the SQLite file, or drop and recreate PostgreSQL's public schema."""
    parsed = make_url(normalize_url(url))
    if "bench" not in (parsed.database or ""):
        raise SystemExit(f"--reset refuses a database whose name does not contain 'bench': {parsed.database}")
    if is_sqlite(url):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    engine = create_engine(parsed, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def bench_backend(
    backend: str, url: str, sizes: Sizes, args: argparse.Namespace, pgbench_url: str | None
) -> report.BackendReport:
    ensure_database(url)
    if args.reset:
        reset(url)
    app = bootstrap.build(url, pool_size=2)
    result = report.BackendReport(backend=backend, url=url, version=measure.server_version(app.engine))
    if backend == "postgresql":
        result.settings = measure.pg_settings(app.engine)
    this_year = date.today().year
    tag = f"{int(time.time()) % 100_000}-"

    # 1. A database of `small_docs` documents; read.
    t0 = time.perf_counter()
    firsts = populate.create_companies(app.uow, [f"Bench {tag}{i + 1}" for i in range(sizes.companies_small)])
    per_small = sizes.parties_per_company(sizes.small_docs, sizes.companies_small)
    for company in firsts:
        populate.populate_parties(app.engine, company, per_small, year=this_year - 3, tag=tag)
    populate.analyze(app.engine)
    count = populate.count_documents(app.engine)
    result.populate_seconds[count] = time.perf_counter() - t0
    probes = [(c.id, p) for c in firsts for p in c.parties]
    log(f"{backend}: {count:,} documents; reading {sizes.reads} party accounts")
    result.reads.append(measure.run_reads(app, backend, count, probes, sizes.reads, parties=FIRST))

    # 2. Grow it to `large_docs` documents, in the same companies and in new ones; read the same parties.
    t0 = time.perf_counter()
    per_large = sizes.parties_per_company(sizes.large_docs, sizes.companies_large)
    others = populate.create_companies(
        app.uow, [f"Bench {tag}{i + 1}" for i in range(sizes.companies_small, sizes.companies_large)]
    )
    for company in firsts:
        populate.populate_parties(app.engine, company, per_large - per_small, year=this_year - 2, tag=tag)
        log(f"{backend}: company {company.id} has {company.documents:,} documents")
    for company in others:
        populate.populate_parties(app.engine, company, per_large, year=this_year - 2, tag=tag)
        log(f"{backend}: company {company.id} has {company.documents:,} documents")
    populate.analyze(app.engine)
    count = populate.count_documents(app.engine)
    result.populate_seconds[count] = time.perf_counter() - t0
    log(f"{backend}: {count:,} documents; reading {sizes.reads} party accounts, twice")
    result.reads.append(measure.run_reads(app, backend, count, probes, sizes.reads, parties=FIRST))
    # The newest parties too: a plan that walks an index in id order can be cheap for the oldest rows only.
    newest = [(c.id, p) for c in (others or firsts)[-1:] for p in c.parties[-len(probes) :]]
    result.reads.append(measure.run_reads(app, backend, count, newest, sizes.reads, parties=NEWEST))
    company_id, party_id = newest[-1]
    result.statements_per_read = measure.statements_per_call(
        app.engine, lambda: measure.queries.party_balance(app.uow(), Ctx(company_id), party_id)
    )
    if backend == "postgresql":
        result.plans = measure.explain_party_balance(app, company_id, party_id)
    else:
        result.sqlite_plans = measure.sqlite_plans(app, company_id, party_id)
    if args.pages:
        # A bookkeeper's pages in one company of the large size (its parties of the same 50 documents).
        largest = firsts[0]
        log(f"{backend}: web pages, in the demo company and in one of {largest.documents:,} documents")
        result.pages, _contexts = pages.measure(
            app, (Ctx(largest.id, actor="bench"), largest.documents), repeat=args.page_reads, log=log
        )

    # 3. Payments per second.
    payers = populate.create_companies(app.uow, [f"Bench {tag}payeur {i + 1}" for i in range(2)])
    pools = [
        populate.populate_pool(app.engine, payers[0], 2 * sizes.pool_parties, sizes.pool_invoices),
        populate.populate_pool(app.engine, payers[1], sizes.pool_parties, sizes.pool_invoices),
    ]
    if backend == "postgresql":
        populate.analyze(app.engine)

    def plan(company: populate.CompanyData, pool: list[list[int]], parties: slice) -> measure.WorkerPlan:
        owners = company.parties[parties]
        docs = pool[parties]
        invoices = tuple((owners[p], docs[p][i]) for i in range(sizes.pool_invoices) for p in range(len(owners)))
        return measure.WorkerPlan(company.id, invoices)

    half = slice(0, sizes.pool_parties)
    other_half = slice(sizes.pool_parties, 2 * sizes.pool_parties)
    one = plan(payers[0], pools[0], half)
    same_company = [one, plan(payers[0], pools[0], other_half)]
    two_companies = [one, plan(payers[1], pools[1], slice(0, sizes.pool_parties))]
    result.statements_per_payment = measure.statements_per_call(
        app.engine, lambda: measure.pay_once(app, Ctx(one.company_id), *one.invoices[0])
    )
    if args.profile:
        done, text_ = measure.profile_payments(app, one, args.profile)
        result.profile = f"{done} payments in {args.profile:.0f} s under the profiler\n\n{text_}"
    app.engine.dispose()  # nothing open across fork()

    seconds = sizes.write_seconds
    for workers, plans in ((1, [one]), (2, same_company), (2, two_companies)):
        if pgbench_url and backend == "postgresql" and plans is not two_companies:
            log(f"pgbench: {workers} client(s), {sizes.pgbench_seconds} s")
            result.pgbench.append(measure.pgbench_run(pgbench_url, workers, sizes.pgbench_seconds))
            log(f"pgbench: {result.pgbench[-1].tps:.0f} TPS")
        log(f"{backend}: payments, {workers} worker(s) in {len({p.company_id for p in plans})} company(ies)")
        result.writes.append(measure.run_writes(url, backend, plans, seconds))
        log(f"{backend}: {result.writes[-1].rate:.0f} payments/s, errors {result.writes[-1].errors}")
    app.close()
    return result


def main(argv: list[str] | None = None) -> report.Report:
    args = parse(argv)
    sizes = QUICK if args.quick else FULL
    if args.sizes:
        small, large = (int(x) for x in args.sizes.split(","))
        sizes = replace(sizes, small_docs=small, large_docs=large)
    if args.seconds is not None:
        sizes = replace(sizes, write_seconds=args.seconds, pgbench_seconds=max(1, round(args.seconds)))
    if args.reads is not None:
        sizes = replace(sizes, reads=args.reads)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(backends) - {"sqlite", "postgresql"}
    if unknown:
        raise SystemExit(f"unknown backends: {', '.join(sorted(unknown))}")
    pgbench_url = None
    if "postgresql" in backends and not args.no_pgbench:
        pgbench_url = args.pgbench_url or (None if args.quick else DEFAULT_PGBENCH)

    started = time.perf_counter()
    result = report.Report(
        command=shlex.join([".venv/bin/python", "bench/run.py", *(sys.argv[1:] if argv is None else argv)]),
        quick=args.quick,
        started=report.now(),
        machine=report.machine(),
        uptime_start=report.uptime(),
    )
    if pgbench_url:
        ensure_database(pgbench_url)
        log(f"pgbench: initialising scale {sizes.pgbench_scale}")
        measure.pgbench_init(pgbench_url, sizes.pgbench_scale)
    for backend in backends:
        url = args.sqlite_url if backend == "sqlite" else args.postgresql_url
        result.backends.append(bench_backend(backend, url, sizes, args, pgbench_url))
    result.uptime_end = report.uptime()
    result.seconds = time.perf_counter() - started

    output = args.output or ("-" if args.quick else str(ROOT / "docs" / "benchmarks.md"))
    if output == "-":
        print(report.render(result))
    else:
        report.write(Path(output), result)
        log(f"wrote {output}")
    return result


if __name__ == "__main__":
    main()
