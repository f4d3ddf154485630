"""The machine description and the Markdown report written into docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import targets
from bench.deposit_cycle import CycleResult
from bench.measure import PgbenchResult, ReadResult, WriteResult
from bench.pages import PageTiming, markdown
from bench.read_paths import ExportAtSize, PathsAtSize
from bench.sections import more_sections
from bench.serve_bench import HttpResult, MemoryResult

BEGIN = "<!-- bench:results:begin (written by bench/run.py; edit outside these markers) -->"
END = "<!-- bench:results:end -->"


def _first(pattern: str, path: str) -> str:
    try:
        match = re.search(pattern, Path(path).read_text(), re.MULTILINE)
    except OSError:
        return "?"
    return match.group(1).strip() if match else "?"


def uptime() -> str:
    if shutil.which("uptime"):
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    one, five, fifteen = os.getloadavg()
    return f"load average: {one:.2f}, {five:.2f}, {fifteen:.2f}"


def machine() -> dict[str, str]:
    nproc = str(len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else str(os.cpu_count())
    mem_kb = _first(r"^MemTotal:\s+(\d+)", "/proc/meminfo")
    ram = f"{int(mem_kb) / 1024 / 1024:.1f} GiB" if mem_kb.isdigit() else "?"
    pgbench = "not found"
    if shutil.which("pgbench"):
        pgbench = subprocess.run(["pgbench", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "nproc": nproc,
        "CPU": _first(r"^model name\s*:\s*(.+)$", "/proc/cpuinfo"),
        "RAM": ram,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": sys.version.split()[0],
        "SQLite": sqlite3.sqlite_version,
        "pgbench": pgbench,
    }


@dataclass
class BackendReport:
    backend: str
    url: str
    version: str
    settings: dict[str, str] = field(default_factory=dict)
    reads: list[ReadResult] = field(default_factory=list)
    writes: list[WriteResult] = field(default_factory=list)
    pgbench: list[PgbenchResult] = field(default_factory=list)
    statements_per_payment: float = 0.0
    statements_per_read: float = 0.0
    populate_seconds: dict[int, float] = field(default_factory=dict)
    plans: list[tuple[float, str, str]] = field(default_factory=list)
    sqlite_plans: list[tuple[str, str]] = field(default_factory=list)
    profile: str = ""
    pages: list[PageTiming] = field(default_factory=list)
    paths: list[PathsAtSize] = field(default_factory=list)
    exports: list[ExportAtSize] = field(default_factory=list)
    http: list[HttpResult] = field(default_factory=list)
    memory: MemoryResult | None = None
    cycles: CycleResult | None = None
    failures: list[str] = field(default_factory=list)  # measurements that could not be made, and why


@dataclass
class Report:
    command: str
    quick: bool
    started: datetime
    machine: dict[str, str]
    uptime_start: str
    uptime_end: str = ""
    backends: list[BackendReport] = field(default_factory=list)
    seconds: float = 0.0


def _ms(x: float) -> str:
    return f"{x:.2f}"


def _ours_vs_pgbench(b: BackendReport) -> list[tuple[PgbenchResult, WriteResult, float]]:
    pairs = []
    for pg in b.pgbench:
        ours = [w for w in b.writes if w.workers == pg.clients and w.companies == 1]
        if ours and pg.tps:
            pairs.append((pg, ours[0], ours[0].rate / pg.tps))
    return pairs


def summary_lines(report: Report) -> list[str]:
    return targets.lines(report)


def render(report: Report) -> str:
    out: list[str] = []
    mode = "quick mode (tiny sizes: a smoke run, not a measurement)" if report.quick else "full run"
    out.append(f"## Results of {report.started:%Y-%m-%d %H:%M} UTC — {mode}")
    out.append("")
    out.append(f"Command (from the repository root): `{report.command}` — took {report.seconds:.0f} s.")
    out.append("")
    out.append("### Against the targets")
    out.append("")
    out.append(
        "Every figure from this run. pgbench: its TPS in the same run, with as many clients for the ratios to it, "
        "else with one client, for reference (the machine's speed at that time). Load: `uptime`'s 1 min / 5 min "
        "load average at the start of the measurement. Flat: p95 at the large size over p95 at the small size "
        f"below {targets.GROWTH_LIMIT} (the noise of a shared machine is about ±30 %)."
    )
    out.append("")
    out.extend(summary_lines(report))
    out.append("")
    for b in report.backends:
        for failure in b.failures:
            out.append(f"- **{b.backend}: not measured** — {failure}")
            out.append("")
    out.append("### Machine")
    out.append("")
    out.append("| | |")
    out.append("|---|---|")
    for key, value in report.machine.items():
        out.append(f"| {key} | {value} |")
    for b in report.backends:
        if b.backend == "postgresql":
            out.append(f"| PostgreSQL | {b.version} ({', '.join(f'{k}={v}' for k, v in b.settings.items())}) |")
    out.append(f"| `uptime` at start | {report.uptime_start} |")
    out.append(f"| `uptime` at end | {report.uptime_end} |")
    out.append("")
    out.append(
        "The machine is shared: other engineers ran their test suites during the run. The load average at the "
        "start of each measurement is in the tables (1 min / 5 min)."
    )
    out.append("")
    out.append("### Payments recorded and allocated (one transaction each)")
    out.append("")
    out.append(
        "Each worker is a process with its own engine, session and unit of work; it calls "
        "`services.payments.record_payment` with one allocation of 1.00 € to an open invoice of its own parties "
        "(round-robin), in a loop, for the given time."
    )
    out.append("")
    out.append(
        "| backend | workers | companies | payments/s | median ms | p95 ms | errors | payments | seconds | load |"
    )
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for b in report.backends:
        for w in b.writes:
            out.append(
                f"| {b.backend} | {w.workers} | {w.companies} | **{w.rate:.0f}** | {_ms(w.p50)} | {_ms(w.p95)} "
                f"| {w.errors} | {w.payments} | {w.seconds:.1f} | {w.load} |"
            )
    out.append("")
    for b in report.backends:
        if b.statements_per_payment or b.statements_per_read:
            out.append(
                f"- {b.backend}: {b.statements_per_payment:.0f} SQL statements per payment through the engine, "
                f"{b.statements_per_read:.0f} per party read (BEGIN/COMMIT not counted"
                + (
                    "; a payment's set-based path sends its statements in two psycopg pipelines, which the engine "
                    "does not see)."
                    if b.backend == "postgresql"
                    else ")."
                )
            )
    out.append("")
    pg_backends = [b for b in report.backends if b.pgbench]
    if pg_backends:
        out.append("### pgbench (TPC-B-like, default script) in the same run")
        out.append("")
        out.append("| clients | seconds | pgbench TPS | latency avg ms | load | our payments/s | ours / pgbench |")
        out.append("|---:|---:|---:|---:|---|---:|---:|")
        for b in pg_backends:
            pairs = {pg.clients: (ours, ratio) for pg, ours, ratio in _ours_vs_pgbench(b)}
            for pg in b.pgbench:
                ours, ratio = pairs.get(pg.clients, (None, float("nan")))
                out.append(
                    f"| {pg.clients} | {pg.seconds:.0f} | {pg.tps:.0f} | {pg.latency_ms:.2f} | {pg.load} "
                    f"| {ours.rate if ours else float('nan'):.0f} | **{ratio:.0%}** |"
                )
        out.append("")
    out.extend(more_sections(report))
    if any(b.pages for b in report.backends):
        out.append("### Web pages a bookkeeper opens (bench/pages.py)")
        out.append("")
        out.append(
            "Each page through the ASGI application and FastAPI's test client (HTML rendered, no network), signed "
            "in as an accountant: one warm-up read, then p50 / p95 over the reads (`--page-reads`, at most 30 s "
            "a page)."
        )
        out.append("")
        rows = [markdown(b.pages, b.backend) for b in report.backends if b.pages]
        out.extend(rows[0][:2] + [row for table in rows for row in table[2:]])  # one table, one header
        out.append("")
    out.append("### Reading one party's open documents and balance")
    out.append("")
    out.append(
        "`services.queries.party_balance` (one unit of work per call) of a party drawn at random among the parties "
        "of the first population; every party has the same 50 documents, so the party's size is the same at "
        "every database size."
    )
    out.append("")
    out.append(
        "| backend | documents in the database | parties read | reads | median ms | p95 ms | p99 ms "
        "| client CPU ms (median) | server ms / buffers | open documents per read | unallocated payments per read "
        "| load |"
    )
    out.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for b in report.backends:
        for r in b.reads:
            server = f"{r.server_ms:.2f} / {r.buffers:.0f}" if r.server_ms is not None else "n/a"
            out.append(
                f"| {b.backend} | {r.documents:,} | {r.parties} | {r.reads} | {_ms(r.p50)} | **{_ms(r.p95)}** "
                f"| {_ms(r.p99)} | {_ms(r.cpu_p50)} | {server} | {r.open_documents:.1f} | {r.held_payments:.1f} "
                f"| {r.load} |"
            )
    out.append("")
    out.append(
        "Client CPU: this process's CPU time per read (Python, SQLAlchemy, the driver). Server ms / buffers "
        "(PostgreSQL): summed execution time and shared buffers (hit + read) of the read's statements under "
        "EXPLAIN (ANALYZE, BUFFERS), mean over 20 of the parties read: what the database does, whatever the load."
    )
    out.append("")
    timings = [(b.backend, n, s) for b in report.backends for n, s in b.populate_seconds.items()]
    if timings:
        out.append(
            "Bulk population (COPY on PostgreSQL, executemany on SQLite, then ANALYZE): "
            + "; ".join(f"{backend} up to {n:,} documents in {s:.0f} s" for backend, n, s in timings)
            + "."
        )
        out.append("")
    for b in report.backends:
        if b.plans:
            biggest = max(b.reads, key=lambda r: r.documents).documents if b.reads else 0
            out.append(
                f"<details><summary>PostgreSQL plans of the party read at {biggest:,} documents (the newest party)"
                "</summary>"
            )
            out.append("")
            for ms, sql, plan in sorted(b.plans, key=lambda p: -p[0]):
                out.append(f"Execution {ms:.3f} ms:")
                out.append("")
                out.append("```")
                out.append(" ".join(sql.split()))
                out.append("")
                out.append(plan)
                out.append("```")
                out.append("")
            out.append("</details>")
            out.append("")
        if b.sqlite_plans:
            out.append("<details><summary>SQLite query plans of the party read (the newest party)</summary>")
            out.append("")
            for sql, plan in b.sqlite_plans:
                out.append("```")
                out.append(" ".join(sql.split()))
                out.append(plan)
                out.append("```")
            out.append("")
            out.append("</details>")
            out.append("")
        if b.profile:
            out.append(f"<details><summary>{b.backend}: cProfile of one worker paying</summary>")
            out.append("")
            out.append("```")
            out.append(b.profile.strip())
            out.append("```")
            out.append("")
            out.append("</details>")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


HEADER = """# Benchmarks

How fast acompte records and allocates payments (through the services and through HTTP), runs full deposit cycles,
reads every read path and exports a month, on SQLite and PostgreSQL, measured by `bench/run.py`. The section
between the markers below is rewritten by each run.

"""


def write(path: Path, report: Report) -> None:
    """Replace the results section of `path` (between the markers), keeping what is written around it."""
    block = f"{BEGIN}\n{render(report)}{END}\n"
    existing = path.read_text() if path.exists() else HEADER
    if BEGIN in existing and END in existing:
        head, rest = existing.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        content = head + block + ("\n" + tail.lstrip("\n") if tail.strip() else "")
    else:
        content = existing.rstrip("\n") + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)


def now() -> datetime:
    return datetime.now(UTC)
