"""Small helpers shared by the deposit, payment and settle pages (not a router: the name starts with `_`).

Forms keep what the user typed as text; these helpers turn it into domain values and say which field a refusal
belongs to, so the page shows the message next to it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi import Request
from fastapi.responses import Response

from acompte.adapters.web import errors, i18n, security
from acompte.adapters.web.templating import translate
from acompte.domain import errors as e
from acompte.domain.dates import DateField, check_date
from acompte.domain.errors import InvalidDate
from acompte.domain.money import Money
from acompte.domain.users import Permission
from acompte.services.ports import Ctx

#: Domain errors that are about the amount typed.
AMOUNT_ERRORS: tuple[type[e.DomainError], ...] = (
    e.InvalidAmount,
    e.NonPositiveAmount,
    e.CurrencyMismatch,
    e.DepositExceedsOrder,
    e.DeductionExceedsDeposit,
    e.DeductionExceedsInvoice,
    e.AmountBelowAllocated,
    e.OverAllocation,
    e.RefundAmountLocked,
)
#: Domain errors that are about the payment method chosen.
METHOD_ERRORS: tuple[type[e.DomainError], ...] = (e.DigitalMethodRefused, e.InvalidSetting)


class FormInvalid(Exception):
    """A field could not be read: `field` gets `message` (already translated)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def can_write(request: Request) -> bool:
    principal = security.optional_principal(request)
    return principal is not None and principal.may(Permission.WRITE)


def parse_money(request: Request, field: str, text: str, currency: str, *, required: bool = True) -> Money | None:
    """`1 234,56` → Money; an empty optional field → None; anything else → FormInvalid on `field`."""
    if not text.strip():
        if required:
            raise FormInvalid(field, translate(request, "Indiquez un montant."))
        return None
    try:
        number = i18n.parse_amount(text)
    except ValueError:
        raise FormInvalid(field, translate(request, "Montant invalide : saisissez par exemple 1 234,56.")) from None
    try:
        return Money.of(number, currency)
    except e.DomainError as exc:
        raise FormInvalid(field, errors.error_text(request, exc)) from None


def parse_percent(request: Request, field: str, text: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        return i18n.parse_amount(text)
    except ValueError:
        raise FormInvalid(field, translate(request, "Pourcentage invalide : saisissez par exemple 30.")) from None


def parse_day(request: Request, field: str, text: str, *, required: bool = False) -> date | None:
    """A date from `<input type="date">` (2026-11-23) or typed the French way (23/11/2026)."""
    text = text.strip()
    if not text:
        if required:
            raise FormInvalid(field, translate(request, "Indiquez une date."))
        return None
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return check_date(date(year, month, day), DateField.PAYMENT_DATE)
        return check_date(date.fromisoformat(text), DateField.PAYMENT_DATE)
    except InvalidDate as exc:
        raise FormInvalid(field, errors.error_text(request, exc)) from None
    except ValueError:
        raise FormInvalid(field, translate(request, "Date invalide : saisissez par exemple 23/11/2026.")) from None


def field_of(exc: e.DomainError, *, amount: str = "amount", method: str = "method") -> str:
    """The form field a domain error belongs to (`__all__` when it is about the whole form)."""
    if isinstance(exc, AMOUNT_ERRORS):
        return amount
    if isinstance(exc, METHOD_ERRORS) and errors.about_payment_method(exc):
        return method
    if isinstance(exc, e.DigitalMethodRefused):
        return method
    return "__all__"


def already_done(request: Request, ctx: Ctx, form_key: str | None) -> Response | None:
    """The redirect a first submission of this form answered, looked up before the form is checked again (a
    second submission would otherwise be refused: what it settled is no longer due). Writes nothing: the
    reservation `replayed` takes is rolled back with this unit of work."""
    uow = security.uow_of(request)
    with uow:
        return security.replayed(uow, ctx, request, form_key)
