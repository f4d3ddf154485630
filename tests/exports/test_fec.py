"""The FEC writer follows the structural rules of french-rules.md §3, and the checker catches every breach."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from acompte.adapters.exports.fec import COLUMNS, FecError, check_fec, fec_amount, fec_filename, read_fec, write_fec
from acompte.domain.accounting import (
    AccountingSettings,
    DocumentFact,
    ExchangeDifferenceFact,
    FactLine,
    Nature,
    PartyRef,
    PaymentFact,
    PostedEntry,
    convert_entry,
    document_entries,
    entry_number,
    exchange_difference_entry,
    match_lines,
    payment_entries,
    receivable_allocation,
)
from acompte.domain.accounting.currency import document_anchors, payment_anchors
from acompte.domain.documents import Flow, Kind
from acompte.domain.money import Money
from acompte.domain.payments import Direction
from acompte.services.exports import Ledger

PARTY = PartyRef("C00001", "Café « L’Étoile » | Bar\tTabac")
SETTINGS = AccountingSettings()


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def ledger() -> Ledger:
    invoice = DocumentFact(
        "doc:1",
        Kind.INVOICE,
        Flow.SALE,
        "FA-2026-00001",
        date(2026, 3, 2),
        PARTY,
        "EUR",
        (FactLine(eur("1234.56"), Decimal(20), Nature.GOODS),),
    )
    payment = PaymentFact(
        "pay:1",
        "RC-2026-00001",
        date(2026, 3, 9),
        Direction.IN,
        Flow.SALE,
        PARTY,
        eur("1481.47"),
        allocations=(receivable_allocation("doc:1", "FA-2026-00001", eur("1481.47")),),
    )
    entries = [*document_entries(invoice, SETTINGS), *payment_entries(payment, SETTINGS)]
    posted = [PostedEntry(entry_number(e.journal, 1), date(2026, 4, 2), e) for e in entries]
    matches = match_lines(entries, ["411"])
    return Ledger(
        "Test SARL",
        "123456782",
        "EUR",
        date(2026, 1, 1),
        date(2026, 12, 31),
        date(2026, 12, 31),
        tuple(posted),
        matches,
    )


def tamper(content: bytes, line: int, column: str, value: str) -> bytes:
    records = content.decode("iso-8859-15").split("\r\n")
    fields = records[line].split("\t")
    fields[COLUMNS.index(column)] = value
    records[line] = "\t".join(fields)
    return "\r\n".join(records).encode("iso-8859-15")


def test_the_file_has_the_18_columns_in_order_with_french_numbers_and_dates():
    content = write_fec(ledger())
    assert content.split(b"\r\n")[0].decode() == "\t".join(COLUMNS)
    separator, lines = read_fec(content)
    assert separator == "\t"
    assert [line.values["__count__"] for line in lines] == ["18"] * 5
    first = lines[0].values
    assert first["EcritureDate"] == "20260302" and first["ValidDate"] == "20260402"
    assert first["Debit"] == "1481,47" and first["Credit"] == "0,00"
    assert first["CompAuxLib"] == "Café « L'Étoile » Bar Tabac"  # no separator, no character outside ISO 8859-15
    assert first["EcritureLet"] == "AAA" and first["DateLet"] == "20260309"
    assert content.decode("iso-8859-15")  # ISO 8859-15: "é" is one byte
    assert "é".encode("iso-8859-15") in content and "é".encode() not in content
    assert (
        check_fec(
            content,
            date_from=date(2026, 1, 1),
            date_to=date(2026, 12, 31),
            filename=fec_filename("123456782", date(2026, 12, 31)),
        )
        == []
    )


def test_amounts_never_have_a_dot_or_a_thousands_separator():
    assert fec_amount(eur("1234567.80")) == "1234567,80"
    assert fec_amount(eur("0.05")) == "0,05"


@pytest.mark.parametrize(
    ("line", "column", "value", "problem"),
    [
        (1, "Debit", "1481.47", "montant mal formé"),
        (1, "Debit", "1 481,47", "montant mal formé"),
        (1, "Credit", "1,00", "déséquilibrée"),
        (1, "EcritureDate", "2026-03-02", "n'est pas une date AAAAMMJJ"),
        (1, "EcritureDate", "20260230", "n'est pas une date AAAAMMJJ"),
        (1, "EcritureDate", "20250302", "hors de la période"),
        (1, "CompteNum", "41", "trois chiffres"),
        (1, "JournalLib", "", "JournalLib vide"),
        (1, "DateLet", "", "sans date de lettrage"),
        (2, "EcritureLet", "AAB", "non soldé"),
        (4, "EcritureNum", "BQ000003", "discontinue"),
        (1, "ValidDate", "20270101", "non classées par date de validation"),
    ],
)
def test_the_checker_names_each_breach(line, column, value, problem):
    content = tamper(write_fec(ledger()), line, column, value)
    problems = check_fec(content, date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))
    assert any(problem in p for p in problems), problems


def test_the_checker_also_reads_the_header_the_field_count_and_the_file_name():
    content = write_fec(ledger())
    broken = content.replace(b"JournalCode\tJournalLib", b"JournalLib\tJournalCode", 1)
    assert any("en-tête" in p for p in check_fec(broken))
    short = content.replace(b"\t\t\r\n", b"\t\r\n", 1)
    assert any("champs au lieu de 18" in p for p in check_fec(short))
    assert any("SIRENFECAAAAMMJJ" in p for p in check_fec(content, filename="export.txt"))


def test_a_pipe_separated_file_is_checked_the_same_way_and_the_writer_refuses_other_separators():
    content = write_fec(ledger(), separator="|")
    assert check_fec(content) == []
    with pytest.raises(ValueError):
        write_fec(ledger(), separator=";")


def test_the_writer_refuses_to_hand_out_a_file_outside_its_period():
    bad = ledger()
    bad = Ledger(
        bad.company_name,
        bad.siren,
        bad.currency,
        date(2026, 4, 1),
        date(2026, 4, 30),
        bad.closing_date,
        bad.entries,
        bad.matches,
    )
    with pytest.raises(FecError) as error:
        write_fec(bad)
    assert "hors de la période" in str(error.value)


# -- foreign currency ------------------------------------------------------------------------------------------


def dollar_ledger() -> Ledger:
    """A USD invoice at 0.921537 paid at 0.95 and its exchange gain, posted in euros."""
    rate, paid_at = Decimal("0.921537"), Decimal("0.95")
    usd = Money.of("1200.00", "USD")
    invoice = DocumentFact(
        "doc:1",
        Kind.INVOICE,
        Flow.SALE,
        "FA-2026-00001",
        date(2026, 3, 2),
        PARTY,
        "USD",
        (FactLine(Money.of("1000.00", "USD"), Decimal(20), Nature.GOODS),),
    )
    payment = PaymentFact(
        "pay:1",
        "RC-2026-00001",
        date(2026, 3, 9),
        Direction.IN,
        Flow.SALE,
        PARTY,
        usd,
        allocations=(receivable_allocation("doc:1", "FA-2026-00001", usd),),
    )
    booked = [
        convert_entry(e, rate, "EUR", document_anchors(SETTINGS.accounts)) for e in document_entries(invoice, SETTINGS)
    ]
    paid = [
        convert_entry(e, paid_at, "EUR", payment_anchors(SETTINGS.accounts)) for e in payment_entries(payment, SETTINGS)
    ]
    gain = ExchangeDifferenceFact("fx:1", "RC-2026-00001", date(2026, 3, 9), Flow.SALE, PARTY, eur("34.16"), "doc:1")
    entries = [e for e in (*booked, *paid) if e is not None] + [exchange_difference_entry(gain, SETTINGS)]
    numbers = {"VE": 0, "BQ": 0, "OD": 0}
    posted = []
    for e in entries:
        numbers[e.journal.value] += 1
        posted.append(PostedEntry(entry_number(e.journal, numbers[e.journal.value]), date(2026, 4, 2), e))
    return Ledger(
        "Test SARL",
        "123456782",
        "EUR",
        date(2026, 1, 1),
        date(2026, 12, 31),
        date(2026, 12, 31),
        tuple(posted),
        match_lines(entries, ["411"]),
    )


def test_foreign_currency_lines_give_their_unsigned_amount_and_code_and_euro_lines_leave_them_empty():
    content = write_fec(dollar_ledger())
    assert check_fec(content, date_from=date(2026, 1, 1), date_to=date(2026, 12, 31)) == []
    _, lines = read_fec(content)
    assert [
        (v.values["CompteNum"], v.values["Debit"], v.values["Credit"], v.values["Montantdevise"], v.values["Idevise"])
        for v in lines
    ] == [
        ("411", "1105,84", "0,00", "1200,00", "USD"),
        ("707", "0,00", "921,53", "1000,00", "USD"),
        ("44571", "0,00", "184,31", "200,00", "USD"),
        ("512", "1140,00", "0,00", "1200,00", "USD"),
        ("411", "0,00", "1140,00", "1200,00", "USD"),
        ("411", "34,16", "0,00", "", ""),
        ("756", "0,00", "34,16", "", ""),
    ]
    assert all(v.values["EcritureLet"] for v in lines if v.values["CompteNum"] == "411")


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("Idevise", "", "se renseignent ensemble"),
        ("Montantdevise", "", "se renseignent ensemble"),
        ("Montantdevise", "1200.00", "Montantdevise '1200.00' mal formé"),
        ("Montantdevise", "-1200,00", "mal formé"),
        ("Idevise", "usd", "ISO 4217"),
    ],
)
def test_the_checker_reads_the_currency_columns(column, value, problem):
    content = tamper(write_fec(dollar_ledger()), 1, column, value)
    problems = check_fec(content, date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))
    assert any(problem in p for p in problems), problems
