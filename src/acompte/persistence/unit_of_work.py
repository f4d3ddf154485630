"""The SQLAlchemy unit of work: one session, one transaction, explicit commit, rollback by default.

Re-entrant: a service may call another service inside its own `with uow:`; only the outermost block commits
or rolls back.

A database error that only says « busy, too slow or disconnected » (engine.transient_reason) leaves the block as
`TemporarilyUnavailable`, after the rollback: the adapters answer it « nothing written, try again » instead of as
an unexpected error.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from acompte.persistence.account_figures import AccountFiguresRepository
from acompte.persistence.archive import ArchiveRepository
from acompte.persistence.bank_accounts_repository import BankAccountRepository
from acompte.persistence.bank_facts_repository import BankFactsRepository
from acompte.persistence.bank_matches_repository import BankMatchRepository
from acompte.persistence.bank_repository import BankRepository
from acompte.persistence.companies_repository import (
    CompanyRepository,
    ItemRepository,
    PartyRepository,
    SeriesRepository,
)
from acompte.persistence.credits_repository import CreditRepository
from acompte.persistence.deposits_repository import DepositRepository
from acompte.persistence.documents_repository import DocumentRepository
from acompte.persistence.engine import as_transient
from acompte.persistence.events_repository import EventRepository, has_unsealed_events
from acompte.persistence.exports_repository import ExportRepository
from acompte.persistence.idempotency_repository import IdempotencyRepository
from acompte.persistence.integrity_repository import IntegrityRepository
from acompte.persistence.issued_files_repository import IssuedFileRepository
from acompte.persistence.party_banks_repository import PartyBankRepository
from acompte.persistence.payment_recorder import PgPaymentRecorder
from acompte.persistence.payments_repository import AllocationRepository, PaymentRepository
from acompte.persistence.positions_repository import PositionRepository
from acompte.persistence.read_cache import forget_reads
from acompte.persistence.users_repository import CredentialRepository, UserRepository
from acompte.services import deadline
from acompte.services.messagebus import MessageBus
from acompte.services.ports import Clock, DocumentRenderer, SystemClock, UnitOfWork


class SqlUnitOfWork:
    companies: CompanyRepository
    series: SeriesRepository
    parties: PartyRepository
    items: ItemRepository
    documents: DocumentRepository
    payments: PaymentRepository
    allocations: AllocationRepository
    credits: CreditRepository
    events: EventRepository
    deposits: DepositRepository
    exports: ExportRepository
    users: UserRepository
    credentials: CredentialRepository
    idempotency: IdempotencyRepository
    positions: PositionRepository
    figures: AccountFiguresRepository
    files: IssuedFileRepository
    integrity: IntegrityRepository
    archive: ArchiveRepository
    bank: BankRepository
    party_banks: PartyBankRepository
    bank_matches: BankMatchRepository
    bank_facts: BankFactsRepository
    bank_accounts: BankAccountRepository

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        renderer: DocumentRenderer | None = None,
        clock: Clock | None = None,
        bus: MessageBus | None = None,
        *,
        set_based: bool = True,
    ) -> None:
        self._factory = session_factory
        self._set_based = set_based
        self._recorder: PgPaymentRecorder | None = None
        self.renderer = renderer
        self.clock: Clock = clock or SystemClock()
        self.bus = bus
        self._depth = 0
        self.session: Session | None = None
        self._bound: tuple[Session, Clock] | None = None  # what the repositories are made with

    def __enter__(self) -> SqlUnitOfWork:
        self._depth += 1
        if self._depth == 1:
            session, clock = self._factory(), self.clock  # rows are stamped with the use case's clock
            self.session = session
            self._bound = (session, clock)
            for name in _REPOSITORIES:  # the previous use case's, bound to its session
                self.__dict__.pop(name, None)
            # The set-based path where it pays: on PostgreSQL, each round trip costs more than the work it carries.
            postgresql = self._set_based and session.get_bind().dialect.name == "postgresql"
            self._recorder = PgPaymentRecorder(session, self._outermost) if postgresql else None
        return self

    def __getattr__(self, name: str) -> Any:
        """A repository, made the first time the use case asks for it: a payment on the set-based path uses
        none of them, and making the two dozen every time cost more than its round trip's Python."""
        make = _REPOSITORIES.get(name)
        bound = self.__dict__.get("_bound")
        if make is None or bound is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        repository = make(*bound)
        self.__dict__[name] = repository
        return repository

    def _outermost(self) -> bool:
        """Whether the use case running is the outermost one (a recorder may then own its connection)."""
        return self._depth == 1

    @property
    def payment_recorder(self) -> PgPaymentRecorder | None:
        """For a use case of its own; inside another one's transaction (a nested `with uow:`, e.g. an API request
        with an Idempotency-Key) only while that one has no ORM rows waiting to be flushed nor events waiting to
        be chained: the recorder reads past the ORM, and its events are chained when the inner use case commits
        (its writes are sent then, so the outer use case reads them), before any the outer one writes after."""
        recorder, session = self._recorder, self.session
        if recorder is not None and session is not None:
            forget_reads(session)  # it locks and writes past the session: nothing read before may be answered again
        if recorder is None or session is None or self._depth == 1:
            return recorder
        waiting = session.new or session.dirty or session.deleted or has_unsealed_events(session)
        return None if waiting else recorder

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._depth -= 1
        transient = as_transient(exc) if exc is not None else None
        if self._depth == 0 and self.session is not None:
            session, self.session = self.session, None
            recorder, self._recorder = self._recorder, None
            try:
                if recorder is not None:
                    recorder.release()
                session.rollback()
                session.close()
            except Exception:
                if transient is None:
                    raise
                # the connection is gone with its transaction: the pool has discarded it already
        if transient is not None and transient is not exc:
            raise transient from exc

    def commit(self) -> None:
        recorder = self._recorder
        if self._depth > 1 and recorder is not None and recorder.pending:
            # Inside another use case's transaction: its writes go now, the COMMIT with the outer use case's.
            try:
                recorder.send(commit=False)
                if self.session is not None:
                    forget_reads(self.session)  # its writes went past the session: the outer use case reads them
            except Exception as error:
                transient = as_transient(error)
                if transient is None:
                    raise
                raise transient from error
            return
        if self._depth == 1 and self.session is not None:
            deadline.may_commit()  # past the request's deadline its client may be told nothing was written
            try:
                recorder = self._recorder
                if recorder is not None and recorder.owns_connection:
                    # Its transaction is on a connection of its own, the session's never began: one to commit.
                    if self.session.in_transaction():
                        raise RuntimeError("the session was used beside the payment recorder's own connection")
                    if recorder.pending:
                        recorder.send(commit=True)  # and gives the connection back
                    else:
                        recorder.release()  # nothing written: its reads end with their transaction
                    return
                if recorder is not None and recorder.pending:
                    # Sent with the COMMIT in one round trip, unless the ORM still has rows or events to write:
                    # then they go first and the session commits (its hook chains its events after these).
                    fused = not (self.session.new or self.session.dirty or self.session.deleted)
                    fused = fused and not has_unsealed_events(self.session)
                    recorder.send(commit=fused)
                self.session.commit()  # after a fused COMMIT, the connection is idle: nothing more is sent
            except Exception as error:  # also outside a `with` block: the API's idempotent requests commit so
                transient = as_transient(error)
                if transient is None:
                    raise
                raise transient from error

    def rollback(self) -> None:
        if self.session is not None:
            if self._recorder is not None:
                self._recorder.release()
            self.session.rollback()
            for name in ("companies", "documents"):  # what they read may have been this transaction's own change
                made = self.__dict__.get(name)
                if made is not None:
                    made.forget()


def _session_only(make: Callable[[Session], Any]) -> Callable[[Session, Clock], Any]:
    return lambda session, _clock: make(session)


#: Each repository of the unit of work by its attribute, made from the use case's session and clock.
_REPOSITORIES: dict[str, Callable[[Session, Clock], Any]] = {
    "companies": CompanyRepository,
    "series": SeriesRepository,
    "parties": PartyRepository,
    "items": ItemRepository,
    "documents": DocumentRepository,
    "payments": PaymentRepository,
    "credits": CreditRepository,
    "allocations": AllocationRepository,
    "events": EventRepository,
    "deposits": DepositRepository,
    "exports": ExportRepository,
    "users": UserRepository,
    "credentials": CredentialRepository,
    "idempotency": IdempotencyRepository,
    "positions": _session_only(PositionRepository),
    "figures": _session_only(AccountFiguresRepository),
    "files": IssuedFileRepository,
    "integrity": IntegrityRepository,
    "archive": ArchiveRepository,
    "bank": BankRepository,
    "party_banks": PartyBankRepository,
    "bank_matches": BankMatchRepository,
    "bank_facts": _session_only(BankFactsRepository),
    "bank_accounts": BankAccountRepository,
}


if TYPE_CHECKING:
    # mypy checks here that the SQL unit of work implements the services' port, member by member.
    _implements_the_port: type[UnitOfWork] = SqlUnitOfWork
