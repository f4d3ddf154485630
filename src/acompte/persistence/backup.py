"""Whole-database backup and restore.

SQLite: SQLite's online backup API (`sqlite3.Connection.backup`), a page copy made inside one read transaction,
so it is consistent while the server writes and includes what is still in the WAL (copying `acompte.db` with
`cp` does not: recent commits live in `acompte.db-wal`). The copy is switched to the rollback journal so that
the backup is one self-contained file.
PostgreSQL: `pg_dump --format=custom` and `pg_restore` (the client tools, when installed; the password goes
through the environment, never the command line).

Restore refuses a file of the other kind or a file that is not an acompte database, refuses to overwrite a
database holding companies unless forced, and migrates the restored schema to head (an older backup works with
a newer application).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url

from acompte.persistence.engine import is_sqlite, migrate, normalize_url
from acompte.services.ports.archive import ArchiveProblem, ArchiveRefused

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    kind: str  # "sqlite" or "postgresql"
    path: Path
    size: int
    companies: int | None = None  # in the restored database


def backup(url: str, target: Path) -> BackupInfo:
    """Write a backup of the database at `url` to `target` (replaced only once the copy is complete)."""
    url = normalize_url(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partiel")
    partial.unlink(missing_ok=True)
    try:
        if is_sqlite(url):
            kind = "sqlite"
            source = _sqlite_path(url)
            if not source.exists():
                raise ArchiveRefused(ArchiveProblem.FOREIGN, path=str(source))
            with closing(_connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
                src.backup(dst)  # one step: one read transaction, a consistent snapshot, WAL included
                dst.execute("PRAGMA journal_mode=DELETE")
        else:
            kind = "postgresql"
            libpq, env = _libpq(url)
            _run("pg_dump", ["--format=custom", f"--file={partial}", libpq], env)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupInfo(kind=kind, path=target, size=target.stat().st_size)


def restore(url: str, source: Path, *, force: bool = False) -> BackupInfo:
    """Replace the database at `url` by the backup `source`, then migrate it to head."""
    url = normalize_url(url)
    expected = "sqlite" if is_sqlite(url) else "postgresql"
    found = _kind_of(source)
    if found is None:
        raise ArchiveRefused(ArchiveProblem.FOREIGN, path=str(source))
    if found != expected:
        raise ArchiveRefused(ArchiveProblem.WRONG_KIND, found=found, expected=expected)
    held = _companies_in(url)
    if held and not force:
        raise ArchiveRefused(ArchiveProblem.NOT_EMPTY, companies=held)
    if expected == "sqlite":
        _check_sqlite_backup(source)
        target = _sqlite_path(url)
        with closing(_connect(source)) as src, closing(_connect(target)) as dst:
            src.backup(dst)
    else:
        libpq, env = _libpq(url)
        listing = _run("pg_restore", ["--list", str(source)], env)
        if "alembic_version" not in listing or " companies " not in listing:
            raise ArchiveRefused(ArchiveProblem.FOREIGN, path=str(source))
        args = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
        _run("pg_restore", [*args, f"--dbname={libpq}", str(source)], env)
    migrate(url)
    return BackupInfo(kind=expected, path=source, size=source.stat().st_size, companies=_companies_in(url))


def _kind_of(path: Path) -> str | None:
    with path.open("rb") as file:
        head = file.read(len(SQLITE_HEADER))
    if head.startswith(SQLITE_HEADER):
        return "sqlite"
    if head.startswith(PG_CUSTOM_HEADER):
        return "postgresql"
    return None


def _check_sqlite_backup(path: Path) -> None:
    """An acompte database (its migration table and its companies), intact."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"alembic_version", "companies"} <= tables:
                raise ArchiveRefused(ArchiveProblem.FOREIGN, path=str(path))
            status = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise ArchiveRefused(ArchiveProblem.DAMAGED, part=str(path), detail=str(exc)) from exc
    if status != "ok":
        raise ArchiveRefused(ArchiveProblem.DAMAGED, part=str(path), detail=str(status))


def _companies_in(url: str) -> int:
    """How many companies the database holds (0 when it has no schema yet)."""
    if is_sqlite(url) and not _sqlite_path(url).exists():
        return 0
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("companies"):
                return 0
            return int(connection.execute(text("SELECT COUNT(*) FROM companies")).scalar_one())
    finally:
        engine.dispose()


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ArchiveRefused(ArchiveProblem.WRONG_KIND, found="memory", expected="sqlite")
    return Path(database)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA busy_timeout=30000")  # wait for a writer's commit rather than fail
    return connection


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL for the client tools (no driver, no password) and their environment (the password)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(tool: str, args: list[str], env: dict[str, str]) -> str:
    path = shutil.which(tool)
    if path is None:
        raise ArchiveRefused(ArchiveProblem.TOOL_MISSING, tool=tool)
    done = subprocess.run([path, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ArchiveRefused(ArchiveProblem.TOOL_FAILED, tool=tool, detail=done.stderr.strip()[-2000:])
    return done.stdout
