"""The document form's fragments, swapped in by htmx while the user types (the form itself is documents_forms.py).

    POST /documents/lines[?document=ID]          the lines and totals again: `add` a row, `remove` row N, `fill`
                                                 row N from its article (designation, unit price, VAT rate)
    POST /documents/lines/totals[?document=ID]   the running totals alone

Both read the posted form as the page does (_line_form.py) and write nothing; the totals come from the service that
prices a saved document. Without scripts the page never calls them: « Ajouter des lignes » posts the whole form back.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.web import i18n, security
from acompte.adapters.web.routes import _documents_common as common
from acompte.adapters.web.routes import _line_form as lf
from acompte.adapters.web.templating import render
from acompte.domain.documents import Kind
from acompte.domain.parties import Company
from acompte.services import companies, documents

router = APIRouter()


def _scope(request: Request, ctx: security.PageWrite) -> tuple[Company, Kind, str, int | None]:
    """The company, the document's kind and currency: the edited document's own (404 when it is not this
    company's), else the kind posted by the new document's form in the company's currency."""
    uow = security.uow_of(request)
    company = companies.get_company(uow, ctx)
    raw = request.query_params.get("document", "")
    if raw.isdigit():
        document = documents.get_document(uow, ctx, int(raw)).document
        return company, document.kind, document.currency, document.id
    kind = common.parse_kind(str(security.posted_form(request).get("kind") or ""))
    return company, kind if kind in common.FORM_KINDS else Kind.INVOICE, company.currency, None


def _index(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


@router.post("/documents/lines")
def lines_fragment(request: Request, ctx: security.PageWrite) -> Response:
    company, kind, currency, document_id = _scope(request, ctx)
    data = security.posted_form(request)
    form = lf.from_post(request)
    added = None
    removed = _index(data.get("remove"))
    filled = _index(data.get("fill"))
    if data.get("add") and len(form.lines) < lf.MAX_ROWS:
        form.lines.append(lf.blank_line(company))
        added = len(form.lines) - 1
    elif removed is not None and removed < len(form.lines):
        # The last row is emptied rather than removed: the form keeps one line to type in.
        del form.lines[removed]
        if not form.lines:
            form.lines.append(lf.blank_line(company))
    elif filled is not None:
        lf.fill_line(form, filled, lf.items_by_id(request, ctx), company, currency, i18n.language(request))
    context = lf.lines_context(
        request, ctx, form, company=company, kind=kind, currency=currency, document_id=document_id
    )
    context["autofocus"] = added
    return render(request, "documents/_lines.html", context)


@router.post("/documents/lines/totals")
def totals_fragment(request: Request, ctx: security.PageWrite) -> Response:
    company, kind, currency, _document_id = _scope(request, ctx)
    form = lf.from_post(request)
    totals = lf.running_totals(request, ctx, form, company, kind, currency)
    return render(request, "documents/_line_totals.html", {"totals": totals})
