"""Composition root: settings -> engine -> migrated schema -> session factory -> unit of work (with the renderer
of printed documents, so that issuing a document produces its files, the clock use cases read the date from,
and the message bus, so that the capabilities built on documents and payments react to what they publish)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from acompte.adapters.exports.pdf import PdfRenderer
from acompte.config import Settings
from acompte.domain.credit_events import InvoiceCreditedInFull, RefundUnwound
from acompte.domain.deposit_events import DepositReturned
from acompte.domain.events import (
    AllocationRemoved,
    CreditUseUndoing,
    DocumentConverted,
    DocumentIssuing,
    DocumentValidated,
    DraftDeleting,
    LinesChanging,
    RecallLinesTyped,
)
from acompte.domain.users import LoginPolicy
from acompte.persistence import backup
from acompte.persistence.engine import make_engine, migrate
from acompte.persistence.unit_of_work import SqlUnitOfWork
from acompte.persistence.users_repository import CredentialFacts
from acompte.services.credits import handlers as credit_handlers
from acompte.services.deposits import handlers as deposit_handlers
from acompte.services.exports import handlers as export_handlers
from acompte.services.messagebus import MessageBus
from acompte.services.ports import Clock, DocumentRenderer, SystemClock


def message_bus() -> MessageBus:
    """Who reacts to what, in this order. The order is part of the rules: on issue, a credit note is checked
    against its invoices before e-invoicing checks the number; once validated, deposits are deducted, then a
    credit note settles its invoices, and the file is frozen last so that it prints what the others planned. An
    invoice cancelled by credit notes first sends its deposits back to their order, so that its credit notes then
    settle only what it still owes."""
    return MessageBus(
        {
            DocumentIssuing: [credit_handlers.on_document_issuing, export_handlers.on_document_issuing],
            DocumentValidated: [
                deposit_handlers.on_document_validated,
                credit_handlers.on_document_validated,
                export_handlers.on_document_validated,
            ],
            LinesChanging: [deposit_handlers.on_lines_changing],
            RecallLinesTyped: [deposit_handlers.on_recall_lines_typed],
            DocumentConverted: [deposit_handlers.on_document_converted],
            DraftDeleting: [deposit_handlers.on_draft_deleting],
            AllocationRemoved: [credit_handlers.on_allocation_removed],
            CreditUseUndoing: [credit_handlers.on_credit_use_undoing],
            RefundUnwound: [credit_handlers.on_refund_unwound],
            DepositReturned: [credit_handlers.on_deposit_returned],
            InvoiceCreditedInFull: [
                deposit_handlers.on_invoice_credited_in_full,
                credit_handlers.on_invoice_credited_in_full,
            ],
        }
    )


@dataclass
class App:
    engine: Engine
    session_factory: sessionmaker[Session]
    renderer: DocumentRenderer = field(default_factory=PdfRenderer)
    clock: Clock = field(default_factory=SystemClock)
    bus: MessageBus = field(default_factory=message_bus)
    login_policy: LoginPolicy = field(default_factory=LoginPolicy)
    settings: Settings = field(default_factory=Settings.from_env)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.session_factory,
            renderer=self.renderer,
            clock=self.clock,
            bus=self.bus,
            set_based=self.settings.set_based_writes,
        )

    def credential_facts(self) -> CredentialFacts:
        """The API token check's read, on this application's engine, outside any unit of work."""
        return CredentialFacts(self.engine)

    def close(self) -> None:
        self.engine.dispose()


def build(
    database_url: str | None = None,
    *,
    settings: Settings | None = None,
    run_migrations: bool = True,
    pool_size: int = 5,
    renderer: DocumentRenderer | None = None,
    clock: Clock | None = None,
    login_policy: LoginPolicy | None = None,
) -> App:
    """The application on `database_url`, with `settings` (default: from the environment; the URL given wins)."""
    settings = settings or Settings.from_env()
    if database_url:
        settings = replace(settings, database_url=database_url)
    url = settings.database_url
    if run_migrations:
        migrate(url)
    engine = make_engine(
        url,
        pool_size=pool_size,
        statement_timeout=settings.statement_timeout,
        idle_in_transaction_timeout=settings.idle_in_transaction_timeout,
        busy_timeout=settings.busy_timeout,
    )
    return App(
        engine=engine,
        session_factory=sessionmaker(engine, expire_on_commit=False),
        settings=settings,
        renderer=renderer or PdfRenderer(),
        clock=clock or SystemClock(),
        login_policy=login_policy or settings.login_policy,
    )


def backup_database(url: str, target: Path) -> backup.BackupInfo:
    """`acompte backup`: the whole database, while it runs."""
    return backup.backup(url, target)


def restore_database(url: str, source: Path, *, force: bool = False) -> backup.BackupInfo:
    """`acompte restore`: a backup back in place, migrated to head."""
    return backup.restore(url, source, force=force)
