"""Writing off: what remains of a credit note (« comptabiliser »), a small overpayment, or a small amount a
document still owes (« écart de règlement », within the company threshold). Each is a recorded action."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from acompte.domain import credits as rules
from acompte.domain.credit_events import (
    CreditWrittenOff,
    OverpaymentWrittenOff,
    ReleasedUseWrittenOff,
    ShortfallWrittenOff,
)
from acompte.domain.credits import CreditRef
from acompte.domain.dates import DateField, check_optional
from acompte.domain.documents import Document
from acompte.domain.money import Money
from acompte.domain.payments import Direction
from acompte.services import payments, positions
from acompte.services.credits.lookups import active_payment, credit_note, payment_label
from acompte.services.credits.views import WriteOffView
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import PaymentView


def write_off_credit(
    uow: UnitOfWork, ctx: Ctx, credit_id: int, *, reason: str = "", today: date | None = None
) -> WriteOffView:
    """« Comptabiliser » a credit note: what remains of it is written off for good. It stays in the history
    but can no longer be used. Only a credit note with an unused amount can be written off, once."""
    check_optional(today, DateField.DATE)
    with uow:
        credit = credit_note(uow, ctx, credit_id, lock=True)
        use = uow.credits.credit_use(credit)
        amount = rules.check_credit_write_off(credit, use)
        write_off_id = uow.credits.add_write_off(
            ctx.company_id,
            party_id=credit.party_id,
            source=CreditRef.credit_note(credit.id),
            amount=amount,
            write_off_date=today or uow.clock.today(),
            reason=reason,
        )
        publish(
            uow,
            ctx,
            CreditWrittenOff(
                company_id=ctx.company_id,
                document_id=credit.id,
                party_id=credit.party_id,
                write_off_id=write_off_id,
                number=credit.number,
                amount=amount,
                reason=reason,
                status_before=use.status,
                remaining_before=use.remaining,
            ),
        )
        view = uow.credits.write_offs(ctx.company_id, write_off_id=write_off_id)[0]
        uow.commit()
        return view


def write_off_what_comes_back(uow: UnitOfWork, ctx: Ctx, credit: Document, amount: Money, reason: str) -> None:
    """A credit note's write-off is final: whatever comes back to a written-off credit note afterwards (a use
    released with its document, a refund unwound) is written off too — its one write-off row grows by `amount`,
    recorded — so it never becomes usable credit again. Nothing to do on a credit note not written off.

    Every path that gives a credit note back some of its amount without the clerk undoing the use itself (which
    is refused once written off) calls this, inside its unit of work, once the use is gone."""
    written = uow.credits.write_offs(ctx.company_id, source=CreditRef.credit_note(credit.id))
    if not written:
        return
    before = written[0].amount
    uow.credits.add_to_write_off(ctx.company_id, written[0].id, amount)
    publish(
        uow,
        ctx,
        ReleasedUseWrittenOff(
            company_id=ctx.company_id,
            document_id=credit.id,
            party_id=credit.party_id,
            write_off_id=written[0].id,
            number=credit.number,
            amount=amount,
            reason=reason,
            written_off_before=before,
        ),
    )


def write_off_overpayment(
    uow: UnitOfWork,
    ctx: Ctx,
    payment_id: int,
    *,
    amount: Money | None = None,
    reason: str = "",
    today: date | None = None,
) -> WriteOffView:
    """Write off a small overpayment (« écart de règlement ») within the company threshold: a recorded action."""
    with uow:
        view = overpayment_write_off(uow, ctx, payment_id, amount=amount, reason=reason, today=today)
        uow.commit()
        return view


def overpayment_write_off(
    uow: UnitOfWork,
    ctx: Ctx,
    payment_id: int,
    *,
    amount: Money | None = None,
    reason: str = "",
    today: date | None = None,
) -> WriteOffView:
    """The work of `write_off_overpayment`, inside the caller's open unit of work."""
    check_optional(today, DateField.DATE)
    company = uow.companies.get(ctx.company_id)
    payment = active_payment(uow, ctx, payment_id, lock=True)
    use = uow.credits.payment_use(payment)
    amount = amount if amount is not None else use.remaining
    threshold = rules.write_off_threshold(company.settings, payment.currency)
    rules.check_overpayment_write_off(payment_label(payment), use.remaining, amount, threshold)
    write_off_id = uow.credits.add_write_off(
        ctx.company_id,
        party_id=payment.party_id,
        source=CreditRef.payment(payment.id),
        amount=amount,
        write_off_date=today or uow.clock.today(),
        reason=reason,
    )
    publish(
        uow,
        ctx,
        OverpaymentWrittenOff(
            company_id=ctx.company_id,
            payment_id=payment.id,
            party_id=payment.party_id,
            write_off_id=write_off_id,
            number=payment.number,
            amount=amount,
            threshold=threshold,
            reason=reason,
            unallocated_before=use.remaining,
        ),
    )
    return uow.credits.write_offs(ctx.company_id, write_off_id=write_off_id)[0]


def write_off_shortfall(
    uow: UnitOfWork,
    ctx: Ctx,
    document_id: int,
    *,
    amount: Money | None = None,
    reason: str = "",
    today: date | None = None,
) -> WriteOffView:
    """Write off a small amount a document still owes (« écart de règlement », e.g. 0.02 short) within the
    company threshold: a recorded action; the document is then paid. Done on its own, it is booked as a
    miscellaneous entry (OD D 658 / C 411)."""
    check_optional(today, DateField.DATE)
    with uow:
        view = shortfall_write_off(uow, ctx, document_id, amount=amount, reason=reason, today=today)
        uow.commit()
        return view


def shortfall_write_off(
    uow: UnitOfWork,
    ctx: Ctx,
    document_id: int,
    *,
    amount: Money | None = None,
    reason: str = "",
    today: date | None = None,
    received_payment_id: int | None = None,
) -> WriteOffView:
    """The work of `write_off_shortfall`, inside the caller's open unit of work (`received_payment_id`: written
    off at the receipt of that payment, in the same operation)."""
    company = uow.companies.get(ctx.company_id)
    document = uow.documents.get(ctx.company_id, document_id, lock=True)
    balance_due = positions.balance_due(uow, ctx, document)
    amount = amount if amount is not None else balance_due
    threshold = rules.write_off_threshold(company.settings, document.currency)
    rules.check_shortfall_write_off(document, balance_due, amount, threshold)
    write_off_id = uow.credits.add_write_off(
        ctx.company_id,
        party_id=document.party_id,
        source=None,
        document_id=document.id,
        amount=amount,
        write_off_date=today or uow.clock.today(),
        reason=reason,
        received_payment_id=received_payment_id,
    )
    publish(
        uow,
        ctx,
        ShortfallWrittenOff(
            company_id=ctx.company_id,
            document_id=document.id,
            party_id=document.party_id,
            write_off_id=write_off_id,
            number=document.number,
            amount=amount,
            threshold=threshold,
            reason=reason,
            balance_before=balance_due,
        ),
    )
    return uow.credits.write_offs(ctx.company_id, write_off_id=write_off_id)[0]


def receive_writing_off(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    party_id: int,
    amount: Money,
    method: str,
    allocations: Sequence[tuple[int, Money]],
    direction: Direction = Direction.IN,
    payment_date: date | None = None,
    account_id: int | None = None,
    reference: str = "",
    comment: str = "",
    reason: str = "",
    exchange_rate: Decimal | str | None = None,
) -> PaymentView:
    """Record a payment allocated to documents and, in the same operation, write off the small shortfall each of
    them is still left owing (within the company threshold; a document paid in full is left alone). The customer
    paid 44.98 of 45.00: one bank entry D 512 44.98 + D 658 0.02 / C 411 45.00 (french-rules §1.3, « Small
    shortfall »); a supplier paid 44.98 of 45.00: D 401 45.00 / C 512 44.98 + C 758 0.02. One transaction: a
    shortfall over the threshold refuses the whole receipt."""
    with uow:
        recorded = payments.record_payment(
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
            allocations=allocations,
            exchange_rate=exchange_rate,
            inherit_rate=exchange_rate is None,
        )
        for document_id in sorted({d for d, _ in allocations}):
            document = uow.documents.get(ctx.company_id, document_id)
            if positions.balance_due(uow, ctx, document).is_zero:
                continue
            shortfall_write_off(
                uow,
                ctx,
                document_id,
                reason=reason,
                today=recorded.payment.payment_date,
                received_payment_id=recorded.id,
            )
        view = payments.get_payment(uow, ctx, recorded.id)
        uow.commit()
        return view
