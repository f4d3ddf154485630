"""Settings › a treasury account: its bank details, its own ledger account, currency and opening balance.

Everyone may read the page; only an administrator may change it. The form carries the version it was read at:
a change saved meanwhile by someone else is refused (nothing written) and the page says to reload it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.web import errors, i18n, security
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain.banking.accounts import TreasuryAccount
from acompte.domain.dates import field_of, parse_day
from acompte.domain.errors import DomainError, InvalidDate, StaleVersion
from acompte.domain.payments import AccountKind
from acompte.domain.users import Role
from acompte.services.banking import accounts
from acompte.services.ports import Ctx

router = APIRouter()
FIELDS = ("name", "iban", "bic", "ledger_account", "currency", "opening_balance", "opening_date")


class FormInvalid(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _values(account: TreasuryAccount, lang: str) -> dict[str, Any]:
    return {
        "name": account.name,
        "iban": account.iban,
        "bic": account.bic,
        "ledger_account": account.ledger_account,
        "currency": account.currency,
        "opening_balance": i18n.amount(account.opening_balance.amount, lang),
        "opening_date": account.opening_date.isoformat() if account.opening_date else "",
        "active": account.active,
        "version": str(account.version),
    }


def _page(
    request: Request,
    account: TreasuryAccount,
    *,
    typed: dict[str, Any] | None = None,
    errors_: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    principal = security.optional_principal(request)
    context = {
        "account": account,
        "values": {**_values(account, i18n.language(request)), **(typed or {})},
        "errors": errors_ or {},
        "can_edit": principal is not None and principal.role is Role.ADMIN,
        "is_bank": account.kind is AccountKind.BANK,
    }
    return render(request, "settings/bank_account.html", context, status)


def read_opening(request: Request, balance: str, opening_date: str, prefix: str = "") -> tuple[Decimal, date | None]:
    """The opening balance and date typed on a form (`prefix` before the field names), or FormInvalid."""
    try:
        amount = i18n.parse_amount(balance or "0")
    except ValueError:
        raise FormInvalid(f"{prefix}opening_balance", translate(request, "Montant invalide.")) from None
    try:
        day = parse_day(opening_date) if opening_date else None
    except InvalidDate as exc:
        raise FormInvalid(f"{prefix}{field_of(exc)}", errors.error_text(request, exc)) from None
    except ValueError:
        raise FormInvalid(f"{prefix}opening_date", translate(request, "Date invalide.")) from None
    return amount, day


@router.get("/settings/accounts/{account_id}")
def bank_account_page(request: Request, account_id: int, ctx: security.PageRead) -> Response:
    return _page(request, accounts.get_account(security.uow_of(request), ctx, account_id))


@router.post("/settings/accounts/{account_id}")
def save_bank_account(request: Request, account_id: int, ctx: security.PageAdmin) -> Response:
    uow = security.uow_of(request)
    account = accounts.get_account(uow, ctx, account_id)
    form = security.posted_form(request)
    typed: dict[str, Any] = {k: str(form.get(k) or "").strip() for k in FIELDS}
    typed["active"] = form.get("active") == "on"
    version = str(form.get("version") or "")
    try:
        amount, day = read_opening(request, typed["opening_balance"], typed["opening_date"])
        changes: accounts.AccountChanges = {
            "name": typed["name"],
            "iban": typed["iban"],
            "bic": typed["bic"],
            "ledger_account": typed["ledger_account"],
            "currency": typed["currency"],
            "opening_balance": amount,
            "opening_date": day,
            "active": typed["active"],
        }
        expected = int(version) if version.isdigit() else None
        accounts.change_account(uow, ctx, account_id, changes, expected_version=expected)
    except FormInvalid as invalid:
        return _page(request, account, typed=typed, errors_={invalid.field: invalid.message}, status=422)
    except StaleVersion as exc:
        return _page(request, account, typed=typed, errors_={"__all__": errors.error_text(request, exc)}, status=409)
    except DomainError as exc:
        field = _field(exc)
        return _page(request, account, typed=typed, errors_={field: errors.error_text(request, exc)}, status=422)
    return redirect(request, "/settings#accounts", flash=translate(request, "Compte de trésorerie enregistré."))


def _field(exc: DomainError, prefix: str = "") -> str:
    """The form field a refusal belongs to: the one the error names, the currency for an unknown one."""
    named = exc.params.get("field")
    if isinstance(named, str) and named in FIELDS:
        return prefix + named
    if exc.code == "unknown-currency":
        return prefix + "currency"
    if exc.code in ("invalid-amount", "currency-mismatch"):
        return prefix + "opening_balance"
    return "__all__"


def create_from_form(request: Request, ctx: Ctx, form: dict[str, str], kind: AccountKind) -> None:
    """Create the account typed on the settings page's add form (fields `account_<name>`), or raise FormInvalid."""
    amount, day = read_opening(request, form["account_opening_balance"], form["account_opening_date"], "account_")
    try:
        accounts.create_account(
            security.uow_of(request),
            ctx,
            name=form["account_name"],
            kind=kind,
            iban=form["account_iban"],
            bic=form["account_bic"],
            ledger_account=form["account_ledger_account"],
            currency=form["account_currency"] or None,
            opening_balance=amount,
            opening_date=day,
        )
    except DomainError as exc:
        raise FormInvalid(_field(exc, "account_"), errors.error_text(request, exc)) from None
