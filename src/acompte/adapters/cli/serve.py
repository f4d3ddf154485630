"""`acompte serve`: the web application and the API (uvicorn), on a database created or migrated at start."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

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
