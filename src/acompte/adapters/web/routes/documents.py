"""Document lists (UI.md screen 1), the document page (screen 2) and its PDF / Factur-X downloads.

    /documents?flow=sale|purchase&kind=quote|order|delivery_note|invoice|deposit_invoice|credit_note
    /documents/{id}?tab=deposits|history|entries     /documents/{id}/pdf     /documents/{id}/facturx

The forms (new, edit, validate, convert, cancel) are in documents_forms.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters import position_words
from acompte.adapters.web import i18n, security
from acompte.adapters.web.csv_export import csv_download
from acompte.adapters.web.routes import _documents_common as common
from acompte.adapters.web.templating import render, translate
from acompte.domain.documents import Flow, Kind, State
from acompte.domain.errors import DomainError, NotFound
from acompte.domain.issued_files import FileKind
from acompte.domain.money import Money, total
from acompte.domain.offers import Weight
from acompte.services import (
    companies,
    deposits,
    documents,
    history,
    parties,
    payment_terms,
    payments,
)
from acompte.services.document_lists import InvalidCursor
from acompte.services.exports import issued_files, posted
from acompte.services.ports import Ctx
from acompte.services.views import DocumentListRow

router = APIRouter()
PER_PAGE = 50
PARTY_CHOICES = 50
SORTS = ("number", "date", "party", "gross", "balance", "due")
STATUSES = tuple(s.value for s in position_words.LIST_FILTER_STATUSES)


# -- lists -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    summary: DocumentListRow
    overdue: bool
    actions: list[tuple[Any, ...]]


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _decimal(text: str | None) -> Decimal | None:
    try:
        return i18n.parse_amount(text) if text else None
    except ValueError:
        return None


def _row(request: Request, row: DocumentListRow, today: date) -> Row:
    """A list row reads its figures and status from the row the list's SQL computed (no arithmetic here)."""
    return Row(
        row,
        common.is_overdue(row.due_date, row.state, row.balance_due, today),
        common.row_actions(
            request,
            doc_id=row.id,
            party_id=row.party_id,
            kind=Kind(row.kind),
            flow=Flow(row.flow),
            state=State(row.state),
            balance_due=row.balance_due,
            allocated=row.allocated,
            status=row.status,
        ),
    )


def _list_query(request: Request) -> tuple[Kind, Flow, dict[str, Any], dict[str, Any]]:
    """The list's kind, flow, its filters as typed (for the form) and as the service takes them."""
    q = request.query_params
    flow = common.parse_flow(q.get("flow"))
    kind = common.parse_kind(q.get("kind"))
    assert kind is not None
    filters: dict[str, Any] = {
        "party_id": q.get("party_id", ""),
        "date_from": q.get("date_from", ""),
        "date_to": q.get("date_to", ""),
        "status": q.get("status", "") if q.get("status") in STATUSES else "",
        "state": q.get("state", "") if q.get("state") in {s.value for s in State} else "",
        "q": (q.get("q") or "").strip()[:100],
        "amount": q.get("amount", ""),
        "amount_min": q.get("amount_min", ""),
        "amount_max": q.get("amount_max", ""),
        "open": q.get("open") == "on",
    }
    query: dict[str, Any] = {
        "kind": kind,
        "flow": flow,
        "party_id": _int(filters["party_id"]),
        "state": State(filters["state"]) if filters["state"] else None,
        "status": filters["status"] or None,
        "date_from": _date(filters["date_from"]),
        "date_to": _date(filters["date_to"]),
        "search": filters["q"] or None,
        "amount_min": _decimal(filters["amount_min"]),
        "amount_max": _decimal(filters["amount_max"]),
        "amount": _decimal(filters["amount"]),
        "open": filters["open"],
    }
    return kind, flow, filters, query


def _sort(request: Request) -> tuple[str, bool]:
    q = request.query_params
    sort = q.get("sort") or ""
    sort = sort if sort in SORTS else "date"
    return sort, q.get("dir", "desc" if sort == "date" else "asc") == "desc"


#: Query parameters that only move through the pages (left out of the totals' and the export's links).
PAGING = ("page", "after", "before", "totals", "format")


@router.get("/documents")
def document_list(request: Request, ctx: security.PageRead) -> Response:
    """One page of the list, reading only its rows. The count and the totals of every filtered row come apart
    (`/documents/totals`, loaded by htmx once the page is shown) or, without JavaScript, in the page when asked
    (`totals=1`, the link in place of the count)."""
    q = request.query_params
    kind, flow, filters, query = _list_query(request)
    sort, descending = _sort(request)
    uow = security.uow_of(request)
    if q.get("format") == "csv":
        return _csv(
            request, kind, flow, documents.document_list_rows(uow, ctx, sort=sort, descending=descending, **query)
        )
    page, after, before = _int(q.get("page")) or 1, q.get("after") or None, q.get("before") or None
    order: dict[str, Any] = {"sort": sort, "descending": descending, "per_page": PER_PAGE, "page": page}
    try:
        listed = documents.document_list(uow, ctx, after=after, before=before, **order, **query)
    except InvalidCursor:  # a cursor of another order (or altered): the page by its number
        listed = documents.document_list(uow, ctx, **order, **query)
    today = security.clock_of(request).today()
    role = "customer" if flow is Flow.SALE else "supplier"
    choices = parties.party_choices(uow, ctx, chosen=query["party_id"], role=role, limit=PARTY_CHOICES)
    context = {
        "flow": flow.value,
        "kind": common.url_kind(kind),
        "rows": [_row(request, r, today) for r in listed.rows],
        "listed": listed,
        "totals": documents.document_list_totals(uow, ctx, **query) if q.get("totals") == "1" else None,
        "filters": filters,
        "sort": sort,
        "descending": descending,
        # A bounded choice (the first parties by name, and the one filtered on): the whole list of a large company's
        # parties cost more than the page's rows.
        "parties": choices.parties,
        "more_parties": choices.more,
        "can_write": common.can_write(request),
        "list_statuses": STATUSES,
        "new_url": _new_url(flow, kind),
        "query_without": lambda *names: _query_without(request, *names),
        "paging": PAGING,
    }
    return render(request, "documents/list.html", context)


@router.get("/documents/totals")
def document_list_totals(request: Request, ctx: security.PageRead) -> Response:
    """The count and the totals of every row the list's filters keep: the list page's count line, and its table
    footer swapped in out of band."""
    _kind, _flow, _filters, query = _list_query(request)
    totals = documents.document_list_totals(security.uow_of(request), ctx, **query)
    context = {"totals": totals, "query_without": lambda *names: _query_without(request, *names), "paging": PAGING}
    return render(request, "documents/_list_totals.html", context)


def _new_url(flow: Flow, kind: Kind) -> str | None:
    if kind in common.FORM_KINDS:
        return f"/documents/new?flow={flow.value}&kind={common.url_kind(kind)}"
    if kind is Kind.CREDIT_NOTE:
        return "/credit-notes/new"
    return None


def _query_without(request: Request, *names: str) -> str:
    """The current query string without `names` (for sort and page links), ending with `&` when not empty."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in names]
    text = urlencode(kept)
    return f"{text}&" if text else ""


def _csv(request: Request, kind: Kind, flow: Flow, rows: Iterable[DocumentListRow]) -> Response:
    """Every filtered row (not one page), streamed: the service reads them in chunks as the lines are sent."""
    t = translate
    header = [
        t(request, h)
        for h in ("Numéro", "Date", "Tiers", "Total TTC", "Acomptes", "Réglé", "Reste dû", "Statut", "Échéance")
    ]
    lines = (
        [
            row.number or t(request, "Brouillon n° {id}", id=row.id),
            row.issue_date,
            row.party_name,
            row.gross,
            row.deposits,
            row.settled,
            row.balance_due,
            t(request, position_words.status_word(row.status)),
            row.due_date,
        ]
        for row in rows
    )
    name = f"documents-{flow.value}-{common.url_kind(kind)}-{security.clock_of(request).today():%Y%m%d}.csv"
    return csv_download(request, name, header, lines)


# -- the document page ---------------------------------------------------------------------------------------------


TABS = ("lines", "deposits", "history", "entries")


@router.get("/documents/{document_id:int}")
def document_page(request: Request, document_id: int, ctx: security.PageRead) -> Response:
    tab = request.query_params.get("tab") or "lines"
    return render(request, "documents/page.html", page_context(request, ctx, document_id, tab))


def page_context(request: Request, ctx: Ctx, document_id: int, tab: str) -> dict[str, Any]:
    """Everything the document page shows for one tab (also used to show a refused action on the page)."""
    uow = security.uow_of(request)
    view = documents.get_document(uow, ctx, document_id)
    doc = view.document
    tab = tab if tab in TABS else "lines"
    position = view.position
    origin = documents.get_document(uow, ctx, doc.origin_id) if doc.origin_id else None
    breakdown = deposits.document_breakdown(uow, ctx, document_id)
    deposit_position = None
    deduction = None
    if doc.kind in common.COMMERCIAL_KINDS and tab == "deposits":
        deposit_position = deposits.deposit_position(uow, ctx, document_id)
    if doc.kind is Kind.INVOICE and tab == "deposits":
        deduction = deposits.deduction_view(uow, ctx, document_id)
    # a draft final invoice that would leave deposits undeducted says so before « Valider » (which asks again)
    undeducted = deposits.undeducted_warnings(uow, ctx, document_id) if doc.state is State.DRAFT else ()
    offers = common.document_offers(request, doc, view.settlement.allocated, position)
    context: dict[str, Any] = {
        "view": view,
        "doc": doc,
        "kind": common.url_kind(doc.kind),
        "flow": doc.flow.value,
        "position": position,
        "overdue": common.is_overdue(
            doc.due_date, doc.state.value, position.balance_due, security.clock_of(request).today()
        ),
        "origin": origin,
        "terms": common.terms_words(request, payment_terms.document_terms(uow, ctx, document_id).terms),
        "children": documents.children(uow, ctx, document_id),
        "breakdown": breakdown,
        "net": total((b.net for b in breakdown), doc.currency) if breakdown else doc.net,
        "vat": total((b.vat for b in breakdown), doc.currency) if breakdown else doc.gross - doc.net,
        "deposit_position": deposit_position,
        "deduction": deduction,
        "undeducted": undeducted,
        "tab": tab,
        "can_write": common.can_write(request),
        "offers": offers,
        "menu": [o.menu_item() for o in offers if o.weight is Weight.MENU],
        "list_url": common.list_url(doc.flow, doc.kind),
        "url_kind": lambda k: common.url_kind(Kind(k)),
        "money_of": _money_of,
    }
    if tab == "deposits":
        context["deposit_payments"] = _payments_of(uow, ctx, [a.payment_id for a in view.allocations])
    if tab == "history":
        events = history.document_history(uow, ctx, document_id)
        context["events"] = list(reversed(events))
        context["event_payments"] = _payments_of(uow, ctx, [e.payment_id for e in events])
        context["methods"] = method_labels(uow, ctx)
    if tab == "entries":
        context["entries"] = posted.document_entries(uow, ctx, document_id)
    if tab == "deposits":
        context["methods"] = method_labels(uow, ctx)
    return context


def method_labels(uow: Any, ctx: Ctx) -> dict[str, str]:
    """Code → label of every method the company has set up, turned off ones too: past payments name them."""
    return {m.code: m.label for m in companies.payment_methods(uow, ctx, include_inactive=True)}


def _money_of(text: Any, currency: str) -> Money | None:
    try:
        return Money.of(str(text), currency)
    except (ArithmeticError, ValueError, DomainError):
        return None


def _payments_of(uow: Any, ctx: Any, ids: list[int | None]) -> dict[int, Any]:
    """The payments named by allocations or events (their date, method and amount), by id."""
    found = {}
    for payment_id in dict.fromkeys(i for i in ids if i is not None):
        try:
            found[payment_id] = payments.get_payment(uow, ctx, payment_id).payment
        except NotFound:
            continue
    return found


# -- downloads ---------------------------------------------------------------------------------------------------


def _download(content: bytes, media_type: str, filename: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "fichier"
    return Response(content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{safe}"'})


def _send(file: issued_files.Download) -> Response:
    """An issued document's stored file carries its SHA-256 (ETag), like the API's."""
    response = _download(file.content, file.media_type, file.filename)
    if file.sha256:
        response.headers["ETag"] = f'"{file.sha256}"'
        response.headers["X-Content-SHA256"] = file.sha256
    return response


@router.get("/documents/{document_id:int}/pdf")
def document_pdf_file(request: Request, document_id: int, ctx: security.PageRead) -> Response:
    return _send(issued_files.document_file(security.uow_of(request), ctx, document_id, FileKind.PDF))


@router.get("/documents/{document_id:int}/facturx")
def document_facturx(request: Request, document_id: int, ctx: security.PageRead) -> Response:
    return _send(issued_files.document_file(security.uow_of(request), ctx, document_id, FileKind.FACTURX))
