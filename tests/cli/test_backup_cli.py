"""`acompte backup FILE` / `acompte restore FILE`: a consistent copy of a running database (SQLite's WAL
included), restored only over an empty database unless forced, refused when it is of the other kind or not an
acompte backup, and migrated to head once restored."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from acompte import bootstrap
from acompte.adapters.cli.main import app as cli
from acompte.persistence.company_keys import WHOLE_DATABASE
from acompte.persistence.engine import alembic_config, is_sqlite, normalize_url
from acompte.services.ports import Ctx
from tests.cli.paid_order import company_with_a_paid_order

PAYMENTS = 17


def fill(app: bootstrap.App) -> Ctx:
    """A company with 17 payments, as in the report that found backups by `cp` empty of them."""
    return company_with_a_paid_order(app, "Sauvegarde", price="1000.00", paid=["10.00"] * PAYMENTS)


def payments_in(url: str) -> int:
    engine = create_engine(normalize_url(url), execution_options=WHOLE_DATABASE)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT COUNT(*) FROM payments")).scalar_one())
    finally:
        engine.dispose()


def head_of(url: str) -> str:
    engine = create_engine(normalize_url(url), execution_options=WHOLE_DATABASE)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one())
    finally:
        engine.dispose()


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """`run(url, *args)`: the command line against the database at `url`."""

    def invoke(url: str, *args: str):  # type: ignore[no-untyped-def]
        monkeypatch.setenv("ACOMPTE_DATABASE_URL", url)
        monkeypatch.setenv("COLUMNS", "200")
        return CliRunner().invoke(cli, list(args))

    return invoke


# -- SQLite ---------------------------------------------------------------------------------------------------


def test_a_sqlite_backup_taken_while_the_server_runs_holds_what_is_still_in_the_wal(run, tmp_path):
    live = tmp_path / "acompte.db"
    url = f"sqlite:///{live}"
    app = bootstrap.build(url)  # the running server: its pooled connections keep the WAL open
    try:
        fill(app)
        assert (tmp_path / "acompte.db-wal").stat().st_size > 0
        copied = tmp_path / "copie.db"
        shutil.copy(live, copied)  # what the report did: the recent payments are in the WAL, not in the file
        with sqlite3.connect(copied) as db:
            assert db.execute("SELECT COUNT(*) FROM payments").fetchone()[0] < PAYMENTS

        writer = sqlite3.connect(live)  # another clerk mid-transaction, holding the write lock
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE companies SET name = 'pas encore validé'")
        result = run(url, "backup", str(tmp_path / "sauvegarde.db"))
        writer.rollback()
        writer.close()
    finally:
        app.close()
    assert result.exit_code == 0, result.output
    assert "Sauvegarde SQLite écrite" in result.output
    backup = tmp_path / "sauvegarde.db"
    with sqlite3.connect(backup) as db:
        assert db.execute("SELECT COUNT(*) FROM payments").fetchone()[0] == PAYMENTS
        assert db.execute("SELECT COUNT(*) FROM companies WHERE name = 'pas encore validé'").fetchone()[0] == 0
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    assert not (tmp_path / "sauvegarde.db-wal").exists()


def test_restore_fills_an_empty_database_refuses_a_full_one_unless_forced(run, tmp_path):
    source_url = f"sqlite:///{tmp_path / 'source.db'}"
    app = bootstrap.build(source_url)
    try:
        fill(app)
    finally:
        app.close()
    backup = tmp_path / "sauvegarde.db"
    assert run(source_url, "backup", str(backup)).exit_code == 0

    fresh = f"sqlite:///{tmp_path / 'nouvelle.db'}"
    result = run(fresh, "restore", str(backup))
    assert result.exit_code == 0, result.output
    assert "Sauvegarde restaurée : 1 société(s)" in result.output
    assert payments_in(fresh) == PAYMENTS

    other = bootstrap.build(fresh)
    try:
        fill(other)  # the restored database is in use again: 34 payments
    finally:
        other.close()
    result = run(fresh, "restore", str(backup))
    assert result.exit_code == 1
    assert "la base contient déjà 2 société(s) : ajoutez --force" in " ".join(result.output.split())
    assert payments_in(fresh) == 2 * PAYMENTS
    result = run(fresh, "restore", "--force", str(backup))
    assert result.exit_code == 0, result.output
    assert payments_in(fresh) == PAYMENTS


def test_an_older_backup_is_migrated_to_head_once_restored(run, tmp_path):
    old = f"sqlite:///{tmp_path / 'ancienne.db'}"
    command.upgrade(alembic_config(old), "0007")
    target = f"sqlite:///{tmp_path / 'restauree.db'}"
    result = run(target, "restore", str(tmp_path / "ancienne.db"))
    assert result.exit_code == 0, result.output
    fresh = f"sqlite:///{tmp_path / 'reference.db'}"
    bootstrap.build(fresh).close()
    assert head_of(target) == head_of(fresh) != "0007"


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind(run, tmp_path):
    target = f"sqlite:///{tmp_path / 'cible.db'}"
    text_file = tmp_path / "notes.txt"
    text_file.write_text("bonjour")
    result = run(target, "restore", str(text_file))
    assert result.exit_code == 1 and "n'est pas une sauvegarde ou une archive acompte" in result.output

    dump = tmp_path / "base.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
    result = run(target, "restore", str(dump))
    assert result.exit_code == 1
    assert "c'est une sauvegarde PostgreSQL, la base de données est SQLite" in result.output

    other_sqlite = tmp_path / "autre.db"
    with sqlite3.connect(other_sqlite) as db:
        db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    result = run(target, "restore", str(other_sqlite))
    assert result.exit_code == 1 and "n'est pas une sauvegarde ou une archive acompte" in result.output
    assert not (tmp_path / "cible.db").exists()


def test_without_the_postgresql_tools_the_command_says_what_to_install(run, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump here
    result = run("postgresql://acompte@127.0.0.1:1/absente", "backup", str(tmp_path / "base.dump"))
    assert result.exit_code == 1
    assert "pg_dump est introuvable : installez les outils clients PostgreSQL" in " ".join(result.output.split())
    assert not (tmp_path / "base.dump").exists()


# -- PostgreSQL -----------------------------------------------------------------------------------------------


@pytest.fixture
def fresh_pg() -> Iterator[Callable[[], str]]:
    """`fresh_pg()`: the URL of a new, empty PostgreSQL database beside the test one (all dropped afterwards);
    skipped on a SQLite run. The backup's source is one of them too: the session's test database is written by
    the other tests while this one counts its rows."""
    given = os.environ.get("ACOMPTE_TEST_DATABASE_URL")
    if not given or is_sqlite(given):
        pytest.skip("PostgreSQL only (ACOMPTE_TEST_DATABASE_URL)")
    base = make_url(normalize_url(given))
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    created: list[str] = []

    def create() -> str:
        name = f"{base.database}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return base.set(database=name).render_as_string(hide_password=False)

    try:
        yield create
    finally:
        with admin.connect() as connection:
            for name in created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_postgresql_backup_restores_into_a_fresh_database(run, tmp_path, fresh_pg):
    source_url = fresh_pg()
    app = bootstrap.build(source_url)
    try:
        fill(app)
    finally:
        app.close()
    dump = tmp_path / "base.dump"
    result = run(source_url, "backup", str(dump))
    assert result.exit_code == 0, result.output
    assert "Sauvegarde PostgreSQL écrite" in result.output
    pg_url = fresh_pg()
    result = run(pg_url, "restore", str(dump))
    assert result.exit_code == 0, result.output
    assert payments_in(pg_url) == PAYMENTS
    assert head_of(pg_url) == head_of(source_url)

    result = run(pg_url, "restore", str(dump))
    assert result.exit_code == 1 and "ajoutez --force" in result.output
    assert run(pg_url, "restore", "--force", str(dump)).exit_code == 0
    sqlite_backup = tmp_path / "sauvegarde.db"
    with sqlite3.connect(sqlite_backup) as db:
        db.execute("CREATE TABLE companies (id INTEGER)")
    result = run(pg_url, "restore", "--force", str(sqlite_backup))
    assert result.exit_code == 1
    assert "c'est une sauvegarde SQLite, la base de données est PostgreSQL" in result.output
