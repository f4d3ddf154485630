"""Test fixtures. The database is chosen by ACOMPTE_TEST_DATABASE_URL (default: a temporary SQLite file).

The schema is built once per run by the Alembic migrations. Each test gets its own company: every row is
company-scoped, so tests cannot see each other's data, exactly as two tenants cannot in production.
When ACOMPTE_TEST_DATABASE_URL is set and the database cannot be reached, the run fails: it never skips.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from acompte import bootstrap
from acompte.domain.money import Money
from acompte.persistence import access_rows, bank_rows, issued_rows  # noqa: F401  (their tables are on Base.metadata)
from acompte.persistence.company_keys import CROSS_COMPANY, unkeyed_tables
from acompte.persistence.engine import is_sqlite
from acompte.persistence.rows import Base
from acompte.services import companies, parties
from acompte.services.ports import Ctx

# Property tests are deterministic and machine-independent: the same examples on every run (derandomize, so
# no example database and no random seed), no time limit per example (a loaded 2-core machine is 5-10x slower),
# no health check that depends on speed, and a failure prints the blob that replays it (@reproduce_failure);
# a failing example found is then kept in the test as an explicit @example. `ACOMPTE_HYPOTHESIS=explore` runs
# random examples instead, to look for new failures by hand.
settings.register_profile(
    "deterministic",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("explore", settings.get_profile("deterministic"), derandomize=False)
settings.load_profile("explore" if os.environ.get("ACOMPTE_HYPOTHESIS") == "explore" else "deterministic")


COMPANY_TABLES = frozenset(t.name for t in Base.metadata.tables.values() if "company_id" in t.c)
_unkeyed: list[str] = []


@event.listens_for(Engine, "before_cursor_execute")
def _every_statement_names_its_company(  # type: ignore[no-untyped-def]
    conn: Connection, cursor, statement: str, parameters, context, executemany: bool
) -> None:
    """Every statement any engine of the run sends to a company table names `company_id` (docs/scaling.md),
    unless its connection declares that it spans companies. Raised here, and recorded for the test's teardown
    in case the code that sent it catches the error."""
    options = context.execution_options if context is not None else conn.get_execution_options()
    if options.get(CROSS_COMPANY):
        return
    tables = unkeyed_tables(statement, COMPANY_TABLES)
    if tables:
        message = f"a statement on {sorted(tables)} names no company: {' '.join(statement.split())[:500]}"
        _unkeyed.append(message)
        raise AssertionError(message)


@pytest.fixture(autouse=True)
def _no_statement_without_its_company() -> Iterator[None]:
    _unkeyed.clear()
    yield
    assert not _unkeyed, _unkeyed[0]


def _url(tmp_dir: Path) -> str:
    return os.environ.get("ACOMPTE_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'acompte-test.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _url(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[bootstrap.App]:
    application = bootstrap.build(database_url, pool_size=10)
    yield application
    application.close()


@pytest.fixture(scope="session")
def backend(database_url: str) -> str:
    return "sqlite" if is_sqlite(database_url) else "postgresql"


@pytest.fixture
def uow(app: bootstrap.App):  # type: ignore[no-untyped-def]
    return app.uow()


@pytest.fixture
def ctx(app: bootstrap.App) -> Ctx:
    company_id = companies.create_company(app.uow(), name="Test SARL", currency="EUR", siren="123456782")
    return Ctx(company_id, actor="tester")


@pytest.fixture
def other_ctx(app: bootstrap.App) -> Ctx:
    company_id = companies.create_company(app.uow(), name="Autre SAS", currency="EUR")
    return Ctx(company_id, actor="intruder")


@pytest.fixture
def customer(app: bootstrap.App, ctx: Ctx):  # type: ignore[no-untyped-def]
    return parties.create_party(app.uow(), ctx, name="Client Dupont")


@pytest.fixture
def supplier(app: bootstrap.App, ctx: Ctx):  # type: ignore[no-untyped-def]
    return parties.create_party(app.uow(), ctx, name="Fournisseur Bois", customer=False, supplier=True)


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


D = Decimal


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get("ACOMPTE_TEST_DATABASE_URL") or "sqlite (temporary file)"
    return f"acompte test database: {url}"
