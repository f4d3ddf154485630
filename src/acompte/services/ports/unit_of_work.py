"""The unit of work port: one transaction, the repositories that work inside it, and the collaborators a use
case needs besides the database (the clock, the renderer of printed documents). `SqlUnitOfWork` implements it."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

from acompte.services.ports.access import Credentials, IdempotencyKeys, IssuedFiles, Users
from acompte.services.ports.archive import CompanyRows
from acompte.services.ports.banking import BankAccounts, BankFacts, BankMatches, BankStatements, PartyBanks
from acompte.services.ports.clock import Clock
from acompte.services.ports.credits import Credits
from acompte.services.ports.deposits import Deposits
from acompte.services.ports.exports import Exports
from acompte.services.ports.figures import AccountFigures
from acompte.services.ports.ledger import (
    Allocations,
    Companies,
    Documents,
    History,
    Integrity,
    Items,
    NumberSeries,
    Parties,
    Payments,
    Positions,
)
from acompte.services.ports.payment_recording import PaymentRecorder
from acompte.services.ports.renderer import DocumentRenderer

if TYPE_CHECKING:
    from acompte.services.messagebus import MessageBus


class UnitOfWork(Protocol):
    """`with uow:` opens the transaction; `uow.commit()` keeps its changes, anything else rolls them back.

    The members are read-only for the services: a use case reads through them, it never replaces them.
    """

    @property
    def companies(self) -> Companies: ...
    @property
    def series(self) -> NumberSeries: ...
    @property
    def parties(self) -> Parties: ...
    @property
    def items(self) -> Items: ...
    @property
    def documents(self) -> Documents: ...
    @property
    def payments(self) -> Payments: ...
    @property
    def allocations(self) -> Allocations: ...
    @property
    def events(self) -> History: ...
    @property
    def credits(self) -> Credits: ...
    @property
    def deposits(self) -> Deposits: ...
    @property
    def exports(self) -> Exports: ...
    @property
    def users(self) -> Users: ...
    @property
    def credentials(self) -> Credentials: ...
    @property
    def idempotency(self) -> IdempotencyKeys: ...
    @property
    def positions(self) -> Positions: ...
    @property
    def figures(self) -> AccountFigures: ...
    @property
    def files(self) -> IssuedFiles: ...
    @property
    def integrity(self) -> Integrity: ...
    @property
    def archive(self) -> CompanyRows: ...
    @property
    def bank(self) -> BankStatements: ...
    @property
    def party_banks(self) -> PartyBanks: ...
    @property
    def bank_matches(self) -> BankMatches: ...
    @property
    def bank_facts(self) -> BankFacts: ...
    @property
    def bank_accounts(self) -> BankAccounts: ...
    @property
    def payment_recorder(self) -> PaymentRecorder | None:
        """The set-based path of recording a payment, where the backend offers it (None: the repositories')."""
        ...

    @property
    def renderer(self) -> DocumentRenderer | None:
        """Given by bootstrap: issuing a document produces its files through it."""
        ...

    @property
    def clock(self) -> Clock:
        """What day it is for the use case."""
        ...

    @property
    def bus(self) -> MessageBus | None:
        """Given by bootstrap: the capabilities' handlers of what the use cases publish."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
