"""Numbers, money and dates for a language, with Babel; the reader's language from Accept-Language."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberFormatError, format_currency, format_decimal, format_percent, parse_decimal

from acompte.adapters.i18n.catalogue import LANGUAGES, LOCALES
from acompte.domain.money import Money


def negotiate(header: str, default: str = "fr") -> str:
    """`fr` or `en` from an Accept-Language header (quality values respected, q=0 refused)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag.strip() and q > 0:
            ranked.append((-q, position, tag.strip()))
    preferred = [tag for _, _, tag in sorted(ranked)]
    found = Locale.negotiate(preferred, list(LANGUAGES), sep="-")
    return found.language if found is not None else default


MINUS_SIGN = "\u2212"


def _minus(text: str) -> str:
    """A negative amount reads with the minus sign (−527,95 €), not a hyphen; `parse_amount` reads it back."""
    return text.replace("-", MINUS_SIGN, 1)


def money(value: Money | None, lang: str) -> str:
    """`3 000,00 €` in French, `€3,000.00` in English; `−527,95 €` when negative."""
    if value is None:
        return ""
    return _minus(format_currency(value.amount, value.currency, locale=LOCALES[lang]))


def amount(value: Decimal | Money | None, lang: str) -> str:
    """A bare number with the currency's decimals (for form fields and tables without the symbol)."""
    if value is None:
        return ""
    number = value.amount if isinstance(value, Money) else value
    exponent = number.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 2
    return _minus(format_decimal(number, format="#,##0." + "0" * places if places else "#,##0", locale=LOCALES[lang]))


def decimal(value: Decimal, lang: str) -> str:
    return format_decimal(value, locale=LOCALES[lang], decimal_quantization=False)


def day(value: date | datetime | None, lang: str) -> str:
    if value is None:
        return ""
    return format_date(value, format="short" if lang == "fr" else "dd/MM/yyyy", locale=LOCALES[lang])


def percent(value: Decimal | None, lang: str) -> str:
    """`15 %` for Decimal("15") (acompte stores percentages as numbers of hundredths)."""
    if value is None:
        return ""
    return format_percent(Decimal(value) / 100, format="#,##0.##\u00a0%", locale=LOCALES[lang])


def parse_amount(text: str) -> Decimal:
    """A number typed the French or English way: `1 234,56`, `1234.56`, `1 234,56 €` → Decimal("1234.56").

    Whichever mark comes last is the decimal separator; the other one groups thousands. Raises ValueError
    for anything else (the form then shows the error next to the field)."""
    cleaned = text.strip().replace("€", "").replace("%", "").replace(MINUS_SIGN, "-")
    for space in (" ", "\u00a0", "\u202f"):
        cleaned = cleaned.replace(space, "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "") if cleaned.rfind(".") > cleaned.rfind(",") else cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".")
    if not cleaned or not all(c.isdigit() or c in ".-" for c in cleaned) or cleaned.count(".") > 1:
        raise ValueError(text)
    try:
        return parse_decimal(cleaned, locale=LOCALES["en"], strict=True)
    except NumberFormatError:
        raise ValueError(text) from None
