"""`acompte serve`: a busy port is refused before anything is printed or written; `--demo` builds the demo once
and then reuses it with the same login; `--reset-demo` starts a new one whose login opens it."""

from __future__ import annotations

import os
import re
import socket
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from acompte import bootstrap
from acompte.adapters.cli.demo import DEMO_COMPANY
from acompte.adapters.cli.main import EXIT_ADDRESS_UNAVAILABLE
from acompte.adapters.cli.main import app as cli
from acompte.adapters.cli.serve import demo_login_file
from acompte.persistence.engine import is_sqlite, normalize_url
from acompte.services import companies, users

runner = CliRunner()


@pytest.fixture
def own_database(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database of this test alone (SQLite file, or a new PostgreSQL database dropped afterwards): the demo
    user is one per database, and other tests start demos too. The login file goes to a directory of its own."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("COLUMNS", "200")
    if is_sqlite(database_url):
        url = f"sqlite:///{tmp_path / 'serve.db'}"
        monkeypatch.setenv("ACOMPTE_DATABASE_URL", url)
        yield url
        return
    base = make_url(normalize_url(database_url))
    name = f"{base.database}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", url)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """What uvicorn was asked to serve (it is not started)."""
    calls: list[dict[str, object]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: calls.append(options))
    return calls


def login_in(output: str) -> tuple[str, str, str, int]:
    found = re.search(r"Connexion : (\S+) / mot de passe : (\S+)", output)
    assert found, output
    token = re.search(r"(acp_[A-Za-z0-9_-]+)", output)
    company = re.search(r"Société de démonstration n° (\d+)", output)
    assert token and company, output
    return found.group(1), found.group(2), token.group(1), int(company.group(1))


def demo_companies(url: str) -> list[int]:
    application = bootstrap.build(url)
    try:
        return [c.id for c in companies.list_companies(application.uow()) if c.name == DEMO_COMPANY]
    finally:
        application.close()


def test_a_busy_port_is_refused_before_anything_is_printed_or_written(tmp_path, monkeypatch, served):
    url = f"sqlite:///{tmp_path / 'never.db'}"
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", url)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(cli, ["serve", "--demo", "--port", str(port)])
    assert result.exit_code == EXIT_ADDRESS_UNAVAILABLE == 3
    assert result.stdout == ""  # the refusal alone, on the error output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith(f"Impossible de démarrer : le port {port} est déjà utilisé sur 127.0.0.1")
    assert "Arrêtez-la ou choisissez un autre port" in result.output
    for printed_too_early in ("Base de données", "Connexion", "mot de passe", "acp_", "Application :"):
        assert printed_too_early not in result.output
    assert "Errno" not in result.output and "Traceback" not in result.output
    assert not served  # uvicorn never started
    assert not (tmp_path / "never.db").exists()  # nor the database created, nor a demo built
    assert not (tmp_path / "state").exists()


def test_a_free_port_is_served(own_database, served):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = runner.invoke(cli, ["serve", "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert served and served[0]["port"] == port
    assert f"http://127.0.0.1:{port}/" in result.output


def test_the_demo_is_reused_with_the_same_login_and_reset_on_demand(own_database, served):
    first = runner.invoke(cli, ["serve", "--demo", "--port", "8131"])
    assert first.exit_code == 0, first.output
    email, password, token, company_id = login_in(first.output)
    assert "chargée" in first.output

    again = runner.invoke(cli, ["serve", "--demo", "--port", "8131"])
    assert again.exit_code == 0, again.output
    assert login_in(again.output) == (email, password, token, company_id)
    assert "reprise telle quelle" in again.output
    assert demo_companies(own_database) == [company_id]  # no second demo company

    application = bootstrap.build(own_database)
    try:
        principal, _session = users.login(application.uow(), email=email, password=password)
        assert principal.company_id == company_id
        assert users.authenticate_token(application.uow(), token).company_id == company_id
    finally:
        application.close()

    # the login is kept for the user only
    kept = demo_login_file(own_database)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700

    reset = runner.invoke(cli, ["serve", "--reset-demo", "--port", "8131"])
    assert reset.exit_code == 0, reset.output
    new_email, new_password, new_token, new_company = login_in(reset.output)
    assert new_company != company_id and new_password != password and new_token != token
    assert demo_companies(own_database) == [company_id, new_company]
    application = bootstrap.build(own_database)
    try:
        principal, _session = users.login(application.uow(), email=new_email, password=new_password)
        assert principal.company_id == new_company  # the shown login opens the new demo, not the old one
    finally:
        application.close()

    after = runner.invoke(cli, ["serve", "--demo", "--port", "8131"])
    assert login_in(after.output) == (new_email, new_password, new_token, new_company)
    assert len(served) == 4


def test_a_lost_login_file_keeps_the_demo_and_shows_a_password_that_works(own_database, served):
    first = runner.invoke(cli, ["serve", "--demo", "--port", "8132"])
    email, _password, _token, company_id = login_in(first.output)
    os.remove(demo_login_file(own_database))

    again = runner.invoke(cli, ["serve", "--demo", "--port", "8132"])
    assert again.exit_code == 0, again.output
    new_email, new_password, _new_token, same_company = login_in(again.output)
    assert (new_email, same_company) == (email, company_id)
    application = bootstrap.build(own_database)
    try:
        assert users.login(application.uow(), email=new_email, password=new_password)[0].company_id == company_id
    finally:
        application.close()
    assert demo_companies(own_database) == [company_id]
