"""The rules of a statement import: amounts as banks write them, each line's key, balances adding up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acompte.domain.banking.errors import InvalidStatement, StatementUnbalanced
from acompte.domain.banking.lines import NewBankLine
from acompte.domain.banking.statements import (
    Statement,
    StatementField,
    StatementFormat,
    bank_amount,
    check_balances,
    dedup_key,
)
from acompte.domain.money import Money

AMOUNT = StatementField.AMOUNT


def french(value: Decimal) -> str:
    """How a French bank export writes an amount: « -1 234,56 »."""
    sign = "-" if value < 0 else ""
    whole, _, cents = f"{abs(value):.2f}".partition(".")
    groups = f"{int(whole):,}".replace(",", "\u00a0")
    return f"{sign}{groups},{cents}"


@settings(derandomize=True, max_examples=200)
@given(st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2))
def test_an_amount_written_the_french_way_reads_back_exactly(value):
    assert bank_amount(french(value), "EUR", decimal_comma=True, line=1, column=AMOUNT) == Money.of(value, "EUR")


@pytest.mark.parametrize(
    ("text", "comma", "expected"),
    [
        ("1 234,56", True, "1234.56"),
        ("1\u202f234,56", True, "1234.56"),
        ("-12,00", True, "-12.00"),
        ("+5", True, "5.00"),
        ("1.234,56", True, "1234.56"),
        ("12,00 €", True, "12.00"),
        ("(12,00)", True, "-12.00"),
        ("12,00-", True, "-12.00"),
        ("1,234.56", False, "1234.56"),
        ("-0,00", True, "0.00"),
    ],
)
def test_bank_amounts(text, comma, expected):
    assert bank_amount(text, "EUR", decimal_comma=comma, line=3, column=AMOUNT).amount == Decimal(expected)


@pytest.mark.parametrize("text", ["12,345", "douze", "", "1,2,3", "1e3"])
def test_unreadable_amounts_name_their_line(text):
    with pytest.raises(InvalidStatement) as refused:
        bank_amount(text, "EUR", decimal_comma=True, line=9, column=StatementField.CREDIT)
    assert refused.value.params["line"] == 9 and refused.value.params["field"] is StatementField.CREDIT


def line(position: int, amount: str = "10.00", label: str = "VIR", reference: str = "") -> NewBankLine:
    return NewBankLine(
        position, date(2026, 12, 1), None, Money.of(amount, "EUR"), label=label, entry_reference=reference
    )


def test_the_key_is_the_banks_reference_when_it_gives_one():
    assert dedup_key(1, line(0, reference="2026120400001VIR")) == "2026120400001VIR"
    assert dedup_key(1, line(0, reference="R" * 150)) == dedup_key(2, line(5, reference="R" * 150)) != "R" * 100


def test_without_reference_the_key_follows_account_date_amount_label_and_position():
    key = dedup_key(1, line(0))
    assert key == dedup_key(1, line(0)) and len(key) == 64
    assert (
        len(
            {
                key,
                dedup_key(2, line(0)),
                dedup_key(1, line(1)),
                dedup_key(1, line(0, "10.01")),
                dedup_key(1, line(0, label="CB")),
            }
        )
        == 5
    )
    assert dedup_key(1, line(0, label="VIR  SEPA")) == dedup_key(1, line(0, label="VIR SEPA"))


def test_balances_must_add_up_and_say_by_how_much_they_do_not():
    lines = (line(0, "100.00"), line(1, "-30.50"))
    eur = lambda text: Money.of(text, "EUR")  # noqa: E731
    check_balances(Statement(StatementFormat.CAMT053, "EUR", lines, opening=eur("10.00"), closing=eur("79.50")))
    check_balances(Statement(StatementFormat.CAMT054, "EUR", lines))  # no balances, nothing to check
    with pytest.raises(StatementUnbalanced) as refused:
        check_balances(Statement(StatementFormat.CAMT053, "EUR", lines, opening=eur("10.00"), closing=eur("80.00")))
    assert refused.value.params == {
        "opening": eur("10.00"),
        "total": eur("69.50"),
        "closing": eur("80.00"),
        "difference": eur("0.50"),
    }
