"""What the credit and overpayment pages read from their forms and queries: a flow, an id, an amount typed the
French or English way, a VAT rate, a day; and the first answer to a form already posted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from acompte.adapters.web import i18n, security
from acompte.adapters.web.errors import error_text
from acompte.adapters.web.templating import translate
from acompte.domain import errors as e
from acompte.domain.dates import DateField, parse_day
from acompte.domain.documents import Flow
from acompte.domain.errors import InvalidDate
from acompte.domain.money import Money
from acompte.services.ports import Ctx


def flow_param(value: str | None) -> Flow | None:
    return Flow(value) if value in ("sale", "purchase") else None


def int_param(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def money_field(request: Request, text: str, currency: str, field: str, errors: dict[str, str]) -> Money | None:
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


def vat_rate_of(text: str | None, rates: Any) -> Decimal | None:
    """The VAT rate chosen among `rates` (compared as numbers: « 20 » is 20.00)."""
    try:
        wanted = i18n.parse_amount(text or "")
    except ValueError:
        return None
    return next((r for r in rates if r == wanted), None)


def day_field(request: Request, text: str, field: str, errors: dict[str, str]) -> date | None:
    try:
        return parse_day(text, DateField.DATE) if text.strip() else security.clock_of(request).today()
    except InvalidDate as exc:
        errors[field] = error_text(request, exc)
        return None
    except ValueError:
        errors[field] = translate(request, "Date invalide.")
        return None


def replayed_answer(request: Request, ctx: Ctx, form: dict[str, str]) -> Response | None:
    """The first answer to this form when it was already posted (checked before the form is read again: the
    second submission must not be refused for what the first one changed). Nothing is kept by this check."""
    uow = security.uow_of(request)
    with uow:
        return security.replayed(uow, ctx, request, form.get(security.FORM_KEY_FIELD))
