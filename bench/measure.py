"""The measurements: payments per second (worker processes), read latency, pgbench, statements, plans."""

from __future__ import annotations

import cProfile
import io
import multiprocessing as mp
import os
import pstats
import random
import re
import statistics
import subprocess
import sysconfig
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url

from acompte import bootstrap
from acompte.domain.money import Money
from acompte.services import payments, queries
from acompte.services.ports import Ctx

PAYMENT = Money.of("1.00", "EUR")


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by the nearest-rank method."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} / {five:.2f}"


# ------------------------------------------------------------------------------------------------ writes


@dataclass(frozen=True)
class WorkerPlan:
    """What one worker pays: the company, and per party the invoices it allocates to, round-robin."""

    company_id: int
    invoices: tuple[tuple[int, int], ...]  # (party_id, document_id)


class Latencies:
    """The median and 95th percentile of a measurement's `latencies_ms` (one per operation timed)."""

    latencies_ms: list[float]

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies_ms, 95)


@dataclass
class WriteResult(Latencies):
    backend: str
    workers: int
    companies: int
    seconds: float
    payments: int
    errors: int
    latencies_ms: list[float] = field(repr=False)
    load: str = ""

    @property
    def rate(self) -> float:
        return self.payments / self.seconds if self.seconds else 0.0


def pay_once(app: bootstrap.App, ctx: Ctx, party_id: int, document_id: int) -> None:
    """The measured unit of work: one payment recorded and allocated to one open invoice, one transaction."""
    payments.record_payment(
        app.uow(),
        ctx,
        party_id=party_id,
        amount=PAYMENT,
        method="transfer",
        reference="VIR bench",
        allocations=[(document_id, PAYMENT)],
    )


def _worker(url: str, plan: WorkerPlan, seconds: float, barrier: Any, results: Any) -> None:
    app = bootstrap.build(url, run_migrations=False, pool_size=1)
    ctx = Ctx(plan.company_id, actor="bench")
    invoices = plan.invoices
    for k in range(2):  # warm up: connection, statement caches
        pay_once(app, ctx, *invoices[k % len(invoices)])
    latencies: list[float] = []
    errors = 0
    k = 2
    barrier.wait()
    start = time.perf_counter()
    deadline = start + seconds
    now = start
    while now < deadline:
        t0 = time.perf_counter()
        try:
            pay_once(app, ctx, *invoices[k % len(invoices)])
        except Exception:  # counted and reported, never hidden
            errors += 1
        now = time.perf_counter()
        latencies.append((now - t0) * 1000)
        k += 1
    results.put((len(latencies) - errors, errors, now - start, latencies))
    app.close()


def run_writes(url: str, backend: str, plans: Sequence[WorkerPlan], seconds: float) -> WriteResult:
    """Each plan runs in its own process with its own engine, session and unit of work."""
    context = mp.get_context("fork")
    barrier = context.Barrier(len(plans) + 1)
    results = context.Queue()
    procs = [context.Process(target=_worker, args=(url, p, seconds, barrier, results)) for p in plans]
    for proc in procs:
        proc.start()
    barrier.wait(timeout=120)
    at_start = load()
    outcomes = [results.get(timeout=seconds + 120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    bad = [p.exitcode for p in procs if p.exitcode != 0]
    if bad:
        raise RuntimeError(f"a write worker failed (exit codes {bad})")
    return WriteResult(
        backend=backend,
        workers=len(plans),
        companies=len({p.company_id for p in plans}),
        seconds=max(o[2] for o in outcomes),
        payments=sum(o[0] for o in outcomes),
        errors=sum(o[1] for o in outcomes),
        latencies_ms=[x for o in outcomes for x in o[3]],
        load=at_start,
    )


# ------------------------------------------------------------------------------------------------- reads


@dataclass
class ReadResult:
    backend: str
    documents: int
    reads: int
    latencies_ms: list[float] = field(repr=False)
    open_documents: float  # mean number of open documents returned per read
    held_payments: float
    load: str = ""
    parties: str = ""  # which parties were read
    cpu_ms: list[float] = field(default_factory=list, repr=False)  # this process's CPU time per read
    server_ms: float | None = None  # PostgreSQL: execution time of the read's statements (EXPLAIN ANALYZE)
    buffers: float | None = None  # PostgreSQL: shared buffers the read's statements touch (hit + read)

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def cpu_p50(self) -> float:
        return percentile(self.cpu_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies_ms, 95)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 99)


def run_reads(
    app: bootstrap.App,
    backend: str,
    documents: int,
    probes: Sequence[tuple[int, int]],
    reads: int,
    *,
    parties: str = "",
    seed: int = 7,
) -> ReadResult:
    """`party_balance` of parties drawn at random among `probes` ((company, party)), one unit of work each."""
    rng = random.Random(seed)
    for company_id, party_id in probes[: max(3, min(20, reads // 10))]:  # warm up
        queries.party_balance(app.uow(), Ctx(company_id), party_id)
    latencies: list[float] = []
    cpu: list[float] = []
    open_docs = held = 0
    at_start = load()
    for _ in range(reads):
        company_id, party_id = rng.choice(probes)
        t0, c0 = time.perf_counter(), time.process_time()
        balance = queries.party_balance(app.uow(), Ctx(company_id), party_id)
        latencies.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        open_docs += len(balance.open_documents)
        held += len(balance.unallocated_payments)
    result = ReadResult(backend, documents, reads, latencies, open_docs / reads, held / reads, at_start, parties, cpu)
    if app.engine.dialect.name == "postgresql":
        sample = probes[:: max(1, len(probes) // 20)][:20]
        costs = [server_cost(app, company_id, party_id) for company_id, party_id in sample]
        result.server_ms = mean([c[0] for c in costs])
        result.buffers = mean([c[1] for c in costs])
    return result


def server_cost(app: bootstrap.App, company_id: int, party_id: int) -> tuple[float, int]:
    """What the database does for one party read, independent of the machine's load: (execution ms, buffers)."""
    plans = explain_party_balance(app, company_id, party_id)
    buffers = 0
    for _, _, plan in plans:
        top = re.search(r"Buffers: shared( hit=(\d+))?( read=(\d+))?", plan)  # the first one is the plan's total
        if top:
            buffers += int(top.group(2) or 0) + int(top.group(4) or 0)
    return sum(p[0] for p in plans), buffers


# ------------------------------------------------------------------------------------ statements and plans


@contextmanager
def recording(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Record every statement the engine sends (SQL, parameters) while the block runs."""
    seen: list[tuple[str, Any]] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def statements_per_call(engine: Engine, call: Callable[[], Any], n: int = 3) -> float:
    """Statements sent per call (each one a round trip, plus BEGIN/COMMIT, which the driver sends apart)."""
    call()
    with recording(engine) as seen:
        for _ in range(n):
            call()
    return len(seen) / n


def explain_party_balance(app: bootstrap.App, company_id: int, party_id: int) -> list[tuple[float, str, str]]:
    """EXPLAIN ANALYZE (PostgreSQL) of each SELECT party_balance sends: [(execution ms, sql, plan)]."""
    with recording(app.engine) as seen:
        queries.party_balance(app.uow(), Ctx(company_id), party_id)
    plans = []
    with app.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        for sql, params in seen:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with raw.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(r[0] for r in cursor.fetchall())
            match = re.search(r"Execution Time: ([\d.]+) ms", plan)
            plans.append((float(match.group(1)) if match else 0.0, sql, plan))
        conn.rollback()
    return plans


def sqlite_plans(app: bootstrap.App, company_id: int, party_id: int) -> list[tuple[str, str]]:
    """EXPLAIN QUERY PLAN (SQLite) of each SELECT party_balance sends."""
    with recording(app.engine) as seen:
        queries.party_balance(app.uow(), Ctx(company_id), party_id)
    out = []
    with app.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        for sql, params in seen:
            if sql.lstrip().upper().startswith("SELECT"):
                rows = raw.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
                out.append((sql, "\n".join(f"{r[0]:>3} {r[1]:>3} {r[3]}" for r in rows)))
        conn.rollback()
    return out


def profile_payments(app: bootstrap.App, plan: WorkerPlan, seconds: float, top: int = 25) -> tuple[int, str]:
    """cProfile of one worker paying for `seconds` in this process: (payments, top functions by own time)."""
    ctx = Ctx(plan.company_id, actor="bench")
    profiler = cProfile.Profile()
    done = 0
    deadline = time.perf_counter() + seconds
    profiler.enable()
    while time.perf_counter() < deadline:
        pay_once(app, ctx, *plan.invoices[done % len(plan.invoices)])
        done += 1
    profiler.disable()
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("tottime").print_stats(top)
    buffer.write("\n")
    stats.sort_stats("cumulative").print_stats(top)
    text_ = buffer.getvalue().replace(sysconfig.get_paths()["purelib"] + "/", "")
    return done, text_.replace(str(Path(__file__).resolve().parent.parent) + "/", "")


# ------------------------------------------------------------------------------------------------ pgbench


@dataclass
class PgbenchResult:
    clients: int
    seconds: float
    tps: float
    latency_ms: float
    load: str = ""


def _pg_args(url: str) -> list[str]:
    u = make_url(url)
    args = ["-h", u.host or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres"]
    return args


def pgbench_init(url: str, scale: int) -> None:
    database = make_url(url).database or "postgres"
    subprocess.run(
        ["pgbench", *_pg_args(url), "-i", "-q", "-s", str(scale), database],
        check=True,
        capture_output=True,
        env={**os.environ, **_pg_env(url)},
    )


def pgbench_run(url: str, clients: int, seconds: int) -> PgbenchResult:
    """TPC-B-like (pgbench's default script), `clients` clients and as many threads, for `seconds`."""
    database = make_url(url).database or "postgres"
    at_start = load()
    done = subprocess.run(
        ["pgbench", *_pg_args(url), "-c", str(clients), "-j", str(clients), "-T", str(seconds), database],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **_pg_env(url)},
    )
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", done.stdout)
    if not tps:
        raise RuntimeError(f"cannot read pgbench's output:\n{done.stdout}\n{done.stderr}")
    return PgbenchResult(clients, seconds, float(tps.group(1)), float(latency.group(1)) if latency else 0.0, at_start)


def _pg_env(url: str) -> dict[str, str]:
    password = make_url(url).password
    return {"PGPASSWORD": str(password)} if password else {}


def server_version(engine: Engine) -> str:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            return str(conn.execute(text("SHOW server_version")).scalar())
        return str(conn.execute(text("SELECT sqlite_version()")).scalar())


def pg_settings(engine: Engine) -> dict[str, str]:
    names = ("shared_buffers", "synchronous_commit", "fsync", "wal_level", "max_connections")
    with engine.connect() as conn:
        return {n: str(conn.execute(text(f"SHOW {n}")).scalar()) for n in names}


def mean(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else float("nan")
