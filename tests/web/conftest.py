"""Web test fixtures: a browser-like client (cookies, CSRF) logged in to the test's company with a role.

page = web.get("/documents?kind=order")           # HTML response
response = web.submit("/payments/new", {...})       # fetches the form's CSRF token, posts, follows nothing
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from acompte.adapters.api import create_app
from acompte.domain.users import Role
from acompte.services import users
from acompte.services.ports import Ctx
from tests.api.conftest import PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')


@pytest.fixture(scope="session")
def web_app(app):  # type: ignore[no-untyped-def]
    return create_app(app)


@dataclass
class Browser:
    """A TestClient with its own cookie jar, logged in as one user of one company."""

    client: TestClient
    ctx: Ctx
    email: str

    def get(self, path: str, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.client.get(path, follow_redirects=False, **kwargs)

    def csrf(self, path: str = "/") -> str:
        page = self.client.get(path)
        found = CSRF.search(page.text)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def post(self, path: str, data: dict[str, Any] | None = None, *, csrf_from: str = "/", **kwargs: Any):  # type: ignore[no-untyped-def]
        """POST a form with a valid CSRF token (taken from the page `csrf_from`); a list value repeats the field."""
        token = self.csrf(csrf_from)
        return self.client.post(path, data={"csrf_token": token, **(data or {})}, follow_redirects=False, **kwargs)


def login(client: TestClient, email: str) -> None:
    page = client.get("/login")
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/login", data={"csrf_token": token, "email": email, "password": PASSWORD, "next": "/"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def browser_for(app, web_app, ctx: Ctx, role: Role) -> Browser:  # type: ignore[no-untyped-def]
    """A fresh user per company and role (a user logs in to their first company)."""
    email = f"{role.value}-{ctx.company_id}@web.example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD, name=role.value)
    users.grant(app.uow(), ctx, email=email, role=role)
    client = TestClient(web_app, base_url="https://testserver")
    login(client, email)
    return Browser(client, ctx, email)


@pytest.fixture
def web(app, web_app, ctx) -> Browser:  # type: ignore[no-untyped-def]
    """An admin of the test's company, logged in."""
    return browser_for(app, web_app, ctx, Role.ADMIN)


@pytest.fixture
def web_reader(app, web_app, ctx) -> Browser:  # type: ignore[no-untyped-def]
    return browser_for(app, web_app, ctx, Role.READ_ONLY)


@pytest.fixture
def web_clerk(app, web_app, ctx) -> Browser:  # type: ignore[no-untyped-def]
    return browser_for(app, web_app, ctx, Role.CLERK)


@pytest.fixture
def web_intruder(app, web_app, other_ctx) -> Browser:  # type: ignore[no-untyped-def]
    """An admin of ANOTHER company, logged in."""
    return browser_for(app, web_app, other_ctx, Role.ADMIN)
