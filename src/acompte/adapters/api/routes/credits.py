"""Credits: credit notes (from an invoice, or standalone gestures) and their use, write-offs, overpayments,
refunds and their unwinding, payment changes and cancellations.

A credit note's use is undone with `DELETE /allocations/{id}` (both sides get the amount back). Write-offs need
the accountant role. Payment changes and cancellations accept `If-Match` (the payment's `version`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Query, Response

from acompte.adapters.api.dependencies import (
    ID_QUERY,
    AccountingCtx,
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
from acompte.adapters.api.lookups import known
from acompte.adapters.api.routing import capability_router
from acompte.adapters.api.schemas.common import Page
from acompte.adapters.api.schemas.credits import (
    AmountWriteOffIn,
    CreditInvoiceIn,
    CreditNoteIn,
    CreditOut,
    CreditUseIn,
    ExcessIn,
    InvoiceCreditsOut,
    OverpaymentOut,
    ReasonIn,
    RefundIn,
    RefundOut,
    SettleResultOut,
    WriteOffOut,
)
from acompte.adapters.api.schemas.documents import DocumentOut
from acompte.adapters.api.schemas.payments import (
    AllocationOut,
    CancelPaymentIn,
    PaymentEditOut,
    PaymentOut,
    PaymentPatch,
)
from acompte.domain.credits import CreditRef, CreditStatus, Excess
from acompte.domain.documents import Flow
from acompte.domain.payments import PaymentChange
from acompte.domain.users import Permission, authorize
from acompte.services import credits, payment_changes
from acompte.services.versions import with_payment_version
from acompte.services.views import DocumentView, PaymentView

router = capability_router("", "credits")
DOCUMENT = "Document"
CREDIT = "Avoir"
PAYMENT = "Règlement"
REFUND = "Remboursement"


def _document(view: DocumentView, response: Response) -> DocumentOut:
    response.headers["Location"] = f"/api/v1/documents/{view.id}"
    response.headers["ETag"] = etag(view.document.version)
    return DocumentOut.model_validate(view)


def _payment(view: PaymentView, response: Response) -> PaymentOut:
    response.headers["ETag"] = etag(view.payment.version)
    return PaymentOut.model_validate(view)


# -- credit notes ------------------------------------------------------------------------------------------------


@router.post(
    "/documents/{invoice_id}/credit-notes",
    status_code=201,
    summary="Credit an issued invoice: all that is not yet credited, or some lines and quantities (a return)",
)
def credit_invoice(invoice_id: str, body: CreditInvoiceIn, ctx: WriteCtx, uow: Uow, response: Response) -> DocumentOut:
    view = credits.credit_invoice(
        uow,
        ctx,
        parse_id(invoice_id, DOCUMENT),
        lines=[(line.position, Decimal(line.quantity)) for line in body.lines] if body.lines is not None else None,
        comment=body.comment,
        issue=body.issue,
        apply_to_origin=body.apply_to_origin,
        today=body.issue_date,
    )
    return _document(view, response)


@router.get("/documents/{invoice_id}/credits", summary="How much of an invoice its credit notes have corrected")
def invoice_credits(invoice_id: str, ctx: ReadCtx, uow: Uow) -> InvoiceCreditsOut:
    return InvoiceCreditsOut.model_validate(credits.invoice_credits(uow, ctx, parse_id(invoice_id, DOCUMENT)))


@router.post(
    "/credit-notes",
    status_code=201,
    summary="A standalone credit note (commercial gesture) naming the invoice(s) it corrects",
)
def create_credit_note(body: CreditNoteIn, ctx: WriteCtx, uow: Uow, response: Response) -> DocumentOut:
    with uow:
        known(uow, ctx, party_ids=[body.party_id], document_ids=[body.origin_id, *body.corrected_invoice_ids])
        known(uow, ctx, item_ids=[line.item_id for line in body.lines])
        view = credits.create_correcting_credit_note(
            uow,
            ctx,
            party_id=opt_id(body.party_id),
            lines=[line.to_domain() for line in body.lines],
            flow=body.flow,
            comment=body.comment,
            origin_id=opt_id(body.origin_id),
            corrected_ids=[int(i) for i in body.corrected_invoice_ids],
            currency=body.currency,
            issue=body.issue,
            apply_to_origin=body.apply_to_origin,
            today=body.issue_date,
        )
        uow.commit()
    return _document(view, response)


@router.get("/credits", summary="Credit notes as credits (« Avoirs »), by party, flow and status")
def list_credits(
    ctx: ReadCtx,
    uow: Uow,
    paging: PageParams,
    party_id: ID_QUERY = None,
    flow: Flow | None = None,
    status: Annotated[CreditStatus | None, Query(description="unused, partially_used, settled, written_off")] = None,
) -> Page[CreditOut]:
    found = credits.list_credit_notes(uow, ctx, party_id=opt_id(party_id), flow=flow, status=status)
    rows, cursor = paging.slice(found)
    return Page(items=[CreditOut.model_validate(c) for c in rows], next_cursor=cursor)


@router.get("/credits/{credit_id}", summary="Read a credit note as a credit: used, refunded, written off, remaining")
def get_credit(credit_id: str, ctx: ReadCtx, uow: Uow) -> CreditOut:
    return CreditOut.model_validate(credits.get_credit_note(uow, ctx, parse_id(credit_id, CREDIT)))


@router.post(
    "/credits/{credit_id}/uses",
    status_code=201,
    summary="Settle part of a document with the credit note (as much as possible without an amount)",
)
def use_credit(credit_id: str, body: CreditUseIn, ctx: WriteCtx, uow: Uow, response: Response) -> AllocationOut:
    allocation = credits.use_credit(
        uow,
        ctx,
        credit_id=parse_id(credit_id, CREDIT),
        document_id=int(body.document_id),
        amount=body.amount.to_domain() if body.amount else None,
    )
    response.headers["Location"] = f"/api/v1/allocations/{allocation.id}"
    return AllocationOut.model_validate(allocation)


@router.post(
    "/credits/{credit_id}/write-off",
    summary="Write off what remains of a credit note for good (« comptabiliser »; accountant)",
)
def write_off_credit(credit_id: str, body: ReasonIn, ctx: AccountingCtx, uow: Uow) -> WriteOffOut:
    return WriteOffOut.model_validate(
        credits.write_off_credit(uow, ctx, parse_id(credit_id, CREDIT), reason=body.reason)
    )


@router.post(
    "/credits/{credit_id}/refunds",
    status_code=201,
    summary="Refund a credit note (all that remains by default) by a payment the other way",
)
def refund_credit(credit_id: str, body: RefundIn, ctx: WriteCtx, uow: Uow, response: Response) -> RefundOut:
    return _refund(uow, ctx, CreditRef.credit_note(parse_id(credit_id, CREDIT)), body, response)


# -- overpayments, refunds, write-offs ---------------------------------------------------------------------------


@router.get("/overpayments", summary="Payments with money left (« Trop-perçus »), by party and flow")
def list_overpayments(
    ctx: ReadCtx, uow: Uow, paging: PageParams, party_id: ID_QUERY = None, flow: Flow | None = None
) -> Page[OverpaymentOut]:
    found = credits.list_overpayments(uow, ctx, party_id=opt_id(party_id), flow=flow)
    rows, cursor = paging.slice(found, key=lambda o: o.payment_id)
    return Page(items=[OverpaymentOut.model_validate(o) for o in rows], next_cursor=cursor)


@router.post(
    "/payments/{payment_id}/excess",
    summary="Decide what becomes of a payment's unused part: keep it as credit, refund it, or write it off",
)
def handle_excess(payment_id: str, body: ExcessIn, principal: Auth, ctx: WriteCtx, uow: Uow) -> SettleResultOut:
    if body.choice is Excess.WRITE_OFF:
        authorize(principal, Permission.ACCOUNTING)
    result = credits.handle_excess(
        uow,
        ctx,
        parse_id(payment_id, PAYMENT),
        body.choice,
        refund_method=body.refund_method,
        refund_date=body.refund_date,
        reason=body.reason,
    )
    return SettleResultOut.model_validate(result)


@router.post(
    "/payments/{payment_id}/write-off",
    summary="Write off a small overpayment within the company threshold (accountant)",
)
def write_off_overpayment(payment_id: str, body: AmountWriteOffIn, ctx: AccountingCtx, uow: Uow) -> WriteOffOut:
    view = credits.write_off_overpayment(
        uow,
        ctx,
        parse_id(payment_id, PAYMENT),
        amount=body.amount.to_domain() if body.amount else None,
        reason=body.reason,
    )
    return WriteOffOut.model_validate(view)


@router.post(
    "/payments/{payment_id}/refunds",
    status_code=201,
    summary="Refund a payment's unused part (all of it by default) by a payment the other way",
)
def refund_payment(payment_id: str, body: RefundIn, ctx: WriteCtx, uow: Uow, response: Response) -> RefundOut:
    return _refund(uow, ctx, CreditRef.payment(parse_id(payment_id, PAYMENT)), body, response)


@router.post(
    "/documents/{document_id}/write-off",
    summary="Write off a small amount a document still owes, within the company threshold (accountant)",
)
def write_off_shortfall(document_id: str, body: AmountWriteOffIn, ctx: AccountingCtx, uow: Uow) -> WriteOffOut:
    view = credits.write_off_shortfall(
        uow,
        ctx,
        parse_id(document_id, DOCUMENT),
        amount=body.amount.to_domain() if body.amount else None,
        reason=body.reason,
    )
    return WriteOffOut.model_validate(view)


def _refund(uow: Uow, ctx: WriteCtx, source: CreditRef, body: RefundIn, response: Response) -> RefundOut:
    with uow:
        known(uow, ctx, account_ids=[body.account_id])
        view = credits.refund(
            uow,
            ctx,
            source=source,
            method=body.method,
            amount=body.amount.to_domain() if body.amount else None,
            payment_date=body.payment_date,
            reference=body.reference,
            comment=body.comment,
            account_id=opt_id(body.account_id),
        )
        uow.commit()
    response.headers["Location"] = f"/api/v1/refunds/{view.id}"
    return RefundOut.model_validate(view)


@router.get("/refunds", summary="Refunds, by party")
def list_refunds(ctx: ReadCtx, uow: Uow, paging: PageParams, party_id: ID_QUERY = None) -> Page[RefundOut]:
    rows, cursor = paging.slice(credits.list_refunds(uow, ctx, party_id=opt_id(party_id)))
    return Page(items=[RefundOut.model_validate(r) for r in rows], next_cursor=cursor)


@router.get("/refunds/{refund_id}", summary="Read a refund")
def get_refund(refund_id: str, ctx: ReadCtx, uow: Uow) -> RefundOut:
    return RefundOut.model_validate(credits.get_refund(uow, ctx, parse_id(refund_id, REFUND)))


@router.post(
    "/refunds/{refund_id}/unwind",
    summary="Undo a refund: its payment is cancelled and the credit gets the amount back exactly",
)
def unwind_refund(refund_id: str, body: ReasonIn, ctx: WriteCtx, uow: Uow) -> RefundOut:
    return RefundOut.model_validate(credits.unwind_refund(uow, ctx, parse_id(refund_id, REFUND), reason=body.reason))


# -- changing and cancelling payments ----------------------------------------------------------------------------


@router.get(
    "/payments/{payment_id}/editable",
    summary="What may change on a payment, and why the rest is locked (digital, exported, cancelled)",
)
def payment_form(payment_id: str, ctx: ReadCtx, uow: Uow) -> PaymentEditOut:
    return PaymentEditOut.model_validate(payment_changes.payment_form(uow, ctx, parse_id(payment_id, PAYMENT)))


@router.patch(
    "/payments/{payment_id}",
    summary="Change a payment: method, date, amount, reference (not digital, not exported); comment always",
)
def change_payment(
    payment_id: str, body: PaymentPatch, ctx: WriteCtx, uow: Uow, expected: IfMatch, response: Response
) -> PaymentOut:
    pay_id = parse_id(payment_id, PAYMENT)
    change = PaymentChange(
        method=body.method,
        payment_date=body.payment_date,
        amount=body.amount.to_domain() if body.amount else None,
        reference=body.reference,
        comment=body.comment,
    )
    with uow:
        known(uow, ctx, account_ids=[body.account_id])
        view = with_payment_version(
            uow,
            ctx,
            pay_id,
            expected,
            lambda: payment_changes.change_payment(uow, ctx, pay_id, change, account_id=opt_id(body.account_id)),
        )
        uow.commit()
    return _payment(view, response)


@router.post(
    "/payments/{payment_id}/cancel",
    summary="Cancel a payment (not digital, not exported): its allocations are removed; a refund's credit returns",
)
def cancel_payment(
    payment_id: str, body: CancelPaymentIn, ctx: WriteCtx, uow: Uow, expected: IfMatch, response: Response
) -> PaymentOut:
    pay_id = parse_id(payment_id, PAYMENT)
    with uow:
        known(uow, ctx, document_ids=[body.document_id])
        view = payment_changes.cancel_payment(
            uow, ctx, pay_id, reason=body.reason, document_id=opt_id(body.document_id), expected_version=expected
        )
        uow.commit()
    return _payment(view, response)
