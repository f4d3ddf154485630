"""Credit notes (« Avoirs ») and their use (UI.md screen 8).

- `/documents/{id}/credit-note`: a credit note from an issued invoice — all that remains, some lines and
  quantities (a return) or an amount — applied to the invoice or kept in hand; issued at once.
- `/credit-notes/new?party_id=`: a commercial gesture that names the invoice(s) it corrects.
- `/credits`, `/credits/{id}` (where it went, and the form to use it on the party's open documents).

Refunds and write-offs of a credit note, and overpayments, are in overpayments.py. Every form that records money
carries a `form_key` (posted twice, recorded once); a refused form is shown again with what was typed and the
error next to its field, nothing written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from acompte.adapters import position_words
from acompte.adapters.web import i18n, security
from acompte.adapters.web.errors import error_text
from acompte.adapters.web.routes._credit_forms import (
    day_field,
    flow_param,
    int_param,
    money_field,
    replayed_answer,
    vat_rate_of,
)
from acompte.adapters.web.routes._credits_common import csv_response, form_of, money_totals, page_query, paginate
from acompte.adapters.web.security import PageRead, PageWrite
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain import errors as e
from acompte.domain.credits import CreditRef, CreditStatus, check_creditable
from acompte.domain.documents import Flow, Kind, LineInput, State
from acompte.domain.money import Money
from acompte.domain.statuses import PositionStatus
from acompte.services import companies, credits, documents, parties, positions, queries
from acompte.services.ports import Ctx

router = APIRouter()

STATUSES = {
    "unused": CreditStatus.UNUSED,
    "partial": CreditStatus.PARTIALLY_USED,
    "partially_used": CreditStatus.PARTIALLY_USED,
    "settled": CreditStatus.SETTLED,
    "written_off": CreditStatus.WRITTEN_OFF,
}
GESTURE_LINES = 3
#: Sortable columns of the credit notes list (`?sort=number`, `?sort=-remaining` for descending).
SORTS: dict[str, Any] = {
    "number": lambda r: r.number or "",
    "date": lambda r: r.issue_date,
    "party": lambda r: r.party_name.lower(),
    "amount": lambda r: r.gross.amount,
    "remaining": lambda r: r.remaining.amount,
}


# -- a credit note from an invoice -----------------------------------------------------------------------------


def _invoice_context(request: Request, ctx: Ctx, doc_id: int) -> dict[str, Any]:
    uow = security.uow_of(request)
    view = documents.get_document(uow, ctx, doc_id)
    check_creditable(view.document)
    summary = credits.invoice_credits(uow, ctx, doc_id)
    rates = sorted({line.vat_rate for line in view.document.lines}, reverse=True)
    return {"invoice": view, "summary": summary, "rates": rates}


def _credit_note_form(
    request: Request, context: dict[str, Any], values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    return render(request, "credits/from_invoice.html", {**context, "values": values, "errors": errors}, status)


@router.get("/documents/{doc_id}/credit-note")
def credit_note_page(request: Request, doc_id: int, ctx: PageRead) -> Response:
    context = _invoice_context(request, ctx, doc_id)
    invoice = context["invoice"]
    values = {
        "mode": "full",
        "apply": "apply" if invoice.balance_due.is_positive else "keep",
        "vat_rate": format(context["rates"][0], "f") if context["rates"] else "",
        "designation": translate(request, "Avoir sur la facture {number}", number=invoice.document.number),
        "form_key": security.new_form_key(),
    }
    return _credit_note_form(request, context, values, {})


@router.post("/documents/{doc_id}/credit-note")
def credit_note_create(request: Request, doc_id: int, ctx: PageWrite) -> Response:
    form = form_of(request)
    if (replay := replayed_answer(request, ctx, form)) is not None:
        return replay
    context = _invoice_context(request, ctx, doc_id)
    invoice = context["invoice"].document
    mode = form.get("mode", "full")
    apply = form.get("apply") == "apply"
    comment = form.get("comment", "").strip()
    errors: dict[str, str] = {}
    lines: list[tuple[int, Decimal]] | None = None
    free: LineInput | None = None
    if mode == "lines":
        lines = []
        for line in invoice.lines:
            raw = form.get(f"qty_{line.position}", "").strip()
            if not raw:
                continue
            try:
                quantity = i18n.parse_amount(raw)
            except ValueError:
                quantity = Decimal(-1)
            if quantity < 0:
                errors[f"qty_{line.position}"] = translate(request, "Quantité invalide.")
            elif quantity > 0:
                lines.append((line.position, quantity))
        if not lines and not errors:
            errors["__all__"] = translate(request, "Indiquez au moins une quantité à reprendre en avoir.")
    elif mode == "amount":
        amount = money_field(request, form.get("amount", ""), invoice.currency, "amount", errors)
        rate = vat_rate_of(form.get("vat_rate"), context["rates"])
        if rate is None:
            errors["vat_rate"] = translate(request, "Choisissez un taux de TVA de la facture.")
        designation = form.get("designation", "").strip()
        if not designation:
            errors["designation"] = translate(request, "La désignation est obligatoire.")
        if amount is not None and rate is not None and designation:
            free = LineInput(designation, Decimal(1), amount.amount, rate)
    elif mode != "full":
        errors["mode"] = translate(request, "Choisissez ce que l'avoir reprend.")
    if errors:
        return _credit_note_form(request, context, form, errors, 422)
    uow = security.uow_of(request)
    key = form.get(security.FORM_KEY_FIELD)
    try:
        with uow:
            replay = security.replayed(uow, ctx, request, key)
            if replay is not None:
                return replay
            if free is not None:
                note = credits.create_credit_note(
                    uow,
                    ctx,
                    party_id=invoice.party_id,
                    lines=[free],
                    flow=invoice.flow,
                    currency=invoice.currency,
                    comment=comment,
                    origin_id=invoice.id,
                    apply_to_origin=apply,
                )
            else:
                note = credits.credit_invoice(uow, ctx, invoice.id, lines=lines, comment=comment, apply_to_origin=apply)
            location = f"/documents/{note.id}"
            security.remember(uow, ctx, key, location)
            uow.commit()
    except e.DomainError as exc:
        if isinstance(exc, e.OverCreditQuantity):
            field = f"qty_{exc.params.get('position')}"
        elif mode == "amount" and isinstance(exc, e.OverCredit | e.NonPositiveAmount | e.InvalidLine):
            field = "amount"
        else:
            field = "__all__"
        return _credit_note_form(request, context, form, {field: error_text(request, exc)}, 422)
    flash = translate(request, "Avoir {number} enregistré.", number=note.document.number or "")
    return redirect(request, location, flash=flash)


# -- a commercial gesture --------------------------------------------------------------------------------------


def _gesture_context(request: Request, ctx: Ctx, party_id: int | None, flow: Flow | None) -> dict[str, Any]:
    uow = security.uow_of(request)
    context: dict[str, Any] = {"party": None, "invoices": [], "flow": None}
    context["vat_rates"] = companies.get_company(uow, ctx).vat_rates
    if party_id is None:
        context["parties"] = parties.list_parties(uow, ctx)
        return context
    party = parties.get_party(uow, ctx, party_id)
    flow = flow or (Flow.SALE if party.is_customer else Flow.PURCHASE)
    invoices = documents.list_documents(
        uow, ctx, kind=Kind.INVOICE, flow=flow, party_id=party.id, state=State.VALIDATED, limit=500
    )
    context.update(party=party, flow=flow, invoices=sorted(invoices, key=lambda s: (s.issue_date, s.id), reverse=True))
    return context


def _gesture_form(
    request: Request,
    context: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    return render(
        request,
        "credits/gesture.html",
        {**context, "values": values, "errors": errors, "line_numbers": range(1, GESTURE_LINES + 1)},
        status,
    )


@router.get("/credit-notes/new")
def gesture_page(request: Request, ctx: PageRead, party_id: str | None = None, flow: str | None = None) -> Response:
    context = _gesture_context(request, ctx, int_param(party_id), flow_param(flow))
    rate = format(max(context["vat_rates"]), "f") if context["vat_rates"] else ""
    values: dict[str, Any] = {"invoice_ids": [], "apply": "keep", "form_key": security.new_form_key()}
    values.update({f"vat_rate_{i}": rate for i in range(1, GESTURE_LINES + 1)})
    return _gesture_form(request, context, values, {})


@router.post("/credit-notes/new")
def gesture_create(request: Request, ctx: PageWrite) -> Response:
    raw = security.posted_form(request)
    form = form_of(request)
    if (replay := replayed_answer(request, ctx, form)) is not None:
        return replay
    party_id = int_param(form.get("party_id"))
    if party_id is None:
        return redirect(request, "/credit-notes/new")
    context = _gesture_context(request, ctx, party_id, flow_param(form.get("flow")))
    party, flow = context["party"], context["flow"]
    currency = companies.get_company(security.uow_of(request), ctx).currency
    offered = {s.id: s for s in context["invoices"]}
    chosen = [int_param(str(v)) for v in raw.getlist("invoice_ids")]
    values: dict[str, Any] = {**form, "invoice_ids": [str(v) for v in raw.getlist("invoice_ids")]}
    errors: dict[str, str] = {}
    if not chosen:
        errors["invoice_ids"] = translate(request, "Un avoir doit nommer la ou les factures qu'il corrige.")
    elif any(i not in offered for i in chosen):
        errors["invoice_ids"] = translate(request, "Choisissez des factures validées de ce tiers.")
    lines: list[LineInput] = []
    for i in range(1, GESTURE_LINES + 1):
        designation = form.get(f"designation_{i}", "").strip()
        typed = form.get(f"amount_{i}", "").strip()
        if not designation and not typed:
            continue
        if not designation:
            errors[f"designation_{i}"] = translate(request, "La désignation est obligatoire.")
        amount = money_field(request, typed, currency, f"amount_{i}", errors)
        rate = vat_rate_of(form.get(f"vat_rate_{i}"), context["vat_rates"])
        if rate is None:
            errors[f"vat_rate_{i}"] = translate(request, "Choisissez un taux de TVA.")
        if designation and amount is not None and rate is not None:
            lines.append(LineInput(designation, Decimal(1), amount.amount, rate))
    if not lines and not any(k.startswith(("designation_", "amount_")) for k in errors):
        errors["amount_1"] = translate(request, "Indiquez au moins une ligne avec son montant.")
    if errors:
        return _gesture_form(request, context, values, errors, 422)
    ids = [i for i in chosen if i is not None]
    uow = security.uow_of(request)
    key = form.get(security.FORM_KEY_FIELD)
    try:
        with uow:
            replay = security.replayed(uow, ctx, request, key)
            if replay is not None:
                return replay
            note = credits.create_correcting_credit_note(
                uow,
                ctx,
                party_id=party.id,
                lines=lines,
                flow=flow,
                comment=form.get("comment", "").strip(),
                origin_id=ids[0],
                corrected_ids=ids[1:],
                currency=offered[ids[0]].settlement.gross.currency,
                apply_to_origin=form.get("apply") == "apply",
            )
            location = f"/documents/{note.id}"
            security.remember(uow, ctx, key, location)
            uow.commit()
    except e.DomainError as exc:
        field = (
            "invoice_ids"
            if isinstance(exc, e.OverCredit | e.MissingCorrectedInvoice | e.CorrectedInvoiceMismatch | e.NotCreditable)
            else "__all__"
        )
        return _gesture_form(request, context, values, {field: error_text(request, exc)}, 422)
    flash = translate(request, "Avoir {number} enregistré.", number=note.document.number or "")
    return redirect(request, location, flash=flash)


# -- the credit notes list -------------------------------------------------------------------------------------


@router.get("/credits")
def credit_list(
    request: Request,
    ctx: PageRead,
    flow: str | None = None,
    status: str | None = None,
    party_id: str | None = None,
    q: str | None = None,
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
    sort: str = "-date",
    page: int = 1,
    format: str | None = None,
) -> Response:
    uow = security.uow_of(request)
    rows = credits.list_credit_notes(
        uow, ctx, party_id=int_param(party_id), flow=flow_param(flow), status=STATUSES.get(status or "")
    )
    if q:
        rows = [r for r in rows if q.strip().lower() in (r.number or "").lower()]
    errors: dict[str, str] = {}
    start = day_field(request, date_from, "from", errors) if date_from else None
    end = day_field(request, date_to, "to", errors) if date_to else None
    rows = [r for r in rows if (start is None or r.issue_date >= start) and (end is None or r.issue_date <= end)]
    key = SORTS.get(sort.lstrip("-"), SORTS["date"])
    rows.sort(key=lambda r: (key(r), r.id), reverse=sort.startswith("-"))
    if format == "csv":
        found = positions.positions_of_ids(uow, ctx, [r.id for r in rows])
        header = [translate(request, t) for t in ("Numéro", "Date", "Tiers", "Montant", "Utilisé", "Reste", "Statut")]
        return csv_response(
            request,
            "avoirs.csv",
            header,
            (
                (
                    r.number,
                    r.issue_date,
                    r.party_name,
                    r.gross,
                    found[r.id].used,
                    found[r.id].credit_left,
                    translate(request, position_words.status_word(found[r.id].status)),
                )
                for r in rows
            ),
        )
    paged = paginate(rows, page)
    totals = money_totals(rows, lambda r: r.gross, lambda r: r.use.used, lambda r: r.remaining)
    query = {"flow": flow, "status": status, "party_id": party_id, "q": q, "from": date_from, "to": date_to}
    return render(
        request,
        "credits/list.html",
        {
            "paged": paged,
            "positions": positions.positions_of_ids(uow, ctx, [r.id for r in paged.rows]),
            "totals": totals,
            "filters": query,
            "errors": errors,
            "sort": sort,
            "sort_url": lambda column: page_query({**query, "sort": column if sort != column else f"-{column}"}, 1),
            "prev_url": page_query(query, paged.page - 1),
            "next_url": page_query(query, paged.page + 1),
            "csv_url": page_query({**query, "format": "csv"}, 1),
        },
    )


# -- one credit note: where it went, and using it --------------------------------------------------------------


def _credit_context(request: Request, ctx: Ctx, credit_id: int) -> dict[str, Any]:
    uow = security.uow_of(request)
    credit = credits.get_credit_note(uow, ctx, credit_id)
    open_docs = queries.account_documents(
        uow, ctx, flow=Flow(credit.flow), currency=credit.currency, party_id=credit.party_id, open_only=True
    )
    return {
        "credit": credit,
        "position": positions.position_of_id(uow, ctx, credit_id),
        "open_docs": open_docs,
        "uses": credits.credit_uses(uow, ctx, CreditRef.credit_note(credit_id)),
        "refunds": credits.list_refunds(uow, ctx, source=CreditRef.credit_note(credit_id)),
    }


def _credit_page(
    request: Request, context: dict[str, Any], values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    return render(request, "credits/detail.html", {**context, "values": values, "errors": errors}, status)


@router.get("/credits/{credit_id}")
def credit_page(request: Request, credit_id: int, ctx: PageRead, document_id: str | None = None) -> Response:
    context = _credit_context(request, ctx, credit_id)
    position = context["position"]
    left = position.credit_left
    values: dict[str, str] = {"form_key": security.new_form_key()}
    wanted = int_param(document_id)
    lang = i18n.language(request)
    for doc in context["open_docs"]:
        if wanted is not None and doc.id != wanted:
            continue
        part = left.min(doc.balance_due)
        if part.is_positive and position.status is not PositionStatus.WRITTEN_OFF:
            values[f"amount_{doc.id}"] = i18n.amount(part, lang)
            left = left - part
    return _credit_page(request, context, values, {})


@router.post("/credits/{credit_id}/use")
def credit_use(request: Request, credit_id: int, ctx: PageWrite) -> Response:
    form = form_of(request)
    if (replay := replayed_answer(request, ctx, form)) is not None:
        return replay
    context = _credit_context(request, ctx, credit_id)
    credit = context["credit"]
    errors: dict[str, str] = {}
    chosen: list[tuple[int, Money]] = []
    for doc in context["open_docs"]:
        typed = form.get(f"amount_{doc.id}", "").strip()
        if typed:
            amount = money_field(request, typed, credit.currency, f"amount_{doc.id}", errors)
            if amount is not None:
                chosen.append((doc.id, amount))
    if not chosen and not errors:
        errors["__all__"] = translate(request, "Indiquez le montant à imputer sur au moins un document.")
    if errors:
        return _credit_page(request, context, form, errors, 422)
    uow = security.uow_of(request)
    key = form.get(security.FORM_KEY_FIELD)
    current: int | None = None
    location = f"/credits/{credit_id}"
    try:
        with uow:
            replay = security.replayed(uow, ctx, request, key)
            if replay is not None:
                return replay
            for doc_id, amount in chosen:
                current = doc_id
                credits.use_credit(uow, ctx, credit_id=credit_id, document_id=doc_id, amount=amount)
            security.remember(uow, ctx, key, location)
            uow.commit()
    except e.DomainError as exc:
        field = f"amount_{current}" if current is not None else "__all__"
        return _credit_page(request, context, form, {field: error_text(request, exc)}, 422)
    return redirect(request, location, flash=translate(request, "Avoir imputé."))
