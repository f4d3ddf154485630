"""The document form's lines, read and written back: the values as typed, parsed and checked (errors next to their
field, nothing written), numbers shown the user's way, an article's designation, price and rate for its line, and
the running totals per VAT rate read from the service that prices a saved document (documents.draft_totals).

documents_forms.py (the pages) and line_entry.py (the fragments htmx swaps in while typing) both use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import Request

from acompte.adapters.web import errors, i18n, security
from acompte.adapters.web.templating import translate
from acompte.domain.dates import DateField, parse_day
from acompte.domain.documents import Document, Kind, LineInput, price_line
from acompte.domain.errors import DomainError, InvalidDate
from acompte.domain.money import minor_unit
from acompte.domain.parties import Company, Item
from acompte.domain.vat import Totals
from acompte.services import documents, parties

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


def rate_text(rate: Decimal) -> str:
    return format(rate.normalize(), "f")


def price_text(value: Decimal, currency: str, lang: str) -> str:
    """A unit price the user's way, with at least the currency's decimals: « 100,00 », « 12,3456 »."""
    places = max(minor_unit(currency), -min(0, _exponent(value.normalize())))
    return i18n.amount(value.quantize(Decimal(1).scaleb(-places)), lang)


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def tidy(form: DocumentForm, currency: str, lang: str) -> None:
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
                row[name] = price_text(value, currency, lang)
            else:
                row[name] = i18n.amount(value.normalize(), lang)


def item_options(items: list[Item]) -> list[dict[str, str]]:
    """The articles a line may name (choosing one fills its line: fill_line)."""
    return [{"id": str(item.id), "name": item.name} for item in items]


def blank_line(company: Company) -> dict[str, str]:
    default = max(company.vat_rates) if company.vat_rates else Decimal(20)
    return {
        "item_id": "",
        "designation": "",
        "quantity": "",
        "unit_price": "",
        "discount": "",
        "vat_rate": rate_text(default),
    }


def pad(form: DocumentForm, company: Company, extra: int = 0) -> None:
    wanted = min(MAX_ROWS, max(len(form.lines) + extra, len([x for x in form.lines if filled(x)]) + EMPTY_ROWS))
    while len(form.lines) < wanted:
        form.lines.append(blank_line(company))


def filled(row: dict[str, str]) -> bool:
    return any(row.get(name, "").strip() for name in ("item_id", "designation", "quantity", "unit_price"))


def from_document(document: Document, company: Company, lang: str) -> DocumentForm:
    lines = [
        {
            "item_id": str(line.item_id or ""),
            "designation": line.designation,
            "quantity": i18n.amount(line.quantity.normalize(), lang),
            "unit_price": price_text(line.unit_price, document.currency, lang),
            "discount": i18n.amount(line.discount_percent.normalize(), lang) if line.discount_percent else "",
            "vat_rate": rate_text(line.vat_rate),
        }
        for line in document.lines
    ]
    form = DocumentForm(
        party_id=str(document.party_id),
        issue_date=document.issue_date.isoformat(),
        due_date=document.due_date.isoformat() if document.due_date else "",
        supplier_reference=document.supplier_reference,
        lines=lines,
    )
    pad(form, company)
    return form


def from_post(request: Request) -> DocumentForm:
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


def parse_form(
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
    rates = {rate_text(r): r for r in company.vat_rates}
    lines = []
    for i, row in enumerate(form.lines):
        if not filled(row):
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


def items_by_id(request: Request, ctx: Any) -> dict[int, Any]:
    return {item.id: item for item in parties.list_items(security.uow_of(request), ctx)}


def fill_line(
    form: DocumentForm, index: int, items: dict[int, Item], company: Company, currency: str, lang: str
) -> None:
    """The article chosen on line `index` gives its designation, unit price and VAT rate (a rate the company no
    longer offers leaves the line's rate as it is)."""
    if not 0 <= index < len(form.lines):
        return
    row = form.lines[index]
    item = items.get(int(row["item_id"])) if row["item_id"].isdigit() else None
    if item is None:
        return
    row["designation"] = item.name
    row["unit_price"] = price_text(item.unit_price, currency, lang)
    rate = rate_text(item.vat_rate)
    if rate in {rate_text(r) for r in company.vat_rates}:
        row["vat_rate"] = rate


def running_totals(
    request: Request, ctx: Any, form: DocumentForm, company: Company, kind: Kind, currency: str
) -> Totals:
    """The totals of the lines that can be read so far, priced by the service that prices the saved document."""
    scratch = DocumentForm(lines=[dict(row) for row in form.lines])
    _party, _issue, _due, lines = parse_form(
        request, scratch, company, items_by_id(request, ctx), need_party=False, kind=kind
    )
    uow = security.uow_of(request)
    try:
        return documents.draft_totals(uow, ctx, lines, kind, currency)
    except DomainError:  # a line the form let through but the company refuses: the totals wait for its fix
        return documents.draft_totals(uow, ctx, [], kind, currency)


def lines_context(
    request: Request,
    ctx: Any,
    form: DocumentForm,
    *,
    company: Company,
    kind: Kind,
    currency: str,
    document_id: int | None,
) -> dict[str, Any]:
    """What documents/_lines.html needs besides the form: the articles, the rates, the totals, its fragments' URLs."""
    lang = i18n.language(request)
    tidy(form, currency, lang)
    lines_url = "/documents/lines" + (f"?document={document_id}" if document_id is not None else "")
    return {
        "form": form,
        "items": item_options(parties.list_items(security.uow_of(request), ctx)),
        "rates": [(rate_text(r), r) for r in sorted(company.vat_rates, reverse=True)],
        "totals": running_totals(request, ctx, form, company, kind, currency),
        "lines_url": lines_url,
        "totals_url": lines_url.replace("/lines", "/lines/totals", 1),
        "autofocus": None,
    }
