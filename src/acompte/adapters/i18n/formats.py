"""Numbers, money and dates for a language, with Babel; the reader's language from Accept-Language."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_precision,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

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
    layout = _layout(value.currency, LOCALES[lang])
    written = layout.write(value.amount) if layout is not None else None
    if written is None:
        written = format_currency(value.amount, value.currency, locale=LOCALES[lang])
    return _minus(written)


class _Layout:
    """How Babel writes an amount of one currency in one language (`format_currency`), learnt once from what it
    writes: Babel parses the locale, the pattern and the currency's names on every call (some 100 µs), and a
    page of a few thousand amounts (the aged balance of 2 000 customers) spent most of its time there. Only
    amounts already at the currency's precision are written here; any other goes to Babel."""

    __slots__ = ("decimal", "group", "negative", "places", "positive")

    def __init__(self, currency: str, locale: str) -> None:
        self.places = get_currency_precision(currency)
        self.group, self.decimal = get_group_symbol(locale), get_decimal_symbol(locale)
        probe = Decimal(1234567).scaleb(0)
        digits = self._digits(1234567 * 10**self.places)
        self.positive = _around(format_currency(probe, currency, locale=locale), digits)
        self.negative = _around(format_currency(-probe, currency, locale=locale), digits)

    def _digits(self, minor: int) -> str:
        units, cents = divmod(minor, 10**self.places)
        grouped = f"{units:,}".replace(",", self.group)
        return f"{grouped}{self.decimal}{cents:0{self.places}d}" if self.places else grouped

    def write(self, amount: Decimal) -> str | None:
        sign, digits, exponent = amount.as_tuple()
        if exponent != -self.places or (sign and not any(digits)):
            return None  # another precision (Babel rounds it), or a negative zero: Babel decides
        minor = int(amount.scaleb(self.places))
        before, after = self.negative if minor < 0 else self.positive
        return f"{before}{self._digits(abs(minor))}{after}"


def _around(written: str, digits: str) -> tuple[str, str]:
    """What Babel writes before and after the digits of an amount."""
    before, found, after = written.partition(digits)
    if not found:
        raise ValueError(written)
    return before, after


#: Amounts a layout must write as Babel does before it is trusted (each sign, small and grouped amounts).
_CHECKS = ("0", "0.01", "0.5", "7", "12.3", "999.99", "1000", "12345.67", "1234567.89", "100000000")


@cache
def _layout(currency: str, locale: str) -> _Layout | None:
    """The layout of `currency` in `locale`, or None when it does not write every check as Babel does (a pattern
    with other groupings, say): then Babel writes every amount itself."""
    try:
        layout = _Layout(currency, locale)
    except ValueError:
        return None
    for text in _CHECKS:
        for value in (Decimal(text), -Decimal(text)):
            amount = value.quantize(Decimal(1).scaleb(-layout.places))
            if amount and layout.write(amount) != format_currency(amount, currency, locale=locale):
                return None
    return layout


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
