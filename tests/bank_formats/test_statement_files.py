"""Statement files read into statements: each format's fixture as a French bank sends it, and bad files refused
with the line of the file, the field and the reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from acompte.adapters.bank_formats import detect, read_statement
from acompte.adapters.i18n.render import message
from acompte.domain.banking.errors import InvalidStatement, UnreadableStatement
from acompte.domain.banking.statements import (
    CsvMapping,
    StatementField,
    StatementFormat,
    check_balances,
    check_not_empty,
)
from acompte.domain.errors import Reason
from acompte.domain.money import Money

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank"
CREDIT_AGRICOLE = CsvMapping(
    name="Crédit Agricole",
    columns={
        "date": "Date",
        "value_date": "Date valeur",
        "label": "Libellé",
        "debit": "Débit euros",
        "credit": "Crédit euros",
    },
    encoding="cp1252",
    skip_rows=2,
)


def read(name: str, mapping: CsvMapping | None = None, data: bytes | None = None):  # type: ignore[no-untyped-def]
    return read_statement(
        data if data is not None else (FIXTURES / name).read_bytes(), None, currency="EUR", mapping=mapping
    )


def amounts(statement) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(line.amount.amount) for line in statement.lines]


def test_a_camt053_v08_statement_reads_its_balances_entries_parties_and_codes():
    statement = read("credit-agricole-camt053-v08.xml")
    assert statement.format is StatementFormat.CAMT053 and statement.account_ibans == ("FR7630006000011234567890189",)
    assert (statement.opening, statement.closing) == (Money.of("10000.00", "EUR"), Money.of("13128.62", "EUR"))
    assert statement.period == (date(2026, 12, 4), date(2026, 12, 4)) and statement.statement_ref == "20261204-00023"
    assert amounts(statement) == ["1440.00", "2437.52", "-356.40", "-12.50", "-980.00", "600.00"]
    transfer, card, debit, fees, supplier, cheques = statement.lines
    assert transfer.reference == "RF18539007547034 Facture FA-2026-00042 chantier Lyon"
    assert (transfer.counterparty_name, transfer.counterparty_iban) == (
        "DUPONT MENUISERIE",
        "FR1420041010050500013M02606",
    )
    assert (transfer.value_date, transfer.entry_reference) == (date(2026, 12, 4), "2026120400001VIR")
    assert card.label == "REMISE CB 03/12 3 FACTURES COMMISSION 21,48" and card.reference.count("CB ") == 3
    assert card.counterparty_name == "" and card.value_date == date(2026, 12, 5)
    assert (debit.counterparty_name, debit.transaction_code) == ("EDF ENTREPRISES", "PMNT-RDDT-ESDD")
    assert fees.transaction_code == "ACMT-MDOP-CHRG" and supplier.counterparty_name == "BOIS ET SCIERIES DU JURA"
    assert cheques.reference == "" and [line.position for line in statement.lines] == [0, 1, 2, 3, 4, 5]
    check_balances(statement)


def test_a_camt053_v02_statement_leaves_pending_entries_out_and_names_parties_without_pty():
    statement = read("bnp-camt053-v02.xml")
    assert statement.opening == Money.of("2500.00", "EUR")  # PRCD: the previous day's closing balance
    assert amounts(statement) == ["360.00", "-1020.00", "20.10"]  # the pending card payment is not booked yet
    assert statement.lines[0].counterparty_name == "BOULANGERIE MARTIN"
    assert statement.lines[1].counterparty_name == "QUINCAILLERIE CENTRALE"
    assert statement.lines[2].transaction_code == "CB-REMB"
    check_balances(statement)


def test_a_camt054_notification_has_lines_and_no_balances():
    statement = read("societe-generale-camt054-v08.xml")
    assert statement.format is StatementFormat.CAMT054 and statement.opening is None and statement.closing is None
    assert amounts(statement) == ["2400.00", "150.00"]
    assert statement.lines[0].reference == "RF71FA2026000420" and statement.lines[1].label == "fa 2026 43 solde"


def test_an_ofx_1_sgml_file_of_a_french_bank_reads_fitid_name_memo_and_ledger_balance():
    statement = read("banque-populaire.ofx")
    assert statement.format is StatementFormat.OFX and statement.closing == Money.of("5091.10", "EUR")
    assert statement.opening is None and statement.account_number == "109070000112345678901"
    assert amounts(statement) == ["1440.00", "-12.50", "-356.40", "-980.00"]
    first, _fees, debit, cheque = statement.lines
    assert (first.entry_reference, first.label, first.reference) == (
        "0A1B2C3D4E",
        "VIR SEPA DUPONT MENUISERIE",
        "FA-2026-00042",
    )
    assert debit.transaction_code == "DIRECTDEBIT" and "RF18539007547034" in debit.reference
    assert cheque.reference == "0001234" and statement.source_lines[0] == 40


def test_an_ofx_2_xml_file_reads_the_day_as_the_bank_wrote_it():
    statement = read("lcl-ofx2.ofx")
    assert amounts(statement) == ["720.00", "-64.90"]
    assert [line.booking_date for line in statement.lines] == [date(2026, 12, 4), date(2026, 12, 5)]


def test_a_french_csv_export_with_debit_and_credit_columns_reads_exactly():
    statement = read("credit-agricole.csv", CREDIT_AGRICOLE)
    assert amounts(statement) == ["1440.00", "-2315.77", "455.80", "-12.50", "-980.00"]
    assert statement.lines[1].label == "PRLV SEPA URSSAF ÎLE-DE-FRANCE"  # cp1252
    assert statement.lines[2].value_date == date(2026, 12, 4) and statement.source_lines == (5, 6, 7, 8, 9)


def test_formats_are_detected_from_the_file():
    assert detect((FIXTURES / "credit-agricole-camt053-v08.xml").read_bytes()) is StatementFormat.CAMT053
    assert detect((FIXTURES / "societe-generale-camt054-v08.xml").read_bytes()) is StatementFormat.CAMT054
    assert detect((FIXTURES / "banque-populaire.ofx").read_bytes()) is StatementFormat.OFX
    assert detect((FIXTURES / "lcl-ofx2.ofx").read_bytes()) is StatementFormat.OFX
    assert detect((FIXTURES / "qonto.csv").read_bytes()) is StatementFormat.CSV
    assert detect((FIXTURES / "iso20022-camt053-v04-business-example.xml").read_bytes()) is StatementFormat.CAMT053
    assert detect((FIXTURES / "postfinance-camt054-v04-qr-credit.xml").read_bytes()) is StatementFormat.CAMT054
    assert detect((FIXTURES / "ofx-spec-bank-statement.ofx").read_bytes()) is StatementFormat.OFX
    assert detect((FIXTURES / "ofx-spec-bank-statement-sgml.ofx").read_bytes()) is StatementFormat.OFX


def refused(name: str, data: bytes, mapping: CsvMapping | None = None) -> InvalidStatement:
    with pytest.raises(InvalidStatement) as caught:
        read(name, mapping, data)
    return caught.value


def test_malformed_xml_is_refused_with_its_line():
    data = (FIXTURES / "credit-agricole-camt053-v08.xml").read_bytes().replace(b"</Ntry>", b"</Ntri>", 1)
    error = refused("x", data)
    assert error.params["reason"] is Reason.STATEMENT_NOT_XML and error.params["line"] == 70


def test_a_file_against_the_schema_is_refused_with_its_line():
    data = (FIXTURES / "credit-agricole-camt053-v08.xml").read_bytes()
    data = data.replace(b"<CdtDbtInd>DBIT</CdtDbtInd>", b"<CdtDbtInd>MINUS</CdtDbtInd>", 1)
    error = refused("x", data)
    assert error.params["reason"] is Reason.STATEMENT_SCHEMA and error.params["line"] == 103
    assert "Ligne" not in message(error, "en") and "line 103" in message(error, "en")


def test_empty_and_unknown_files_are_unreadable():
    for data, reason in [
        (b"", Reason.STATEMENT_EMPTY),
        (b"  \n", Reason.STATEMENT_EMPTY),
        (b"<a/>", Reason.STATEMENT_FORMAT_UNKNOWN),
    ]:
        with pytest.raises(UnreadableStatement) as caught:
            read("x", None, data)
        assert caught.value.params["reason"] is reason
    with pytest.raises(UnreadableStatement) as caught:
        read("qonto.csv")  # a CSV file without its bank's mapping
    assert caught.value.params["reason"] is Reason.STATEMENT_MAPPING_REQUIRED


def test_a_bad_ofx_amount_names_its_transactions_line():
    data = (FIXTURES / "banque-populaire.ofx").read_bytes().replace(b"<TRNAMT>-356.40", b"<TRNAMT>-356,4O")
    error = refused("x", data)
    assert error.params["line"] == 57


def test_csv_refusals_say_which_line_which_field_and_why():
    data = (FIXTURES / "credit-agricole.csv").read_bytes()
    bad_amount = refused("x", data.replace("2 315,77".encode("cp1252"), b"2 315,7x"), CREDIT_AGRICOLE)
    assert (bad_amount.params["line"], bad_amount.params["field"]) == (6, StatementField.DEBIT)
    assert bad_amount.params["reason"] is Reason.STATEMENT_AMOUNT_FORMAT
    assert message(bad_amount, "fr") == (
        "Relevé refusé, ligne 6 (débit) : montant « -2 315,7x » illisible. Rien n'a été importé."
    )
    bad_date = refused("x", data.replace(b"03/12/2026;04/12/2026", b"03/13/2026;04/12/2026"), CREDIT_AGRICOLE)
    assert (bad_date.params["line"], bad_date.params["field"]) == (7, StatementField.BOOKING_DATE)
    wrong_encoding = refused("x", data, CsvMapping(**{**CREDIT_AGRICOLE.__dict__, "encoding": "utf-8"}))
    assert wrong_encoding.params["reason"] is Reason.STATEMENT_ENCODING and wrong_encoding.params["line"] == 1
    missing = refused("x", data, CsvMapping(**{**CREDIT_AGRICOLE.__dict__, "columns": {"date": "Jour", "amount": "2"}}))
    assert missing.params["reason"] is Reason.STATEMENT_COLUMN_MISSING and missing.params["line"] == 4


def test_a_file_cut_short_and_a_file_of_nothing_say_so_in_both_languages():
    sgml = (FIXTURES / "ofx-spec-bank-statement-sgml.ofx").read_bytes()
    cut = refused("x", sgml[: sgml.index(b"<LEDGERBAL>")])  # ofxtools alone would read the two lines before it
    assert message(cut, "fr") == (
        "Relevé refusé, ligne 59 (fichier) : fichier incomplet : il s'arrête avant </OFX>. Rien n'a été importé."
    )
    assert message(cut, "en") == (
        "Statement refused, line 59 (file): incomplete file: it stops before </OFX>. Nothing was imported."
    )
    header = (FIXTURES / "credit-agricole.csv").read_bytes().split(b"01/12/2026")[0]
    with pytest.raises(UnreadableStatement) as caught:
        check_not_empty(read("x", CREDIT_AGRICOLE, header))
    assert message(caught.value, "en") == (
        "Unreadable statement file: the file holds no transaction and no balance. Nothing was imported."
    )
    assert message(caught.value, "fr") == (
        "Fichier de relevé illisible : le fichier ne contient ni opération ni solde. Rien n'a été importé."
    )
