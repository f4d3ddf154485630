"""Time the pages a bookkeeper opens every day through the real ASGI application, signed in as an accountant.

    .venv/bin/python bench/pages.py --url sqlite:////tmp/acompte-pages-bench.db --reset --documents 100000
    .venv/bin/python bench/pages.py --url postgresql://postgres@127.0.0.1:5432/acompte_pages_bench --reset \\
        --documents 100000
    .venv/bin/python bench/run.py --pages ...   # the same pages in run.py's largest company, into its report

Two companies: the demo (`acompte demo`, built through the services) and, with `--documents N`, a company of N
documents (bench/populate.py: parties of 50 documents, half of them sale invoices, some paid, some half paid).
Each page of PAGES is read through FastAPI's test client (HTML rendered, no network) once to warm up, then
`--repeat` times or until `--budget` seconds are spent on it (three reads at least); a page whose warm-up read
alone takes longer than the budget is reported from that one read. Targets: p95 < 300 ms at the demo's size,
< 1 s at 100 000 documents. `--profile` prints a cProfile of one read of the page that missed its target by
most (`--profile NAME`: of that page, in the company where it is slowest); `--only NAME,…` times those pages only.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/pages.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import fastapi.routing
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from acompte import bootstrap
from acompte.adapters.api import create_app
from acompte.domain.users import Role
from acompte.services import users
from acompte.services.ports import Ctx
from bench import populate
from bench.measure import recording

PASSWORD = "mot de passe du banc d'essai"
DEMO_TARGET_MS = 300.0
LARGE_TARGET_MS = 1000.0

#: The pages timed: (name, address with {party}, {invoice} and {order} to fill).
PAGES: tuple[tuple[str, str], ...] = (
    ("home (dashboard)", "/"),
    ("sale invoices", "/documents?flow=sale&kind=invoice"),
    ("sale invoices, status unpaid", "/documents?flow=sale&kind=invoice&status=unpaid"),
    ("one invoice", "/documents/{invoice}"),
    ("party account", "/contacts/{party}/account"),
    ("statement", "/contacts/{party}/statement"),
    ("aged balance", "/accounting/aged-balance?flow=sale"),
    ("settle form", "/settle?party_id={party}&flow=sale"),
    ("payments", "/payments"),
    # The other pages a bookkeeper's day walks through (tests/browser/test_day_walk.py).
    ("draft documents", "/documents?state=draft"),
    # What a list page loads after it is shown (htmx): the count and the totals of every filtered row.
    ("sale invoices: count and totals", "/documents/totals?flow=sale&kind=invoice"),
    ("sale invoices, status unpaid: count and totals", "/documents/totals?flow=sale&kind=invoice&status=unpaid"),
    ("new order form", "/documents/new?flow=sale&kind=order"),
    ("one order", "/documents/{order}"),
    ("deposit form", "/documents/{order}/deposit"),
    ("deposit invoice form", "/documents/{order}/deposit-invoice"),
    ("invoice deposits tab", "/documents/{invoice}?tab=deposits"),
    ("credit note form", "/documents/{invoice}/credit-note"),
    ("contact", "/contacts/{party}"),
    ("statement PDF", "/contacts/{party}/statement/pdf"),
)


@dataclass(frozen=True)
class PageTiming:
    company: str  # "demo" or "100,000 documents"
    documents: int  # in the company
    page: str
    path: str
    requests: int
    p50_ms: float
    p95_ms: float
    worst_ms: float
    cpu_p50_ms: float  # this process's CPU per read (median): the work, less the waiting for a busy machine
    status: int  # of the last read (503: the request deadline stopped it)
    statements: int  # SQL statements sent for one read, the session's check included
    target_ms: float

    @property
    def met(self) -> bool:
        return self.status == 200 and self.p95_ms < self.target_ms


def p95(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


@contextmanager
def signed_in(app: bootstrap.App, ctx: Ctx, web: FastAPI, role: Role = Role.ACCOUNTANT) -> Iterator[TestClient]:
    """A browser session of a new user of the company, signed in through the login form (CSRF included), on the
    application started as a server starts it (its lifespan: the heap settled, the PDF renderer loaded)."""
    email = f"pages-{uuid.uuid4().hex[:8]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD, name="banc")
    users.grant(app.uow(), ctx, email=email, role=role)
    # A page past the request deadline is answered 503 and measured as such; its worker thread's late error
    # is logged by the application, not raised here.
    with TestClient(web, base_url="https://testserver", raise_server_exceptions=False) as browser:
        yield _login(browser, email)


def _login(browser: TestClient, email: str) -> TestClient:
    form = browser.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert csrf, "no CSRF token on /login"
    answer = browser.post(
        "/login",
        data={"csrf_token": csrf.group(1), "email": email, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return browser


def probes(app: bootstrap.App, company_id: int) -> dict[str, int]:
    """The party a bookkeeper opens: the customer with the most validated sale invoices; its newest one; and its
    newest validated order (or the company's, if it has none)."""
    with app.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT party_id, max(id) FROM documents WHERE company_id = :c AND flow = 'sale' AND kind = 'invoice'"
                " AND state = 'validated' GROUP BY party_id ORDER BY count(*) DESC, party_id LIMIT 1"
            ),
            {"c": company_id},
        ).one()
        order = (
            conn.execute(
                text(
                    "SELECT max(id) FROM documents WHERE company_id = :c AND flow = 'sale' AND kind = 'order'"
                    " AND state = 'validated' AND party_id = :p"
                ),
                {"c": company_id, "p": row[0]},
            ).scalar()
            or conn.execute(
                text(
                    "SELECT max(id) FROM documents WHERE company_id = :c AND flow = 'sale' AND kind = 'order'"
                    " AND state = 'validated'"
                ),
                {"c": company_id},
            ).scalar()
        )
    assert order is not None, "no validated sale order to open"
    return {"party": int(row[0]), "invoice": int(row[1]), "order": int(order)}


@dataclass(frozen=True)
class Reads:
    seconds: list[float]  # wall time of each read
    cpu: list[float]  # this process's CPU time of each read: the application's work, whatever the machine's load
    status: int  # of the last read
    statements: int  # SQL statements of the warm-up read (each a round trip to the database)


def read_page(engine: Engine, browser: TestClient, path: str, repeat: int, budget: float) -> Reads:
    """The reads after one warm-up read (the first read of a process compiles statements and templates); a
    warm-up read longer than `budget` is the only one."""

    def once() -> tuple[float, float, int]:
        t0, c0 = time.perf_counter(), time.process_time()
        status = browser.get(path, follow_redirects=False).status_code
        return time.perf_counter() - t0, time.process_time() - c0, status

    with recording(engine) as sent:
        first, cpu, status = once()
    if first > budget or status != 200:
        return Reads([first], [cpu], status, len(sent))
    seconds: list[float] = []
    cpus: list[float] = []
    started = time.perf_counter()
    while len(seconds) < repeat and (len(seconds) < 3 or time.perf_counter() - started < budget):
        spent, cpu, status = once()
        seconds.append(spent)
        cpus.append(cpu)
        if status != 200:
            break
    return Reads(seconds, cpus, status, len(sent))


def time_pages(
    app: bootstrap.App,
    ctx: Ctx,
    company: str,
    documents: int,
    target_ms: float,
    *,
    repeat: int = 20,
    budget: float = 30.0,
    log: Callable[[str], None] = print,
    only: frozenset[str] = frozenset(),
) -> list[PageTiming]:
    web = create_app(app)
    where = probes(app, ctx.company_id)
    result = []
    with signed_in(app, ctx, web) as browser:
        for name, template in PAGES:
            if only and name not in only:
                continue
            result.append(
                _time_page(
                    app,
                    browser,
                    company,
                    documents,
                    target_ms,
                    name,
                    template.format(**where),
                    repeat=repeat,
                    budget=budget,
                    log=log,
                )
            )
    return result


def _time_page(
    app: bootstrap.App,
    browser: TestClient,
    company: str,
    documents: int,
    target_ms: float,
    name: str,
    path: str,
    *,
    repeat: int,
    budget: float,
    log: Callable[[str], None],
) -> PageTiming:
    reads = read_page(app.engine, browser, path, repeat, budget)
    ms = [s * 1000 for s in reads.seconds]
    timing = PageTiming(
        company=company,
        documents=documents,
        page=name,
        path=path,
        requests=len(ms),
        p50_ms=statistics.median(ms),
        p95_ms=p95(ms),
        worst_ms=max(ms),
        cpu_p50_ms=statistics.median(reads.cpu) * 1000,
        status=reads.status,
        statements=reads.statements,
        target_ms=target_ms,
    )
    log(f"{company}: {name}: p50 {timing.p50_ms:.0f} ms, p95 {timing.p95_ms:.0f} ms over {len(ms)} ({reads.status})")
    return timing


@contextmanager
def _profiling() -> Iterator[cProfile.Profile]:
    """cProfile around the page's endpoint. FastAPI runs a plain `def` endpoint in a worker thread, which a
    profiler started in this thread would not see: its hand-off to the thread pool is wrapped instead. The
    endpoint renders the page, so the template is in the profile; the session checks (dependencies) are not."""
    profiler = cProfile.Profile()
    original = getattr(fastapi.routing, "run_in_threadpool")  # noqa: B009 (not re-exported: typed by hand)

    async def profiled(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await original(profiler.runcall, func, *args, **kwargs)

    setattr(fastapi.routing, "run_in_threadpool", profiled)  # noqa: B010
    try:
        yield profiler
    finally:
        setattr(fastapi.routing, "run_in_threadpool", original)  # noqa: B010


def profile_page(app: bootstrap.App, ctx: Ctx, timing: PageTiming, lines: int = 30) -> str:
    """One read of the page under cProfile: the functions that took the most time, callees included."""
    web = create_app(app)
    with signed_in(app, ctx, web) as browser, _profiling() as profiler:
        browser.get(timing.path, follow_redirects=False)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


def worst(timings: list[PageTiming]) -> PageTiming:
    return max(timings, key=lambda t: t.p95_ms / t.target_ms)


def markdown(timings: list[PageTiming], backend: str) -> list[str]:
    lines = [
        "| backend | company | page | reads | p50 ms | p95 ms | worst ms | CPU ms (p50) | SQL statements | target "
        "| met |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for t in timings:
        met = "yes" if t.met else ("**no** (503: stopped by the request deadline)" if t.status == 503 else "**no**")
        lines.append(
            f"| {backend} | {t.company} | {t.page} | {t.requests} | {t.p50_ms:.0f} | **{t.p95_ms:.0f}** "
            f"| {t.worst_ms:.0f} | {t.cpu_p50_ms:.0f} | {t.statements} | < {t.target_ms:.0f} ms | {met} |"
        )
    return lines


def demo_company(app: bootstrap.App) -> tuple[Ctx, int]:
    """The demo company (`acompte demo`, built through the services) and its number of documents."""
    from acompte.adapters.cli.demo import build_demo

    demo = Ctx(build_demo(app.uow()), actor="bench")
    with app.engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM documents WHERE company_id = :c"), {"c": demo.company_id})
        return demo, int(count.scalar_one())


def measure(
    app: bootstrap.App,
    large: tuple[Ctx, int] | None,
    *,
    repeat: int = 20,
    budget: float = 30.0,
    log: Callable[[str], None] = print,
    only: frozenset[str] = frozenset(),
) -> tuple[list[PageTiming], dict[str, Ctx]]:
    """The pages of the demo company (target 300 ms) and of `large`, a company and its documents (target 1 s)."""
    demo, count = demo_company(app)
    companies = [(demo, "demo", count, DEMO_TARGET_MS)]
    if large is not None:
        ctx, documents = large
        companies.append((ctx, f"{documents:,} documents", documents, LARGE_TARGET_MS))
    timings: list[PageTiming] = []
    for ctx, label, documents, target in companies:
        timings += time_pages(app, ctx, label, documents, target, repeat=repeat, budget=budget, log=log, only=only)
    return timings, {label: ctx for ctx, label, _n, _t in companies}


def page_names(listed: str) -> frozenset[str]:
    """The names of a comma-separated list, where a name may hold a comma itself (« sale invoices, status
    unpaid »): at each piece, the longest run of pieces that makes a known name is taken."""
    known = {name for name, _path in PAGES}
    pieces = [p.strip() for p in listed.split(",") if p.strip()]
    names, i = set(), 0
    while i < len(pieces):
        end = next((j for j in range(len(pieces), i, -1) if ", ".join(pieces[i:j]) in known), i + 1)
        names.add(", ".join(pieces[i:end]))
        i = end
    return frozenset(names)


def main(argv: list[str] | None = None) -> list[PageTiming]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--documents", type=int, default=0, help="also a company of this many documents")
    parser.add_argument("--company", type=int, default=0, help="or that company, populated by an earlier run")
    parser.add_argument("--repeat", type=int, default=20, help="reads per page after the warm-up read")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds spent reading one page, at most")
    parser.add_argument("--profile", nargs="?", const="", default=None, help="cProfile one read of this page")
    parser.add_argument("--only", default="", help="comma-separated page names (default: every page)")
    parser.add_argument("--reset", action="store_true", help="empty the database first (name must contain 'bench')")
    args = parser.parse_args(argv)
    from bench.run import ensure_database, reset

    ensure_database(args.url)
    if args.reset:
        reset(args.url)
    app = bootstrap.build(args.url, pool_size=2)
    backend = app.engine.dialect.name
    large = None
    if args.documents:
        parties, rest = divmod(args.documents, populate.PARTY_DOCUMENTS)
        if rest or not parties:
            raise SystemExit(f"--documents must be a multiple of {populate.PARTY_DOCUMENTS}")
        t0 = time.perf_counter()
        [company] = populate.create_companies(app.uow, [f"Pages {int(time.time()) % 100_000}"])
        populate.populate_parties(app.engine, company, parties, year=date.today().year - 1)
        populate.analyze(app.engine)
        print(f"{backend}: {company.documents:,} documents populated in {time.perf_counter() - t0:.0f} s")
        large = (Ctx(company.id, actor="bench"), company.documents)
    elif args.company:
        with app.engine.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM documents WHERE company_id = :c"), {"c": args.company})
            large = (Ctx(args.company, actor="bench"), int(count.scalar_one()))
    only = page_names(args.only)
    unknown = only - {name for name, _path in PAGES}
    if unknown:
        raise SystemExit(f"unknown pages: {', '.join(sorted(unknown))}")
    timings, contexts = measure(app, large, repeat=args.repeat, budget=args.budget, only=only)
    print(f"\n{backend}: p50 / p95 over the reads after one warm-up read, {args.repeat} reads or {args.budget:.0f} s")
    print("\n".join(markdown(timings, backend)))
    if args.profile is not None:
        missed = worst([t for t in timings if t.page == args.profile] if args.profile else timings)
        print(f"\ncProfile of one read of {missed.path} ({missed.company}):\n")
        print(profile_page(app, contexts[missed.company], missed))
    app.close()
    return timings


if __name__ == "__main__":
    main()
