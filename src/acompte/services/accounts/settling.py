"""Settling a party account in one action: the selected documents with the selected credits, and optionally a
new payment recorded in the same action, whose excess follows the clerk's choice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from acompte.domain.credit_events import AccountSettled, SettledAllocation
from acompte.domain.credits import CreditRef, Excess, SourceKind, direction_of
from acompte.domain.documents import Flow
from acompte.domain.errors import OverAllocation
from acompte.domain.money import Money
from acompte.services import credits, payments
from acompte.services.accounts.scope import account_currency, flow_for
from acompte.services.credits.views import SettleResult
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import AllocationView


@dataclass(frozen=True, slots=True)
class NewPayment:
    """A payment recorded in the same action as the settlement (the « nouveau règlement » line)."""

    amount: Money
    method: str
    payment_date: date | None = None
    reference: str = ""
    comment: str = ""
    account_id: int | None = None


def settle(
    uow: UnitOfWork,
    ctx: Ctx,
    party_id: int,
    *,
    documents: Sequence[int | tuple[int, Money | None]],
    credits_used: Sequence[CreditRef] = (),
    new_payment: NewPayment | None = None,
    excess: Excess = Excess.KEEP,
    refund_method: str | None = None,
    flow: Flow | None = None,
    write_off_shortfall: bool = False,
) -> SettleResult:
    """Settle the selected documents with the selected credits, in the order given, and — optionally — a new
    payment recorded in the same action (used last). A document given with an amount takes exactly that amount
    (refused if the credits cannot cover it); without one it takes its balance due, as far as credits go.
    What the new payment does not settle follows `excess` (kept as credit by default). One transaction.

    `write_off_shortfall` (the accountant's, with a new payment): what the credits leave short of a document's
    amount is written off at the receipt of the payment (`credits.shortfall_write_off`, booked with it in one
    bank entry) instead of refused — within the company threshold per document, else nothing is written.
    """
    with uow:
        party = uow.parties.get(ctx.company_id, party_id)
        flow = flow_for(party, flow)
        currency = account_currency(uow, ctx, None)
        # Lock what is read: payments first, then documents (credit notes and settled documents), by id.
        for ref in sorted((r for r in credits_used if r.kind is SourceKind.PAYMENT), key=lambda r: r.id):
            uow.payments.get(ctx.company_id, ref.id, lock=True)
        wanted = [(d, None) if isinstance(d, int) else d for d in documents]
        doc_ids = sorted({d for d, _ in wanted} | {r.id for r in credits_used if r.kind is SourceKind.CREDIT_NOTE})
        for doc_id in doc_ids:
            uow.documents.get(ctx.company_id, doc_id, lock=True)
        sources = list(dict.fromkeys(credits_used))  # keep order, drop repeats
        payment_id = None
        if new_payment is not None:
            recorded = payments.record_payment(
                uow,
                ctx,
                party_id=party_id,
                amount=new_payment.amount,
                method=new_payment.method,
                direction=direction_of(flow),
                payment_date=new_payment.payment_date,
                reference=new_payment.reference,
                comment=new_payment.comment,
                account_id=new_payment.account_id,
            )
            payment_id = recorded.id
            currency = new_payment.amount.currency
            sources.append(CreditRef.payment(payment_id))
        left: dict[CreditRef, Money] = {}
        for ref in sources:
            if ref.kind is SourceKind.PAYMENT:
                payment = uow.payments.get(ctx.company_id, ref.id)
                left[ref] = uow.credits.payment_use(payment).remaining
            else:
                left[ref] = uow.credits.credit_use(uow.documents.get(ctx.company_id, ref.id)).remaining
        made: list[AllocationView] = []
        short: list[tuple[int, Money]] = []
        for doc_id, amount in wanted:
            document = uow.documents.get(ctx.company_id, doc_id)
            need = amount if amount is not None else uow.documents.settlement(document).balance_due
            for ref in sources:
                if not need.is_positive:
                    break
                part = need.min(left[ref])
                if not part.is_positive:
                    continue
                if ref.kind is SourceKind.PAYMENT:
                    made.append(payments.allocate(uow, ctx, payment_id=ref.id, document_id=doc_id, amount=part))
                else:
                    made.append(credits.use_credit(uow, ctx, credit_id=ref.id, document_id=doc_id, amount=part))
                left[ref] = left[ref] - part
                need = need - part
            if amount is not None and need.is_positive and write_off_shortfall and payment_id is not None:
                short.append((doc_id, need))
            elif amount is not None and need.is_positive:
                raise OverAllocation(
                    requested=str(amount),
                    available=str(amount - need),
                    source="les crédits sélectionnés",
                )
        shortfalls = tuple(
            credits.shortfall_write_off(
                uow,
                ctx,
                doc_id,
                amount=need,
                today=uow.payments.get(ctx.company_id, payment_id).payment_date,
                received_payment_id=payment_id,
            )
            for doc_id, need in short
            if payment_id is not None
        )
        result_excess = Money.zero(currency)
        refund_view = write_off_view = None
        if payment_id is not None:
            handled = credits.handle_excess(uow, ctx, payment_id, excess, refund_method=refund_method)
            result_excess, refund_view, write_off_view = handled.excess, handled.refund, handled.write_off
        publish(
            uow,
            ctx,
            AccountSettled(
                company_id=ctx.company_id,
                party_id=party_id,
                payment_id=payment_id,
                flow=flow,
                allocations=tuple(SettledAllocation(a.id, a.document_id, a.amount) for a in made),
                credits=tuple(sources),
                excess=result_excess,
                choice=excess,
            ),
        )
        result = SettleResult(
            payment_id=payment_id,
            allocations=tuple(made),
            excess=result_excess,
            refund=refund_view,
            write_off=write_off_view,
            shortfalls=shortfalls,
        )
        uow.commit()
        return result
