"""Refunds and write-offs of a credit (a credit note or an overpayment); overpayments (« Trop-perçus ») and
refunds (UI.md screen 8).

- `/credits/{id}/refund`, `/credits/{id}/write-off` (« Comptabiliser », accountant, explicit confirmation).
- `/overpayments` (+ refund, and write-off under the threshold), `/refunds`.

Every form that records money carries a `form_key` (posted twice, recorded once); a refused form is shown again
with what was typed and the error next to its field, nothing written.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.web import i18n, security
from acompte.adapters.web.errors import error_text
from acompte.adapters.web.routes._credit_forms import (
    day_field,
    flow_param,
    int_param,
    money_field,
    replayed_answer,
)
from acompte.adapters.web.routes._credits_common import csv_response, form_of, money_totals, page_query, paginate
from acompte.adapters.web.security import PageAccounting, PageRead, PageWrite
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain import errors as e
from acompte.domain.credits import CreditRef, write_off_threshold
from acompte.services import companies, credits, parties
from acompte.services.ports import Ctx

router = APIRouter()


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
        "payment_date": security.clock_of(request).today().isoformat(),
        "method": "transfer",
        "form_key": security.new_form_key(),
    }


def _refund(request: Request, ctx: Ctx, source: dict[str, Any]) -> Response:
    form = form_of(request)
    errors: dict[str, str] = {}
    amount = money_field(request, form.get("amount", ""), source["remaining"].currency, "amount", errors)
    day = day_field(request, form.get("payment_date", ""), "payment_date", errors)
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
def credit_refund(request: Request, credit_id: int, ctx: PageWrite) -> Response:
    if (replay := replayed_answer(request, ctx, form_of(request))) is not None:
        return replay
    return _refund(request, ctx, _credit_source(request, ctx, credit_id))


@router.get("/overpayments/{payment_id}/refund")
def overpayment_refund_page(request: Request, payment_id: int, ctx: PageRead) -> Response:
    source = _payment_source(request, ctx, payment_id)
    return _refund_form(request, ctx, source, _refund_defaults(request, source), {})


@router.post("/overpayments/{payment_id}/refund")
def overpayment_refund(request: Request, payment_id: int, ctx: PageWrite) -> Response:
    if (replay := replayed_answer(request, ctx, form_of(request))) is not None:
        return replay
    return _refund(request, ctx, _payment_source(request, ctx, payment_id))


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


def _write_off(request: Request, source: dict[str, Any], run: Any, flash: str) -> Response:
    form = form_of(request)
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
def credit_write_off(request: Request, credit_id: int, ctx: PageAccounting) -> Response:
    source = _credit_write_off_source(request, ctx, credit_id)
    uow = security.uow_of(request)
    return _write_off(
        request,
        source,
        lambda reason: credits.write_off_credit(uow, ctx, credit_id, reason=reason),
        translate(request, "Avoir comptabilisé."),
    )


@router.get("/overpayments/{payment_id}/write-off")
def overpayment_write_off_page(request: Request, payment_id: int, ctx: PageAccounting) -> Response:
    return _write_off_page(request, _overpayment_write_off_source(request, ctx, payment_id), {}, {})


@router.post("/overpayments/{payment_id}/write-off")
def overpayment_write_off(request: Request, payment_id: int, ctx: PageAccounting) -> Response:
    source = _overpayment_write_off_source(request, ctx, payment_id)
    uow = security.uow_of(request)
    return _write_off(
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
    rows = credits.list_overpayments(uow, ctx, party_id=int_param(party_id), flow=flow_param(flow))
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
    rows = credits.list_refunds(uow, ctx, party_id=int_param(party_id))
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
