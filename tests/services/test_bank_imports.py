"""Importing a statement: the new lines are added once, the file must be the account's and add up, and a refused
file writes nothing (both databases)."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest
from bench.bank_statements import camt053

from acompte.adapters.bank_formats import read_statement
from acompte.domain.banking.errors import StatementCurrencyMismatch, StatementOtherAccount, StatementUnbalanced
from acompte.domain.banking.lines import LineState
from acompte.domain.banking.statements import CsvMapping, LineFilter, Statement
from acompte.domain.errors import NotFound
from acompte.domain.money import Money
from acompte.domain.payments import AccountKind
from acompte.services import companies
from acompte.services.banking import imports
from acompte.services.ports import Ctx, UnitOfWork

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank"
CA_IBAN = "FR7630006000011234567890189"
QONTO = CsvMapping(
    name="Qonto",
    columns={
        "date": "settlement_date",
        "value_date": "value_date",
        "amount": "amount",
        "label": "label",
        "reference": "reference",
        "counterparty": "counterparty_name",
        "iban": "iban",
    },
    delimiter=",",
    decimal_comma=False,
    date_format="yyyy-mm-dd",
)


def account(uow: UnitOfWork, ctx: Ctx, iban: str = CA_IBAN) -> int:
    return companies.add_account(uow, ctx, name="Crédit Agricole", kind=AccountKind.BANK, iban=iban)


def statement(name: str, mapping: CsvMapping | None = None) -> tuple[Statement, str]:
    data = (FIXTURES / name).read_bytes()
    return read_statement(data, None, currency="EUR", mapping=mapping), hashlib.sha256(data).hexdigest()


def run(uow: UnitOfWork, ctx: Ctx, account_id: int, name: str, mapping: CsvMapping | None = None):  # type: ignore[no-untyped-def]
    read, digest = statement(name, mapping)
    return imports.import_statement(uow, ctx, account_id, read, file_name=name, file_sha256=digest)


def lines_of(uow: UnitOfWork, ctx: Ctx, account_id: int):  # type: ignore[no-untyped-def]
    return imports.list_lines(uow, ctx, LineFilter(account_id=account_id))


def test_a_camt053_statement_adds_its_lines_and_records_the_import(uow, ctx):
    bank = account(uow, ctx)
    summary = run(uow, ctx, bank, "credit-agricole-camt053-v08.xml")
    assert (summary.lines_in_file, summary.added, summary.skipped) == (6, 6, 0)
    lines = lines_of(uow, ctx, bank)
    assert [str(line.amount.amount) for line in lines] == [
        "1440.00",
        "2437.52",
        "-356.40",
        "-12.50",
        "-980.00",
        "600.00",
    ]
    transfer, card, debit = lines[0], lines[1], lines[2]
    assert transfer.counterparty_name == "DUPONT MENUISERIE" and transfer.reference.startswith("RF18539007547034")
    assert transfer.entry_reference == "2026120400001VIR" and transfer.state is LineState.OPEN
    assert card.transaction_code == "PMNT-CCRD-POSD" and "CB 5131XXXXXXXX8841" in card.reference
    assert debit.counterparty_iban == "FR1610096180790003390612018"  # the creditor of money paid out
    (recorded,) = imports.list_imports(uow, ctx, account_id=bank)
    assert (recorded.lines_added, recorded.lines_skipped, recorded.file_name) == (
        6,
        0,
        "credit-agricole-camt053-v08.xml",
    )
    assert recorded.opening == Money.of("10000.00", "EUR") and recorded.closing == Money.of("13128.62", "EUR")
    assert recorded.imported_by == "tester"


def test_the_same_file_twice_adds_nothing_and_says_so(uow, ctx):
    bank = account(uow, ctx)
    run(uow, ctx, bank, "credit-agricole-camt053-v08.xml")
    again = run(uow, ctx, bank, "credit-agricole-camt053-v08.xml")
    assert (again.added, again.skipped) == (0, 6)
    assert len(lines_of(uow, ctx, bank)) == 6
    latest = imports.list_imports(uow, ctx, account_id=bank)[0]
    assert (latest.lines_added, latest.lines_skipped) == (0, 6)


def test_a_notification_then_the_statement_holding_the_same_entries_adds_only_the_others(uow, ctx):
    bank = account(uow, ctx)
    notified, digest = statement("societe-generale-camt054-v08.xml")
    day_statement, _ = statement("credit-agricole-camt053-v08.xml")
    imports.import_statement(uow, ctx, bank, notified, file_sha256=digest)
    # the end-of-day statement carries the first notified entry again, under the same bank reference
    repeated = dataclasses.replace(
        day_statement,
        lines=(*day_statement.lines, dataclasses.replace(notified.lines[0], position=6)),
        closing=day_statement.closing + notified.lines[0].amount,  # type: ignore[operator]
    )
    summary = imports.import_statement(uow, ctx, bank, repeated, file_sha256="1" * 64)
    assert (summary.added, summary.skipped) == (6, 1)
    assert len(lines_of(uow, ctx, bank)) == 8


def test_csv_lines_without_bank_references_are_told_apart_by_their_place_in_the_file(uow, ctx):
    bank = account(uow, ctx, iban="")
    first = run(uow, ctx, bank, "qonto.csv", QONTO)
    assert (first.added, first.skipped) == (4, 0)  # the two equal EDF debits of one day are two lines
    again = run(uow, ctx, bank, "qonto.csv", QONTO)
    assert (again.added, again.skipped) == (0, 4)


def test_a_statement_whose_balances_do_not_add_up_is_refused_with_the_figures_and_writes_nothing(uow, ctx):
    bank = account(uow, ctx)
    read, digest = statement("credit-agricole-camt053-v08.xml")
    wrong = dataclasses.replace(read, closing=Money.of("13128.52", "EUR"))
    with pytest.raises(StatementUnbalanced) as refused:
        imports.import_statement(uow, ctx, bank, wrong, file_sha256=digest)
    assert refused.value.params == {
        "opening": Money.of("10000.00", "EUR"),
        "total": Money.of("3128.62", "EUR"),
        "closing": Money.of("13128.52", "EUR"),
        "difference": Money.of("-0.10", "EUR"),
    }
    assert lines_of(uow, ctx, bank) == [] and imports.list_imports(uow, ctx, account_id=bank) == []


def test_a_statement_of_another_iban_is_refused_and_writes_nothing(uow, ctx):
    bank = account(uow, ctx, iban="FR1420041010050500013M02606")
    with pytest.raises(StatementOtherAccount) as refused:
        run(uow, ctx, bank, "credit-agricole-camt053-v08.xml")
    assert refused.value.params["iban"] == CA_IBAN
    assert lines_of(uow, ctx, bank) == [] and imports.list_imports(uow, ctx, account_id=bank) == []


def test_an_ofx_file_of_another_account_number_is_refused(uow, ctx):
    bank = account(uow, ctx, iban="FR1420041010050500013M02606")
    with pytest.raises(StatementOtherAccount):
        run(uow, ctx, bank, "banque-populaire.ofx")
    own = account(uow, ctx, iban="FR1510907000011234567890106")
    assert run(uow, ctx, own, "banque-populaire.ofx").added == 4


def test_a_statement_in_another_currency_than_the_accounts_is_refused(uow, ctx):
    bank = account(uow, ctx)
    read, digest = statement("credit-agricole-camt053-v08.xml")
    dollars = dataclasses.replace(read, currency="USD", opening=None, closing=None)
    with pytest.raises(StatementCurrencyMismatch) as refused:
        imports.import_statement(uow, ctx, bank, dollars, file_sha256=digest)
    assert refused.value.params["currency"] == "USD" and refused.value.params["account_currency"] == "EUR"
    assert imports.list_imports(uow, ctx, account_id=bank) == []


def test_another_company_cannot_import_into_the_account_nor_read_its_lines(uow, ctx, other_ctx):
    bank = account(uow, ctx)
    run(uow, ctx, bank, "credit-agricole-camt053-v08.xml")
    with pytest.raises(NotFound):
        run(uow, other_ctx, bank, "credit-agricole-camt053-v08.xml")
    line = lines_of(uow, ctx, bank)[0]
    with pytest.raises(NotFound):
        imports.get_line(uow, other_ctx, line.id)
    assert imports.list_lines(uow, other_ctx, LineFilter(account_id=bank)) == []
    assert imports.list_imports(uow, other_ctx, account_id=bank) == []


def test_an_account_is_found_by_its_id_or_its_iban_written_any_way(uow, ctx):
    bank = account(uow, ctx)
    assert imports.find_account(uow, ctx, str(bank)).id == bank
    assert imports.find_account(uow, ctx, "fr76 3000 6000 0112 3456 7890 189").id == bank
    with pytest.raises(NotFound):
        imports.find_account(uow, ctx, "FR1420041010050500013M02606")


def test_lines_are_filtered_by_state_and_dates_and_the_page_counts_them(uow, ctx):
    bank = account(uow, ctx, iban="")
    run(uow, ctx, bank, "qonto.csv", QONTO)
    from datetime import date

    where = LineFilter(account_id=bank, date_from=date(2026, 12, 2), date_to=date(2026, 12, 2))
    assert len(imports.list_lines(uow, ctx, where)) == 2
    page = imports.line_page(uow, ctx, LineFilter(account_id=bank), page=1, size=3, currency="EUR")
    assert page.count == 4 and len(page.lines) == 3 and page.total == Money.of("1977.20", "EUR")
    assert page.lines[0].booking_date == date(2026, 12, 3)  # newest first
    assert imports.list_lines(uow, ctx, LineFilter(account_id=bank, state=LineState.RECONCILED)) == []


def test_two_thousand_lines_import_and_import_again_with_none_added(uow, ctx):
    bank = account(uow, ctx)
    data = camt053(2000)
    read = read_statement(data, None, currency="EUR")
    told: list[tuple[int, int]] = []
    first = imports.import_statement(
        uow, ctx, bank, read, file_sha256="2" * 64, progress=lambda done, total: told.append((done, total))
    )
    assert (first.added, first.skipped) == (2000, 0)
    assert told[0] == (0, 2000) and told[-1] == (2000, 2000)
    again = imports.import_statement(uow, ctx, bank, read, file_sha256="2" * 64)
    assert (again.added, again.skipped) == (0, 2000)
    count, _ = imports.line_page(uow, ctx, LineFilter(account_id=bank), page=1, size=1, currency="EUR").count, 0
    assert count == 2000


def test_the_same_file_imported_twice_at_once_adds_its_lines_once(app, uow, ctx):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    bank = account(uow, ctx)
    read, digest = statement("credit-agricole-camt053-v08.xml")
    barrier = threading.Barrier(2)

    def one() -> tuple[int, int]:
        barrier.wait()
        done = imports.import_statement(app.uow(), ctx, bank, read, file_sha256=digest)
        return done.added, done.skipped

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = sorted(pool.map(lambda _: one(), range(2)))
    assert results == [(0, 6), (6, 0)]  # the account's row is locked: the second sees the first's lines
    assert len(lines_of(uow, ctx, bank)) == 6
