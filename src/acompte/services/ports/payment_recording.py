"""The set-based way to record a payment and allocate it: every fact the use case decides on read in one round
trip (the rows it must lock locked, in the use case's order), then everything it writes sent at once with the
commit. `services/payment_recording.py` decides between the two; persistence implements the port for the
backends where it pays (PostgreSQL), and the unit of work offers none elsewhere (the repositories' path)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from acompte.domain.allocations import Settlement
from acompte.domain.documents import Document
from acompte.domain.events import Event
from acompte.domain.money import Money
from acompte.domain.payments import Payment


@dataclass(frozen=True, slots=True)
class RecordingQuery:
    """What to read: the payment's company, party, method and account, the documents it will settle (locked,
    in id order, after the number series' row) and the number series of its direction and year."""

    company_id: int
    party_id: int
    method: str
    account_id: int | None
    document_ids: tuple[int, ...]
    origin_document_id: int | None
    series_key: str
    year: int
    allocations: int  # how many allocations it makes (one event each, after the payment's own)


@dataclass(frozen=True, slots=True)
class RecordingFacts:
    """What was read. `None` where the row does not exist (the company's, the party's, the method's)."""

    currency: str | None
    settings: Mapping[str, Any]
    party_name: str | None
    method_digital: bool | None
    accounts: tuple[tuple[int, str], ...]  # the active treasury accounts (id, kind), by id
    origin_found: bool
    origin_rate: Decimal | None
    documents: Mapping[int, tuple[Document, Settlement]]  # locked; their settlement read once locked
    series_value: int  # the series' next value, taken under its row lock (rolled back with the transaction)
    payment_id: int
    allocation_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AllocationWrite:
    id: int
    document_id: int
    amount: Money
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EventWrite:
    event: Event
    occurred_at: datetime
    actor: str


@dataclass(frozen=True, slots=True)
class RecordingWrite:
    """What the use case decided to write: the payment (its id and number taken from the facts), its allocations
    and its events in the order they happened (chained in that order)."""

    payment: Payment
    created_at: datetime
    allocations: Sequence[AllocationWrite]
    events: Sequence[EventWrite]


class PaymentRecorder(Protocol):
    """Reads the facts of one payment in one round trip, then writes what was decided with the commit."""

    def read(self, query: RecordingQuery) -> RecordingFacts: ...

    def write(self, decided: RecordingWrite) -> None:
        """Sent with the unit of work's commit (nothing is written if the use case raises before it)."""
