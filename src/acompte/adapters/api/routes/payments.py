"""Payments (règlements): list, record (with allocations), read, allocate; their history."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from acompte.adapters.api.dependencies import (
    ID_QUERY,
    Auth,
    IfMatch,
    PageParams,
    ReadCtx,
    Uow,
    WriteCtx,
    etag,
    opt_id,
    parse_id,
)
from acompte.adapters.api.routing import capability_router
from acompte.adapters.api.schemas.common import IsoDate, Page
from acompte.adapters.api.schemas.history import EventOut
from acompte.adapters.api.schemas.payments import AllocateIn, AllocationOut, PaymentIn, PaymentOut, PaymentSummaryOut
from acompte.domain.payments import Direction, PaymentState
from acompte.domain.users import Permission, authorize
from acompte.services import credits, history, payments
from acompte.services.views import PaymentView

router = capability_router("/payments", "payments")
ENTITY = "Règlement"


def _out(view: PaymentView, response: Response) -> PaymentOut:
    response.headers["ETag"] = etag(view.payment.version)
    return PaymentOut.model_validate(view)


@router.get("", summary="List payments (ordered by id), with filters")
def list_payments(
    ctx: ReadCtx,
    uow: Uow,
    paging: PageParams,
    party_id: ID_QUERY = None,
    method: Annotated[str | None, Query(pattern=r"^[a-z0-9_]{1,30}$")] = None,
    state: PaymentState | None = None,
    direction: Direction | None = None,
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
    unallocated_only: Annotated[bool, Query(description="Only payments with money left to allocate")] = False,
) -> Page[PaymentSummaryOut]:
    rows = payments.list_payments(
        uow,
        ctx,
        party_id=opt_id(party_id),
        method=method,
        state=state,
        direction=direction,
        date_from=date_from,
        date_to=date_to,
        unallocated_only=unallocated_only,
        limit=paging.limit + 1,
        after_id=paging.after_id,
    )
    rows, cursor = paging.page(rows)
    return Page(items=[PaymentSummaryOut.model_validate(p) for p in rows], next_cursor=cursor)


@router.post("", status_code=201, summary="Record a payment, optionally allocated at once to documents")
def record_payment(body: PaymentIn, principal: Auth, ctx: WriteCtx, uow: Uow, response: Response) -> PaymentOut:
    allocations = [(int(part.document_id), part.amount.to_domain()) for part in body.allocations]
    if body.write_off_shortfall:  # a write-off is the accountant's: checked before anything is recorded
        authorize(principal, Permission.ACCOUNTING)
        view = credits.receive_writing_off(
            uow,
            ctx,
            party_id=int(body.party_id),
            amount=body.amount.to_domain(),
            method=body.method,
            direction=body.direction,
            payment_date=body.payment_date,
            account_id=opt_id(body.account_id),
            reference=body.reference,
            comment=body.comment,
            allocations=allocations,
            exchange_rate=body.exchange_rate,
        )
    else:
        view = payments.record_payment(
            uow,
            ctx,
            party_id=int(body.party_id),
            amount=body.amount.to_domain(),
            method=body.method,
            direction=body.direction,
            payment_date=body.payment_date,
            account_id=opt_id(body.account_id),
            reference=body.reference,
            comment=body.comment,
            allocations=allocations,
            origin_document_id=opt_id(body.origin_document_id),
            exchange_rate=body.exchange_rate,
            inherit_rate=False,
        )
    response.headers["Location"] = f"/api/v1/payments/{view.id}"
    return _out(view, response)


@router.get("/{payment_id}", summary="Read a payment and its allocations")
def get_payment(payment_id: str, ctx: ReadCtx, uow: Uow, response: Response) -> PaymentOut:
    return _out(payments.get_payment(uow, ctx, parse_id(payment_id, ENTITY)), response)


@router.post(
    "/{payment_id}/allocations",
    status_code=201,
    summary="Allocate part of the payment to a document (as much as possible without an amount)",
)
def allocate(
    payment_id: str, body: AllocateIn, ctx: WriteCtx, uow: Uow, expected: IfMatch, response: Response
) -> AllocationOut:
    pay_id = parse_id(payment_id, ENTITY)
    allocation = payments.allocate(
        uow,
        ctx,
        payment_id=pay_id,
        document_id=int(body.document_id),
        amount=body.amount.to_domain() if body.amount else None,
        expected_version=expected,
    )
    response.headers["Location"] = f"/api/v1/allocations/{allocation.id}"
    return AllocationOut.model_validate(allocation)


@router.get("/{payment_id}/history", summary="The payment's history")
def payment_history(payment_id: str, ctx: ReadCtx, uow: Uow, paging: PageParams) -> Page[EventOut]:
    rows, cursor = paging.slice(history.payment_history(uow, ctx, parse_id(payment_id, ENTITY)))
    return Page(items=[EventOut.model_validate(e) for e in rows], next_cursor=cursor)
