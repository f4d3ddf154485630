"""Create and edit a document, validate, convert, cancel (UI.md screens 1-2, forms).

    /documents/new?flow=&kind=     /documents/{id}/edit
    POST /documents/{id}/validate  POST /documents/{id}/convert (field `to`)  POST /documents/{id}/cancel

Plain HTML: a fixed number of line rows; « Ajouter des lignes » posts the form back with more empty rows, keeping
what was typed and writing nothing. Refused input re-renders the form (422) with the error next to its field, the
numbers it could read shown formatted (« 1 234,50 »). With JavaScript (static/lines.js) rows are added and removed
in place, an article fills its line and totals per VAT rate follow the typing; the server still checks everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.web import errors, i18n, security
from acompte.adapters.web.routes import _documents_common as common
from acompte.adapters.web.routes.documents import page_context
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain.dates import DateField, parse_day
from acompte.domain.documents import Document, Flow, Kind, LineInput, State, price_line
from acompte.domain.errors import DomainError, InvalidDate, NotFound, PartyRoleMismatch
from acompte.domain.lifecycle import Action
from acompte.domain.money import minor_unit
from acompte.domain.parties import Company, Item
from acompte.services import companies, deposits, documents, parties, payment_terms

router = APIRouter()
EMPTY_ROWS = 5
MAX_ROWS = 200
LINE_FIELDS = ("item_id", "designation", "quantity", "unit_price", "discount", "vat_rate")


@dataclass
class DocumentForm:
    """What the form shows: the values as typed (strings) and the errors by field name."""

    party_id: str = ""
    issue_date: str = ""
    due_date: str = ""
    lines: list[dict[str, str]] = field(default_factory=list)
    #: the supplier's own number (purchases)
    supplier_reference: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def _rate_text(rate: Decimal) -> str:
    return format(rate.normalize(), "f")


def _price_text(value: Decimal, currency: str, lang: str) -> str:
    """A unit price the user's way, with at least the currency's decimals: « 100,00 », « 12,3456 »."""
    places = max(minor_unit(currency), -min(0, _exponent(value.normalize())))
    return i18n.amount(value.quantize(Decimal(1).scaleb(-places)), lang)


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def _tidy(form: DocumentForm, currency: str, lang: str) -> None:
    """Show the numbers typed the user's way (« 1234.5 » → « 1 234,50 »); a field refused stays as typed, next to
    its error."""
    for i, row in enumerate(form.lines):
        for name in ("quantity", "unit_price", "discount"):
            raw = row.get(name, "")
            if not raw or f"line-{i}-{name}" in form.errors:
                continue
            try:
                value = i18n.parse_amount(raw)
            except ValueError:
                continue
            if name == "unit_price":
                row[name] = _price_text(value, currency, lang)
            else:
                row[name] = i18n.amount(value.normalize(), lang)


def _item_options(items: list[Item], currency: str, lang: str) -> list[dict[str, str]]:
    """What choosing an article fills in its line (data-* on its option): designation, unit price, VAT rate."""
    return [
        {
            "id": str(item.id),
            "name": item.name,
            "price": _price_text(item.unit_price, currency, lang),
            "vat": _rate_text(item.vat_rate),
        }
        for item in items
    ]


def _blank_line(company: Company) -> dict[str, str]:
    default = max(company.vat_rates) if company.vat_rates else Decimal(20)
    return {
        "item_id": "",
        "designation": "",
        "quantity": "",
        "unit_price": "",
        "discount": "",
        "vat_rate": _rate_text(default),
    }


def _pad(form: DocumentForm, company: Company, extra: int = 0) -> None:
    wanted = min(MAX_ROWS, max(len(form.lines) + extra, len([x for x in form.lines if _filled(x)]) + EMPTY_ROWS))
    while len(form.lines) < wanted:
        form.lines.append(_blank_line(company))


def _filled(row: dict[str, str]) -> bool:
    return any(row.get(name, "").strip() for name in ("item_id", "designation", "quantity", "unit_price"))


def _from_document(document: Document, company: Company, lang: str) -> DocumentForm:
    lines = [
        {
            "item_id": str(line.item_id or ""),
            "designation": line.designation,
            "quantity": i18n.amount(line.quantity.normalize(), lang),
            "unit_price": _price_text(line.unit_price, document.currency, lang),
            "discount": i18n.amount(line.discount_percent.normalize(), lang) if line.discount_percent else "",
            "vat_rate": _rate_text(line.vat_rate),
        }
        for line in document.lines
    ]
    form = DocumentForm(
        party_id=str(document.party_id),
        issue_date=document.issue_date.isoformat(),
        due_date=document.due_date.isoformat() if document.due_date else "",
        lines=lines,
        supplier_reference=document.supplier_reference,
    )
    _pad(form, company)
    return form


def _from_post(request: Request) -> DocumentForm:
    data = security.posted_form(request)

    def text(name: str) -> str:
        value = data.get(name)
        return value.strip() if isinstance(value, str) else ""

    try:
        rows = min(MAX_ROWS, int(text("rows") or EMPTY_ROWS))
    except ValueError:
        rows = EMPTY_ROWS
    lines = [{name: text(f"line-{i}-{name}") for name in LINE_FIELDS} for i in range(rows)]
    return DocumentForm(
        text("party_id"), text("issue_date"), text("due_date"), lines, supplier_reference=text("supplier_reference")
    )


def _number(
    request: Request, form: DocumentForm, key: str, raw: str, *, default: Decimal | None = None
) -> Decimal | None:
    if not raw:
        if default is None:
            form.errors[key] = translate(request, "Champ obligatoire.")
        return default
    try:
        value = i18n.parse_amount(raw)
    except ValueError:
        form.errors[key] = translate(request, "Nombre invalide : {value}", value=raw)
        return None
    if value < 0:
        form.errors[key] = translate(request, "Ce nombre ne peut pas être négatif.")
        return None
    return value


def _parse(
    request: Request,
    form: DocumentForm,
    company: Company,
    items: dict[int, Any],
    *,
    need_party: bool,
    kind: Kind | None = None,
) -> tuple[int | None, date | None, date | None, list[LineInput]]:
    """Check what was typed; errors go to `form.errors` next to their field. Nothing is written here. A final
    invoice may hold deposit recall lines (negative quantity): the service checks them against its deposits."""
    party_id = None
    if need_party:
        if form.party_id.isdigit():
            party_id = int(form.party_id)
        else:
            form.errors["party_id"] = translate(request, "Choisissez un tiers.")
    issue = due = None
    for key in ("issue_date", "due_date"):
        raw = getattr(form, key)
        if raw:
            try:
                value = parse_day(raw, DateField(key))
            except InvalidDate as exc:
                form.errors[key] = errors.error_text(request, exc)
                continue
            except ValueError:
                form.errors[key] = translate(request, "Date invalide : {value}", value=raw)
                continue
            if key == "issue_date":
                issue = value
            else:
                due = value
    rates = {_rate_text(r): r for r in company.vat_rates}
    lines = []
    for i, row in enumerate(form.lines):
        if not _filled(row):
            continue
        prefix = f"line-{i}-"
        item = None
        if row["item_id"]:
            item = items.get(int(row["item_id"])) if row["item_id"].isdigit() else None
            if item is None:
                form.errors[prefix + "item_id"] = translate(request, "Article inconnu.")
        designation = row["designation"] or (item.name if item else "")
        if not designation:
            form.errors[prefix + "designation"] = translate(request, "Champ obligatoire.")
        quantity = _number(request, form, prefix + "quantity", row["quantity"])
        price_default = item.unit_price if item else None
        unit_price = _number(request, form, prefix + "unit_price", row["unit_price"], default=price_default)
        discount = _number(request, form, prefix + "discount", row["discount"], default=Decimal(0))
        rate = rates.get(row["vat_rate"])
        if rate is None:
            form.errors[prefix + "vat_rate"] = translate(request, "Taux de TVA inconnu.")
        if any(key.startswith(prefix) for key in form.errors) or quantity is None or unit_price is None:
            continue
        assert rate is not None and discount is not None
        data = LineInput(designation, quantity, unit_price, rate, discount, item.id if item else None)
        try:
            price_line(i + 1, data, company.currency, allow_negative=kind is Kind.INVOICE)
        except DomainError as exc:
            form.errors[prefix + "line"] = errors.error_text(request, exc)
            continue
        lines.append(data)
    return party_id, issue, due, lines


def _render_form(
    request: Request,
    ctx: security.PageWrite,
    form: DocumentForm,
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
    lang = i18n.language(request)
    _tidy(form, company.currency, lang)
    context = {
        "form": form,
        "flow": flow.value,
        "kind": common.url_kind(kind),
        "document": document,
        "parties": parties.list_parties(uow, ctx, role=role),
        "items": _item_options(parties.list_items(uow, ctx), company.currency, lang),
        "locale_tag": i18n.LOCALES[lang].replace("_", "-"),
        "currency": company.currency,
        "minor_unit": minor_unit(company.currency),
        "vat_rounding": company.vat_rounding.value,
        "default_rate": _blank_line(company)["vat_rate"],
        "rates": [(_rate_text(r), r) for r in sorted(company.vat_rates, reverse=True)],
        "form_key": form_key or security.new_form_key(),
        "action": f"/documents/{document.id}/edit" if document else "/documents/new",
        "header_editable": document is None or document.state is State.DRAFT,
        "due_hint": _due_hint(request, ctx, form, kind, flow, document),
    }
    return render(request, "documents/form.html", context, status)


def _due_hint(request: Request, ctx: Any, form: DocumentForm, kind: Kind, flow: Flow, document: Document | None) -> str:
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


def _items(request: Request, ctx: Any) -> dict[int, Any]:
    return {item.id: item for item in parties.list_items(security.uow_of(request), ctx)}


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
    form = DocumentForm(party_id=q.get("party_id", ""), issue_date=uow.clock.today().isoformat())
    _pad(form, company)
    return _render_form(request, ctx, form, flow=flow, kind=kind)


@router.post("/documents/new")
def create_document(request: Request, ctx: security.PageWrite) -> Response:
    data = security.posted_form(request)
    flow = common.parse_flow(str(data.get("flow") or ""))
    kind = common.parse_kind(str(data.get("kind") or ""))
    if kind not in common.FORM_KINDS:
        kind = Kind.INVOICE
    form_key = str(data.get(security.FORM_KEY_FIELD) or "") or None
    form = _from_post(request)
    uow = security.uow_of(request)
    company = companies.get_company(uow, ctx)
    if data.get("more"):
        _pad(form, company, extra=EMPTY_ROWS)
        return _render_form(request, ctx, form, flow=flow, kind=kind, form_key=form_key)
    party_id, issue, due, lines = _parse(request, form, company, _items(request, ctx), need_party=True, kind=kind)
    if form.errors or party_id is None:
        _pad(form, company)
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
        _pad(form, company)
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
    form = _from_document(document, companies.get_company(uow, ctx), i18n.language(request))
    return _render_form(request, ctx, form, flow=document.flow, kind=document.kind, document=document)


@router.post("/documents/{document_id:int}/edit")
def update_document(request: Request, document_id: int, ctx: security.PageWrite) -> Response:
    uow = security.uow_of(request)
    document = _editable(request, ctx, document_id)
    company = companies.get_company(uow, ctx)
    form = _from_post(request)
    form.party_id = str(document.party_id)
    flow, kind = document.flow, document.kind
    if security.posted_form(request).get("more"):
        _pad(form, company, extra=EMPTY_ROWS)
        return _render_form(request, ctx, form, flow=flow, kind=kind, document=document)
    _party, issue, due, lines = _parse(request, form, company, _items(request, ctx), need_party=False, kind=kind)
    if form.errors:
        _pad(form, company)
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
        _pad(form, company)
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
