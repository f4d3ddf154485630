"""The calendar dates acompte accepts: 1900-01-01 to 2999-12-31, and the one check every entry point uses.

Dates outside that range are refused where they come in (API schemas, web forms, CLI options, the use cases),
so that date arithmetic — financial years, due dates — never leaves Python's calendar (year 1 has no year
before it, 9999-12-31 no day after it) and never has to guess. A date is checked with the field it came from,
so the sentence names it and a form shows it next to that field.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from acompte.domain.errors import InvalidDate, Reason

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)


class DateField(StrEnum):
    """Where a refused date came from (the form or query field of the same name)."""

    DATE = "date"
    ISSUE_DATE = "issue_date"
    DUE_DATE = "due_date"
    PAYMENT_DATE = "payment_date"
    REFUND_DATE = "refund_date"
    DATE_FROM = "date_from"
    DATE_TO = "date_to"
    AS_OF = "as_of"


def in_range(day: date) -> bool:
    return MIN_DATE <= day <= MAX_DATE


def check_date(day: date, field: DateField = DateField.DATE) -> date:
    """`day` itself when acompte supports it; else `InvalidDate` naming the field and the bounds."""
    if not in_range(day):
        raise InvalidDate(reason=Reason.DATE_OUT_OF_RANGE, field=field, minimum=MIN_DATE, maximum=MAX_DATE)
    return day


def check_optional(day: date | None, field: DateField = DateField.DATE) -> date | None:
    return None if day is None else check_date(day, field)


def parse_day(text: str, field: DateField = DateField.DATE) -> date:
    """An ISO day (`2026-11-23`) typed in a form or an option: ValueError when it is no date, `InvalidDate`
    when it is one acompte does not support."""
    return check_date(date.fromisoformat(text.strip()), field)


def field_of(error: InvalidDate) -> str:
    """The form field a refused date belongs to."""
    field = error.params.get("field", DateField.DATE)
    return field.value if isinstance(field, DateField) else str(field)


def add_days(day: date, days: int, field: DateField = DateField.DATE) -> date:
    """`day` + `days`, refused (never an OverflowError) when the result falls outside the supported range."""
    check_date(day, field)
    if not (MIN_DATE - day).days <= days <= (MAX_DATE - day).days:
        raise InvalidDate(reason=Reason.DATE_OUT_OF_RANGE, field=field, minimum=MIN_DATE, maximum=MAX_DATE)
    return day + timedelta(days=days)
