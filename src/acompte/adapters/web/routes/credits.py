"""Credit notes (« Avoirs »), their use, refunds and write-offs; overpayments (« Trop-perçus ») and refunds
(UI.md screen 8).

- `/documents/{id}/credit-note`: a credit note from an issued invoice — all that remains, some lines and
  quantities (a return) or an amount — applied to the invoice or kept in hand; issued at once.
- `/credit-notes/new?party_id=`: a commercial gesture that names the invoice(s) it corrects.
- `/credits`, `/credits/{id}` (where it went, and the form to use it on the party's open documents),
  `/credits/{id}/refund`, `/credits/{id}/write-off` (« Comptabiliser », accountant, explicit confirmation).
- `/overpayments` (+ refund, and write-off under the threshold), `/refunds`.

Every form that records money carries a `form_key` (posted twice, recorded once); a refused form is shown again
with what was typed and the error next to its field, nothing written.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from acompte.adapters import position_words
from acompte.adapters.web import i18n, security
from acompte.adapters.web.errors import error_text
from acompte.adapters.web.routes._credits_common import csv_response, form_of, money_totals, page_query, paginate
from acompte.adapters.web.security import PageAccounting, PageRead, PageWrite
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain import errors as e
from acompte.domain.credits import CreditRef, CreditStatus, check_creditable, write_off_threshold
from acompte.domain.documents import Flow, Kind, LineInput, State
from acompte.domain.money import Money
from acompte.domain.positions import PositionStatus
from acompte.services import companies, credit_additions, credits, documents, parties, positions, queries
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


# -- parsing ---------------------------------------------------------------------------------------------------


def _flow(value: str | None) -> Flow | None:
    return Flow(value) if value in ("sale", "purchase") else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _money(request: Request, text: str, currency: str, field: str, errors: dict[str, str]) -> Money | None:
    """A positive amount typed the French or English way, else an error next to `field`."""
    try:
        value = Money.of(i18n.parse_amount(text), currency)
    except ValueError:
        errors[field] = translate(request, "Montant invalide : saisissez un nombre, par exemple 1 234,56.")
        return None
    except e.DomainError as exc:
        errors[field] = error_text(request, exc)
        return None
    if not value.is_positive:
        errors[field] = translate(request, "Le montant doit être strictement positif.")
        return None
    return value


def _rate(text: str | None, rates: Any) -> Decimal | None:
    """The VAT rate chosen among `rates` (compared as numbers: « 20 » is 20.00)."""
    try:
        wanted = i18n.parse_amount(text or "")
    except ValueError:
        return None
    return next((r for r in rates if r == wanted), None)


def _day(request: Request, text: str, field: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else date.today()
    except ValueError:
        errors[field] = translate(request, "Date invalide.")
        return None


def _replay(request: Request, ctx: Ctx, form: dict[str, str]) -> Response | None:
    """The first answer to this form when it was already posted (checked before the form is read again: the
    second submission must not be refused for what the first one changed). Nothing is kept by this check."""
    uow = security.uow_of(request)
    with uow:
        return security.replayed(uow, ctx, request, form.get(security.FORM_KEY_FIELD))


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
async def credit_note_create(request: Request, doc_id: int, ctx: PageWrite) -> Response:
    form = await form_of(request)
    if (replay := _replay(request, ctx, form)) is not None:
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
        amount = _money(request, form.get("amount", ""), invoice.currency, "amount", errors)
        rate = _rate(form.get("vat_rate"), context["rates"])
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
    context = _gesture_context(request, ctx, _int(party_id), _flow(flow))
    rate = format(max(context["vat_rates"]), "f") if context["vat_rates"] else ""
    values: dict[str, Any] = {"invoice_ids": [], "apply": "keep", "form_key": security.new_form_key()}
    values.update({f"vat_rate_{i}": rate for i in range(1, GESTURE_LINES + 1)})
    return _gesture_form(request, context, values, {})


@router.post("/credit-notes/new")
async def gesture_create(request: Request, ctx: PageWrite) -> Response:
    raw = await request.form()
    form = await form_of(request)
    if (replay := _replay(request, ctx, form)) is not None:
        return replay
    party_id = _int(form.get("party_id"))
    if party_id is None:
        return redirect(request, "/credit-notes/new")
    context = _gesture_context(request, ctx, party_id, _flow(form.get("flow")))
    party, flow = context["party"], context["flow"]
    currency = companies.get_company(security.uow_of(request), ctx).currency
    offered = {s.id: s for s in context["invoices"]}
    chosen = [_int(str(v)) for v in raw.getlist("invoice_ids")]
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
        amount = _money(request, typed, currency, f"amount_{i}", errors)
        rate = _rate(form.get(f"vat_rate_{i}"), context["vat_rates"])
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
            note = credit_additions.create_correcting_credit_note(
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
        uow, ctx, party_id=_int(party_id), flow=_flow(flow), status=STATUSES.get(status or "")
    )
    if q:
        rows = [r for r in rows if q.strip().lower() in (r.number or "").lower()]
    errors: dict[str, str] = {}
    start = _day(request, date_from, "from", errors) if date_from else None
    end = _day(request, date_to, "to", errors) if date_to else None
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
    wanted = _int(document_id)
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
async def credit_use(request: Request, credit_id: int, ctx: PageWrite) -> Response:
    form = await form_of(request)
    if (replay := _replay(request, ctx, form)) is not None:
        return replay
    context = _credit_context(request, ctx, credit_id)
    credit = context["credit"]
    errors: dict[str, str] = {}
    chosen: list[tuple[int, Money]] = []
    for doc in context["open_docs"]:
        typed = form.get(f"amount_{doc.id}", "").strip()
        if typed:
            amount = _money(request, typed, credit.currency, f"amount_{doc.id}", errors)
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


# -- refunds ---------------------------------------------------------------------------------------------------


def _refund_form(
    request: Request,
    ctx: Ctx,
    source: dict[str, Any],
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    methods = companies.get_company(security.uow_of(request), ctx).methods
    context = {"source": source, "methods": methods, "values": values, "errors": errors}
    return render(request, "credits/refund.html", context, status)


def _credit_source(request: Request, ctx: Ctx, credit_id: int) -> dict[str, Any]:
    credit = credits.get_credit_note(security.uow_of(request), ctx, credit_id)
    return {
        "ref": CreditRef.credit_note(credit.id),
        "title": translate(request, "Rembourser l'avoir {number}", number=credit.number or ""),
        "party_name": credit.party_name,
        "remaining": credit.remaining,
        "back": f"/credits/{credit.id}",
        "action": f"/credits/{credit.id}/refund",
    }


def _payment_source(request: Request, ctx: Ctx, payment_id: int) -> dict[str, Any]:
    found = [o for o in credits.list_overpayments(security.uow_of(request), ctx) if o.payment_id == payment_id]
    if not found:
        raise e.NotFound(entity="Trop-perçu", id=payment_id)
    over = found[0]
    return {
        "ref": CreditRef.payment(payment_id),
        "title": translate(request, "Rembourser le trop-perçu du règlement {number}", number=over.number),
        "party_name": over.party_name,
        "remaining": over.remaining,
        "back": "/overpayments",
        "action": f"/overpayments/{payment_id}/refund",
        "overpayment": over,
    }


def _refund_defaults(request: Request, source: dict[str, Any]) -> dict[str, str]:
    return {
        "amount": i18n.amount(source["remaining"], i18n.language(request)),
        "payment_date": date.today().isoformat(),
        "method": "transfer",
        "form_key": security.new_form_key(),
    }


async def _refund(request: Request, ctx: Ctx, source: dict[str, Any]) -> Response:
    form = await form_of(request)
    errors: dict[str, str] = {}
    amount = _money(request, form.get("amount", ""), source["remaining"].currency, "amount", errors)
    day = _day(request, form.get("payment_date", ""), "payment_date", errors)
    method = form.get("method", "")
    if not method:
        errors["method"] = translate(request, "Choisissez un mode de règlement.")
    if errors:
        return _refund_form(request, ctx, source, form, errors, 422)
    uow = security.uow_of(request)
    key = form.get(security.FORM_KEY_FIELD)
    try:
        with uow:
            replay = security.replayed(uow, ctx, request, key)
            if replay is not None:
                return replay
            view = credits.refund(
                uow,
                ctx,
                source=source["ref"],
                method=method,
                amount=amount,
                payment_date=day,
                reference=form.get("reference", "").strip(),
                comment=form.get("comment", "").strip(),
            )
            location = source["back"]
            security.remember(uow, ctx, key, location)
            uow.commit()
    except e.DomainError as exc:
        field = "method" if isinstance(exc, e.InvalidSetting) else "amount"
        return _refund_form(request, ctx, source, form, {field: error_text(request, exc)}, 422)
    flash = translate(request, "Remboursement {number} enregistré.", number=view.payment_number)
    return redirect(request, location, flash=flash)


@router.get("/credits/{credit_id}/refund")
def credit_refund_page(request: Request, credit_id: int, ctx: PageRead) -> Response:
    source = _credit_source(request, ctx, credit_id)
    return _refund_form(request, ctx, source, _refund_defaults(request, source), {})


@router.post("/credits/{credit_id}/refund")
async def credit_refund(request: Request, credit_id: int, ctx: PageWrite) -> Response:
    if (replay := _replay(request, ctx, await form_of(request))) is not None:
        return replay
    return await _refund(request, ctx, _credit_source(request, ctx, credit_id))


@router.get("/overpayments/{payment_id}/refund")
def overpayment_refund_page(request: Request, payment_id: int, ctx: PageRead) -> Response:
    source = _payment_source(request, ctx, payment_id)
    return _refund_form(request, ctx, source, _refund_defaults(request, source), {})


@router.post("/overpayments/{payment_id}/refund")
async def overpayment_refund(request: Request, payment_id: int, ctx: PageWrite) -> Response:
    if (replay := _replay(request, ctx, await form_of(request))) is not None:
        return replay
    return await _refund(request, ctx, _payment_source(request, ctx, payment_id))


# -- write-offs (« Comptabiliser »): accountant, explicit and irreversible --------------------------------------


def _write_off_page(
    request: Request, source: dict[str, Any], errors: dict[str, str], values: dict[str, str], status: int = 200
) -> Response:
    return render(request, "credits/write_off.html", {"source": source, "errors": errors, "values": values}, status)


def _credit_write_off_source(request: Request, ctx: Ctx, credit_id: int) -> dict[str, Any]:
    credit = credits.get_credit_note(security.uow_of(request), ctx, credit_id)
    return {
        "title": translate(request, "Comptabiliser l'avoir {number}", number=credit.number or ""),
        "party_name": credit.party_name,
        "remaining": credit.remaining,
        "action": f"/credits/{credit.id}/write-off",
        "back": f"/credits/{credit.id}",
        "threshold": None,
    }


def _overpayment_write_off_source(request: Request, ctx: Ctx, payment_id: int) -> dict[str, Any]:
    source = _payment_source(request, ctx, payment_id)
    company = companies.get_company(security.uow_of(request), ctx)
    return {
        "title": translate(
            request, "Passer en écart le trop-perçu du règlement {number}", number=source["overpayment"].number
        ),
        "party_name": source["party_name"],
        "remaining": source["remaining"],
        "action": f"/overpayments/{payment_id}/write-off",
        "back": "/overpayments",
        "threshold": write_off_threshold(company.settings, source["remaining"].currency),
    }


async def _write_off(request: Request, source: dict[str, Any], run: Any, flash: str) -> Response:
    form = await form_of(request)
    if form.get("confirm") != "yes":
        errors = {"confirm": translate(request, "Cochez la case pour confirmer : cette opération est définitive.")}
        return _write_off_page(request, source, errors, form, 422)
    try:
        run(form.get("reason", "").strip())
    except e.DomainError as exc:
        return _write_off_page(request, source, {"__all__": error_text(request, exc)}, form, 422)
    return redirect(request, source["back"], flash=flash)


@router.get("/credits/{credit_id}/write-off")
def credit_write_off_page(request: Request, credit_id: int, ctx: PageAccounting) -> Response:
    return _write_off_page(request, _credit_write_off_source(request, ctx, credit_id), {}, {})


@router.post("/credits/{credit_id}/write-off")
async def credit_write_off(request: Request, credit_id: int, ctx: PageAccounting) -> Response:
    source = _credit_write_off_source(request, ctx, credit_id)
    uow = security.uow_of(request)
    return await _write_off(
        request,
        source,
        lambda reason: credits.write_off_credit(uow, ctx, credit_id, reason=reason),
        translate(request, "Avoir comptabilisé."),
    )


@router.get("/overpayments/{payment_id}/write-off")
def overpayment_write_off_page(request: Request, payment_id: int, ctx: PageAccounting) -> Response:
    return _write_off_page(request, _overpayment_write_off_source(request, ctx, payment_id), {}, {})


@router.post("/overpayments/{payment_id}/write-off")
async def overpayment_write_off(request: Request, payment_id: int, ctx: PageAccounting) -> Response:
    source = _overpayment_write_off_source(request, ctx, payment_id)
    uow = security.uow_of(request)
    return await _write_off(
        request,
        source,
        lambda reason: credits.write_off_overpayment(uow, ctx, payment_id, reason=reason),
        translate(request, "Trop-perçu passé en écart de règlement."),
    )


# -- overpayments and refunds lists ----------------------------------------------------------------------------


@router.get("/overpayments")
def overpayment_list(
    request: Request,
    ctx: PageRead,
    flow: str | None = None,
    party_id: str | None = None,
    page: int = 1,
    format: str | None = None,
) -> Response:
    uow = security.uow_of(request)
    rows = credits.list_overpayments(uow, ctx, party_id=_int(party_id), flow=_flow(flow))
    rows.sort(key=lambda r: (r.payment_date, r.payment_id), reverse=True)
    if format == "csv":
        header = [translate(request, t) for t in ("Tiers", "Date", "Règlement", "Documents", "Montant", "Reste")]
        return csv_response(
            request,
            "trop-percus.csv",
            header,
            ((r.party_name, r.payment_date, r.number, " ".join(r.origin_numbers), r.amount, r.remaining) for r in rows),
        )
    settings = companies.get_company(uow, ctx).settings
    paged = paginate(rows, page)
    query = {"flow": flow, "party_id": party_id}
    return render(
        request,
        "credits/overpayments.html",
        {
            "paged": paged,
            "totals": money_totals(rows, lambda r: r.amount, lambda r: r.remaining),
            "filters": query,
            "under_threshold": {
                r.payment_id for r in rows if r.remaining <= write_off_threshold(settings, r.remaining.currency)
            },
            "prev_url": page_query(query, paged.page - 1),
            "next_url": page_query(query, paged.page + 1),
            "csv_url": page_query({**query, "format": "csv"}, 1),
        },
    )


@router.get("/refunds")
def refund_list(
    request: Request, ctx: PageRead, party_id: str | None = None, page: int = 1, format: str | None = None
) -> Response:
    uow = security.uow_of(request)
    rows = credits.list_refunds(uow, ctx, party_id=_int(party_id))
    rows.sort(key=lambda r: r.id, reverse=True)
    names = {p.id: p.name for p in parties.list_parties(uow, ctx)}
    if format == "csv":
        header = [translate(request, t) for t in ("Date", "Tiers", "Remboursement", "Origine", "Montant")]
        return csv_response(
            request,
            "remboursements.csv",
            header,
            ((r.created_at, names.get(r.party_id, ""), r.payment_number, r.source_number, r.amount) for r in rows),
        )
    paged = paginate(rows, page)
    query = {"party_id": party_id}
    return render(
        request,
        "credits/refunds.html",
        {
            "paged": paged,
            "names": names,
            "totals": money_totals(rows, lambda r: r.amount),
            "prev_url": page_query(query, paged.page - 1),
            "next_url": page_query(query, paged.page + 1),
            "csv_url": page_query({**query, "format": "csv"}, 1),
        },
    )
