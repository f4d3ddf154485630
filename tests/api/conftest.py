"""API test fixtures: the FastAPI app on the test database, users, and one token per role per company.

Users are created once per run (Argon2 is slow on purpose); each test's company (the `ctx` fixture) grants
them their roles and gets fresh tokens, so tests stay isolated like tenants.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from acompte.adapters.api import create_app
from acompte.domain.users import Role
from acompte.services import users
from acompte.services.ports import Ctx

PASSWORD = "mot de passe de test"


@pytest.fixture(scope="session")
def api_app(app):  # type: ignore[no-untyped-def]
    return create_app(app)


@pytest.fixture(scope="session")
def client(api_app) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(api_app)


@pytest.fixture(scope="session")
def people(app) -> dict[Role, str]:  # type: ignore[no-untyped-def]
    """One user per role (emails unique per run)."""
    run = uuid.uuid4().hex[:8]
    result = {}
    for role in Role:
        email = f"{role.value}-{run}@example.fr"
        users.create_user(app.uow(), email=email, password=PASSWORD, name=role.value)
        result[role] = email
    return result


@dataclass
class Api:
    """A client acting for one company with one role: `api.get(...)`, `api.post(...)` with its token."""

    client: TestClient
    token: str
    ctx: Ctx

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def request(self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any):  # type: ignore[no-untyped-def]
        url = path if path.startswith("/") else f"/api/v1/{path}"
        return self.client.request(method, url, headers={**self.headers, **(headers or {})}, **kwargs)

    def get(self, path: str, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.request("DELETE", path, **kwargs)


def api_for(app, client, people, ctx: Ctx, role: Role) -> Api:  # type: ignore[no-untyped-def]
    users.grant(app.uow(), ctx, email=people[role], role=role)
    _credential, secret = users.create_token(app.uow(), ctx, email=people[role], name=f"test {role.value}")
    return Api(client, secret, ctx)


@pytest.fixture
def api(app, client, people, ctx) -> Api:  # type: ignore[no-untyped-def]
    """An admin token of the test's company."""
    return api_for(app, client, people, ctx, Role.ADMIN)


@pytest.fixture
def clerk(app, client, people, ctx) -> Api:  # type: ignore[no-untyped-def]
    return api_for(app, client, people, ctx, Role.CLERK)


@pytest.fixture
def reader(app, client, people, ctx) -> Api:  # type: ignore[no-untyped-def]
    """A read-only token of the test's company."""
    return api_for(app, client, people, ctx, Role.READ_ONLY)


@pytest.fixture
def intruder(app, client, people, other_ctx) -> Api:  # type: ignore[no-untyped-def]
    """An admin token of ANOTHER company."""
    return api_for(app, client, people, other_ctx, Role.ADMIN)


def eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


def line(price: str, qty: str = "1", rate: str = "20", designation: str = "Article") -> dict[str, str]:
    return {"designation": designation, "quantity": qty, "unit_price": price, "vat_rate": rate}
