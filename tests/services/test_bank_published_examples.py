"""The standards' published example files (tests/fixtures/bank/README.md says where each comes from), imported
into an account of their currency and IBAN: every line as the example has it — amounts exact, days, the bank's
references, the remittance references, the counterparty and its IBAN — and any file of any format imported again
adds nothing (both databases)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from acompte.adapters.bank_formats.upload import import_file
from acompte.domain.banking.statements import LineFilter, StatementFormat
from acompte.domain.money import Money
from acompte.services.banking import accounts, csv_mappings, imports
from acompte.services.ports import Ctx
from tests.bank_import_cases import (
    CREDIT_AGRICOLE_CSV,
    CREDIT_AGRICOLE_MAPPING,
    FINPETROL_IBAN,
    ISO_CAMT053,
    OFX_SPEC,
    OFX_SPEC_SGML,
    POSTFINANCE_CAMT054,
    POSTFINANCE_IBAN,
    Into,
    read,
)


def account(app, ctx: Ctx, currency: str, iban: str = "") -> int:  # type: ignore[no-untyped-def]
    return accounts.create_account(app.uow(), ctx, name="Banque", iban=iban, currency=currency).id


def imported(app, ctx: Ctx, account_id: int, name: str):  # type: ignore[no-untyped-def]
    return import_file(app.uow(), ctx, account_id, read(name), file_name=name)


def stored(app, ctx: Ctx, account_id: int) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    """The account's lines as stored, field by field, in file order."""
    return [
        (
            line.booking_date,
            line.value_date,
            line.amount.amount,
            line.amount.currency,
            line.entry_reference,
            line.reference,
            line.label,
            line.counterparty_name,
            line.counterparty_iban,
            line.transaction_code,
        )
        for line in imports.list_lines(app.uow(), ctx, LineFilter(account_id=account_id))
    ]


def test_the_iso_20022_camt053_business_example_imports_its_three_entries(app, ctx):  # type: ignore[no-untyped-def]
    finpetrol = account(app, ctx, "SEK", FINPETROL_IBAN)  # the file names the account by its Swedish number
    summary = imported(app, ctx, finpetrol, ISO_CAMT053)
    assert (summary.format, summary.lines_in_file, summary.added, summary.skipped) == (StatementFormat.CAMT053, 3, 3, 0)
    assert (summary.opening, summary.closing) == (Money.of("500000", "SEK"), Money.of("435678.50", "SEK"))
    day = date(2010, 10, 18)
    assert stored(app, ctx, finpetrol) == [
        (day, day, Decimal("105678.50"), "SEK", "AAAASESS-FP-CN_98765/01", "", "", "MUELLER", "", "PAYM-0001-0005"),
        (day, day, Decimal("-200000.00"), "SEK", "AAAASESS-FP-ACCR-01", "", "", "", "", "PAYM-0001-0003"),
        (day, day, Decimal("30000.00"), "SEK", "AAAASESS-FP-CONF-FX", "", "", "", "", "TREA-0002-0000"),
    ]
    (recorded,) = imports.list_imports(app.uow(), ctx, account_id=finpetrol)
    assert (recorded.statement_ref, recorded.period, recorded.currency) == ("AAAASESS-FP-STAT001", (day, day), "SEK")
    again = imported(app, ctx, finpetrol, ISO_CAMT053)
    assert (again.added, again.skipped) == (0, 3) and len(stored(app, ctx, finpetrol)) == 3


def test_the_postfinance_camt054_example_imports_its_batch_credit_as_one_line(app, ctx):  # type: ignore[no-untyped-def]
    postfinance = account(app, ctx, "CHF", POSTFINANCE_IBAN)
    summary = imported(app, ctx, postfinance, POSTFINANCE_CAMT054)
    assert (summary.format, summary.added, summary.opening, summary.closing) == (StatementFormat.CAMT054, 1, None, None)
    day = date(2020, 6, 18)
    assert stored(app, ctx, postfinance) == [
        (
            day,
            day,
            Decimal("1692.22"),  # the two QR-bill payments of 778.29 and 913.93, booked as one credit
            "CHF",
            "1000000000000000",
            "539115429773825311971477453 662437765447746478179744715",  # both QR references
            "SAMMELGUTSCHRIFT FÜR KONTO: CH7730000001250094239 VERARBEITUNG VOM 18.06.2020 PAKET ID: 200618CH000009TB",
            "Bernasconi Maria",
            "CH5109000000250092291",
            "PMNT-RCDT-VCOM",
        )
    ]
    assert (imported(app, ctx, postfinance, POSTFINANCE_CAMT054).added, len(stored(app, ctx, postfinance))) == (0, 1)


@pytest.mark.parametrize("name", [OFX_SPEC, OFX_SPEC_SGML])
def test_the_ofx_specification_example_imports_its_check_and_atm_withdrawal(app, ctx, name):  # type: ignore[no-untyped-def]
    checking = account(app, ctx, "USD")  # a US account: no IBAN to compare the file's routing number with
    summary = imported(app, ctx, checking, name)
    assert (summary.format, summary.added, summary.opening, summary.closing) == (
        StatementFormat.OFX,
        2,
        None,  # OFX gives no opening balance
        Money.of("200.29", "USD"),
    )
    assert stored(app, ctx, checking) == [
        (date(2005, 10, 4), None, Decimal("-200.00"), "USD", "00002", "1000", "", "", "", "CHECK"),
        (date(2005, 10, 20), date(2005, 10, 20), Decimal("-300.00"), "USD", "00003", "", "", "", "", "ATM"),
    ]
    (recorded,) = imports.list_imports(app.uow(), ctx, account_id=checking)
    assert recorded.period == (date(2005, 10, 1), date(2005, 10, 28)) and recorded.statement_ref == "1001"


def test_the_ofx_example_in_sgml_after_the_same_in_xml_adds_nothing(app, ctx):  # type: ignore[no-untyped-def]
    checking = account(app, ctx, "USD")
    imported(app, ctx, checking, OFX_SPEC)
    again = imported(app, ctx, checking, OFX_SPEC_SGML)  # the bank's FITIDs name the same two transactions
    assert (again.added, again.skipped) == (0, 2) and len(stored(app, ctx, checking)) == 2


def test_a_statement_of_a_day_without_movements_is_imported_for_its_balances(app, ctx):  # type: ignore[no-untyped-def]
    finpetrol = account(app, ctx, "SEK", FINPETROL_IBAN)
    data = read(ISO_CAMT053)
    quiet = data[: data.index(b"<Ntry>")].replace(b">435678.50<", b">500000<") + data[data.index(b"</Stmt>") :]
    summary = import_file(app.uow(), ctx, finpetrol, quiet)
    assert (summary.added, summary.opening, summary.closing) == (
        0,
        Money.of("500000", "SEK"),
        Money.of("500000", "SEK"),
    )
    assert len(imports.list_imports(app.uow(), ctx, account_id=finpetrol)) == 1


@pytest.mark.parametrize(
    ("name", "into", "count"),
    [
        (ISO_CAMT053, Into("SEK", FINPETROL_IBAN), 3),
        (POSTFINANCE_CAMT054, Into("CHF", POSTFINANCE_IBAN), 1),
        (OFX_SPEC, Into("USD"), 2),
        (OFX_SPEC_SGML, Into("USD"), 2),
        (CREDIT_AGRICOLE_CSV, Into("EUR", mapping=CREDIT_AGRICOLE_MAPPING), 5),
    ],
)
def test_a_file_imported_again_adds_nothing_and_the_import_says_so(app, ctx, name, into, count):  # type: ignore[no-untyped-def]
    bank = account(app, ctx, into.currency, into.iban)
    mapping = csv_mappings.create_mapping(app.uow(), ctx, **into.mapping).id if into.mapping else None
    first = import_file(app.uow(), ctx, bank, read(name), mapping_id=mapping)
    again = import_file(app.uow(), ctx, bank, read(name), mapping_id=mapping)
    assert (first.added, first.skipped, again.added, again.skipped) == (count, 0, 0, count)
    assert len(stored(app, ctx, bank)) == count
    latest, earlier = imports.list_imports(app.uow(), ctx, account_id=bank)
    assert (latest.lines_added, latest.lines_skipped, earlier.lines_added) == (0, count, count)
