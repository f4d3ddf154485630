"""Changing and cancelling payments: who may change what, and what a cancellation undoes.

The rules live in `domain/payments.py` (`check_change`, `check_cancel`); here they are applied under a row lock
and every change or cancellation is recorded with the values before and after.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from acompte.domain.credit_events import RefundUnwound, WriteOffRemoved
from acompte.domain.credits import CreditRef
from acompte.domain.errors import InvalidTransition, PaymentNotOnDocument, RefundExists
from acompte.domain.events import AllocationRemoved, PaymentCancelled, PaymentChanged
from acompte.domain.payments import (
    EDITABLE_FIELDS,
    Lock,
    PaymentChange,
    PaymentState,
    check_cancel,
    check_change,
    editable_fields,
    lock_of,
)
from acompte.services import versions
from acompte.services.messagebus import publish
from acompte.services.payments import _account_for, _view
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import PaymentView


@dataclass(frozen=True, slots=True)
class PaymentForm:
    """What the edit form may offer for a payment, and why the other fields are locked."""

    payment: PaymentView
    editable: frozenset[str]
    lock: Lock | None
    is_refund: bool

    @property
    def locked(self) -> tuple[str, ...]:
        return tuple(f for f in EDITABLE_FIELDS if f not in self.editable)

    @property
    def can_cancel(self) -> bool:
        return self.lock is None


def payment_form(uow: UnitOfWork, ctx: Ctx, payment_id: int) -> PaymentForm:
    with uow:
        view = _view(uow, ctx, payment_id)
        is_refund = bool(uow.credits.refunds(ctx.company_id, payment_id=payment_id))
        fields = editable_fields(view.payment)
        if is_refund:
            fields = fields - {"amount"}
        return PaymentForm(view, frozenset(fields), lock_of(view.payment), is_refund)


def change_payment(
    uow: UnitOfWork,
    ctx: Ctx,
    payment_id: int,
    change: PaymentChange | None = None,
    *,
    account_id: int | None = None,
    expected_version: int | None = None,
    **fields: Any,
) -> PaymentView:
    """Change a payment: method, date, amount, reference when it is neither digital nor exported; only its
    comment otherwise. The amount never drops below what the payment already settles (remove allocations
    first). Fields may be given as a PaymentChange or as keywords (`amount=`, `comment=` …)."""
    change = change or PaymentChange(**fields)
    with uow:
        company = uow.companies.get(ctx.company_id)
        payment = uow.payments.get(ctx.company_id, payment_id, lock=True)
        if expected_version is not None and expected_version != payment.version:
            raise InvalidTransition(
                "Ce règlement a été modifié entre-temps : rechargez-le avant d'enregistrer.",
                action="edit",
                kind="règlement",
                state=payment.state.value,
            )
        used = uow.payments.allocated(payment)
        is_refund = bool(uow.credits.refunds(ctx.company_id, payment_id=payment_id))
        new_method = company.method(change.method) if change.method is not None else None
        changes = check_change(payment, change, used, new_method=new_method, is_refund=is_refund)
        updates: dict[str, Any] = {name: after for name, (_before, after) in changes.items()}
        if "method" in changes or account_id is not None:
            account = _account_for(uow, ctx, str(updates.get("method", payment.method)), account_id)
            if account != payment.account_id:
                updates["account_id"] = account
                changes["account_id"] = (payment.account_id, account)
        if updates:
            uow.payments.update(ctx.company_id, payment_id, **updates)
            publish(
                uow,
                ctx,
                PaymentChanged(
                    company_id=ctx.company_id,
                    payment_id=payment.id,
                    party_id=payment.party_id,
                    number=payment.number,
                    changes=changes,
                ),
            )
        view = _view(uow, ctx, payment_id)
        uow.commit()
        return view


def cancel_payment(
    uow: UnitOfWork,
    ctx: Ctx,
    payment_id: int,
    *,
    reason: str = "",
    document_id: int | None = None,
    expected_version: int | None = None,
) -> PaymentView:
    """Cancel a payment — from the payment list, the party account, or the document it settles
    (`document_id`: « annuler l'acompte »). Not when it is digital or exported.

    Its allocations are removed (every document's status follows), so are the small differences written off on
    it; if it is a refund, the credit it gave back is restored. A payment part of which was refunded cannot be
    cancelled before that refund is unwound.
    """
    with uow:
        payment = uow.payments.get(ctx.company_id, payment_id, lock=True)
        versions.check_payment(payment, expected_version)
        check_cancel(payment)
        allocations = uow.allocations.for_payment(ctx.company_id, payment_id)
        if document_id is not None and document_id not in {a.document_id for a in allocations}:
            document = uow.documents.get(ctx.company_id, document_id)
            raise PaymentNotOnDocument(number=payment.number, document=document.label)
        refunded = uow.credits.refunds(ctx.company_id, source=CreditRef.payment(payment_id))
        if refunded:
            raise RefundExists(number=payment.number, refunds=", ".join(r.payment_number for r in refunded))
        released = []
        # lock the documents (payment first, then documents by id), then read the allocations again: one that a
        # concurrent undo or document cancellation removed meanwhile is not removed (nor recorded) twice
        locked = {
            i: uow.documents.get(ctx.company_id, i, lock=True) for i in sorted({a.document_id for a in allocations})
        }
        allocations = uow.allocations.for_payment(ctx.company_id, payment_id)
        for allocation in sorted(allocations, key=lambda a: a.document_id):
            document = locked.get(allocation.document_id) or uow.documents.get(
                ctx.company_id, allocation.document_id, lock=True
            )
            balance = uow.documents.settlement(document).balance_due
            uow.allocations.delete(ctx.company_id, allocation.id)
            released.append(
                {
                    "allocation_id": allocation.id,
                    "document_id": document.id,
                    "document_number": document.number,
                    "amount": str(allocation.amount.amount),
                }
            )
            publish(
                uow,
                ctx,
                AllocationRemoved(
                    company_id=ctx.company_id,
                    document_id=document.id,
                    payment_id=payment.id,
                    party_id=payment.party_id,
                    allocation_id=allocation.id,
                    amount=allocation.amount,
                    payment_number=payment.number,
                    document_number=document.number,
                    reason="payment cancelled",
                    balance_before=balance,
                ),
            )
        removed_write_offs = []
        for write_off in uow.credits.write_offs(ctx.company_id, source=CreditRef.payment(payment_id)):
            uow.credits.delete_write_off(ctx.company_id, write_off.id)
            removed_write_offs.append({"write_off_id": write_off.id, "amount": str(write_off.amount.amount)})
            publish(
                uow,
                ctx,
                WriteOffRemoved(
                    company_id=ctx.company_id,
                    payment_id=payment.id,
                    party_id=payment.party_id,
                    write_off_id=write_off.id,
                    amount=write_off.amount,
                    reason="payment cancelled",
                ),
            )
        unwound = []
        for refund in uow.credits.refunds(ctx.company_id, payment_id=payment_id):
            uow.credits.delete_refund(ctx.company_id, refund.id)
            unwinding = RefundUnwound(
                company_id=ctx.company_id,
                payment_id=payment.id,
                party_id=payment.party_id,
                refund_id=refund.id,
                amount=refund.amount,
                refund_payment_id=payment.id,
                refund_number=payment.number,
                source=refund.source,
                source_number=refund.source_number,
                reason=reason,
            )
            unwound.append(unwinding.payload())
            on_credit_note = refund.source.kind.value == "credit_note"
            publish(uow, ctx, replace(unwinding, document_id=refund.source.id if on_credit_note else None))
            if not on_credit_note:
                publish(uow, ctx, replace(unwinding, payment_id=refund.source.id))
        uow.payments.update(ctx.company_id, payment_id, state=PaymentState.CANCELLED)
        publish(
            uow,
            ctx,
            PaymentCancelled(
                company_id=ctx.company_id,
                payment_id=payment.id,
                document_id=document_id,
                party_id=payment.party_id,
                number=payment.number,
                amount=payment.amount,
                method=payment.method,
                reason=reason,
                state_before=payment.state.value,
                released=tuple(released),
                write_offs_removed=tuple(removed_write_offs),
                refunds_unwound=tuple(unwound),
            ),
        )
        view = _view(uow, ctx, payment_id)
        uow.commit()
        return view
