"""Benchmark acompte on SQLite and PostgreSQL against its performance targets; write docs/benchmarks.md.

    .venv/bin/python bench/run.py --reset --backends postgresql   # the full run (about 15 minutes)
    .venv/bin/python bench/run.py --quick                         # seconds, tiny sizes, prints the report

For each backend, in one company that holds the database's documents (bench/populate.py: parties of 50
documents): populate `small_docs` documents, all issued in March of last year; time `party_balance` on many
parties and every read path of the API and the web (bench/reads.py's cases: party account, lists with their
filters and sorts, aged balance of one party and of the whole company, statement, dashboard, payments and
parties lists), counting each statement's bind parameters; post March and write the FEC (bench/reads.py
`export_month`). Then grow the same company to `large_docs` documents (as many again in May, the rest from June
to December), time the same reads, and post May. Then `record_payment` (one allocation, one transaction each)
with 1 worker, 2 workers in one company and 2 workers in two companies; on PostgreSQL `pgbench` (TPC-B-like,
-s 10) runs just before with as many clients, so that both see the same load on this shared machine. On
PostgreSQL also (unless --no-http): `POST /api/v1/payments` to `acompte serve --workers 2` with 1 and 2 clients,
for as long, and the resident memory of the server's workers after `memory_early` and `memory_late` requests
mixing reads and payments. Last, full deposit cycles with one client (bench/deposit_cycle.py). The report's
« Against the targets » table gives each target with its figure, pgbench's beside it, the load, and whether it
is met. With `--pages`, the web pages (bench/pages.py) are timed too.
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
from bench import deposit_cycle, measure, pages, populate, read_paths, report, serve_bench

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/acompte_bench"
DEFAULT_PGBENCH = "postgresql://postgres@127.0.0.1:5432/acompte_pgbench"
SERVE_WORKERS = 2
#: At most, for all the requests of the memory measurement: 10 000 mixed requests take ≈ 3 min on a quiet machine
#: and up to ≈ 10 min at load 15 (4 338 were sent in the 240 s allowed before); the samples say how many.
MEMORY_SECONDS = 1200.0
READ_CAP = 5.0  # seconds: a read path still running then is stopped by the request deadline, and reported so
FIRST = "the first ones (as at the smaller size)"
NEWEST = "the newest ones (highest ids)"


@dataclass(frozen=True)
class Sizes:
    small_docs: int  # documents in the database for the first read measurement (one company)
    large_docs: int  # ... and for the second one (the same company, grown)
    reads: int  # party reads per database size
    write_seconds: float  # per write measurement (service layer, HTTP, deposit cycles)
    pool_parties: int  # parties per write worker
    pool_invoices: int  # open invoices per such party
    pgbench_seconds: int
    pgbench_scale: int
    path_reads: int  # reads per read path (bench/reads.py's cases) and database size ...
    path_budget: float  # ... or fewer once they have taken this many seconds
    export_deadline: float  # seconds before an export of a month is stopped
    memory_early: int  # HTTP requests before the first memory sample
    memory_late: int  # ... and in all, before the second one

    def parties(self, docs: int) -> int:
        parties, rest = divmod(docs, populate.PARTY_DOCUMENTS)
        if rest or parties == 0:
            raise SystemExit(f"{docs} documents do not split into parties of {populate.PARTY_DOCUMENTS}")
        return parties


FULL = Sizes(10_000, 1_000_000, 300, 15.0, 20, 50, 15, 10, 20, 3.0, 45.0, 1_000, 10_000)
QUICK = Sizes(200, 600, 20, 0.25, 2, 5, 2, 1, 1, 0.0, 60.0, 20, 60)


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
    parser.add_argument(
        "--http",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="PostgreSQL: payments through `acompte serve` and its memory (default: on, off with --quick)",
    )
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
    last_year = date.today().year - 1
    tag = f"{int(time.time()) % 100_000}-"
    march, may, june = date(last_year, 3, 1), date(last_year, 5, 1), date(last_year, 6, 1)

    def read_everything(probes: list[tuple[int, int]], *, newest: bool) -> None:
        count = populate.count_documents(app.engine)
        log(f"{backend}: {count:,} documents; reading {sizes.reads} party accounts")
        result.reads.append(measure.run_reads(app, backend, count, probes, sizes.reads, parties=FIRST))
        if newest:  # a plan that walks an index in id order can be cheap for the oldest rows only
            latest = [(company.id, p) for p in company.parties[-len(probes) :]]
            result.reads.append(measure.run_reads(app, backend, count, latest, sizes.reads, parties=NEWEST))
        log(f"{backend}: {count:,} documents; every read path of the company")
        result.paths.append(
            read_paths.measure_paths(
                app, company.id, company.parties, count, company.documents,
                repeat=sizes.path_reads, budget=sizes.path_budget, cap=READ_CAP,
            )
        )  # fmt: skip

    def export(month: date) -> None:
        count = populate.count_documents(app.engine)
        app.engine.dispose()  # nothing open across fork()
        log(f"{backend}: posting {month:%B %Y} ({sizes.small_docs:,} documents) and writing the FEC")
        done = read_paths.measure_export(
            url, company.id, month, count, sizes.small_docs, deadline=sizes.export_deadline
        )
        result.exports.append(done)
        log(f"{backend}: export {done.post_and_fec_ms or float('nan'):.0f} ms {done.error}")

    # 1. One company of `small_docs` documents, all issued in March of last year (the month exported here).
    t0 = time.perf_counter()
    [company] = populate.create_companies(app.uow, [f"Bench {tag}lectures"])
    populate.populate_parties(
        app.engine, company, sizes.parties(sizes.small_docs), year=last_year, tag=tag, start=march, days=31
    )
    populate.analyze(app.engine)
    result.populate_seconds[populate.count_documents(app.engine)] = time.perf_counter() - t0
    probes = [(company.id, p) for p in company.parties]
    read_everything(probes, newest=False)
    export(march)

    # 2. The same company grown to `large_docs`: as many documents again in May (the month exported at this
    # size), the rest from June to December; read the same parties, and the newest ones.
    t0 = time.perf_counter()
    populate.populate_parties(
        app.engine, company, sizes.parties(sizes.small_docs), year=last_year, tag=tag, start=may, days=31
    )
    rest = sizes.large_docs - 2 * sizes.small_docs
    if rest:
        populate.populate_parties(
            app.engine, company, sizes.parties(rest), year=last_year, tag=tag, start=june, days=214
        )
    populate.analyze(app.engine)
    result.populate_seconds[populate.count_documents(app.engine)] = time.perf_counter() - t0
    log(f"{backend}: company {company.id} has {company.documents:,} documents")
    read_everything(probes, newest=True)
    company_id, party_id = company.id, company.parties[-1]
    result.statements_per_read = measure.statements_per_call(
        app.engine, lambda: measure.queries.party_balance(app.uow(), Ctx(company_id), party_id)
    )
    if backend == "postgresql":
        result.plans = measure.explain_party_balance(app, company_id, party_id)
    else:
        result.sqlite_plans = measure.sqlite_plans(app, company_id, party_id)
    if args.pages:
        log(f"{backend}: web pages, in the demo company and in one of {company.documents:,} documents")
        result.pages, _contexts = pages.measure(
            app, (Ctx(company.id, actor="bench"), company.documents), repeat=args.page_reads, log=log
        )
    export(may)

    # 3. Payments per second: through the services, then through HTTP; deposit cycles.
    http = backend == "postgresql" and args.http
    payers = populate.create_companies(app.uow, [f"Bench {tag}payeur {i + 1}" for i in range(3 if http else 2)])
    pools = [
        populate.populate_pool(app.engine, payers[0], 2 * sizes.pool_parties, sizes.pool_invoices),
        populate.populate_pool(app.engine, payers[1], sizes.pool_parties, sizes.pool_invoices),
    ]
    if http:
        pools.append(populate.populate_pool(app.engine, payers[2], 2 * sizes.pool_parties, sizes.pool_invoices))
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
    if http:
        http_plans = [plan(payers[2], pools[2], half), plan(payers[2], pools[2], other_half)]
        log(f"{backend}: starting acompte serve --workers {SERVE_WORKERS}")
        try:
            with serve_bench.Server(url, payers[2].id, SERVE_WORKERS) as server:
                for clients in (1, 2):
                    log(f"{backend}: POST /api/v1/payments, {clients} client(s)")
                    result.http.append(serve_bench.run_payments(server, http_plans[:clients], seconds))
                    log(f"{backend}: {result.http[-1].rate:.0f} payments/s over HTTP, errors {result.http[-1].errors}")
                log(f"{backend}: memory of the server's workers over {sizes.memory_late:,} mixed requests")
                result.memory = serve_bench.run_memory(
                    server, http_plans, sizes.memory_early, sizes.memory_late, MEMORY_SECONDS
                )
                log(f"{backend}: memory ×{result.memory.growth:.3f}, errors {result.memory.errors}")
        except Exception as error:  # the rest of the run still counts: reported, never hidden
            result.failures.append(f"HTTP and memory: {type(error).__name__}: {error}"[:500])
            log(result.failures[-1])
    log(f"{backend}: deposit cycles, one client")
    try:
        result.cycles = deposit_cycle.run(url, seconds, render_seconds=seconds)
        log(f"{backend}: {result.cycles.rate:.1f} deposit cycles/s, errors {result.cycles.errors}")
    except Exception as error:
        result.failures.append(f"deposit cycles: {type(error).__name__}: {error}"[:500])
        log(result.failures[-1])
    app.close()
    return result


def main(argv: list[str] | None = None) -> report.Report:
    args = parse(argv)
    sizes = QUICK if args.quick else FULL
    if args.http is None:
        args.http = not args.quick
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
