"""The excess of a payment (« trop-perçu »): what a payment does not settle is kept as the party's credit,
refunded, or written off within the threshold — always by the clerk's explicit choice, and recorded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from acompte.domain.credit_events import OverpaymentKept
from acompte.domain.credits import CreditRef, Excess
from acompte.domain.dates import DateField, check_optional
from acompte.domain.errors import InvalidSetting
from acompte.domain.money import Money
from acompte.services import payments
from acompte.services.credits.lookups import active_payment
from acompte.services.credits.refunds import record_refund
from acompte.services.credits.views import SettleResult
from acompte.services.credits.write_offs import overpayment_write_off
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork


def handle_excess(
    uow: UnitOfWork,
    ctx: Ctx,
    payment_id: int,
    choice: Excess = Excess.KEEP,
    *,
    refund_method: str | None = None,
    refund_date: date | None = None,
    reason: str = "",
) -> SettleResult:
    """Apply the user's explicit choice to what a payment has left: keep it as credit (default), refund it, or
    write it off within the threshold. Each choice is recorded."""
    check_optional(refund_date, DateField.REFUND_DATE)
    with uow:
        payment = active_payment(uow, ctx, payment_id, lock=True)
        excess = uow.credits.payment_use(payment).remaining
        refund_view = write_off_view = None
        if excess.is_positive:
            if choice is Excess.KEEP:
                publish(
                    uow,
                    ctx,
                    OverpaymentKept(
                        company_id=ctx.company_id,
                        payment_id=payment.id,
                        party_id=payment.party_id,
                        number=payment.number,
                        amount=excess,
                    ),
                )
            elif choice is Excess.REFUND:
                refund_view = record_refund(
                    uow,
                    ctx,
                    source=CreditRef.payment(payment.id),
                    method=refund_method or payment.method,
                    amount=excess,
                    payment_date=refund_date or payment.payment_date,
                    comment=reason,
                )
            elif choice is Excess.WRITE_OFF:
                write_off_view = overpayment_write_off(uow, ctx, payment.id, amount=excess, reason=reason)
            else:  # pragma: no cover - StrEnum exhaustiveness
                raise InvalidSetting(reason=f"choix inconnu : {choice}")
        result = SettleResult(
            payment_id=payment.id,
            allocations=tuple(uow.allocations.for_payment(ctx.company_id, payment.id)),
            excess=excess,
            refund=refund_view,
            write_off=write_off_view,
        )
        uow.commit()
        return result


def receive_payment(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    party_id: int,
    amount: Money,
    method: str,
    allocations: Sequence[tuple[int, Money]] = (),
    excess: Excess = Excess.KEEP,
    refund_method: str | None = None,
    reason: str = "",
    **payment: Any,
) -> SettleResult:
    """Record a payment with its allocations and decide, explicitly, what happens to what it does not settle
    (also for an overpaid deposit invoice: it is a document like any other here). One transaction."""
    with uow:
        view = payments.record_payment(
            uow, ctx, party_id=party_id, amount=amount, method=method, allocations=allocations, **payment
        )
        result = handle_excess(uow, ctx, view.id, excess, refund_method=refund_method, reason=reason)
        uow.commit()
        return result
