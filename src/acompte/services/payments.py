"""Payments (règlements) and their allocation to documents (rapprochement)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from acompte.domain.accounting.currency import checked_rate
from acompte.domain.allocations import check_allocation
from acompte.domain.dates import DateField, check_optional
from acompte.domain.errors import InvalidSetting, NonPositiveAmount, Reason
from acompte.domain.events import AllocationRemoved, CreditUseUndoing, PaymentAllocated, PaymentRecorded
from acompte.domain.money import Money, total
from acompte.domain.payments import Direction, Payment, PaymentState, treasury_account
from acompte.services import payment_recording, positions, versions
from acompte.services.documents import assign_number
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import AllocationView, PaymentView


def _documents_rate(uow: UnitOfWork, ctx: Ctx, document_ids: Sequence[int | None]) -> Decimal | None:
    """The exchange rate of the first of these documents that has one."""
    for document_id in document_ids:
        if document_id is not None:
            rate = uow.documents.get(ctx.company_id, document_id).exchange_rate
            if rate is not None:
                return rate
    return None


def _account_for(uow: UnitOfWork, ctx: Ctx, method: str, account_id: int | None) -> int:
    accounts = uow.companies.accounts(ctx.company_id)
    return treasury_account([(a[0], a[2]) for a in accounts], method, account_id)


def record_payment(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    party_id: int,
    amount: Money,
    method: str,
    direction: Direction = Direction.IN,
    payment_date: date | None = None,
    account_id: int | None = None,
    reference: str = "",
    comment: str = "",
    allocations: Sequence[tuple[int, Money]] = (),
    origin_document_id: int | None = None,
    event_data: dict[str, Any] | None = None,
    exchange_rate: Decimal | str | None = None,
    inherit_rate: bool = True,
) -> PaymentView:
    """Record a payment received or paid, and optionally allocate it at once to documents.

    A payment in a currency other than the company's carries its exchange rate at receipt (`exchange_rate`);
    without one, and when `inherit_rate`, it takes that of the document it comes from or settles (a deposit
    payment generated when its deposit invoice is issued), else it is refused (`exchange-rate-required`)."""
    check_optional(payment_date, DateField.PAYMENT_DATE)
    if not amount.is_positive:
        raise NonPositiveAmount(amount=str(amount))
    with uow:
        recorder = payment_recording.usable(uow)
        if recorder is not None:
            return payment_recording.record(
                uow, recorder, ctx, party_id=party_id, amount=amount, method=method, direction=direction,
                payment_date=payment_date, account_id=account_id, reference=reference, comment=comment,
                allocations=allocations, origin_document_id=origin_document_id, event_data=event_data,
                exchange_rate=exchange_rate, inherit_rate=inherit_rate,
            )  # fmt: skip
        company = uow.companies.get(ctx.company_id)
        party = uow.parties.get(ctx.company_id, party_id)
        payment_method = company.method(method)
        if payment_method is None:
            raise InvalidSetting(reason=Reason.UNKNOWN_PAYMENT_METHOD, method=method)
        account = _account_for(uow, ctx, method, account_id)
        if origin_document_id is not None:
            uow.documents.get(ctx.company_id, origin_document_id)
        if exchange_rate is None and inherit_rate and amount.currency != company.currency:
            exchange_rate = _documents_rate(uow, ctx, [origin_document_id, *(d for d, _ in allocations)])
        rate = checked_rate(exchange_rate, amount.currency, company.currency, piece="Le règlement")
        when = payment_date or uow.clock.today()
        # The documents to settle before the number series' row, as the set-based path locks them (it takes the
        # series last): two payments of the two paths wait on each other, never lock in crossed orders.
        uow.documents.headers(ctx.company_id, sorted({d for d, _ in allocations}), lock=True)
        number = assign_number(uow, company, f"payment/{direction.value}", when.year)
        payment = Payment(
            id=0,
            company_id=ctx.company_id,
            number=number,
            party_id=party.id,
            direction=direction,
            method=method,
            digital=payment_method.digital,
            account_id=account,
            payment_date=when,
            amount=amount,
            reference=reference.strip(),
            comment=comment,
            origin_document_id=origin_document_id,
            exchange_rate=rate,
        )
        payment_id = uow.payments.add(payment)
        publish(
            uow,
            ctx,
            PaymentRecorded(
                company_id=ctx.company_id,
                payment_id=payment_id,
                party_id=party.id,
                document_id=origin_document_id,
                number=number,
                amount=amount,
                method=method,
                direction=direction.value,
                on=when,
                reference=payment.reference,
                extra=event_data or {},
            ),
        )
        # The payment is new (no other transaction sees it): no lock to take, nothing allocated before.
        recorded = replace(payment, id=payment_id)
        made_list: list[AllocationView] = []
        for document_id, part in sorted(allocations, key=lambda a: a[0]):
            used = total((a.amount for a in made_list), amount.currency)
            made_list.append(_allocate(uow, ctx, recorded, used, document_id, part))
        made = tuple(made_list)
        # Built from what this transaction wrote rather than read back: six fewer round trips (bench/run.py).
        view = PaymentView(
            payment=recorded,
            party_name=party.name,
            allocated=total((a.amount for a in made), amount.currency),
            allocations=made,
        )
        uow.commit()
        return view


def allocate(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    payment_id: int,
    document_id: int,
    amount: Money | None = None,
    expected_version: int | None = None,
) -> AllocationView:
    """Allocate part of a payment to a document. Without an amount: as much as both sides allow.

    Locks the payment, then the document (always in that order), before reading what remains on each.
    """
    with uow:
        payment = uow.payments.get(ctx.company_id, payment_id, lock=True)
        versions.check_payment(payment, expected_version)
        view = _allocate(uow, ctx, payment, uow.payments.allocated(payment), document_id, amount)
        uow.commit()
        return view


def _allocate(
    uow: UnitOfWork, ctx: Ctx, payment: Payment, payment_allocated: Money, document_id: int, amount: Money | None
) -> AllocationView:
    """Allocate within the caller's transaction, the payment already locked (or just written by it) and what it
    has used already known: lock the document, check, write the allocation and its event."""
    document = uow.documents.get(ctx.company_id, document_id, lock=True, lines=False)
    balance_due = positions.balance_due(uow, ctx, document)
    if amount is None:
        amount = (payment.amount - payment_allocated).min(balance_due)
    check_allocation(payment, payment_allocated, document, balance_due, amount)
    allocation_id, created_at = uow.allocations.add(
        ctx.company_id, payment_id=payment.id, document_id=document.id, amount=amount, with_time=True
    )
    publish(
        uow,
        ctx,
        PaymentAllocated(
            company_id=ctx.company_id,
            payment_id=payment.id,
            document_id=document.id,
            party_id=payment.party_id,
            allocation_id=allocation_id,
            amount=amount,
            payment_number=payment.number,
            document_number=document.number,
            method=payment.method,
            payment_date=payment.payment_date,
            balance_before=balance_due,
            unallocated_before=payment.amount - payment_allocated,
        ),
    )
    return AllocationView(
        id=allocation_id,
        document_id=document.id,
        document_number=document.number,
        amount=amount,
        payment_id=payment.id,
        payment_number=payment.number,
        created_at=created_at,
    )


def remove_allocation(uow: UnitOfWork, ctx: Ctx, allocation_id: int, *, reason: str = "") -> AllocationView:
    """Undo an allocation: both sides get the amount back exactly; the history keeps what was undone.

    Locks the payment, then the document, and only then reads the allocation again: of two clerks undoing the
    same allocation at once, the second finds it gone (AllocationNotFound) and writes nothing."""
    with uow:
        seen = uow.allocations.get(ctx.company_id, allocation_id)  # which rows to lock
        if seen.credit_document_id is not None:
            publish(uow, ctx, CreditUseUndoing(company_id=ctx.company_id, allocation_id=allocation_id, reason=reason))
            uow.commit()
            return seen
        payment = None
        if seen.payment_id is not None:
            payment = uow.payments.get(ctx.company_id, seen.payment_id, lock=True)
        document = uow.documents.get(ctx.company_id, seen.document_id, lock=True)
        allocation = uow.allocations.get(ctx.company_id, allocation_id)  # under the locks: still there?
        if allocation.document_id != document.id:  # moved meanwhile (an invoice made from its order)
            document = uow.documents.get(ctx.company_id, allocation.document_id, lock=True)
            allocation = uow.allocations.get(ctx.company_id, allocation_id)
        party_id = payment.party_id if payment is not None else document.party_id
        before = uow.documents.settlement(document).balance_due
        uow.allocations.delete(ctx.company_id, allocation_id)
        publish(
            uow,
            ctx,
            AllocationRemoved(
                company_id=ctx.company_id,
                payment_id=allocation.payment_id,
                document_id=allocation.document_id,
                party_id=party_id,
                allocation_id=allocation_id,
                amount=allocation.amount,
                payment_number=payment.number if payment else None,
                document_number=document.number,
                balance_before=before,
                reason=reason,
            ),
        )
        uow.commit()
        return allocation


def _view(uow: UnitOfWork, ctx: Ctx, payment_id: int) -> PaymentView:
    payment = uow.payments.get(ctx.company_id, payment_id)
    party = uow.parties.get(ctx.company_id, payment.party_id)
    return PaymentView(
        payment=payment,
        party_name=party.name,
        allocated=uow.payments.allocated(payment),
        allocations=tuple(uow.allocations.for_payment(ctx.company_id, payment_id)),
    )


def get_payment(uow: UnitOfWork, ctx: Ctx, payment_id: int) -> PaymentView:
    with uow:
        return _view(uow, ctx, payment_id)


def list_payments(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    party_id: int | None = None,
    method: str | None = None,
    state: PaymentState | None = None,
    direction: Direction | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    unallocated_only: bool = False,
    limit: int = 50,
    after_id: int | None = None,
) -> list[PaymentView]:
    check_optional(date_from, DateField.DATE_FROM)
    check_optional(date_to, DateField.DATE_TO)
    with uow:
        return list(
            uow.payments.views(
                ctx.company_id,
                party_id=party_id,
                method=method,
                state=state.value if state else None,
                direction=direction.value if direction else None,
                date_from=date_from,
                date_to=date_to,
                unallocated_only=unallocated_only,
                limit=limit,
                after_id=after_id,
            )
        )


def get_allocation(uow: UnitOfWork, ctx: Ctx, allocation_id: int) -> AllocationView:
    with uow:
        return uow.allocations.get(ctx.company_id, allocation_id)
