"""Deposits (acomptes): deposit payments and requests on orders, deposit invoices (from an order or a quote, or
standalone), their deduction from final invoices, deposit credit notes, the deposit position, deposit settings.

Path parameters say which document they must be: `{document_id}` a quote, order, delivery note or invoice,
`{invoice_id}` a final invoice, `{deposit_invoice_id}` a deposit invoice. Changes of a draft deposit invoice and
of a final invoice's deductions accept `If-Match` (the document's `version`).
"""

from __future__ import annotations

from decimal import Decimal

from fastapi import Response

from acompte.adapters.api.dependencies import AdminCtx, IfMatch, ReadCtx, Uow, WriteCtx, etag, opt_id, parse_id
from acompte.adapters.api.lookups import known
from acompte.adapters.api.routing import capability_router, problem
from acompte.adapters.api.schemas.deposit_invoices import (
    AttachDepositInvoiceIn,
    DeductIn,
    DeductionViewOut,
    DepositCreditNoteIn,
    DepositInvoiceIn,
    DepositInvoiceOut,
    DepositInvoicePatch,
    FinalInvoiceIn,
    IssuedDepositOut,
    IssueDepositIn,
    StandaloneDepositInvoiceIn,
)
from acompte.adapters.api.schemas.deposits import (
    AttachDepositPaymentIn,
    DepositFormOut,
    DepositPaymentIn,
    DepositPercentIn,
    DepositPositionOut,
    DepositRequestIn,
    DepositSettingsOut,
    DepositSettingsPatch,
    ExchangeRateIn,
    PartyDepositPercentIn,
)
from acompte.adapters.api.schemas.documents import DocumentOut
from acompte.adapters.api.schemas.payments import AllocationOut, PaymentOut
from acompte.domain.deposits import DepositSettings
from acompte.services import companies, deposits

router = capability_router("", "deposits")
DOCUMENT = "Document"
DEPOSIT_INVOICE = "Facture d'acompte"


def _deposit_invoice(uow: Uow, ctx: ReadCtx, document_id: int, response: Response) -> DepositInvoiceOut:
    view = deposits.deposit_invoice_view(uow, ctx, document_id)
    response.headers["ETag"] = etag(view.document.document.version)
    return DepositInvoiceOut.model_validate(view)


# -- the deposits of an order ------------------------------------------------------------------------------------


@router.get("/documents/{document_id}/deposits", summary="The deposits of a quote, order or delivery note")
def deposit_position(document_id: str, ctx: ReadCtx, uow: Uow) -> DepositPositionOut:
    return DepositPositionOut.model_validate(deposits.deposit_position(uow, ctx, parse_id(document_id, DOCUMENT)))


@router.get(
    "/documents/{document_id}/deposit-form",
    summary="The deposit form of an order, delivery note or invoice: owed, already paid, default amount",
    responses={409: problem("The document takes no deposit: a deposit invoice, a credit note, a cancelled one...")},
)
def deposit_form(document_id: str, ctx: ReadCtx, uow: Uow) -> DepositFormOut:
    return DepositFormOut.model_validate(deposits.deposit_form(uow, ctx, parse_id(document_id, DOCUMENT)))


@router.post(
    "/documents/{document_id}/deposits",
    status_code=201,
    summary="Record a deposit payment (règlement d'acompte) on an order, delivery note or invoice",
)
def record_deposit_payment(
    document_id: str, body: DepositPaymentIn, ctx: WriteCtx, uow: Uow, response: Response
) -> PaymentOut:
    doc_id = parse_id(document_id, DOCUMENT)
    with uow:
        known(uow, ctx, account_ids=[body.account_id])
        view = deposits.record_deposit_payment(
            uow,
            ctx,
            doc_id,
            method=body.method,
            amount=body.amount.to_domain() if body.amount else None,
            payment_date=body.payment_date,
            reference=body.reference,
            comment=body.comment,
            account_id=opt_id(body.account_id),
        )
        uow.commit()
    response.headers["Location"] = f"/api/v1/payments/{view.id}"
    response.headers["ETag"] = etag(view.payment.version)
    return PaymentOut.model_validate(view)


@router.post(
    "/documents/{document_id}/deposit-payments",
    status_code=201,
    summary="Attach a recorded payment (its unallocated part) as a deposit on an order, delivery note or invoice",
)
def attach_deposit_payment(
    document_id: str, body: AttachDepositPaymentIn, ctx: WriteCtx, uow: Uow, response: Response
) -> AllocationOut:
    doc_id = parse_id(document_id, DOCUMENT)
    allocation = deposits.attach_deposit_payment(
        uow, ctx, int(body.payment_id), doc_id, amount=body.amount.to_domain() if body.amount else None
    )
    response.headers["Location"] = f"/api/v1/allocations/{allocation.id}"
    return AllocationOut.model_validate(allocation)


@router.put(
    "/documents/{document_id}/deposit-request",
    summary="Note a deposit on a quote or an order (amount or percentage; no payment is generated)",
)
def request_deposit(document_id: str, body: DepositRequestIn, ctx: WriteCtx, uow: Uow) -> DepositPositionOut:
    position = deposits.request_deposit(
        uow,
        ctx,
        parse_id(document_id, DOCUMENT),
        amount=body.amount.to_domain() if body.amount else None,
        percent=Decimal(body.percent) if body.percent is not None else None,
    )
    return DepositPositionOut.model_validate(position)


@router.delete("/documents/{document_id}/deposit-request", summary="Remove the deposit noted on a quote or order")
def clear_deposit_request(document_id: str, ctx: WriteCtx, uow: Uow) -> DepositPositionOut:
    return DepositPositionOut.model_validate(deposits.clear_deposit_request(uow, ctx, parse_id(document_id, DOCUMENT)))


@router.put(
    "/documents/{document_id}/exchange-rate",
    summary="Set the exchange rate of a document in a foreign currency (frozen once an invoice is issued)",
)
def set_exchange_rate(
    document_id: str, body: ExchangeRateIn, ctx: WriteCtx, uow: Uow, expected: IfMatch, response: Response
) -> DocumentOut:
    doc_id = parse_id(document_id, DOCUMENT)
    view = deposits.set_exchange_rate(uow, ctx, doc_id, Decimal(body.rate), expected_version=expected)
    response.headers["ETag"] = etag(view.document.version)
    return DocumentOut.model_validate(view)


# -- deposit invoices ----------------------------------------------------------------------------------------------


@router.post(
    "/documents/{document_id}/deposit-invoices",
    status_code=201,
    summary="Prepare a draft deposit invoice on a quote or an order (percentage, amount or per line)",
)
def create_deposit_invoice(
    document_id: str, body: DepositInvoiceIn, ctx: WriteCtx, uow: Uow, response: Response
) -> DepositInvoiceOut:
    doc_id = parse_id(document_id, DOCUMENT)
    with uow:
        view = deposits.create_deposit_invoice(
            uow,
            ctx,
            origin_id=doc_id,
            issue_date=body.issue_date,
            due_date=body.due_date,
            notes=body.notes,
            **body.common(),
        )
        result = _deposit_invoice(uow, ctx, view.id, response)
        uow.commit()
    response.headers["Location"] = f"/api/v1/deposit-invoices/{view.id}"
    return result


@router.post("/deposit-invoices", status_code=201, summary="Prepare a draft deposit invoice with no order")
def create_standalone_deposit_invoice(
    body: StandaloneDepositInvoiceIn, ctx: WriteCtx, uow: Uow, response: Response
) -> DepositInvoiceOut:
    with uow:
        known(uow, ctx, party_ids=[body.party_id])
        view = deposits.create_deposit_invoice(
            uow,
            ctx,
            party_id=int(body.party_id),
            flow=body.flow,
            amount=body.amount.to_domain(),
            vat_rate=Decimal(body.vat_rate),
            issue_date=body.issue_date,
            due_date=body.due_date,
            notes=body.notes,
        )
        result = _deposit_invoice(uow, ctx, view.id, response)
        uow.commit()
    response.headers["Location"] = f"/api/v1/deposit-invoices/{view.id}"
    return result


@router.get(
    "/deposit-invoices/{deposit_invoice_id}",
    summary="Read a deposit invoice: its order, previous deposits, what remains, VAT breakdown and standing",
    responses={409: problem("The document is not a deposit invoice")},
)
def get_deposit_invoice(deposit_invoice_id: str, ctx: ReadCtx, uow: Uow, response: Response) -> DepositInvoiceOut:
    return _deposit_invoice(uow, ctx, parse_id(deposit_invoice_id, DEPOSIT_INVOICE), response)


@router.patch(
    "/deposit-invoices/{deposit_invoice_id}",
    summary="Change the amount, percentage or per-line deposits of a draft deposit invoice",
)
def update_deposit_invoice(
    deposit_invoice_id: str, body: DepositInvoicePatch, ctx: WriteCtx, uow: Uow, expected: IfMatch, response: Response
) -> DepositInvoiceOut:
    doc_id = parse_id(deposit_invoice_id, DEPOSIT_INVOICE)
    with uow:
        deposits.update_deposit_invoice(uow, ctx, doc_id, **body.common(), expected_version=expected)
        result = _deposit_invoice(uow, ctx, doc_id, response)
        uow.commit()
    return result


@router.post(
    "/deposit-invoices/{deposit_invoice_id}/issue",
    summary="Issue a deposit invoice (numbered, frozen); its payment is recorded at once or it gets a due date",
)
def issue_deposit_invoice(
    deposit_invoice_id: str, body: IssueDepositIn, ctx: WriteCtx, uow: Uow, expected: IfMatch, response: Response
) -> IssuedDepositOut:
    doc_id = parse_id(deposit_invoice_id, DEPOSIT_INVOICE)
    with uow:
        known(uow, ctx, account_ids=[body.account_id])
        issued = deposits.issue_deposit_invoice(
            uow,
            ctx,
            doc_id,
            today=body.issue_date,
            generate_payment=body.generate_payment,
            method=body.method,
            payment_date=body.payment_date,
            reference=body.reference,
            account_id=opt_id(body.account_id),
            due_date=body.due_date,
            expected_version=expected,
        )
        uow.commit()
    response.headers["ETag"] = etag(issued.document.document.version)
    return IssuedDepositOut.model_validate(issued)


@router.post(
    "/deposit-invoices/{deposit_invoice_id}/attach",
    summary="Attach an issued deposit invoice to an order, delivery note or draft invoice of the same party",
)
def attach_deposit_invoice(
    deposit_invoice_id: str, body: AttachDepositInvoiceIn, ctx: WriteCtx, uow: Uow, response: Response
) -> DocumentOut:
    view = deposits.attach_deposit_invoice(
        uow, ctx, parse_id(deposit_invoice_id, DEPOSIT_INVOICE), int(body.document_id)
    )
    response.headers["ETag"] = etag(view.document.version)
    return DocumentOut.model_validate(view)


@router.post(
    "/documents/{deposit_invoice_id}/deposit-credit-notes",
    status_code=201,
    summary="Reverse all or part of an issued deposit invoice with a deposit credit note (issued by default)",
)
def create_deposit_credit_note(
    deposit_invoice_id: str, body: DepositCreditNoteIn, ctx: WriteCtx, uow: Uow, response: Response
) -> DepositInvoiceOut:
    doc_id = parse_id(deposit_invoice_id, DEPOSIT_INVOICE)
    with uow:
        credit = deposits.create_deposit_credit_note(
            uow,
            ctx,
            doc_id,
            amount=body.amount.to_domain() if body.amount else None,
            percent=Decimal(body.percent) if body.percent is not None else None,
            lines=body.lines,
            issue_date=body.issue_date,
            notes=body.notes,
        )
        if body.issue:
            deposits.issue_deposit_credit_note(uow, ctx, credit.id, today=body.issue_date)
        result = _deposit_invoice(uow, ctx, credit.id, response)
        uow.commit()
    response.headers["Location"] = f"/api/v1/documents/{credit.id}"
    return result


# -- final invoices and their deductions -------------------------------------------------------------------------


@router.post(
    "/documents/{document_id}/final-invoices",
    status_code=201,
    summary="Invoice an order, delivery note or quote (all lines or some); its payments follow to the invoice",
)
def create_final_invoice(
    document_id: str, body: FinalInvoiceIn, ctx: WriteCtx, uow: Uow, response: Response
) -> DeductionViewOut:
    view = deposits.create_final_invoice(
        uow,
        ctx,
        parse_id(document_id, DOCUMENT),
        lines=[line.to_domain() for line in body.lines] if body.lines is not None else None,
        issue_date=body.issue_date,
        due_date=body.due_date,
    )
    response.headers["Location"] = f"/api/v1/documents/{view.invoice.id}"
    return DeductionViewOut.model_validate(view)


@router.get(
    "/documents/{invoice_id}/deductions",
    summary="The deduction view of a final invoice: deposits available and deducted, net to pay, VAT due",
    responses={409: problem("The document is not a final invoice that deducts deposits")},
)
def deduction_view(invoice_id: str, ctx: ReadCtx, uow: Uow) -> DeductionViewOut:
    return DeductionViewOut.model_validate(deposits.deduction_view(uow, ctx, parse_id(invoice_id, DOCUMENT)))


@router.post(
    "/documents/{invoice_id}/deductions",
    summary="Deduct a deposit invoice on a draft final invoice (amount, percentage, or all it may give)",
)
def deduct_deposit(invoice_id: str, body: DeductIn, ctx: WriteCtx, uow: Uow, expected: IfMatch) -> DeductionViewOut:
    doc_id = parse_id(invoice_id, DOCUMENT)
    view = deposits.deduct_deposit(
        uow,
        ctx,
        doc_id,
        int(body.deposit_invoice_id),
        amount=body.amount.to_domain() if body.amount else None,
        percent=Decimal(body.percent) if body.percent is not None else None,
        expected_version=expected,
    )
    return DeductionViewOut.model_validate(view)


@router.delete(
    "/documents/{invoice_id}/deductions/{deposit_invoice_id}",
    summary="Stop deducting a deposit invoice on a draft final invoice",
)
def remove_deduction(
    invoice_id: str, deposit_invoice_id: str, ctx: WriteCtx, uow: Uow, expected: IfMatch
) -> DeductionViewOut:
    doc_id = parse_id(invoice_id, DOCUMENT)
    deposit_id = parse_id(deposit_invoice_id, DEPOSIT_INVOICE)
    with uow:
        known(uow, ctx, document_ids=[doc_id, deposit_id])
        view = deposits.remove_deduction(uow, ctx, doc_id, deposit_id, expected_version=expected)
        uow.commit()
    return DeductionViewOut.model_validate(view)


# -- deposit settings ----------------------------------------------------------------------------------------------


@router.get("/company/deposit-settings", summary="The company's deposit options")
def get_deposit_settings(ctx: ReadCtx, uow: Uow) -> DepositSettingsOut:
    return DepositSettingsOut.model_validate(DepositSettings.from_settings(companies.get_company(uow, ctx).settings))


@router.patch("/company/deposit-settings", summary="Change the company's deposit options (admin)")
def configure_deposits(body: DepositSettingsPatch, ctx: AdminCtx, uow: Uow) -> DepositSettingsOut:
    changes = body.changes()
    if "default_percent" in changes and changes["default_percent"] is not None:
        changes["default_percent"] = Decimal(changes["default_percent"])
    return DepositSettingsOut.model_validate(deposits.configure_deposits(uow, ctx, **changes))


@router.put(
    "/parties/{party_id}/deposit-percent",
    status_code=204,
    summary="A party's default deposit percentage, or (with item_id) that of one item for this party",
)
def set_party_deposit_percent(party_id: str, body: PartyDepositPercentIn, ctx: WriteCtx, uow: Uow) -> Response:
    deposits.set_party_deposit_percent(
        uow, ctx, parse_id(party_id, "Tiers"), body.percent, item_id=opt_id(body.item_id)
    )
    return Response(status_code=204)


@router.put("/items/{item_id}/deposit-percent", status_code=204, summary="An item's default deposit percentage")
def set_item_deposit_percent(item_id: str, body: DepositPercentIn, ctx: WriteCtx, uow: Uow) -> Response:
    deposits.set_item_deposit_percent(uow, ctx, parse_id(item_id, "Article"), body.percent)
    return Response(status_code=204)
