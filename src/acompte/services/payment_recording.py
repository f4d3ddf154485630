"""Recording a payment and allocating it, set-based: the facts read at once (`PaymentRecorder.read`, the documents
locked), the same decisions as `payments.record_payment` takes through the repositories — the same checks in the
same order, so the same error for the same input — and everything written at once with the commit, the payment's
number taken there (what is decided carries a placeholder for it, put in its place by the recorder).

Chosen by `payments.record_payment` when the unit of work offers a recorder (PostgreSQL) and no handler reacts to
`PaymentRecorded` or `PaymentAllocated` (a handler works through the repositories, between the writes: the
repositories' path runs it in its place). tests/services/test_payment_recording_parity.py plays the same
histories through both paths and compares every row written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from acompte.domain.accounting.currency import checked_rate
from acompte.domain.allocations import check_allocation
from acompte.domain.errors import InvalidSetting, NotFound, Reason
from acompte.domain.events import PaymentAllocated, PaymentRecorded
from acompte.domain.money import Money
from acompte.domain.numbering import DEFAULT_PREFIXES, WIDTH, format_number, number_stem
from acompte.domain.parties import series_prefix
from acompte.domain.payments import Direction, Payment, treasury_account
from acompte.domain.positions import COMMERCIAL_KINDS
from acompte.services import positions
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.ports.payment_recording import (
    AllocationWrite,
    EventWrite,
    NumberToTake,
    PaymentRecorder,
    RecordingFacts,
    RecordingQuery,
    RecordingWrite,
)
from acompte.services.views import AllocationView, PaymentView


def usable(uow: UnitOfWork) -> PaymentRecorder | None:
    """The recorder, when the set-based path gives the same result as the repositories' one."""
    recorder, bus = uow.payment_recorder, uow.bus
    if recorder is None or bus is None:
        return None
    if bus.handlers_for(PaymentRecorded) or bus.handlers_for(PaymentAllocated):
        return None
    return recorder


def _rate_of(facts: RecordingFacts, origin_document_id: int | None, document_ids: Sequence[int]) -> Decimal | None:
    """`payments._documents_rate` on the facts: the first of these documents that has a rate."""
    if origin_document_id is not None and facts.origin_rate is not None:
        return facts.origin_rate
    for document_id in document_ids:
        found = facts.documents.get(document_id)
        if found is None:
            raise NotFound(entity="Document", id=document_id)
        if found[0].exchange_rate is not None:
            return found[0].exchange_rate
    return None


def record(
    uow: UnitOfWork,
    recorder: PaymentRecorder,
    ctx: Ctx,
    *,
    party_id: int,
    amount: Money,
    method: str,
    direction: Direction,
    payment_date: date | None,
    account_id: int | None,
    reference: str,
    comment: str,
    allocations: Sequence[tuple[int, Money]],
    origin_document_id: int | None,
    event_data: dict[str, Any] | None,
    exchange_rate: Decimal | str | None,
    inherit_rate: bool,
) -> PaymentView:
    """Inside the caller's `with uow:`; commits. The arguments are `record_payment`'s, already checked."""
    when = payment_date or uow.clock.today()
    key = f"payment/{direction.value}"
    ordered = sorted(allocations, key=lambda a: a[0])
    facts = recorder.read(
        RecordingQuery(
            company_id=ctx.company_id,
            party_id=party_id,
            method=method,
            account_id=account_id,
            document_ids=tuple(sorted({d for d, _ in ordered})),
            origin_document_id=origin_document_id,
            series_key=key,
            year=when.year,
            allocations=len(ordered),
        )
    )
    # The repositories' path's checks, in its order.
    if facts.currency is None:
        raise NotFound(entity="Société", id=ctx.company_id)
    if facts.party_name is None:
        raise NotFound(entity="Tiers", id=party_id)
    if facts.method_digital is None:
        raise InvalidSetting(reason=Reason.UNKNOWN_PAYMENT_METHOD, method=method)
    account = treasury_account(facts.accounts, method, account_id)
    if origin_document_id is not None and not facts.origin_found:
        raise NotFound(entity="Document", id=origin_document_id)
    if exchange_rate is None and inherit_rate and amount.currency != facts.currency:
        exchange_rate = _rate_of(facts, origin_document_id, [d for d, _ in allocations])
    rate = checked_rate(exchange_rate, amount.currency, facts.currency, piece="Le règlement")
    prefix = series_prefix(facts.settings, key, DEFAULT_PREFIXES[key])
    # What is written carries the placeholder, for the number the recorder takes with the writes; a refusal names
    # the payment by the number it would take now.
    number = facts.number_placeholder
    payment = Payment(
        id=facts.payment_id,
        company_id=ctx.company_id,
        number=number,
        party_id=party_id,
        direction=direction,
        method=method,
        digital=facts.method_digital,
        account_id=account,
        payment_date=when,
        amount=amount,
        reference=reference.strip(),
        comment=comment,
        origin_document_id=origin_document_id,
        exchange_rate=rate,
    )
    created_at = uow.clock.now()
    recorded = PaymentRecorded(
        company_id=ctx.company_id,
        payment_id=payment.id,
        party_id=party_id,
        document_id=origin_document_id,
        number=number,
        amount=amount,
        method=method,
        direction=direction.value,
        on=when,
        reference=payment.reference,
        extra=event_data or {},
    )
    events = [EventWrite(recorded.record(), uow.clock.now(), ctx.actor)]
    made: list[AllocationView] = []
    writes: list[AllocationWrite] = []
    taken: dict[int, Money] = {}  # what this payment already settles on each document (not written yet)
    used = Money.zero(amount.currency)
    checked = replace(payment, number=format_number(prefix, when.year, facts.series_next))
    for (document_id, part), allocation_id in zip(ordered, facts.allocation_ids, strict=True):
        found = facts.documents.get(document_id)
        if found is None:
            raise NotFound(entity="Document", id=document_id)
        document, settlement = found
        if document.kind in COMMERCIAL_KINDS:  # an order's family: read through the repositories, same transaction
            balance_due = positions.balance_due(uow, ctx, document)
        else:
            balance_due = settlement.balance_due
        if document_id in taken:
            balance_due = balance_due - taken[document_id]
        check_allocation(checked, used, document, balance_due, part)
        at = uow.clock.now()
        writes.append(AllocationWrite(allocation_id, document_id, part, at))
        allocated = PaymentAllocated(
            company_id=ctx.company_id,
            payment_id=payment.id,
            document_id=document.id,
            party_id=party_id,
            allocation_id=allocation_id,
            amount=part,
            payment_number=number,
            document_number=document.number,
            method=method,
            payment_date=when,
            balance_before=balance_due,
            unallocated_before=amount - used,
        )
        events.append(EventWrite(allocated.record(), uow.clock.now(), ctx.actor))
        made.append(
            AllocationView(
                id=allocation_id,
                document_id=document.id,
                document_number=document.number,
                amount=part,
                payment_id=payment.id,
                payment_number=number,
                created_at=at,
            )
        )
        taken[document_id] = taken.get(document_id, Money.zero(amount.currency)) + part
        used = used + part
    recorder.write(
        RecordingWrite(
            payment=payment,
            number=NumberToTake(key, when.year, number_stem(prefix, when.year), WIDTH),
            created_at=created_at,
            allocations=writes,
            events=events,
        )
    )
    uow.commit()
    number = recorder.number()
    return PaymentView(
        payment=replace(payment, number=number),
        party_name=facts.party_name,
        allocated=used,
        allocations=tuple(replace(a, payment_number=number) for a in made),
    )
