"""Where a document stands: its settlement (gross, settled, balance due, status) and its full position."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, AliasPath, Field, field_validator

from acompte.adapters.api.schemas.common import MoneyOut, Output
from acompte.domain.positions import Position
from acompte.domain.statuses import PositionStatus


class CancelledByOut(Output):
    """The credit note that cancels the document (the one that completed the cancellation)."""

    id: str
    number: str | None


class PositionOut(Output):
    """Where the document stands, as every surface shows it (words defined in docs/design.md): total − deducted
    deposits = net to pay; net to pay − paid − credited − written off = balance due (invoices). Orders, quotes and
    delivery notes add what was invoiced from them; credit notes what was used, refunded and is left."""

    total: MoneyOut
    deducted: MoneyOut
    paid: MoneyOut
    credited: MoneyOut
    written_off: MoneyOut
    net_to_pay: MoneyOut
    balance_due: MoneyOut
    invoiced: MoneyOut | None = None
    left_to_invoice: MoneyOut | None = None
    used: MoneyOut | None = None
    refunded: MoneyOut | None = None
    credit_left: MoneyOut | None = None

    @classmethod
    def of(cls, position: Position) -> PositionOut:
        return cls.model_validate(position)


PAYMENT_STATUS_WORDS = frozenset({PositionStatus.UNPAID, PositionStatus.PARTIAL, PositionStatus.PAID})


def _standing(position: str, settlement: str) -> Any:
    """Read from the view's position where it has one, else (a plain list row) from what the allocations say."""
    return AliasChoices(AliasPath("position", position), AliasPath("settlement", settlement))


class SettlementOut(Output):
    # Read from a view with a `position` (None in plain lists) and a `settlement`.
    gross: MoneyOut = Field(validation_alias=_standing("total", "gross"))
    settled: MoneyOut = Field(validation_alias=_standing("settled", "settled"))
    balance_due: MoneyOut = Field(validation_alias=_standing("balance_due", "balance_due"))
    #: unpaid / partial / paid; null where the document is not a debt in that sense (a draft, a credit note, a
    #: document cancelled or invoiced): `status` then says what it is.
    payment_status: Literal["unpaid", "partial", "paid"] | None = Field(validation_alias=_standing("status", "status"))
    status: PositionStatus = Field(validation_alias=_standing("status", "status"))
    cancelled_by: CancelledByOut | None = Field(default=None, validation_alias=AliasPath("position", "cancelled_by"))
    position: PositionOut | None = None

    @field_validator("payment_status", mode="before")
    @classmethod
    def _payment_word(cls, status: Any) -> Any:
        if isinstance(status, PositionStatus):
            return status.value if status in PAYMENT_STATUS_WORDS else None
        return status
