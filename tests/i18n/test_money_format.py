"""Money on a page reads exactly as Babel's `format_currency` writes it (with the minus sign), for every currency
a business meets and both languages, whatever the amount: the page's own writer of amounts only follows Babel."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

from acompte.adapters.i18n.catalogue import LOCALES
from acompte.adapters.i18n.formats import MINUS_SIGN, money
from acompte.domain.money import MINOR_UNITS, Money


@given(
    minor=st.integers(min_value=-(10**15), max_value=10**15) | st.integers(min_value=-2000, max_value=2000),
    currency=st.sampled_from(sorted(MINOR_UNITS)),
    lang=st.sampled_from(sorted(LOCALES)),
)
def test_money_reads_as_babel_writes_it(minor: int, currency: str, lang: str) -> None:
    value = Money.from_minor(minor, currency)
    expected = format_currency(value.amount, currency, locale=LOCALES[lang]).replace("-", MINUS_SIGN, 1)
    assert money(value, lang) == expected


def test_no_amount_writes_nothing() -> None:
    assert money(None, "fr") == ""


def test_an_amount_babel_rounds_is_written_by_babel() -> None:
    # Forints carry two decimals in the books and none on a page: Babel rounds them, as before.
    assert money(Money.of(Decimal("1234.56"), "HUF"), "fr") == format_currency(
        Decimal("1234.56"), "HUF", locale="fr_FR"
    )
