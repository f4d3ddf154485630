"""Deposits on a document (UI.md screens 3, 4, 5): the deposit form (« Régler » on a validated invoice), the
deposit-invoice form, the deduction view of a final invoice, and cancelling a deposit payment."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.web import errors, i18n, security
from acompte.adapters.web.routes._payments_common import (
    FormInvalid,
    already_done,
    can_write,
    field_of,
    parse_day,
    parse_money,
    parse_percent,
)
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain import errors as e
from acompte.domain.deposits import DepositSettings, percent_of
from acompte.domain.deposits import parse_percent as parse_domain_percent
from acompte.domain.documents import Kind, State
from acompte.domain.money import Money
from acompte.services import companies, deposits, documents, payment_changes, positions

router = APIRouter()


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _is_settling(document: Any) -> bool:
    """A validated invoice is « réglée », not given a deposit."""
    return bool(document.kind is Kind.INVOICE and document.state is State.VALIDATED)


# -- 3. deposit form ----------------------------------------------------------------------------------------------


def _deposit_page(
    request: Request, ctx: Any, document_id: int, values: dict[str, str], errs: dict[str, str], status: int = 200
) -> Response:
    form = deposits.deposit_form(security.uow_of(request), ctx, document_id)
    # A deposit paid by card or PayPal is invoiced at once: the deposit invoice, issued paid by that method
    # (cadre « déjà payée »), instead of a bare payment waiting for its invoice.
    paid_invoice_links = []
    if form.document.kind in (Kind.QUOTE, Kind.ORDER) and form.default_amount.is_positive:
        amount = _plain(form.default_amount, request)
        paid_invoice_links = [
            (label, f"/documents/{document_id}/deposit-invoice?" + urlencode({"paid_by": code, "amount": amount}))
            for code, label, digital in form.methods
            if digital
        ]
    context = {
        "form": form,
        "document": form.document,
        "settling": _is_settling(form.document),
        "paid_invoice_links": paid_invoice_links,
        "methods": [(code, label, digital) for code, label, digital in form.methods],
        "values": values,
        "errors": errs,
        "form_key": values.get("form_key") or security.new_form_key(),
    }
    return render(request, "deposits/deposit.html", context, status)


@router.get("/documents/{document_id}/deposit")
def deposit_form(request: Request, document_id: int, ctx: security.PageWrite) -> Response:
    form = deposits.deposit_form(security.uow_of(request), ctx, document_id)
    values = {
        "amount": _plain(form.default_amount, request),
        "payment_date": form.default_date.isoformat(),
        "method": "",
        "reference": "",
        "comment": "",
    }
    return _deposit_page(request, ctx, document_id, values, {})


def _plain(money: Money, request: Request) -> str:
    """An amount as the user's language types it in a field: `1 234,56` in French, `1,234.56` in English."""
    return i18n.amount(money, i18n.language(request))


@router.post("/documents/{document_id}/deposit")
def record_deposit(request: Request, document_id: int, ctx: security.PageWrite) -> Response:
    form = security.posted_form(request)
    values = {
        name: _text(form, name)
        for name in ("amount", "payment_date", "method", "reference", "comment", security.FORM_KEY_FIELD)
    }
    uow = security.uow_of(request)
    document = documents.get_document(uow, ctx, document_id).document
    done = already_done(request, ctx, values[security.FORM_KEY_FIELD])
    if done is not None:
        return done
    errs: dict[str, str] = {}
    try:
        amount = parse_money(request, "amount", values["amount"], document.currency)
        when = parse_day(request, "payment_date", values["payment_date"])
        if not values["method"]:
            raise FormInvalid("method", translate(request, "Choisissez un mode de règlement."))
    except FormInvalid as invalid:
        errs[invalid.field] = invalid.message
        return _deposit_page(request, ctx, document_id, values, errs, 422)
    location = f"/documents/{document_id}"
    try:
        with uow:
            replay = security.replayed(uow, ctx, request, values[security.FORM_KEY_FIELD])
            if replay is not None:
                return replay
            deposits.record_deposit_payment(
                uow,
                ctx,
                document_id,
                method=values["method"],
                amount=amount,
                payment_date=when,
                reference=values["reference"],
                comment=values["comment"],
            )
            security.remember(uow, ctx, values[security.FORM_KEY_FIELD], location)
            uow.commit()
    except e.NotFound:
        raise
    except e.DomainError as exc:
        errs[field_of(exc)] = errors.error_text(request, exc)
        return _deposit_page(request, ctx, document_id, values, errs, 422)
    message = "Règlement enregistré" if _is_settling(document) else "Acompte enregistré"
    return redirect(request, location, flash=translate(request, message))


# -- 4. deposit-invoice form --------------------------------------------------------------------------------------


def _deposit_invoice_page(
    request: Request, ctx: Any, document_id: int, values: dict[str, str], errs: dict[str, str], **extra: Any
) -> Response:
    uow = security.uow_of(request)
    position = deposits.deposit_position(uow, ctx, document_id)
    document = position.document
    if document.kind not in (Kind.QUOTE, Kind.ORDER):
        raise e.NotADepositSource(kind=document.kind, reason=e.Reason.DEPOSIT_SOURCE_KIND)
    company = companies.get_company(uow, ctx)
    previous = position.deposit_payments + position.deposit_invoiced
    context = {
        "lines": deposits.line_deposits(uow, ctx, document_id),
        "position": position,
        "document": document,
        "previous": previous,
        "remaining": position.available_for_deposit,
        "breakdown": deposits.document_breakdown(uow, ctx, document_id),
        "methods": [(m.code, m.label, m.digital) for m in company.methods],
        "values": values,
        "errors": errs,
        "form_key": values.get("form_key") or security.new_form_key(),
        "preview": extra.get("preview"),
        "preview_gross": extra.get("preview_gross"),
    }
    return render(request, "deposits/deposit_invoice.html", context, extra.get("status", 200))


@router.get("/documents/{document_id}/deposit-invoice")
def deposit_invoice_form(request: Request, document_id: int, ctx: security.PageWrite) -> Response:
    uow = security.uow_of(request)
    company = companies.get_company(uow, ctx)
    document = documents.get_document(uow, ctx, document_id).document
    settings = DepositSettings.from_settings(company.settings)
    # the party's, item's or company's default: a percentage, or an amount when the lines' defaults differ
    amount, percent = deposits.suggested_deposit(uow, ctx, document_id)
    values = {
        "mode": "total",
        "percentage": "" if percent is None else i18n.amount(percent.normalize(), i18n.language(request)),
        "amount": "" if amount is None else _plain(amount, request),
        "issue": "1",
        "generate_payment": "1" if settings.generates_payment(document.flow.value) else "",
        "method": settings.payment_method,
        "due_date": "",
    }
    paid_by = request.query_params.get("paid_by", "")
    if company.method(paid_by) is not None:  # « paid by card »: the deposit invoice issued with its payment
        typed = request.query_params.get("amount", "")
        values |= {"generate_payment": "1", "method": paid_by, "issue": "1"}
        if typed:
            values |= {"amount": typed[:40], "percentage": ""}
    return _deposit_invoice_page(request, ctx, document_id, values, {})


def _line_fields(lines: Any) -> list[str]:
    return [f"{kind}_{line.position}" for line in lines for kind in ("line_percent", "line_amount")]


def _line_choice(
    request: Request, values: dict[str, str], lines: Any, currency: str
) -> tuple[dict[int, Decimal], dict[int, Money]]:
    """Per line, like the whole order: the amount when typed (the percentage then only echoes it), else the
    percentage. A line left empty takes nothing."""
    percents: dict[int, Decimal] = {}
    amounts: dict[int, Money] = {}
    for line in lines:
        amount_field, percent_field = f"line_amount_{line.position}", f"line_percent_{line.position}"
        amount = parse_money(request, amount_field, values.get(amount_field, ""), currency, required=False)
        percent = parse_percent(request, percent_field, values.get(percent_field, ""))
        if percent is not None:
            try:
                checked = parse_domain_percent(percent)
            except e.DomainError as exc:
                raise FormInvalid(percent_field, errors.error_text(request, exc)) from None
            if amount is None or _percent_matches(line.gross, checked, amount):
                if not checked.is_zero():
                    percents[line.position] = checked
                continue
        if amount is not None and not amount.is_zero:
            amounts[line.position] = amount
    if not percents and not amounts:
        first = lines[0].position if lines else 0
        raise FormInvalid(f"line_amount_{first}", translate(request, "Indiquez un pourcentage ou un montant."))
    return percents, amounts


def _line_of_error(exc: e.DomainError, lines: Any, percents: Any, amounts: Any) -> str | None:
    """The per-line field a refusal is about: the service names the line (« ligne « Table » »)."""
    where = str(exc.params.get("document", ""))
    for line in lines:
        chosen = line.position in percents or line.position in amounts
        if chosen and where.endswith(f"ligne « {line.designation} »"):
            kind = "line_amount" if line.position in amounts else "line_percent"
            return f"{kind}_{line.position}"
    return None


def _deposit_choice(request: Request, values: dict[str, str], gross: Money) -> tuple[Money | None, Decimal | None]:
    """Amount or percentage: the amount when it was typed (the percentage then only echoes it), the percentage
    when only it was typed or when the amount is exactly that percentage of the total (keeps « Acompte de 30 % »)."""
    amount = parse_money(request, "amount", values["amount"], gross.currency, required=False)
    percent = parse_percent(request, "percentage", values["percentage"])
    if amount is None and percent is None:
        raise FormInvalid("amount", translate(request, "Indiquez un pourcentage ou un montant."))
    if percent is not None and (amount is None or _percent_matches(gross, percent, amount)):
        return None, percent
    return amount, None


def _percent_matches(gross: Money, percent: Decimal, amount: Money) -> bool:
    try:
        return bool(percent_of(gross, percent) == amount)
    except e.DomainError:
        return False


class _Choice(TypedDict):
    """What the form chose the deposit from, as `deposits.create_deposit_invoice` takes it."""

    amount: Money | None
    percent: Decimal | None
    line_percents: dict[int, Decimal] | None
    line_amounts: dict[int, Money] | None


@router.post("/documents/{document_id}/deposit-invoice")
def create_deposit_invoice(request: Request, document_id: int, ctx: security.PageWrite) -> Response:
    form = security.posted_form(request)
    uow = security.uow_of(request)
    position = deposits.deposit_position(uow, ctx, document_id)
    origin = position.document
    lines = deposits.line_deposits(uow, ctx, document_id)
    names = ("mode", "percentage", "amount", "issue", "generate_payment", "method", "due_date")
    values = {name: _text(form, name) for name in (*names, *_line_fields(lines), security.FORM_KEY_FIELD)}
    per_line = values["mode"] == "lines"
    done = already_done(request, ctx, values[security.FORM_KEY_FIELD])
    if done is not None:
        return done
    errs: dict[str, str] = {}
    amount: Money | None = None
    percent: Decimal | None = None
    line_percents: dict[int, Decimal] = {}
    line_amounts: dict[int, Money] = {}
    try:
        if per_line:
            line_percents, line_amounts = _line_choice(request, values, lines, origin.currency)
        else:
            amount, percent = _deposit_choice(request, values, origin.gross)
        due = parse_day(request, "due_date", values["due_date"])
    except FormInvalid as invalid:
        errs[invalid.field] = invalid.message
        return _deposit_invoice_page(request, ctx, document_id, values, errs, status=422)
    field = "percentage" if percent is not None else "amount"
    choice: _Choice = {
        "amount": amount,
        "percent": percent,
        "line_percents": line_percents or None,
        "line_amounts": line_amounts or None,
    }

    def refused(exc: e.DomainError) -> Response:
        where = _line_of_error(exc, lines, line_percents, line_amounts) if per_line else None
        if where is None:
            where = field_of(exc, amount=field)
            if per_line and where == field:
                where = "__all__"
        errs[where] = errors.error_text(request, exc)
        return _deposit_invoice_page(request, ctx, document_id, values, errs, status=422)

    if "preview" in form:  # computed inside a transaction that is never committed: nothing is written
        try:
            with uow:
                draft = deposits.create_deposit_invoice(uow, ctx, origin_id=document_id, **choice)
                breakdown = deposits.document_breakdown(uow, ctx, draft.id)
                gross = draft.document.gross
                uow.rollback()
        except e.NotFound:
            raise
        except e.DomainError as exc:
            return refused(exc)
        return _deposit_invoice_page(request, ctx, document_id, values, errs, preview=breakdown, preview_gross=gross)
    try:
        with uow:
            replay = security.replayed(uow, ctx, request, values[security.FORM_KEY_FIELD])
            if replay is not None:
                return replay
            draft = deposits.create_deposit_invoice(uow, ctx, origin_id=document_id, due_date=due, **choice)
            if values["issue"]:
                deposits.issue_deposit_invoice(
                    uow,
                    ctx,
                    draft.id,
                    generate_payment=bool(values["generate_payment"]),
                    method=values["method"] or None,
                    due_date=due,
                )
            location = f"/documents/{draft.id}"
            security.remember(uow, ctx, values[security.FORM_KEY_FIELD], location)
            uow.commit()
    except e.NotFound:
        raise
    except e.DomainError as exc:
        return refused(exc)
    message = "Facture d'acompte émise" if values["issue"] else "Facture d'acompte préparée"
    return redirect(request, location, flash=translate(request, message))


# -- 5. deduction view --------------------------------------------------------------------------------------------


FILTERS = ("number", "amount_min", "amount_max", "date_from", "date_to")


def _row_filters(request: Request, currency: str) -> tuple[dict[str, str], dict[str, Any], dict[str, str]]:
    """The deduction view's filters (GET parameters): number contains, deposit amount between, issued between.
    A filter that cannot be read is shown with its error and ignored."""
    typed = {name: request.query_params.get(name, "") for name in FILTERS}
    parsed: dict[str, Any] = {}
    errs: dict[str, str] = {}
    for name in FILTERS:
        try:
            if name == "number":
                parsed[name] = typed[name].strip().lower() or None
            elif name.startswith("amount"):
                parsed[name] = parse_money(request, name, typed[name], currency, required=False)
            else:
                parsed[name] = parse_day(request, name, typed[name])
        except FormInvalid as invalid:
            errs[f"filter_{name}"] = invalid.message
            parsed[name] = None
    return typed, parsed, errs


def _shown(row: Any, parsed: dict[str, Any]) -> bool:
    deposit = row.deposit
    if parsed["number"] and parsed["number"] not in (deposit.number or "").lower():
        return False
    if parsed["amount_min"] is not None and deposit.gross < parsed["amount_min"]:
        return False
    if parsed["amount_max"] is not None and deposit.gross > parsed["amount_max"]:
        return False
    if parsed["date_from"] is not None and deposit.issue_date < parsed["date_from"]:
        return False
    return not (parsed["date_to"] is not None and deposit.issue_date > parsed["date_to"])


def _deductions_page(
    request: Request, ctx: Any, invoice_id: int, values: dict[str, str], errs: dict[str, str], status: int = 200
) -> Response:
    view = deposits.deduction_view(security.uow_of(request), ctx, invoice_id)
    editable = view.invoice.state is State.DRAFT and can_write(request)
    typed, parsed, filter_errors = _row_filters(request, view.invoice.currency)
    rows = [row for row in view.rows if _shown(row, parsed)]
    zero = Money.zero(view.invoice.currency)
    context = {
        "view": view,
        "position": positions.position_of_id(security.uow_of(request), ctx, invoice_id),
        "invoice": view.invoice,
        "editable": editable,
        "values": values,
        "errors": {**filter_errors, **errs},
        "rows": rows,
        "filters": typed,
        "filtered": any(typed.values()),
        "query": request.url.query,
        "rows_gross": sum((row.deposit.gross for row in rows), zero),
        "rows_deducted": sum((row.deducted for row in rows), zero),
    }
    return render(request, "deposits/deductions.html", context, status)


def _plain_percent(value: Decimal, request: Request) -> str:
    return i18n.amount(value, i18n.language(request))


@router.get("/documents/{document_id}/deductions")
def deduction_view(request: Request, document_id: int, ctx: security.PageRead) -> Response:
    view = deposits.deduction_view(security.uow_of(request), ctx, document_id)
    values: dict[str, str] = {}
    for row in view.rows:
        values[f"deducted_{row.deposit.id}"] = _plain(row.deducted, request)
        values[f"percent_{row.deposit.id}"] = _plain_percent(row.percent, request)
    return _deductions_page(request, ctx, document_id, values, {})


@dataclass(frozen=True)
class _Wanted:
    """A row whose deduction changes: to `amount`, or to `percent` of the deposit invoice (`amount` is then that
    share, used only to lower deductions before raising others)."""

    deposit_id: int
    amount: Money
    percent: Decimal | None
    before: Money
    field: str


def _wanted(request: Request, view: Any, form: Any, values: dict[str, str]) -> tuple[list[_Wanted], dict[str, str]]:
    """What each posted row asks: the amount when it was changed, else the percentage when it was changed (of the
    deposit invoice's amount), else nothing. Rows not posted (filtered out) do not change."""
    errs: dict[str, str] = {}
    wanted: list[_Wanted] = []
    zero = Money.zero(view.invoice.currency)
    for row in view.rows:
        amount_name, percent_name = f"deducted_{row.deposit.id}", f"percent_{row.deposit.id}"
        if amount_name not in form and percent_name not in form:
            continue
        try:
            typed = parse_money(request, amount_name, values[amount_name], view.invoice.currency, required=False)
            pct = parse_percent(request, percent_name, values[percent_name])
            if amount_name in form and (typed or zero) != row.deducted:
                wanted.append(_Wanted(row.deposit.id, typed or zero, None, row.deducted, amount_name))
            elif percent_name in form and (pct or Decimal(0)) != row.percent:
                share = Decimal(0) if pct is None else pct
                try:
                    checked = parse_domain_percent(share)
                except e.DomainError as exc:
                    raise FormInvalid(percent_name, errors.error_text(request, exc)) from None
                value = percent_of(row.deposit.gross, checked) if checked else zero
                wanted.append(_Wanted(row.deposit.id, value, checked or None, row.deducted, percent_name))
        except FormInvalid as invalid:
            errs[invalid.field] = invalid.message
    return wanted, errs


@router.post("/documents/{document_id}/deductions")
def save_deductions(request: Request, document_id: int, ctx: security.PageWrite) -> Response:
    form = security.posted_form(request)
    uow = security.uow_of(request)
    view = deposits.deduction_view(uow, ctx, document_id)
    values = {
        f"{kind}_{row.deposit.id}": _text(form, f"{kind}_{row.deposit.id}")
        for row in view.rows
        for kind in ("deducted", "percent")
    }
    wanted, errs = _wanted(request, view, form, values)
    if errs:
        return _deductions_page(request, ctx, document_id, values, errs, 422)
    current = ""
    try:
        with uow:
            # Lower or remove deductions first so that the room they free can go to another deposit.
            for change in sorted(wanted, key=lambda w: w.amount > w.before):
                current = change.field
                if change.amount.is_zero:
                    deposits.remove_deduction(uow, ctx, document_id, change.deposit_id)
                elif change.percent is not None:
                    deposits.deduct_deposit(uow, ctx, document_id, change.deposit_id, percent=change.percent)
                else:
                    deposits.deduct_deposit(uow, ctx, document_id, change.deposit_id, amount=change.amount)
            uow.commit()
    except e.NotFound:
        raise
    except e.DomainError as exc:
        errs[field_of(exc, amount=current) if current else "__all__"] = errors.error_text(request, exc)
        return _deductions_page(request, ctx, document_id, values, errs, 422)
    back = f"/documents/{document_id}/deductions"
    if request.url.query:
        back += f"?{request.url.query}"
    return redirect(request, back, flash=translate(request, "Déductions enregistrées"))


# -- cancelling a deposit payment -----------------------------------------------------------------------------------


def _deposit_payments(request: Request, ctx: Any, document_id: int) -> tuple[Any, list[Any]]:
    uow = security.uow_of(request)
    view = documents.get_document(uow, ctx, document_id)
    found = []
    for payment_id in dict.fromkeys(a.payment_id for a in view.allocations if a.payment_id is not None):
        found.append(payment_changes.payment_form(uow, ctx, payment_id))
    return view, found


@router.get("/documents/{document_id}/cancel-deposit")
def cancel_deposit_page(request: Request, document_id: int, ctx: security.PageWrite) -> Response:
    view, found = _deposit_payments(request, ctx, document_id)
    return render(request, "deposits/cancel.html", {"view": view, "payments": found, "errors": {}})


@router.post("/documents/{document_id}/cancel-deposit")
def cancel_deposit(request: Request, document_id: int, ctx: security.PageWrite) -> Response:
    form = security.posted_form(request)
    view, found = _deposit_payments(request, ctx, document_id)
    chosen = _text(form, "payment_id")
    if not chosen and len(found) == 1:
        chosen = str(found[0].payment.id)
    if not chosen.isdigit():
        return redirect(request, f"/documents/{document_id}/cancel-deposit")
    try:
        payment_changes.cancel_payment(
            security.uow_of(request), ctx, int(chosen), reason=_text(form, "reason"), document_id=document_id
        )
    except e.NotFound:
        raise
    except e.DomainError as exc:
        context = {"view": view, "payments": found, "errors": {"__all__": errors.error_text(request, exc)}}
        return render(request, "deposits/cancel.html", context, 422)
    return redirect(request, f"/documents/{document_id}", flash=translate(request, "Acompte annulé"))
