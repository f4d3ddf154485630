"""The « Against the targets » table of a run: each target, its figure, pgbench's figure beside it, the load at
the start of the measurement, and whether it is met. Every figure comes from the same run."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bench.measure import PgbenchResult, WriteResult
from bench.read_paths import WHOLE_COMPANY, PathsAtSize
from bench.reads import Timing

if TYPE_CHECKING:
    from bench.report import BackendReport, Report

PG_WRITE_TARGET = 0.50  # of pgbench's TPS: a payment recorded and allocated at half a TPC-B transaction's cost
HTTP_TARGET = 0.70  # of the service layer's rate with as many clients
CYCLES_TARGET = 100.0  # full deposit cycles per second, one client
READ_P95_TARGET_MS = 50.0  # a page or one party
WHOLE_AGED_TARGET_MS = 1000.0
EXPORT_TARGET_MS = 10_000.0  # posting a month of 10 000 documents and writing the FEC
GROWTH_LIMIT = 1.5  # p95 at the large size over p95 at the small size; above it, call it growth (noise is ~±30 %)
BUFFER_GROWTH_LIMIT = 2.0  # PostgreSQL buffers per read: +1 per index lookup for one more B-tree level is < 2×
PARAMS_LIMIT = 1000  # bind parameters of one statement: a fixed-size statement needs far fewer
MEMORY_GROWTH_LIMIT = 1.10  # the workers' RSS after all the requests over after the first ones

HEADER = ["| target | figure | pgbench, same run | load | met |", "|---|---|---|---|---|"]


def _met(ok: bool, why: str = "") -> str:
    return "yes" if ok else "**no**" + (f": {why}" if why else "")


def _pgbench(report: Report, clients: int = 1) -> PgbenchResult | None:
    return next((pg for b in report.backends for pg in b.pgbench if pg.clients == clients), None)


def _pg_text(pg: PgbenchResult | None, reference: bool = True) -> str:
    if pg is None:
        return "not run"
    return f"{pg.tps:.0f} TPS ({pg.clients} client{'s' if pg.clients > 1 else ''}{', reference' if reference else ''})"


def service_rate(b: BackendReport, clients: int) -> WriteResult | None:
    """The service-layer measurement with `clients` workers in one company (the one pgbench is compared to)."""
    return next((w for w in b.writes if w.workers == clients and w.companies == 1), None)


def _paths(b: BackendReport) -> tuple[PathsAtSize, PathsAtSize] | None:
    if len(b.paths) < 2:
        return None
    return min(b.paths, key=lambda p: p.documents), max(b.paths, key=lambda p: p.documents)


def _failed(timings: list[Timing]) -> list[str]:
    return [t.label for t in timings if t.error]


def write_rows(report: Report, b: BackendReport) -> list[str]:
    rows = []
    for clients in (1, 2):
        pg, ours = _pgbench(report, clients), service_rate(b, clients)
        if pg is None or ours is None:
            continue
        ratio = ours.rate / pg.tps
        rows.append(
            f"| {b.backend}: record + allocate a payment through the service layer, {clients} client(s), "
            f"≥ {PG_WRITE_TARGET:.0%} of pgbench's TPS | {ours.rate:.0f}/s = **{ratio:.0%}** "
            f"| {_pg_text(pg, False)} | {ours.load} | {_met(ratio >= PG_WRITE_TARGET)} |"
        )
    for h in b.http:
        ours = service_rate(b, h.clients)
        if ours is None or not ours.rate:
            continue
        ratio = h.rate / ours.rate
        rows.append(
            f"| {b.backend}: `POST /api/v1/payments` (`acompte serve --workers 2`), {h.clients} client(s), "
            f"≥ {HTTP_TARGET:.0%} of the service layer's {ours.rate:.0f}/s | {h.rate:.0f}/s = **{ratio:.0%}** "
            f"(errors {h.errors}) | {_pg_text(_pgbench(report, h.clients), False)} | {h.load} "
            f"| {_met(ratio >= HTTP_TARGET and not h.errors)} |"
        )
    if b.cycles is not None and b.backend == "postgresql":
        c = b.cycles
        rows.append(
            f"| {b.backend}: full deposit cycles, one client, ≥ {CYCLES_TARGET:.0f}/s | **{c.rate:.1f}/s** "
            f"({c.cycles} in {c.seconds:.0f} s, median {c.p50:.0f} ms a cycle, errors {c.errors}; PDFs rendered "
            f"after commit by the file worker, apart: {c.render_rate:.2f}/s) "
            f"| {_pg_text(_pgbench(report))} | {c.load} | {_met(c.rate >= CYCLES_TARGET and not c.errors)} |"
        )
    return rows


def read_rows(report: Report, b: BackendReport) -> list[str]:
    pair = _paths(b)
    if pair is None:
        return []
    small, large = pair
    ref = _pg_text(_pgbench(report))
    per_page = [t for t in large.timings if t.label not in WHOLE_COMPANY]
    slow = [t for t in per_page if t.error or t.p95_ms >= READ_P95_TARGET_MS]
    stopped = [t for t in per_page if t.error]
    slowest = max(per_page, key=lambda t: t.p95_ms)
    figure = f"slowest: {slowest.label} **{slowest.p95_ms:.0f} ms**" + (
        f", and {len(stopped)} stopped ({stopped[0].error})" if stopped else ""
    )
    size = f"{large.documents:,} documents ({large.company_documents:,} in the company)"
    rows = [
        f"| {b.backend}: every read path, p95 < {READ_P95_TARGET_MS:.0f} ms for a page or one party, at {size} "
        f"| {figure}; {len(slow)} of {len(per_page)} over | {ref} | {large.load} "
        f"| {_met(not slow, ', '.join(t.label + (' (stopped)' if t.error else '') for t in slow))} |"
    ]
    whole = next((t for t in large.timings if t.label in WHOLE_COMPANY), None)
    if whole is not None:
        figure = whole.error or f"**{whole.p95_ms:.0f} ms** (p95 of {whole.calls})"
        rows.append(
            f"| {b.backend}: the whole company's aged balance < {WHOLE_AGED_TARGET_MS / 1000:.0f} s at {size} "
            f"| {figure} | {ref} | {large.load} "
            f"| {_met(not whole.error and whole.p95_ms < WHOLE_AGED_TARGET_MS, whole.error)} |"
        )
    by_label = {t.label: t for t in small.timings}
    ratios = [
        (t.label, t.p95_ms / by_label[t.label].p95_ms)
        for t in large.timings
        if t.label in by_label and t.label not in WHOLE_COMPANY and not t.error and by_label[t.label].p95_ms
    ]
    grown = [f"{label} ×{r:.1f}" for label, r in ratios if r >= GROWTH_LIMIT]
    grown += [
        f"{t.label} stopped"
        for t in large.timings
        if t.error and t.label not in WHOLE_COMPANY and t.label in by_label and not by_label[t.label].error
    ]
    worst = max(ratios, key=lambda r: r[1], default=("-", float("nan")))
    rows.append(
        f"| {b.backend}: every read path flat from {small.documents:,} to {large.documents:,} documents (p95 "
        f"ratio < {GROWTH_LIMIT}, whole-company aged balance apart) | worst: {worst[0]} **×{worst[1]:.2f}**; "
        f"{len(grown)} grow | {ref} | {large.load} | {_met(not grown, ', '.join(grown))} |"
    )
    rows.extend(_export_rows(b, ref))
    rows.append(_params_row(b, small, large, ref))
    return rows


def _export_rows(b: BackendReport, ref: str) -> list[str]:
    rows = []
    done = {e.documents: e for e in b.exports}
    for e in b.exports:
        total = e.post_and_fec_ms
        figure = f"**{total / 1000:.1f} s**" if total is not None else f"not measured: {e.error or 'failed'}"
        rows.append(
            f"| {b.backend}: post {e.month:%B %Y} ({e.month_documents:,} documents) and write the FEC < "
            f"{EXPORT_TARGET_MS / 1000:.0f} s, at {e.documents:,} documents | {figure} | {ref} | {e.load} "
            f"| {_met(total is not None and total < EXPORT_TARGET_MS)} |"
        )
    if len(done) >= 2:
        small, large = done[min(done)], done[max(done)]
        a, z = small.post_and_fec_ms, large.post_and_fec_ms
        ok = a is not None and z is not None and z / a < GROWTH_LIMIT
        figure = f"×{z / a:.2f}" if a and z is not None else "not measured at both sizes"
        rows.append(
            f"| {b.backend}: the export of a month flat from {small.documents:,} to {large.documents:,} documents "
            f"| {figure} | {ref} | {large.load} | {_met(ok)} |"
        )
    return rows


def _params_row(b: BackendReport, small: PathsAtSize, large: PathsAtSize, ref: str) -> str:
    def most(timings: list[Timing], key: Callable[[Timing], str]) -> dict[str, int]:
        return {key(t): t.max_params for t in timings}

    label = lambda t: t.label if not t.label.startswith("export: post") else "export: post a month"  # noqa: E731
    before = most(small.timings + [t for e in b.exports[:1] for t in e.timings], label)
    after = most(large.timings + [t for e in b.exports[1:] for t in e.timings], label)
    grown = [f"{k} {before[k]} → {n}" for k, n in after.items() if k in before and n > before[k]]
    huge = [f"{k} {n}" for k, n in after.items() if n >= PARAMS_LIMIT]
    top = max(after.items(), key=lambda kv: kv[1], default=("-", 0))
    return (
        f"| {b.backend}: no statement whose bind-parameter count grows with the data (none more at "
        f"{large.documents:,} than at {small.documents:,} documents, none ≥ {PARAMS_LIMIT}) | largest: {top[0]} "
        f"**{top[1]}** | {ref} | {large.load} | {_met(not grown and not huge, ', '.join(grown + huge))} |"
    )


def memory_rows(report: Report, b: BackendReport) -> list[str]:
    m = b.memory
    if m is None or len(m.samples) < 2:
        return []
    first, last = m.samples[0], m.samples[-1]
    ok = m.growth < MEMORY_GROWTH_LIMIT and not m.errors and set(first.rss_kb) == set(last.rss_kb)
    short = last.requests < m.planned
    why = f"only {last.requests:,} of the {m.planned:,} requests sent within the time bound" if short else ""
    return [
        f"| {b.backend}: memory of `acompte serve --workers {m.serve_workers}` flat after {m.planned:,} "
        f"requests (workers' RSS grows < {MEMORY_GROWTH_LIMIT - 1:.0%} from request {first.requests:,} to the "
        f"last) | {first.total_kb / 1024:.0f} MiB → {last.total_kb / 1024:.0f} MiB after {last.requests:,} = "
        f"**×{m.growth:.3f}** (errors {m.errors}) | {_pg_text(_pgbench(report))} | {last.load} "
        f"| {_met(ok and not short, why)} |"
    ]


def page_rows(report: Report, b: BackendReport) -> list[str]:
    rows = []
    for company in dict.fromkeys(t.company for t in b.pages):
        timed = [t for t in b.pages if t.company == company]
        slowest = max(timed, key=lambda t: t.p95_ms)
        missed = [t.page for t in timed if not t.met]
        rows.append(
            f"| {b.backend}: every web page p95 < {slowest.target_ms:.0f} ms ({company}) | slowest: "
            f"{slowest.page} {slowest.p95_ms:.0f} ms | {_pg_text(_pgbench(report))} | — "
            f"| {'yes' if not missed else '**no**: ' + ', '.join(missed)} |"
        )
    return rows


def lines(report: Report) -> list[str]:
    out = list(HEADER)
    for b in report.backends:
        for rows in (write_rows, party_rows, read_rows, memory_rows, page_rows):
            out.extend(rows(report, b))
    return out


def party_rows(report: Report, b: BackendReport) -> list[str]:
    """The repeated party reads (many more than the read paths' own): p95 and whether their cost grows."""
    if not b.reads:
        return []
    ref = _pg_text(_pgbench(report))
    largest = max(r.documents for r in b.reads)
    big = max((r for r in b.reads if r.documents == largest), key=lambda r: r.p95)  # the worse one
    small = min(b.reads, key=lambda r: r.documents)
    rows = [
        f"| {b.backend}: one party's open documents and balance, p95 < {READ_P95_TARGET_MS:.0f} ms at "
        f"{big.documents:,} documents ({big.reads} reads, worse of both party sets) | **{big.p95:.2f} ms** | {ref} "
        f"| {big.load} | {_met(big.p95 < READ_P95_TARGET_MS)} |"
    ]
    if big.documents != small.documents:
        growth = big.p95 / small.p95 if small.p95 else float("nan")
        measured = f"p95 ×{growth:.2f}, median ×{big.p50 / small.p50:.2f}"
        limit = GROWTH_LIMIT
        if big.buffers and small.buffers and big.server_ms and small.server_ms:
            # Deterministic, unlike times on a shared machine: judge by the buffers the database touches. An
            # index lookup may go one B-tree level deeper (log n); a cost that followed the database would grow
            # with it (×100 here).
            growth, limit = big.buffers / small.buffers, BUFFER_GROWTH_LIMIT
            server = big.server_ms / small.server_ms
            measured = f"buffers ×{growth:.2f} (deeper B-trees), server time ×{server:.2f}; " + measured
        rows.append(
            f"| {b.backend}: that read's cost does not grow with the database ({small.documents:,} → "
            f"{big.documents:,} documents) | {measured} | {ref} | {big.load} | {_met(growth < limit)} |"
        )
    return rows
