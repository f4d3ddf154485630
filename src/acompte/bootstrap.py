"""Composition root: settings -> engine -> migrated schema -> session factory -> unit of work (with the renderer
of printed documents, so that issuing a document produces its files, and the clock use cases read the date
from)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from acompte.adapters.exports.pdf import PdfRenderer
from acompte.config import Settings
from acompte.persistence.engine import make_engine, migrate
from acompte.persistence.unit_of_work import SqlUnitOfWork
from acompte.services.ports import Clock, DocumentRenderer, SystemClock


@dataclass
class App:
    engine: Engine
    session_factory: sessionmaker[Session]
    renderer: DocumentRenderer = field(default_factory=PdfRenderer)
    clock: Clock = field(default_factory=SystemClock)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.session_factory, renderer=self.renderer, clock=self.clock)

    def close(self) -> None:
        self.engine.dispose()


def build(
    database_url: str | None = None,
    *,
    run_migrations: bool = True,
    pool_size: int = 5,
    renderer: DocumentRenderer | None = None,
    clock: Clock | None = None,
) -> App:
    url = database_url or Settings.from_env().database_url
    if run_migrations:
        migrate(url)
    engine = make_engine(url, pool_size=pool_size)
    return App(
        engine=engine,
        session_factory=sessionmaker(engine, expire_on_commit=False),
        renderer=renderer or PdfRenderer(),
        clock=clock or SystemClock(),
    )
