"""Facts of bank reconciliation: a statement line reconciled with payments (recorded at confirmation or typed
by hand before), a match undone, a line ignored or opened again. Stored in the history like every fact; a
reconciliation is recorded once per payment it stands for, so that each payment's history shows it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from acompte.domain.events import DomainEvent, EventKind, plain
from acompte.domain.money import Money


@dataclass(frozen=True, slots=True, kw_only=True)
class BankLineReconciled(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.BANK_LINE_RECONCILED
    line_id: int
    match_id: int
    amount: Money
    booking_date: date
    origin: str
    recorded: Sequence[int]
    linked: Sequence[int]
    fee: Money | None = None
    score: int = 0

    def payload(self) -> dict[str, Any]:
        return {
            "line_id": self.line_id,
            "match_id": self.match_id,
            "amount": plain(self.amount),
            "booking_date": plain(self.booking_date),
            "origin": self.origin,
            "recorded_payment_ids": list(self.recorded),
            "linked_payment_ids": list(self.linked),
            "fee": plain(self.fee) if self.fee is not None else None,
            "score": self.score,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class BankMatchUndone(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.BANK_MATCH_UNDONE
    line_id: int
    match_id: int
    amount: Money
    cancelled: Sequence[int]
    unlinked: Sequence[int]
    fee: Money | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "line_id": self.line_id,
            "match_id": self.match_id,
            "amount": plain(self.amount),
            "cancelled_payment_ids": list(self.cancelled),
            "unlinked_payment_ids": list(self.unlinked),
            "fee": plain(self.fee) if self.fee is not None else None,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class BankLineIgnored(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.BANK_LINE_IGNORED
    line_id: int
    amount: Money
    booking_date: date
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class BankLineReopened(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.BANK_LINE_REOPENED
    line_id: int
    amount: Money
    booking_date: date
