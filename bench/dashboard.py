"""Time the dashboard (the home page's figures, services.dashboard) at the demo's size, and on a larger company.

    .venv/bin/python bench/dashboard.py --url sqlite:////tmp/acompte-dashboard-bench.db --reset
    .venv/bin/python bench/dashboard.py --url postgresql://postgres@127.0.0.1:5432/acompte_dashboard_bench --reset \\
        --documents 2000

The demo company (`acompte demo`: its customers, orders, deposits, invoices and payments) is built through the
services; each case then reads the whole dashboard `--repeat` times and prints the median and the worst time:
the service alone, the API answer (GET /api/v1/dashboard, JSON included) and the web page (GET /, HTML
included). With `--documents N` a second company of N documents (bench/populate.py: parties of 50 documents,
half of them sale invoices, some paid, some half paid) is timed the same way, to show how the figures grow with
the documents (the aged balance and the overdue list read every open invoice).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/dashboard.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient

from acompte import bootstrap
from acompte.adapters.api import create_app
from acompte.adapters.cli.demo import build_demo
from acompte.domain.users import Role
from acompte.services import dashboard, users
from acompte.services.ports import Ctx
from bench import populate

PASSWORD = "mot de passe du banc d'essai"


@dataclass(frozen=True)
class Timing:
    label: str
    median_ms: float
    worst_ms: float


def timed(label: str, call: Callable[[], Any], repeat: int) -> Timing:
    call()  # the first call of a process compiles statements and loads templates: not what a user waits for
    seconds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - t0)
    return Timing(label, statistics.median(seconds) * 1000, max(seconds) * 1000)


def _clients(app: bootstrap.App, ctx: Ctx) -> tuple[TestClient, dict[str, str], TestClient]:
    """An API token and a signed-in browser session of a reader of the company."""
    email = f"banc-{uuid.uuid4().hex[:8]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD, name="banc")
    users.grant(app.uow(), ctx, email=email, role=Role.READ_ONLY)
    _credential, token = users.create_token(app.uow(), ctx, email=email, name="banc")
    web = create_app(app)
    api = TestClient(web)
    browser = TestClient(web, base_url="https://testserver")
    form = browser.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert csrf, "no CSRF token on /login"
    answer = browser.post(
        "/login",
        data={"csrf_token": csrf.group(1), "email": email, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return api, {"Authorization": f"Bearer {token}"}, browser


def time_company(app: bootstrap.App, ctx: Ctx, name: str, repeat: int) -> list[Timing]:
    api, headers, browser = _clients(app, ctx)

    def api_call() -> None:
        assert api.get("/api/v1/dashboard", headers=headers).status_code == 200

    def page_call() -> None:
        assert browser.get("/", follow_redirects=False).status_code == 200

    return [
        timed(f"{name}: services.dashboard", lambda: dashboard.dashboard(app.uow(), ctx), repeat),
        timed(f"{name}: GET /api/v1/dashboard", api_call, repeat),
        timed(f"{name}: GET / (web page)", page_call, repeat),
    ]


def main(argv: list[str] | None = None) -> list[Timing]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--documents", type=int, default=0, help="also a company of this many documents")
    parser.add_argument("--reset", action="store_true", help="empty the database first (name must contain 'bench')")
    args = parser.parse_args(argv)
    if args.reset:
        from bench.run import reset

        reset(args.url)
    app = bootstrap.build(args.url, pool_size=2)
    demo = Ctx(build_demo(app.uow()), actor="bench")
    timings = time_company(app, demo, "demo", args.repeat)
    if args.documents:
        parties, rest = divmod(args.documents, populate.PARTY_DOCUMENTS)
        if rest or not parties:
            raise SystemExit(f"--documents must be a multiple of {populate.PARTY_DOCUMENTS}")
        [company] = populate.create_companies(app.uow, [f"Tableau {int(time.time()) % 100_000}"])
        populate.populate_parties(app.engine, company, parties, year=date.today().year - 1)
        populate.analyze(app.engine)
        label = f"{company.documents:,} documents"
        timings += time_company(app, Ctx(company.id, actor="bench"), label, max(3, args.repeat // 4))
    print(f"{app.engine.dialect.name}, median and worst of {args.repeat} reads after one warm-up read")
    width = max(len(t.label) for t in timings)
    print(f"{'case':<{width}}  {'median ms':>10}  {'worst ms':>9}")
    for t in timings:
        print(f"{t.label:<{width}}  {t.median_ms:>10.1f}  {t.worst_ms:>9.1f}")
    app.close()
    return timings


if __name__ == "__main__":
    main()
