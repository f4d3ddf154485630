"""Create and edit a document, validate, convert, cancel (UI.md screens 1-2, forms).

    /documents/new?flow=&kind=     /documents/{id}/edit
    POST /documents/{id}/validate  POST /documents/{id}/convert (field `to`)  POST /documents/{id}/cancel

Plain HTML: a fixed number of line rows and the totals of what can be read; « Ajouter des lignes » posts the form
back with more empty rows, keeping what was typed and writing nothing. Refused input re-renders the form (422) with
the error next to its field, the numbers it could read shown formatted (« 1 234,50 »). With scripts, htmx adds and
removes rows, fills an article's line and follows the typing with the totals, through the fragments of
line_entry.py (the same parsing, _line_form.py); the server still checks everything on saving.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.web import errors, i18n, security
from acompte.adapters.web.routes import _documents_common as common
from acompte.adapters.web.routes import _line_form as lf
from acompte.adapters.web.routes.documents import page_context
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain.dates import DateField, parse_day
from acompte.domain.documents import Document, Flow, Kind, State
from acompte.domain.errors import DomainError, NotFound, PartyRoleMismatch
from acompte.domain.lifecycle import Action
from acompte.services import companies, deposits, documents, parties, payment_terms

router = APIRouter()


def _render_form(
    request: Request,
    ctx: security.PageWrite,
    form: lf.DocumentForm,
    *,
    flow: Flow,
    kind: Kind,
    document: Document | None = None,
    status: int = 200,
    form_key: str | None = None,
) -> Response:
    uow = security.uow_of(request)
    company = companies.get_company(uow, ctx)
    role = "customer" if flow is Flow.SALE else "supplier"
    currency = document.currency if document else company.currency
    document_id = document.id if document else None
    context = lf.lines_context(
        request, ctx, form, company=company, kind=kind, currency=currency, document_id=document_id
    )
    context |= {
        "flow": flow.value,
        "kind": common.url_kind(kind),
        "document": document,
        "parties": parties.list_parties(uow, ctx, role=role),
        "form_key": form_key or security.new_form_key(),
        "action": f"/documents/{document.id}/edit" if document else "/documents/new",
        "header_editable": document is None or document.state is State.DRAFT,
        "due_hint": _due_hint(request, ctx, form, kind, flow, document),
    }
    return render(request, "documents/form.html", context, status)


def _due_hint(
    request: Request, ctx: Any, form: lf.DocumentForm, kind: Kind, flow: Flow, document: Document | None
) -> str:
    """Under « Échéance »: what an empty due date gives — the terms the invoice will follow when validated."""
    if kind not in payment_terms.TERMS_KINDS:
        return ""
    uow = security.uow_of(request)
    terms = None
    if document is not None:
        terms = payment_terms.document_terms(uow, ctx, document.id).terms
    if terms is None and form.party_id.isdigit():
        try:
            terms = payment_terms.party_terms(uow, ctx, int(form.party_id), flow)
        except NotFound:
            terms = None
    if terms is None:
        return translate(
            request, "Vide : échéance calculée à la validation selon les conditions du client ou de la société."
        )
    words = common.terms_words(request, terms)
    return translate(request, "Vide : échéance calculée à la validation ({terms}).", terms=words)


# -- create -----------------------------------------------------------------------------------------------------


@router.get("/documents/new")
def new_document(request: Request, ctx: security.PageWrite) -> Response:
    q = request.query_params
    flow, kind = common.parse_flow(q.get("flow")), common.parse_kind(q.get("kind"))
    assert kind is not None
    if kind not in common.FORM_KINDS:
        return redirect(request, common.list_url(flow, kind))
    uow = security.uow_of(request)
    company = companies.get_company(uow, ctx)
    form = lf.DocumentForm(party_id=q.get("party_id", ""), issue_date=uow.clock.today().isoformat())
    lf.pad(form, company)
    return _render_form(request, ctx, form, flow=flow, kind=kind)


@router.post("/documents/new")
def create_document(request: Request, ctx: security.PageWrite) -> Response:
    data = security.posted_form(request)
    flow = common.parse_flow(str(data.get("flow") or ""))
    kind = common.parse_kind(str(data.get("kind") or ""))
    if kind not in common.FORM_KINDS:
        kind = Kind.INVOICE
    form_key = str(data.get(security.FORM_KEY_FIELD) or "") or None
    form = lf.from_post(request)
    uow = security.uow_of(request)
    company = companies.get_company(uow, ctx)
    if data.get("more"):
        lf.pad(form, company, extra=lf.EMPTY_ROWS)
        return _render_form(request, ctx, form, flow=flow, kind=kind, form_key=form_key)
    party_id, issue, due, lines = lf.parse_form(
        request, form, company, lf.items_by_id(request, ctx), need_party=True, kind=kind
    )
    if form.errors or party_id is None:
        lf.pad(form, company)
        return _render_form(request, ctx, form, flow=flow, kind=kind, status=422, form_key=form_key)
    try:
        with uow:
            replay = security.replayed(uow, ctx, request, form_key)
            if replay is not None:
                return replay
            view = documents.create_document(
                uow,
                ctx,
                kind=kind,
                flow=flow,
                party_id=party_id,
                lines=lines,
                issue_date=issue,
                due_date=due,
                supplier_reference=form.supplier_reference if flow is Flow.PURCHASE else "",
            )
            location = f"/documents/{view.id}"
            security.remember(uow, ctx, form_key, location)
            uow.commit()
    except DomainError as exc:
        form.errors["party_id" if isinstance(exc, PartyRoleMismatch) else _error_field(exc)] = errors.error_text(
            request, exc
        )
        lf.pad(form, company)
        return _render_form(request, ctx, form, flow=flow, kind=kind, status=422, form_key=form_key)
    return redirect(request, location, flash=translate(request, "Brouillon enregistré"))


# -- edit -------------------------------------------------------------------------------------------------------


def _error_field(exc: DomainError) -> str:
    """Where the form shows a refusal: next to the supplier's number when it is about it, else on top."""
    about = exc.params.get("field") == "supplier_reference" or exc.code == "supplier-reference-frozen"
    return "supplier_reference" if about else "__all__"


def _editable(request: Request, ctx: Any, document_id: int) -> Document:
    document = documents.get_document(security.uow_of(request), ctx, document_id).document
    return document


@router.get("/documents/{document_id:int}/edit")
def edit_document(request: Request, document_id: int, ctx: security.PageWrite) -> Response:
    uow = security.uow_of(request)
    document = _editable(request, ctx, document_id)
    if not common.may(document, Action.EDIT):
        return redirect(request, f"/documents/{document_id}")
    form = lf.from_document(document, companies.get_company(uow, ctx), i18n.language(request))
    return _render_form(request, ctx, form, flow=document.flow, kind=document.kind, document=document)


@router.post("/documents/{document_id:int}/edit")
def update_document(request: Request, document_id: int, ctx: security.PageWrite) -> Response:
    uow = security.uow_of(request)
    document = _editable(request, ctx, document_id)
    company = companies.get_company(uow, ctx)
    form = lf.from_post(request)
    form.party_id = str(document.party_id)
    flow, kind = document.flow, document.kind
    if security.posted_form(request).get("more"):
        lf.pad(form, company, extra=lf.EMPTY_ROWS)
        return _render_form(request, ctx, form, flow=flow, kind=kind, document=document)
    _party, issue, due, lines = lf.parse_form(
        request, form, company, lf.items_by_id(request, ctx), need_party=False, kind=kind
    )
    if form.errors:
        lf.pad(form, company)
        return _render_form(request, ctx, form, status=422, flow=flow, kind=kind, document=document)
    try:
        documents.update_document(
            uow,
            ctx,
            document_id,
            lines=lines,
            issue_date=issue if document.state is State.DRAFT else None,
            due_date=due,
            expected_version=document.version,
            supplier_reference=form.supplier_reference if flow is Flow.PURCHASE else None,
        )
    except DomainError as exc:
        form.errors[_error_field(exc)] = errors.error_text(request, exc)
        lf.pad(form, company)
        return _render_form(request, ctx, form, status=422, flow=flow, kind=kind, document=document)
    return redirect(request, f"/documents/{document_id}", flash=translate(request, "Document enregistré"))


# -- validate, convert, cancel ----------------------------------------------------------------------------------


def _refused(request: Request, ctx: Any, document_id: int, exc: DomainError) -> Response:
    """The document page again (422) with the reason the action was refused."""
    context = page_context(request, ctx, document_id, "lines")
    context["error"] = errors.error_text(request, exc)
    return render(request, "documents/page.html", context, 422)


def _acknowledged(form: Any) -> set[int]:
    return {int(v) for v in form.getlist("acknowledged") if str(v).isdigit()}


@router.post("/documents/{document_id:int}/validate")
def validate_document(request: Request, document_id: int, ctx: security.PageWrite) -> Response:
    """Validate. A final invoice that would leave deposit invoices undeducted is validated only once the user has
    seen them: the page's « Valider » sends the ones it showed (`acknowledged`); any other one — or a form posted
    without them — gets the confirmation page first."""
    uow = security.uow_of(request)
    form = security.posted_form(request)
    try:
        document = documents.get_document(uow, ctx, document_id).document
        if document.kind is Kind.DEPOSIT_INVOICE:
            deposits.issue_deposit_invoice(uow, ctx, document_id)
        else:
            if document.kind is Kind.INVOICE:
                undeducted = deposits.undeducted_warnings(uow, ctx, document_id)
                if {w.deposit_id for w in undeducted} - _acknowledged(form):
                    context = {"doc": document, "undeducted": undeducted, "kind": common.url_kind(document.kind)}
                    return render(request, "documents/confirm_validate.html", context)
            documents.validate_document(uow, ctx, document_id)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        return _refused(request, ctx, document_id, exc)
    return redirect(request, f"/documents/{document_id}", flash=translate(request, "Document validé"))


@router.post("/documents/{document_id:int}/convert")
def convert_document(request: Request, document_id: int, ctx: security.PageWrite) -> Response:
    data = security.posted_form(request)
    target = common.parse_kind(str(data.get("to") or request.query_params.get("to") or ""), default=None)
    uow = security.uow_of(request)
    typed_due = str(data.get("due_date") or "").strip()  # optional: else the invoice is due by its terms
    try:
        due = parse_day(typed_due, DateField.DUE_DATE) if typed_due else None
        if target is None:
            source = documents.get_document(uow, ctx, document_id).document
            allowed = common.conversions(source)
            if not allowed:
                documents.convert_document(uow, ctx, document_id, Kind.INVOICE)  # raises the lifecycle's refusal
            target = allowed[-1] if allowed else Kind.INVOICE
        view = documents.convert_document(uow, ctx, document_id, target, due_date=due)
    except ValueError:
        invalid = translate(request, "Date invalide : {value}", value=typed_due)
        context = page_context(request, ctx, document_id, "lines")
        context["error"] = invalid
        return render(request, "documents/page.html", context, 422)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        return _refused(request, ctx, document_id, exc)
    return redirect(request, f"/documents/{view.id}", flash=translate(request, "Document créé"))


@router.post("/documents/{document_id:int}/cancel")
def cancel_document(request: Request, document_id: int, ctx: security.PageWrite) -> Response:
    try:
        documents.cancel_document(security.uow_of(request), ctx, document_id)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        return _refused(request, ctx, document_id, exc)
    return redirect(request, f"/documents/{document_id}", flash=translate(request, "Document annulé"))
