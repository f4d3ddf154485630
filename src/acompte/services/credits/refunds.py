"""Refunds: a credit (a credit note, or a payment's money left) given back by a payment the other way, linked
to the credit so that it is traceable; `unwind_refund` undoes one exactly (what comes back to a credit note
written off meanwhile is written off too)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from acompte.domain import credits as rules
from acompte.domain.credit_events import RefundRecorded, RefundUnwound
from acompte.domain.credits import CreditRef, SourceKind
from acompte.domain.dates import DateField, check_optional
from acompte.domain.money import Money
from acompte.services import payments
from acompte.services.credits.lookups import active_payment, credit_note, payment_label
from acompte.services.credits.views import RefundView
from acompte.services.credits.write_offs import write_off_what_comes_back
from acompte.services.messagebus import publish
from acompte.services.payment_changes import cancel_payment
from acompte.services.ports import Ctx, UnitOfWork


def refund(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    source: CreditRef,
    method: str,
    amount: Money | None = None,
    payment_date: date | None = None,
    reference: str = "",
    comment: str = "",
    account_id: int | None = None,
) -> RefundView:
    """Give a credit back (all of it by default): an outgoing payment to a customer, or an incoming payment from
    a supplier. The refund payment and the credit are linked so the refund is traceable and can be unwound."""
    check_optional(payment_date, DateField.REFUND_DATE)
    with uow:
        view = record_refund(
            uow,
            ctx,
            source=source,
            method=method,
            amount=amount,
            payment_date=payment_date,
            reference=reference,
            comment=comment,
            account_id=account_id,
        )
        uow.commit()
        return view


def record_refund(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    source: CreditRef,
    method: str,
    amount: Money | None = None,
    payment_date: date | None = None,
    reference: str = "",
    comment: str = "",
    account_id: int | None = None,
) -> RefundView:
    """The work of `refund`, inside the caller's open unit of work."""
    check_optional(payment_date, DateField.REFUND_DATE)
    source_number: str | None
    if source.kind is SourceKind.PAYMENT:
        origin_payment = active_payment(uow, ctx, source.id, lock=True)
        remaining = uow.credits.payment_use(origin_payment).remaining
        party_id, direction = origin_payment.party_id, rules.opposite(origin_payment.direction)
        label, origin_document_id = payment_label(origin_payment), None
        source_number = origin_payment.number
    else:
        credit = credit_note(uow, ctx, source.id, lock=True)
        use = uow.credits.credit_use(credit)
        rules.check_credit_usable(credit, use)
        remaining = use.remaining
        party_id, direction = credit.party_id, rules.opposite(rules.direction_of(credit.flow))
        label, origin_document_id = credit.label, credit.id
        source_number = credit.number
    amount = amount if amount is not None else remaining
    rules.check_refund(label, remaining, amount)
    refund_payment = payments.record_payment(
        uow,
        ctx,
        party_id=party_id,
        amount=amount,
        method=method,
        direction=direction,
        payment_date=payment_date,
        account_id=account_id,
        reference=reference,
        comment=comment,
        origin_document_id=origin_document_id,
        event_data={"refund_of": {"kind": source.kind.value, "id": source.id, "number": source_number}},
    )
    refund_id = uow.credits.add_refund(
        ctx.company_id, party_id=party_id, payment_id=refund_payment.id, source=source, amount=amount
    )
    recorded = RefundRecorded(
        company_id=ctx.company_id,
        payment_id=refund_payment.id,
        document_id=origin_document_id,
        party_id=party_id,
        refund_id=refund_id,
        amount=amount,
        refund_payment_id=refund_payment.id,
        refund_number=refund_payment.payment.number,
        source=source,
        source_number=source_number,
        remaining_before=remaining,
    )
    publish(uow, ctx, recorded)
    if source.kind is SourceKind.PAYMENT:  # the refunded payment's history shows it too
        publish(uow, ctx, replace(recorded, payment_id=source.id, document_id=None))
    return uow.credits.get_refund(ctx.company_id, refund_id)


def unwind_refund(uow: UnitOfWork, ctx: Ctx, refund_id: int, *, reason: str = "") -> RefundView:
    """Undo a refund: the refund payment is cancelled and the credit gets the amount back exactly (written off
    at once on a credit note written off since: see `refund_unwound`). Refused when the refund payment is digital
    or exported (record a new payment the other way instead)."""
    with uow:
        view = uow.credits.get_refund(ctx.company_id, refund_id)
        cancel_payment(uow, ctx, view.payment_id, reason=reason or "remboursement annulé")
        uow.commit()
        return view


def refund_unwound(uow: UnitOfWork, ctx: Ctx, unwound: RefundUnwound) -> None:
    """A refund undone (its payment cancelled, by `unwind_refund` or from the payment itself) gives its amount back
    to the credit; a credit note written off since the refund does not get it back as usable credit."""
    if unwound.source.kind is not SourceKind.CREDIT_NOTE:
        return
    # locked like `write_off_credit` locks it, so that a write-off made meanwhile is seen (or sees the refund gone)
    credit = credit_note(uow, ctx, unwound.source.id, lock=True)
    write_off_what_comes_back(
        uow, ctx, credit, unwound.amount, f"refund unwound after the write-off ({unwound.reason})"
    )
