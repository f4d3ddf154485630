"""`acompte serve`: the web application and the API (uvicorn), on a database created or migrated at start.

With `--workers N` (N > 1) uvicorn starts N processes; each builds its own application and engine from the
environment through the factory `FACTORY` (the parent has migrated the database and printed any demo login
once). Behind a reverse proxy, `--forwarded-allow-ips` names the proxies whose X-Forwarded-* headers are
trusted (uvicorn's default: 127.0.0.1).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from typing import Any

from acompte import bootstrap
from acompte.adapters.cli.demo import build_demo
from acompte.domain.users import Role
from acompte.services import users
from acompte.services.ports import Ctx

DEMO_EMAIL = "demo@acompte.example"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    company_id: int
    email: str
    password: str
    token: str


def demo_login(application: bootstrap.App) -> DemoLogin:
    """Build the demo company, and a demo user (admin there) with a fresh password and API token.

    The password is random at each run (printed once): a demo started on a reachable address is not an open
    door with a well-known password.
    """
    company_id = build_demo(application.uow())
    password = secrets.token_urlsafe(12)
    if users.get_user(application.uow(), email=DEMO_EMAIL) is None:
        users.create_user(application.uow(), email=DEMO_EMAIL, password=password, name="Démo")
    else:
        users.set_password(application.uow(), email=DEMO_EMAIL, password=password)
    ctx = Ctx(company_id, actor="demo")
    users.grant(application.uow(), ctx, email=DEMO_EMAIL, role=Role.ADMIN)
    _credential, token = users.create_token(application.uow(), ctx, email=DEMO_EMAIL, name="démo")
    return DemoLogin(company_id, DEMO_EMAIL, password, token)


#: The import string of the application factory every worker process calls.
FACTORY = "acompte.adapters.api.app:create_app_from_env"
#: Seconds a worker may take to answer the parent's health check. uvicorn's 5 s are too few for a worker that
#: is still importing the application (WeasyPrint...) on a busy machine: it would be killed and started again
#: in a loop.
WORKER_HEALTHCHECK_TIMEOUT = 60


def is_sqlite_url(url: str) -> bool:
    return url.startswith("sqlite")


def run_server(
    application: bootstrap.App,
    *,
    host: str,
    port: int,
    workers: int = 1,
    proxy_headers: bool = True,
    forwarded_allow_ips: str | None = None,
) -> None:
    """Serve until stopped: this process's application, or `workers` processes each with its own."""
    import uvicorn

    from acompte.adapters.api import create_app

    options: dict[str, Any] = {"host": host, "port": port, "log_level": "info", "proxy_headers": proxy_headers}
    if forwarded_allow_ips is not None:
        options["forwarded_allow_ips"] = forwarded_allow_ips
    if workers <= 1:
        try:
            uvicorn.run(create_app(application), **options)
        finally:
            application.close()
        return
    # the workers read the environment: the same database as this process, however it was found
    os.environ["ACOMPTE_DATABASE_URL"] = application.settings.database_url
    application.close()
    uvicorn.run(
        FACTORY, factory=True, workers=workers, timeout_worker_healthcheck=WORKER_HEALTHCHECK_TIMEOUT, **options
    )
