"""Contacts (customers and suppliers, UI.md screen 9) and the aged balance.

- `/contacts` (search, customer/supplier filter, balance), `/contacts/new`, `/contacts/{id}` (« Fiche »:
  identity, default deposit percentage, payment terms), `/contacts/{id}/edit`;
- `/contacts/{id}/statement` (« Relevé » for a period) and its PDF `/contacts/{id}/statement/pdf` (the same
  service as the API's statement PDF);
- `/contacts/{id}/aged` (« Balance âgée » of the party) and `/accounting/aged-balance` (every party).

The « Gestion commerciale » tab (`/contacts/{id}/account`) belongs to the settle screen's module.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.exports.pdf import statement_pdf
from acompte.adapters.i18n.catalogue import N_
from acompte.adapters.web import i18n, security
from acompte.adapters.web.errors import error_text, french_text
from acompte.adapters.web.routes._credits_common import (
    Paged,
    csv_response,
    form_of,
    money_totals,
    page_query,
    paginate,
)
from acompte.adapters.web.security import PageRead, PageWrite
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain import errors as e
from acompte.domain.accounts import AGE_LABELS, AgeBucket, PaymentTerms, Statement
from acompte.domain.addresses import ADDRESS_FIELDS
from acompte.domain.documents import Flow
from acompte.domain.parties import Party
from acompte.domain.users import Permission
from acompte.domain.vat import VatRegime
from acompte.services import accounts, deposits, identifiers, parties, printing, queries
from acompte.services.accounts import PAYMENT_TERMS_KEY
from acompte.services.banking import party_accounts
from acompte.services.ports import Ctx

router = APIRouter()
SIREN = re.compile(r"^[0-9]{9}$")
MAX_TERM_DAYS = 365
REGIME_FIELDS = ("vat_regime", "vat_exemption_code", "vat_exemption_reason")
#: The VAT regimes a contact may be given (the words are translated by the template).
REGIME_CHOICES = (
    ("", N_("Selon le pays et le n° de TVA")),
    (VatRegime.DOMESTIC.value, N_("TVA française")),
    (VatRegime.INTRA_EU.value, N_("Livraison ou prestation intracommunautaire")),
    (VatRegime.EXPORT.value, N_("Export hors de l'Union européenne")),
    (VatRegime.REVERSE_CHARGE.value, N_("Autoliquidation")),
    (VatRegime.EXEMPT.value, N_("Exonération (motif ci-dessous)")),
)


def _flow_of(party: Party) -> Flow:
    return Flow.SALE if party.is_customer else Flow.PURCHASE


def _period(request: Request, date_from: str | None, date_to: str | None) -> tuple[date, date, dict[str, str]]:
    """`?from=&to=` (ISO dates); by default from the 1st of January to today. Bad dates → an error each."""
    errors: dict[str, str] = {}
    end = security.clock_of(request).today()
    if date_to:
        try:
            end = date.fromisoformat(date_to)
        except ValueError:
            errors["to"] = translate(request, "Date invalide.")
    start = end.replace(month=1, day=1)
    if date_from:
        try:
            start = date.fromisoformat(date_from)
        except ValueError:
            errors["from"] = translate(request, "Date invalide.")
    return start, end, errors


# -- the list --------------------------------------------------------------------------------------------------


@router.get("/contacts")
def contact_list(
    request: Request,
    ctx: PageRead,
    q: str | None = None,
    role: str | None = None,
    page: int = 1,
    format: str | None = None,
) -> Response:
    uow = security.uow_of(request)
    found = parties.list_parties(
        uow, ctx, role=role if role in ("customer", "supplier") else None, search=(q or "").strip()[:100] or None
    )
    found.sort(key=lambda p: (p.name.lower(), p.id))

    def balance(party: Party) -> Any:
        return queries.party_balance(uow, ctx, party.id, flow=_flow_of(party)).balance

    if format == "csv":
        header = [translate(request, t) for t in ("Nom", "Client", "Fournisseur", "SIREN", "N° TVA", "E-mail", "Solde")]
        yes, no = translate(request, "oui"), translate(request, "non")
        return csv_response(
            request,
            "contacts.csv",
            header,
            (
                (
                    p.name,
                    yes if p.is_customer else no,
                    yes if p.is_supplier else no,
                    p.siren,
                    p.vat_number,
                    p.email,
                    balance(p),
                )
                for p in found
            ),
        )
    # Balances are computed for the page shown only (a party's balance reads all its documents); the total
    # is the page's when there are several pages.
    paged = paginate(found, page)
    paged = Paged([(p, balance(p)) for p in paged.rows], paged.page, paged.pages, paged.count)
    query = {"q": q, "role": role}
    return render(
        request,
        "contacts/list.html",
        {
            "paged": paged,
            "filters": query,
            "totals": money_totals(paged.rows, lambda r: r[1]),
            "prev_url": page_query(query, paged.page - 1),
            "next_url": page_query(query, paged.page + 1),
            "csv_url": page_query({**query, "format": "csv"}, 1),
        },
    )


# -- create and edit -------------------------------------------------------------------------------------------


def _values_of(party: Party) -> dict[str, str]:
    terms = party.settings.get(PAYMENT_TERMS_KEY) or []
    single = terms[0] if len(terms) == 1 else None
    percent = party.settings.get("deposit_percent")
    return {
        "name": party.name,
        "customer": "on" if party.is_customer else "",
        "supplier": "on" if party.is_supplier else "",
        "email": party.email,
        "siren": party.siren,
        "vat_number": party.vat_number,
        **party.address.fields(),
        "vat_regime": party.vat_regime,
        "vat_exemption_code": party.vat_exemption_code,
        "vat_exemption_reason": party.vat_exemption_reason,
        "deposit_percent": str(percent) if percent not in (None, "") else "",
        "term_days": str(single["days"]) if single else "",
        "term_end_of_month": "on" if single and single.get("end_of_month") else "",
    }


def _terms_text(request: Request, party: Party) -> str:
    terms = party.settings.get(PAYMENT_TERMS_KEY) or []
    if not terms:
        return ""
    parts = []
    for part in terms:
        text = "{percent} % — {days} jours fin de mois" if part.get("end_of_month") else "{percent} % — {days} jours"
        parts.append(translate(request, text, percent=part.get("percent"), days=part.get("days")))
    return " ; ".join(parts)


def _read_form(
    request: Request, form: dict[str, str]
) -> tuple[dict[str, Any], Decimal | None, int | None, dict[str, str]]:
    """The party's fields, deposit percentage and payment days from the form, with an error per field."""
    errors: dict[str, str] = {}
    name = form.get("name", "").strip()
    if not name:
        errors["name"] = translate(request, "Le nom est obligatoire.")
    customer, supplier = form.get("customer") == "on", form.get("supplier") == "on"
    if not customer and not supplier:
        errors["customer"] = translate(request, "Un contact est client, fournisseur, ou les deux.")
    siren = form.get("siren", "").replace(" ", "").strip()
    if siren and not SIREN.match(siren):
        errors["siren"] = translate(request, "Un SIREN a 9 chiffres.")
    percent: Decimal | None = None
    if form.get("deposit_percent", "").strip():
        try:
            percent = i18n.parse_amount(form["deposit_percent"])
        except ValueError:
            percent = Decimal(-1)
        if not Decimal(0) <= percent <= Decimal(100):
            errors["deposit_percent"] = translate(request, "Un pourcentage entre 0 et 100.")
    days: int | None = None
    if form.get("term_days", "").strip():
        text = form["term_days"].strip()
        days = int(text) if text.isdigit() else -1
        if not 0 <= days <= MAX_TERM_DAYS:
            errors["term_days"] = translate(request, "Un nombre de jours entre 0 et 365.")
    fields = {
        "name": name,
        "email": form.get("email", "").strip(),
        "siren": siren,
        "vat_number": form.get("vat_number", "").strip(),
        **{name: form.get(name, "").strip() for name in ADDRESS_FIELDS},
        **{name: form.get(name, "").strip() for name in REGIME_FIELDS},
    }
    return {"fields": fields, "customer": customer, "supplier": supplier}, percent, days, errors


def _contact_form(
    request: Request, party: Party | None, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    context = {
        "party": party,
        "values": values,
        "errors": errors,
        "countries": list(identifiers.countries().items()),
        "regimes": [(value, translate(request, label)) for value, label in REGIME_CHOICES],
    }
    return render(request, "contacts/form.html", context, status)


def _field_of(exc: e.DomainError) -> str:
    if exc.params.get("field") in (*ADDRESS_FIELDS, *REGIME_FIELDS):
        return str(exc.params["field"])
    text = french_text(exc).lower()
    if "siren" in text:
        return "siren"
    if "nom" in text:
        return "name"
    if "client, fournisseur" in text:
        return "customer"
    if "pourcentage" in text or "acompte" in text:
        return "deposit_percent"
    return "__all__"


def _save_extras(uow: Any, ctx: Ctx, party_id: int, percent: Decimal | None, days: int | None, eom: bool) -> None:
    """Default deposit percentage and payment terms (one instalment), when typed."""
    if percent is not None:
        deposits.set_party_deposit_percent(uow, ctx, party_id, percent)
    if days is not None:
        accounts.set_party_payment_terms(uow, ctx, party_id, PaymentTerms.single(days, end_of_month=eom))


@router.get("/contacts/new")
def contact_new_page(request: Request, ctx: PageRead, role: str | None = None) -> Response:
    values = {"customer": "" if role == "supplier" else "on", "supplier": "on" if role == "supplier" else ""}
    return _contact_form(request, None, {**values, "form_key": security.new_form_key()}, {})


@router.post("/contacts/new")
def contact_create(request: Request, ctx: PageWrite) -> Response:
    form = form_of(request)
    data, percent, days, errors = _read_form(request, form)
    if errors:
        return _contact_form(request, None, form, errors, 422)
    uow = security.uow_of(request)
    key = form.get(security.FORM_KEY_FIELD)
    try:
        with uow:
            replay = security.replayed(uow, ctx, request, key)
            if replay is not None:
                return replay
            party = parties.create_party(
                uow, ctx, customer=data["customer"], supplier=data["supplier"], **data["fields"]
            )
            _save_extras(uow, ctx, party.id, percent, days, form.get("term_end_of_month") == "on")
            location = f"/contacts/{party.id}"
            security.remember(uow, ctx, key, location)
            uow.commit()
    except e.DomainError as exc:
        return _contact_form(request, None, form, {_field_of(exc): error_text(request, exc)}, 422)
    return redirect(request, location, flash=translate(request, "Contact {name} créé.", name=party.name))


@router.get("/contacts/{party_id}")
def contact_page(request: Request, party_id: int, ctx: PageRead) -> Response:
    return contact_page_response(request, ctx, party_id)


def contact_page_response(
    request: Request,
    ctx: Ctx,
    party_id: int,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The contact's page; a refused form of it (its IBANs) shows `errors` next to what was `typed`."""
    uow = security.uow_of(request)
    party = parties.get_party(uow, ctx, party_id)
    balance = queries.party_balance(uow, ctx, party.id, flow=_flow_of(party))
    principal = security.optional_principal(request)
    context = {
        "party": party,
        "active": "identity",
        "balance": balance,
        "terms": _terms_text(request, party),
        "deposit_percent": party.settings.get("deposit_percent"),
        "bank_accounts": party_accounts.party_accounts(uow, ctx, party.id),
        "can_write": principal is not None and principal.may(Permission.WRITE),
        "bank_values": typed or {},
        "errors": errors or {},
    }
    return render(request, "contacts/identity.html", context, status)


@router.get("/contacts/{party_id}/edit")
def contact_edit_page(request: Request, party_id: int, ctx: PageRead) -> Response:
    party = parties.get_party(security.uow_of(request), ctx, party_id)
    return _contact_form(request, party, _values_of(party), {})


@router.post("/contacts/{party_id}/edit")
def contact_update(request: Request, party_id: int, ctx: PageWrite) -> Response:
    form = form_of(request)
    uow = security.uow_of(request)
    party = parties.get_party(uow, ctx, party_id)
    data, percent, days, errors = _read_form(request, form)
    if errors:
        return _contact_form(request, party, form, errors, 422)
    before = _values_of(party)
    try:
        with uow:
            changes = {k: v for k, v in data["fields"].items() if v != before[k]}
            if data["customer"] != party.is_customer:
                changes["is_customer"] = data["customer"]
            if data["supplier"] != party.is_supplier:
                changes["is_supplier"] = data["supplier"]
            if changes:
                party = parties.update_party(uow, ctx, party_id, **changes)
            typed = "" if percent is None else str(percent)
            if typed != before["deposit_percent"]:
                deposits.set_party_deposit_percent(uow, ctx, party_id, percent)
                party = parties.get_party(uow, ctx, party_id)
            eom = "on" if form.get("term_end_of_month") == "on" else ""
            if days is not None and (str(days), eom) != (before["term_days"], before["term_end_of_month"]):
                accounts.set_party_payment_terms(uow, ctx, party_id, PaymentTerms.single(days, end_of_month=bool(eom)))
            uow.commit()
    except e.DomainError as exc:
        return _contact_form(request, party, form, {_field_of(exc): error_text(request, exc)}, 422)
    return redirect(request, f"/contacts/{party_id}", flash=translate(request, "Contact enregistré."))


# -- statement and aged balance --------------------------------------------------------------------------------


@router.get("/contacts/{party_id}/statement")
def contact_statement(request: Request, party_id: int, ctx: PageRead) -> Response:
    params = request.query_params
    start, end, errors = _period(request, params.get("from"), params.get("to"))
    uow = security.uow_of(request)
    party = parties.get_party(uow, ctx, party_id)
    view = accounts.statement(uow, ctx, party.id, date_from=start, date_to=end)
    if params.get("format") == "csv" and not errors:
        return _statement_csv(request, view.statement, f"releve-{party.id}-{end:%Y%m%d}.csv")
    context = {
        "party": party,
        "active": "statement",
        "view": view,
        "start": start,
        "end": end,
        "errors": errors,
        "values": {"from": params.get("from") or start.isoformat(), "to": params.get("to") or end.isoformat()},
        "pdf_url": f"/contacts/{party.id}/statement/pdf?from={start.isoformat()}&to={end.isoformat()}",
        "csv_url": f"/contacts/{party.id}/statement?from={start.isoformat()}&to={end.isoformat()}&format=csv",
    }
    return render(request, "contacts/statement.html", context, 422 if errors else 200)


def _statement_csv(request: Request, st: Statement, filename: str) -> Response:
    """The statement the page shows, line for line: opening balance, movements, closing balance."""
    t = translate
    header = [t(request, h) for h in ("Date", "Pièce", "Libellé", "Débit", "Crédit", "Solde")]
    rows: list[list[Any]] = [[st.date_from, "", t(request, "Solde d'ouverture"), "", "", st.opening]]
    for line in st.lines:
        m = line.movement
        rows.append([m.day, m.reference, m.label, m.debit, m.credit, line.balance])
    closing = t(request, "Solde de clôture au {day}", day=i18n.day(st.date_to, i18n.language(request)))
    rows.append([st.date_to, "", closing, st.total_debit, st.total_credit, st.closing])
    return csv_response(request, filename, header, rows)


@router.get("/contacts/{party_id}/statement/pdf")
def contact_statement_pdf(request: Request, party_id: int, ctx: PageRead) -> Response:
    start, end, _errors = _period(request, request.query_params.get("from"), request.query_params.get("to"))
    view = printing.statement(security.uow_of(request), ctx, party_id, date_from=start, date_to=end)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", f"releve-{view.buyer.name}-{end:%Y%m%d}.pdf").strip("-")
    return Response(
        statement_pdf(view),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


def _as_of(request: Request, text: str | None) -> tuple[date, dict[str, str]]:
    today = security.clock_of(request).today()
    if not text:
        return today, {}
    try:
        return date.fromisoformat(text), {}
    except ValueError:
        return today, {"as_of": translate(request, "Date invalide.")}


def _buckets(request: Request) -> list[tuple[AgeBucket, str]]:
    return [(bucket, translate(request, AGE_LABELS[bucket])) for bucket in AgeBucket]


@router.get("/contacts/{party_id}/aged")
def contact_aged(request: Request, party_id: int, ctx: PageRead, as_of: str | None = None) -> Response:
    day, errors = _as_of(request, as_of)
    uow = security.uow_of(request)
    party = parties.get_party(uow, ctx, party_id)
    view = accounts.aged_balance(uow, ctx, party_id=party.id, flow=_flow_of(party), as_of=day)
    context = {"party": party, "active": "aged", "view": view, "buckets": _buckets(request), "errors": errors}
    return render(request, "contacts/aged.html", context, 422 if errors else 200)


@router.get("/accounting/aged-balance")
def aged_balance(
    request: Request, ctx: PageRead, flow: str | None = None, as_of: str | None = None, format: str | None = None
) -> Response:
    day, errors = _as_of(request, as_of)
    chosen = Flow.PURCHASE if flow == "purchase" else Flow.SALE
    view = accounts.aged_balance(security.uow_of(request), ctx, flow=chosen, as_of=day)
    buckets = _buckets(request)
    if format == "csv":
        header = [translate(request, "Tiers"), *(label for _, label in buckets)]
        header += [translate(request, "Total"), translate(request, "Crédits non imputés"), translate(request, "Net")]
        return csv_response(
            request,
            "balance-agee.csv",
            header,
            (
                (r.party_name, *(r.aged[b] for b, _ in buckets), r.aged.total, r.unapplied_credits, r.net)
                for r in view.rows
            ),
        )
    context = {
        "view": view,
        "buckets": buckets,
        "errors": errors,
        "flow": chosen.value,
        "as_of": day,
        "csv_url": f"/accounting/aged-balance?flow={chosen.value}&as_of={day.isoformat()}&format=csv",
    }
    return render(request, "contacts/aged_balance.html", context, 422 if errors else 200)
