"""The set-based way to record a payment and allocate it: every fact the use case decides on read in one round
trip (the documents it settles locked), then everything it writes sent at once with the commit — the payment's
number taken there, last, so that the number series' row (shared by every payment of the company) is locked only
for that round trip. `services/payment_recording.py` decides between the two; persistence implements the port for the
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
    """What to read: the payment's company, party, method and account, and the documents it will settle (locked,
    in id order)."""

    company_id: int
    party_id: int
    method: str
    account_id: int | None
    document_ids: tuple[int, ...]
    origin_document_id: int | None
    series_key: str  # the payment's number series and year: its next value is read, not taken
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
    payment_id: int
    allocation_ids: tuple[int, ...]
    #: The series' next value as read, without its lock: what a refusal names the payment (as the repositories'
    #: path names it by the number it took and gave back); the number it gets is taken with the writes.
    series_next: int
    #: What stands for the payment's number in what the use case decides (the payment, its events) until the
    #: recorder takes the number, with the writes: a token no text of the use case can contain by chance.
    number_placeholder: str


@dataclass(frozen=True, slots=True)
class NumberToTake:
    """The payment's number: `stem` (`domain.numbering.number_stem`) then the next value of the series `key` ×
    `year`, zero-padded to `width` digits — `format_number`'s form."""

    key: str
    year: int
    stem: str
    width: int


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
    """What the use case decided to write: the payment (its id taken from the facts, its number the placeholder),
    its allocations and its events in the order they happened (chained in that order)."""

    payment: Payment
    number: NumberToTake
    created_at: datetime
    allocations: Sequence[AllocationWrite]
    events: Sequence[EventWrite]


class PaymentRecorder(Protocol):
    """Reads the facts of one payment in one round trip, then writes what was decided with the commit."""

    def read(self, query: RecordingQuery) -> RecordingFacts: ...

    def write(self, decided: RecordingWrite) -> None:
        """Sent with the unit of work's commit (nothing is written if the use case raises before it); the number
        is taken then, and put wherever the placeholder stands."""

    def number(self) -> str:
        """The number the payment was given, once the writes are sent."""
