"""Payments (UI.md screen 7): the list with filters, totals and CSV; a payment's page with the documents it
settles; the edit form offering only what the rules allow (and saying why the rest is locked); cancelling."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.web import errors, i18n, security
from acompte.adapters.web.csv_export import csv_download
from acompte.adapters.web.routes._payments_common import FormInvalid, can_write, field_of, parse_day, parse_money
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain import errors as e
from acompte.domain.payments import Lock, PaymentChange
from acompte.services import companies, parties, payment_changes, payment_lists, payments
from acompte.services.views import PaymentView

router = APIRouter()
PAGE_SIZE = 50

#: Why a locked payment offers only its comment (UI.md screen 7: the form says why).
LOCK_REASONS = {
    Lock.DIGITAL: "Règlement numérique (il vient du prestataire de paiement) : seul le commentaire peut changer.",
    Lock.EXPORTED: "Règlement exporté en comptabilité : seul le commentaire peut changer.",
    Lock.CANCELLED: "Règlement annulé : il ne peut plus changer.",
}
REFUND_REASON = "Remboursement : son montant suit le crédit remboursé."


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


#: The sortable columns of the list (persistence/payment_lists.py sorts them in SQL, ties broken by the id).
SORTS = ("date", "number", "party", "amount", "unallocated")
#: Which way a column sorts when first clicked (dates and amounts: largest first).
FIRST_DIRECTION = {"date": "desc", "number": "asc", "party": "asc", "amount": "desc", "unallocated": "desc"}
#: How many parties the filter's selector offers (a search by name finds the others).
PARTY_CHOICES = 50


@router.get("/payments")
def payment_list(
    request: Request,
    ctx: security.PageRead,
    party_id: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    method: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    dir: str | None = None,
    page: int = 1,
    format: str | None = None,
) -> Response:
    uow = security.uow_of(request)
    search = (q or "").strip()
    chosen = _int(party_id)
    filters = payment_lists.payment_filter(
        party_id=chosen, method=method or None, date_from=_day(date_from), date_to=_day(date_to), search=search
    )
    sort = sort if sort in SORTS else "date"
    direction = dir if dir in ("asc", "desc") else FIRST_DIRECTION[sort]
    labels = _labels(uow, ctx)
    if format == "csv":
        rows = payment_lists.payment_list_rows(uow, ctx, filters, sort=sort, descending=direction == "desc")
        return _csv(request, rows, labels)
    company = companies.get_company(uow, ctx)
    listed = payment_lists.payment_list(
        uow, ctx, filters, sort=sort, descending=direction == "desc", page=page, per_page=PAGE_SIZE
    )
    shown = {
        "party_id": party_id or "",
        "date_from": date_from or "",
        "date_to": date_to or "",
        "method": method or "",
        "q": search,
    }
    ordering = {"sort": sort, "dir": direction}
    kept = {k: v for k, v in shown.items() if v}
    choices = parties.party_choices(uow, ctx, chosen=chosen, limit=PARTY_CHOICES)
    context = {
        "rows": listed.rows,
        "count": listed.totals.count,
        "totals": listed.totals,
        "page": listed.page,
        "pages": listed.pages,
        "filters": shown,
        "query_string": urlencode({**kept, **ordering}),
        "sort": sort,
        "direction": direction,
        "sort_links": {
            column: "/payments?"
            + urlencode(
                {
                    **kept,
                    "sort": column,
                    "dir": ("asc" if direction == "desc" else "desc") if column == sort else FIRST_DIRECTION[column],
                }
            )
            for column in SORTS
        },
        "parties": choices.parties,
        "more_parties": choices.more,
        "methods": [(m.code, m.label, m.digital) for m in company.methods],
        "labels": labels,
        "editable": can_write(request),
    }
    return render(request, "payments/list.html", context)


def _csv(request: Request, rows: Iterable[PaymentView], labels: dict[str, str]) -> Response:
    heads = ("Numéro", "Date", "Tiers", "Mode", "Numérique", "Montant", "Affecté", "Non affecté", "Exporté", "État")
    yes, no = translate(request, "oui"), translate(request, "non")
    lines = (
        [
            v.payment.number,
            v.payment.payment_date,
            v.party_name,
            translate(request, labels.get(v.payment.method, v.payment.method)),
            yes if v.payment.digital else no,
            v.payment.amount,
            v.allocated,
            v.unallocated,
            yes if v.payment.exported else no,
            translate(request, "Annulé") if v.payment.state.value == "cancelled" else translate(request, "Actif"),
        ]
        for v in rows
    )
    return csv_download(request, "reglements.csv", [translate(request, h) for h in heads], lines)


@router.get("/payments/{payment_id}")
def payment_page(request: Request, payment_id: int, ctx: security.PageRead) -> Response:
    return _detail(request, ctx, payment_id)


def _labels(uow: Any, ctx: Any) -> dict[str, str]:
    """Code → label of every method the company has set up, turned off ones too: past payments name them."""
    return {m.code: m.label for m in companies.payment_methods(uow, ctx, include_inactive=True)}


def _detail(request: Request, ctx: Any, payment_id: int, error: str | None = None, status: int = 200) -> Response:
    uow = security.uow_of(request)
    form = payment_changes.payment_form(uow, ctx, payment_id)
    context = {
        "form": form,
        "view": form.payment,
        "payment": form.payment.payment,
        "labels": _labels(uow, ctx),
        "lock_reason": LOCK_REASONS.get(form.lock) if form.lock else None,
        "editable": can_write(request),
        "errors": {"__all__": error} if error else {},
    }
    return render(request, "payments/detail.html", context, status)


def _edit_page(
    request: Request, ctx: Any, payment_id: int, values: dict[str, str], errs: dict[str, str], status: int = 200
) -> Response:
    uow = security.uow_of(request)
    form = payment_changes.payment_form(uow, ctx, payment_id)
    company = companies.get_company(uow, ctx)
    methods = [(m.code, m.label) for m in company.methods if not m.digital or m.code == form.payment.payment.method]
    reasons = []
    if form.lock is not None:
        reasons.append(LOCK_REASONS[form.lock])
    if form.is_refund:
        reasons.append(REFUND_REASON)
    context = {
        "form": form,
        "payment": form.payment.payment,
        "values": values,
        "errors": errs,
        "methods": methods,
        "labels": _labels(uow, ctx),
        "reasons": reasons,
    }
    return render(request, "payments/edit.html", context, status)


@router.get("/payments/{payment_id}/edit")
def edit_form(request: Request, payment_id: int, ctx: security.PageWrite) -> Response:
    view = payments.get_payment(security.uow_of(request), ctx, payment_id)
    p = view.payment
    values = {
        "method": p.method,
        "payment_date": p.payment_date.isoformat(),
        "amount": i18n.amount(p.amount, i18n.language(request)),
        "reference": p.reference,
        "comment": p.comment,
        "version": str(p.version),
    }
    return _edit_page(request, ctx, payment_id, values, {})


@router.post("/payments/{payment_id}/edit")
def save_payment(request: Request, payment_id: int, ctx: security.PageWrite) -> Response:
    raw = security.posted_form(request)
    values: dict[str, str] = {}
    for n in ("method", "payment_date", "amount", "reference", "comment", "version"):
        value = raw.get(n)
        values[n] = value if isinstance(value, str) else ""
    uow = security.uow_of(request)
    form = payment_changes.payment_form(uow, ctx, payment_id)
    allowed = form.editable
    errs: dict[str, str] = {}
    fields: dict[str, Any] = {}
    try:
        if "comment" in allowed:
            fields["comment"] = values["comment"]
        if "reference" in allowed:
            fields["reference"] = values["reference"]
        if "method" in allowed and values["method"]:
            fields["method"] = values["method"]
        if "payment_date" in allowed:
            fields["payment_date"] = parse_day(request, "payment_date", values["payment_date"], required=True)
        if "amount" in allowed:
            fields["amount"] = parse_money(request, "amount", values["amount"], form.payment.payment.currency)
    except FormInvalid as invalid:
        errs[invalid.field] = invalid.message
        return _edit_page(request, ctx, payment_id, values, errs, 422)
    version = _int(values["version"])
    try:
        payment_changes.change_payment(uow, ctx, payment_id, PaymentChange(**fields), expected_version=version)
    except e.NotFound:
        raise
    except e.DomainError as exc:
        errs[field_of(exc)] = errors.error_text(request, exc)
        return _edit_page(request, ctx, payment_id, values, errs, 422)
    return redirect(request, f"/payments/{payment_id}", flash=translate(request, "Règlement modifié"))


@router.post("/payments/{payment_id}/cancel")
def cancel_payment(request: Request, payment_id: int, ctx: security.PageWrite) -> Response:
    raw = security.posted_form(request)
    reason = raw.get("reason")
    try:
        payment_changes.cancel_payment(
            security.uow_of(request), ctx, payment_id, reason=reason if isinstance(reason, str) else ""
        )
    except e.NotFound:
        raise
    except e.DomainError as exc:
        return _detail(request, ctx, payment_id, errors.error_text(request, exc), 422)
    return redirect(request, f"/payments/{payment_id}", flash=translate(request, "Règlement annulé"))
