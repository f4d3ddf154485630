"""Documents: list, create drafts, read, change, delete drafts, validate, cancel, convert; their history.

Changes accept `If-Match` (the document's `version`, also sent as its ETag): 412 when it changed since.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Body, Depends, Query, Response

from acompte.adapters.api.dependencies import (
    ID_QUERY,
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
from acompte.adapters.api.schemas.common import AMOUNT_PATTERN, NO_NUL, IsoDate, Page
from acompte.adapters.api.schemas.deposit_invoices import ValidatedDocumentOut
from acompte.adapters.api.schemas.documents import (
    ConvertIn,
    DocumentIn,
    DocumentListTotalsOut,
    DocumentOut,
    DocumentPatch,
    DocumentSummaryOut,
    ValidateIn,
)
from acompte.adapters.api.schemas.history import EventOut
from acompte.domain.deposits import DeductionWarning
from acompte.domain.documents import Flow, Kind, State
from acompte.domain.statuses import PositionStatus
from acompte.services import deposits, documents, history
from acompte.services.views import DocumentView

router = capability_router("/documents", "documents")
ENTITY = "Document"


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _out(view: DocumentView, response: Response) -> DocumentOut:
    response.headers["ETag"] = etag(view.document.version)
    return DocumentOut.model_validate(view)


class DocumentFilters:
    """The filters the list and its totals share, declared once (FastAPI reads them from the query string)."""

    def __init__(
        self,
        kind: Kind | None = None,
        flow: Flow | None = None,
        state: State | None = None,
        party_id: ID_QUERY = None,
        date_from: Annotated[IsoDate | None, Query(description="Issued on or after")] = None,
        date_to: Annotated[IsoDate | None, Query(description="Issued on or before")] = None,
        search: Annotated[
            str | None,
            Query(max_length=100, pattern=NO_NUL, description="Part of the number or of the supplier's own number"),
        ] = None,
        to_settle: Annotated[
            bool,
            Query(
                alias="open",
                description="Only documents with something still to settle: a balance due on an order or invoice "
                "(not an order whose money moved to its invoice), credit left on a credit note (not one used in full)",
            ),
        ] = False,
        amount: Annotated[str | None, Query(pattern=AMOUNT_PATTERN, description="Total incl. VAT, exactly")] = None,
        amount_min: Annotated[
            str | None, Query(pattern=AMOUNT_PATTERN, description="Total incl. VAT, at least")
        ] = None,
        amount_max: Annotated[str | None, Query(pattern=AMOUNT_PATTERN, description="Total incl. VAT, at most")] = None,
    ) -> None:
        self.kind, self.flow, self.state = kind, flow, state
        self.party_id = opt_id(party_id)
        self.date_from, self.date_to, self.search, self.to_settle = date_from, date_to, search, to_settle
        self.amount, self.amount_min, self.amount_max = _decimal(amount), _decimal(amount_min), _decimal(amount_max)


Filters = Annotated[DocumentFilters, Depends()]


@router.get("", summary="List documents (ordered by id), with filters")
def list_documents(
    ctx: ReadCtx,
    uow: Uow,
    paging: PageParams,
    filters: Filters,
    open_only: Annotated[bool, Query(description="Only documents with a balance due")] = False,
) -> Page[DocumentSummaryOut]:
    rows = documents.list_documents(
        uow,
        ctx,
        kind=filters.kind,
        flow=filters.flow,
        state=filters.state,
        party_id=filters.party_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
        search=filters.search,
        open_only=open_only,
        limit=paging.limit + 1,
        after_id=paging.after_id,
        amounts=(filters.amount, filters.amount_min, filters.amount_max),
        to_settle=filters.to_settle,
    )
    rows, cursor = paging.page(rows)
    return Page(items=[DocumentSummaryOut.model_validate(d) for d in rows], next_cursor=cursor)


@router.get(
    "/totals",
    summary="Count and totals of the documents the filters keep (every row, not one page)",
    description="The figures a list shows under its rows, asked apart from the list's pages (a page never waits "
    "for them): the count of every document the filters keep and the sums of their positions (total incl. VAT, "
    "deducted deposits, paid, credited, written off, net to pay, balance due) over those in the company currency. "
    "Reads every filtered document once, in the database.",
)
def list_totals(
    ctx: ReadCtx,
    uow: Uow,
    filters: Filters,
    status: Annotated[
        PositionStatus | None, Query(description="Only validated documents whose position has this status")
    ] = None,
) -> DocumentListTotalsOut:
    totals = documents.document_list_totals(
        uow,
        ctx,
        kind=filters.kind,
        flow=filters.flow,
        state=filters.state,
        party_id=filters.party_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
        search=filters.search,
        status=status.value if status else None,
        open=filters.to_settle,
        amount=filters.amount,
        amount_min=filters.amount_min,
        amount_max=filters.amount_max,
    )
    return DocumentListTotalsOut.model_validate(totals)


@router.post("", status_code=201, summary="Create a draft document")
def create_document(body: DocumentIn, ctx: WriteCtx, uow: Uow, response: Response) -> DocumentOut:
    view = documents.create_document(
        uow,
        ctx,
        kind=body.kind,
        flow=body.flow,
        party_id=int(body.party_id),
        lines=[line.to_domain() for line in body.lines],
        issue_date=body.issue_date,
        due_date=body.due_date,
        currency=body.currency,
        notes=body.notes,
        exchange_rate=body.exchange_rate,
        supplier_reference=body.supplier_reference,
    )
    response.headers["Location"] = f"/api/v1/documents/{view.id}"
    return _out(view, response)


@router.get("/{document_id}", summary="Read a document: lines, totals, settlement, allocations")
def get_document(document_id: str, ctx: ReadCtx, uow: Uow, response: Response) -> DocumentOut:
    return _out(documents.get_document(uow, ctx, parse_id(document_id, ENTITY)), response)


@router.patch("/{document_id}", summary="Change a draft (or a validated quote, order or delivery note)")
def update_document(
    document_id: str, body: DocumentPatch, ctx: WriteCtx, uow: Uow, expected: IfMatch, response: Response
) -> DocumentOut:
    doc_id = parse_id(document_id, ENTITY)
    view = documents.update_document(
        uow,
        ctx,
        doc_id,
        lines=[line.to_domain() for line in body.lines] if body.lines is not None else None,
        issue_date=body.issue_date,
        due_date=body.due_date,
        notes=body.notes,
        expected_version=expected,
        supplier_reference=body.supplier_reference,
    )
    return _out(view, response)


@router.delete("/{document_id}", status_code=204, summary="Delete a draft (it has no number)")
def delete_document(document_id: str, ctx: WriteCtx, uow: Uow, expected: IfMatch) -> Response:
    doc_id = parse_id(document_id, ENTITY)
    documents.delete_draft(uow, ctx, doc_id, expected_version=expected)
    return Response(status_code=204)


@router.post(
    "/{document_id}/validate",
    summary="Validate: the document takes the next number of its series",
    description="A final invoice that leaves deposit invoices of its origin undeducted is validated all the same; "
    "`warnings` / `warning_details` (code `deposit_not_deducted`) name them, with the amounts.",
)
def validate_document(
    document_id: str,
    ctx: WriteCtx,
    uow: Uow,
    expected: IfMatch,
    response: Response,
    body: Annotated[ValidateIn, Body()] = ValidateIn(),  # no body: no rate to set
) -> ValidatedDocumentOut:
    doc_id = parse_id(document_id, ENTITY)
    # Read in a transaction of its own, before the use case locks the row: a document's kind never changes, and
    # a row read earlier in the locking transaction would hide a newer version from the check.
    kind = documents.get_document(uow, ctx, doc_id).document.kind
    warnings: tuple[DeductionWarning, ...] = ()
    with uow:
        if body.exchange_rate is not None:
            # the rate at issue, in the same transaction: set (version checked) then validated
            deposits.set_exchange_rate(uow, ctx, doc_id, body.exchange_rate, expected_version=expected)
            expected = None
        # A deposit invoice is issued as the deposits capability does it (payment or due date by the settings).
        if kind is Kind.DEPOSIT_INVOICE:
            view = deposits.issue_deposit_invoice(uow, ctx, doc_id, expected_version=expected).document
        else:
            view = documents.validate_document(uow, ctx, doc_id, expected_version=expected)
            warnings = deposits.undeducted_warnings(uow, ctx, doc_id)
        uow.commit()
    response.headers["ETag"] = etag(view.document.version)
    return ValidatedDocumentOut.validated(view, warnings)


@router.post("/{document_id}/cancel", summary="Cancel a quote, order or delivery note (its payments stay as credit)")
def cancel_document(document_id: str, ctx: WriteCtx, uow: Uow, expected: IfMatch, response: Response) -> DocumentOut:
    doc_id = parse_id(document_id, ENTITY)
    view = documents.cancel_document(uow, ctx, doc_id, expected_version=expected)
    return _out(view, response)


@router.post(
    "/{document_id}/convert",
    status_code=201,
    summary="Convert a validated quote, order or delivery note into the next document (a new draft)",
)
def convert_document(
    document_id: str, body: ConvertIn, ctx: WriteCtx, uow: Uow, expected: IfMatch, response: Response
) -> DocumentOut:
    doc_id = parse_id(document_id, ENTITY)
    view = documents.convert_document(
        uow,
        ctx,
        doc_id,
        body.target,
        lines=[line.to_domain() for line in body.lines] if body.lines is not None else None,
        issue_date=body.issue_date,
        expected_version=expected,
    )
    response.headers["Location"] = f"/api/v1/documents/{view.id}"
    return _out(view, response)


@router.get("/{document_id}/history", summary="The document's history (« Historique »)")
def document_history(document_id: str, ctx: ReadCtx, uow: Uow, paging: PageParams) -> Page[EventOut]:
    rows, cursor = paging.slice(history.document_history(uow, ctx, parse_id(document_id, ENTITY)))
    return Page(items=[EventOut.model_validate(e) for e in rows], next_cursor=cursor)
