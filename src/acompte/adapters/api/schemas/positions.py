"""Where a document stands: its settlement (gross, settled, balance due, status) and its full position."""

from __future__ import annotations

from typing import Any, Literal

from acompte.adapters.api.schemas.common import (
    Money,
    Output,
)
from acompte.domain import money as domain_money
from acompte.domain.allocations import Settlement
from acompte.domain.positions import Position, PositionStatus


class CancelledByOut(Output):
    """The credit note that cancels the document (the one that completed the cancellation)."""

    id: str
    number: str | None


class PositionOut(Output):
    """Where the document stands, as every surface shows it (words defined in docs/design.md): total − deducted
    deposits = net to pay; net to pay − paid − credited − written off = balance due (invoices). Orders, quotes and
    delivery notes add what was invoiced from them; credit notes what was used, refunded and is left."""

    total: Money
    deducted: Money
    paid: Money
    credited: Money
    written_off: Money
    net_to_pay: Money
    balance_due: Money
    invoiced: Money | None = None
    left_to_invoice: Money | None = None
    used: Money | None = None
    refunded: Money | None = None
    credit_left: Money | None = None

    @classmethod
    def of(cls, position: Position) -> PositionOut:
        def opt(value: domain_money.Money | None) -> Money | None:
            return Money.of(value) if value is not None else None

        return cls(
            total=Money.of(position.total),
            deducted=Money.of(position.deducted),
            paid=Money.of(position.paid),
            credited=Money.of(position.credited),
            written_off=Money.of(position.written_off),
            net_to_pay=Money.of(position.net_to_pay),
            balance_due=Money.of(position.balance_due),
            invoiced=opt(position.invoiced),
            left_to_invoice=opt(position.left_to_invoice),
            used=opt(position.used),
            refunded=opt(position.refunded),
            credit_left=opt(position.credit_left),
        )


PAYMENT_STATUS_WORDS = frozenset({PositionStatus.UNPAID, PositionStatus.PARTIAL, PositionStatus.PAID})


class SettlementOut(Output):
    gross: Money
    settled: Money
    balance_due: Money
    #: unpaid / partial / paid; null where the document is not a debt in that sense (a draft, a credit note, a
    #: document cancelled or invoiced): `status` then says what it is.
    payment_status: Literal["unpaid", "partial", "paid"] | None
    status: PositionStatus
    cancelled_by: CancelledByOut | None = None
    position: PositionOut | None = None

    @classmethod
    def of(cls, position: Position | None, settlement: Settlement) -> dict[str, Any]:
        if position is None:  # a plain list row: what the allocations say
            return {
                "gross": Money.of(settlement.gross),
                "settled": Money.of(settlement.settled),
                "balance_due": Money.of(settlement.balance_due),
                "payment_status": settlement.status.value,
                "status": settlement.status,
            }
        by = position.cancelled_by
        return {
            "gross": Money.of(position.total),
            "settled": Money.of(position.settled),
            "balance_due": Money.of(position.balance_due),
            "payment_status": position.status.value if position.status in PAYMENT_STATUS_WORDS else None,
            "status": position.status,
            "cancelled_by": CancelledByOut(id=str(by.id), number=by.number) if by is not None else None,
            "position": PositionOut.of(position),
        }
