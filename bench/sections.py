"""The report's sections on HTTP payments, deposit cycles, the read paths, the exports and the server's memory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.read_paths import WHOLE_COMPANY
from bench.reads import Timing
from bench.targets import service_rate

if TYPE_CHECKING:
    from bench.report import BackendReport, Report


def _http(backends: list[BackendReport]) -> list[str]:
    out = [
        "### Payments through HTTP (`POST /api/v1/payments`)",
        "",
        "A real `acompte serve --workers 2` on a free port, against the same database; each client is a process "
        "with one keep-alive connection and an admin API token, and pays 1.00 € to an open invoice of its own "
        "parties (round-robin) for as long as the service-layer measurement: the same unit of work, plus HTTP, "
        "JSON, authentication and the answer's body.",
        "",
        "| backend | clients | payments/s | service layer, same clients | HTTP / service | median ms | p95 ms "
        "| answers | load |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for b in backends:
        for h in b.http:
            ours = service_rate(b, h.clients)
            rate = ours.rate if ours else float("nan")
            answers = ", ".join(f"{status}: {n}" for status, n in sorted(h.statuses.items()))
            out.append(
                f"| {b.backend} | {h.clients} | **{h.rate:.0f}** | {rate:.0f} | {h.rate / rate:.0%} | {h.p50:.2f} "
                f"| {h.p95:.2f} | {answers} | {h.load} |"
            )
    return [*out, ""]


def _cycles(backends: list[BackendReport]) -> list[str]:
    out = [
        "### Full deposit cycles (bench/deposit_cycle.py)",
        "",
        "One client in this process, through the services: create and validate an order of 1 200.00 €; create "
        "and issue a 30 % deposit invoice; record its payment; create the final invoice from the order (the "
        "deposit deducted at once) and validate it; record the payment of the 840.00 € left. Eight transactions "
        "a cycle; issuing the deposit invoice and validating the final invoice freeze what their PDF shows and "
        "record it due: the cycle does not include rendering it. The file worker's pass over the PDFs the cycles "
        "left due follows, timed apart (documents rendered and stored per second, one at a time).",
        "",
        "| backend | cycles/s | cycles | seconds | median ms | p95 ms | errors | file worker: PDFs/s | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for b in backends:
        if c := b.cycles:
            error = f" ({c.first_error})" if c.first_error else ""
            rendered = f"{c.render_rate:.2f} ({c.rendered} in {c.render_seconds:.0f} s)" if c.render_seconds else "-"
            out.append(
                f"| {b.backend} | **{c.rate:.1f}** | {c.cycles} | {c.seconds:.1f} | {c.p50:.0f} | {c.p95:.0f} "
                f"| {c.errors}{error} | {rendered} | {c.load} |"
            )
    return [*out, ""]


def _paths(backends: list[BackendReport]) -> list[str]:
    out = [
        "### Every read path of the API and the web pages (bench/reads.py's cases)",
        "",
        "All in the one company that holds the database's documents (parties of 50 documents each; the payment "
        "benchmarks' companies come later). Each read path in its own unit of work, after one read not timed; p95 "
        "over the reads (at most 20, fewer once they have taken 3 s); a read still running after 5 s is stopped by "
        "a request's deadline and reported so. Params: the most bind parameters one of its statements sent.",
        "",
        "| backend | read path | p95 ms, small | p95 ms, large | large / small | median ms, large | reads, large "
        "| statements | params small → large |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for b in backends:
        if len(b.paths) < 2:
            continue
        small, large = min(b.paths, key=lambda p: p.documents), max(b.paths, key=lambda p: p.documents)
        before = {t.label: t for t in small.timings}
        for t in large.timings:
            s = before.get(t.label)
            if t.error or (s and s.error):
                out.append(f"| {b.backend} | {t.label} | failed: {(s.error if s else '') or t.error} | | | | | | |")
                continue
            ratio = f"×{t.p95_ms / s.p95_ms:.2f}" if s and s.p95_ms else "-"
            if t.label in WHOLE_COMPANY:
                ratio += " (whole company)"
            out.append(
                f"| {b.backend} | {t.label} | {s.p95_ms if s else float('nan'):.1f} | **{t.p95_ms:.1f}** | {ratio} "
                f"| {t.median_ms:.1f} | {t.calls} | {t.statements} | {s.max_params if s else '-'} → {t.max_params} |"
            )
        out.append(
            f"| {b.backend} | *(sizes and load)* | {small.documents:,} documents, load {small.load} "
            f"| {large.documents:,} documents, load {large.load} | | | | | |"
        )
    return [*out, ""]


def ms(t: Timing | None) -> str:
    return "-" if t is None else (t.error or f"{t.median_ms:.0f}")


def _exports(backends: list[BackendReport]) -> list[str]:
    out = [
        "### Export of a month (bench/reads.py `export_month`)",
        "",
        "The month holds the same number of documents at both sizes (issued over its days, with their payments): "
        "`run_export` posts it, then the FEC of the financial year is written and the run's journal entries "
        "read. In a child process stopped at the deadline, if need be (its transaction then rolls back).",
        "",
        "| backend | documents in the database | month | post ms | FEC ms | journal entries ms | statements (post) "
        "| params (post) | load |",
        "|---|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for b in backends:
        for e in b.exports:
            if e.error and not e.timings:
                out.append(f"| {b.backend} | {e.documents:,} | {e.month:%B %Y} | {e.error} | | | | | {e.load} |")
                continue
            by = {t.label.split(" ")[1] if t.label.startswith("export") else "journal": t for t in e.timings}
            post, fec, journal = by.get("post"), by.get("FEC"), by.get("journal")

            out.append(
                f"| {b.backend} | {e.documents:,} | {e.month:%B %Y} | **{ms(post)}** | {ms(fec)} | {ms(journal)} "
                f"| {post.statements if post else '-'} | {post.max_params if post else '-'} | {e.load} |"
            )
    return [*out, ""]


def _memory(backends: list[BackendReport]) -> list[str]:
    out = [
        "### Memory of `acompte serve`",
        "",
        "Four client processes send requests mixing reads and writes (of every four: a party's account, a page of "
        "its invoices, a page of its payments, a payment) to the server of the HTTP measurement; the resident "
        "memory (VmRSS in /proc/<pid>/status) of each of its worker processes is read after the first requests "
        "and then every 1 000. Flat: the workers' total grows by less than 10 % between the two samples (the "
        "first requests warm the caches; a leak grows with the requests).",
        "",
        "| backend | after requests | RSS per worker (MiB) | total MiB | answers | load |",
        "|---|---:|---|---:|---|---|",
    ]
    for b in backends:
        if (m := b.memory) is None:
            continue
        answers = ", ".join(f"{status}: {n}" for status, n in sorted(m.statuses.items()))
        for sample in m.samples:
            workers = ", ".join(f"{pid}: {kb / 1024:.0f}" for pid, kb in sorted(sample.rss_kb.items()))
            out.append(
                f"| {b.backend} | {sample.requests:,} | {workers} | **{sample.total_kb / 1024:.0f}** | {answers} "
                f"| {sample.load} |"
            )
        out.append(f"| {b.backend} | | growth ×{m.growth:.3f} in {m.seconds:.0f} s | | | |")
    return [*out, ""]


def more_sections(report: Report) -> list[str]:
    out: list[str] = []
    backends = report.backends
    if any(b.http for b in backends):
        out += _http(backends)
    if any(b.cycles for b in backends):
        out += _cycles(backends)
    if any(len(b.paths) >= 2 for b in backends):
        out += _paths(backends)
    if any(b.exports for b in backends):
        out += _exports(backends)
    if any(b.memory for b in backends):
        out += _memory(backends)
    return out
