"""The statement files of tests/fixtures/bank (see its README.md for where each comes from), the company and account
each one belongs to, and the malformed files made from them by one change each, with the refusal each must meet:
the error's class and params. The service tests and the API tests both run them, and both check that a refused
file wrote nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from acompte.domain.banking.errors import (
    InvalidStatement,
    StatementCurrencyMismatch,
    StatementOtherAccount,
    StatementUnbalanced,
    UnreadableStatement,
)
from acompte.domain.banking.statements import StatementField
from acompte.domain.errors import DomainError, Reason
from acompte.domain.money import Money

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bank"

ISO_CAMT053 = "iso20022-camt053-v04-business-example.xml"
POSTFINANCE_CAMT054 = "postfinance-camt054-v04-qr-credit.xml"
OFX_SPEC = "ofx-spec-bank-statement.ofx"
OFX_SPEC_SGML = "ofx-spec-bank-statement-sgml.ofx"
CREDIT_AGRICOLE_CSV = "credit-agricole.csv"

#: The Crédit Agricole export's saved mapping, as a clerk would enter it.
CREDIT_AGRICOLE_MAPPING: dict[str, object] = {
    "name": "Crédit Agricole",
    "encoding": "cp1252",
    "skip_rows": 2,
    "columns": {
        "date": "Date",
        "value_date": "Date valeur",
        "label": "Libellé",
        "debit": "Débit euros",
        "credit": "Crédit euros",
    },
}

#: The accounts the examples are of: the IBAN of the ISO example's Swedish account number (the Swedish example of
#: the IBAN registry), PostFinance's example account, and a French one for the files that name none.
FINPETROL_IBAN = "SE3550000000054910000003"
POSTFINANCE_IBAN = "CH2909000000250094239"
FRENCH_IBAN = "FR7630006000011234567890189"
OTHER_SWEDISH_IBAN = "SE4550000000058398257466"
OTHER_SWISS_IBAN = "CH5109000000250092291"


@dataclass(frozen=True)
class Into:
    """The account a file is imported into: its currency, its IBAN ("" for none), its bank's CSV mapping."""

    currency: str
    iban: str = ""
    mapping: dict[str, object] | None = None


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def replace(old: bytes, new: bytes, count: int = 1) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(old, new, count)


def cut_before(marker: bytes) -> Callable[[bytes], bytes]:
    """The file as a download cut short just before `marker` leaves it."""
    return lambda data: data[: data.index(marker)]


def without(start: bytes, end: bytes) -> Callable[[bytes], bytes]:
    """The file without the part from `start` to the end of `end` (the first of each)."""
    return lambda data: data[: data.index(start)] + data[data.index(end) + len(end) :]


def unchanged(data: bytes) -> bytes:
    return data


def nothing(_data: bytes) -> bytes:
    return b""


@dataclass(frozen=True)
class Refusal:
    id: str
    fixture: str
    into: Into
    change: Callable[[bytes], bytes]
    error: type[DomainError]
    #: The params the refusal must carry (it may carry more: a parser's own words in `detail`).
    params: dict[str, object] = field(default_factory=dict)

    def data(self) -> bytes:
        return self.change(read(self.fixture))


def not_xml(line: int) -> dict[str, object]:
    return {"line": line, "field": StatementField.FILE, "reason": Reason.STATEMENT_NOT_XML}


def bad_value(line: int, where: StatementField, reason: Reason, **more: object) -> dict[str, object]:
    return {"line": line, "field": where, "reason": reason, **more}


SEK = Into("SEK", FINPETROL_IBAN)
CHF = Into("CHF", POSTFINANCE_IBAN)
USD = Into("USD")
CSV = Into("EUR", mapping=CREDIT_AGRICOLE_MAPPING)
EMPTY = {"reason": Reason.STATEMENT_EMPTY}
NO_LINES = {"reason": Reason.STATEMENT_NO_LINES}


def sek(text: str) -> Money:
    return Money.of(text, "SEK")


REFUSALS: tuple[Refusal, ...] = (
    # camt.053: the ISO 20022 business example
    Refusal("camt053-tag-mismatch", ISO_CAMT053, SEK, replace(b"</Ntry>", b"</Ntri>"), InvalidStatement, not_xml(96)),
    Refusal("camt053-cut-short", ISO_CAMT053, SEK, cut_before(b"</Stmt>"), InvalidStatement, not_xml(165)),
    Refusal(
        "camt053-wrong-closing-balance",
        ISO_CAMT053,
        SEK,
        replace(b">435678.50<", b">435678.60<"),
        StatementUnbalanced,
        {"opening": sek("500000"), "total": sek("-64321.50"), "closing": sek("435678.60"), "difference": sek("0.10")},
    ),
    Refusal(
        "camt053-unknown-currency",
        ISO_CAMT053,
        SEK,
        replace(b'Ccy="SEK"', b'Ccy="ZZZ"', -1),
        InvalidStatement,
        bad_value(44, StatementField.CURRENCY, Reason.STATEMENT_CURRENCY, value="ZZZ"),
    ),
    Refusal(
        "camt053-other-currency-than-the-accounts",
        ISO_CAMT053,
        Into("EUR", FINPETROL_IBAN),
        unchanged,
        StatementCurrencyMismatch,
        {"currency": "SEK", "account_currency": "EUR"},
    ),
    Refusal(
        "camt053-unknown-account",
        ISO_CAMT053,
        Into("SEK", OTHER_SWEDISH_IBAN),
        unchanged,
        StatementOtherAccount,
        {"iban": "50000000054910000003", "account_iban": OTHER_SWEDISH_IBAN},
    ),
    Refusal("camt053-empty-file", ISO_CAMT053, SEK, nothing, UnreadableStatement, EMPTY),
    # camt.054: PostFinance's example notification
    Refusal("camt054-cut-short", POSTFINANCE_CAMT054, CHF, cut_before(b"</Ntfctn>"), InvalidStatement, not_xml(205)),
    Refusal(
        "camt054-unknown-currency",
        POSTFINANCE_CAMT054,
        CHF,
        replace(b'Ccy="CHF"', b'Ccy="ZZZ"', -1),
        InvalidStatement,
        bad_value(31, StatementField.CURRENCY, Reason.STATEMENT_CURRENCY, value="ZZZ"),
    ),
    Refusal(
        "camt054-other-currency-than-the-accounts",
        POSTFINANCE_CAMT054,
        Into("EUR", POSTFINANCE_IBAN),
        unchanged,
        StatementCurrencyMismatch,
        {"currency": "CHF", "account_currency": "EUR"},
    ),
    Refusal(
        "camt054-unknown-account",
        POSTFINANCE_CAMT054,
        Into("CHF", OTHER_SWISS_IBAN),
        unchanged,
        StatementOtherAccount,
        {"iban": POSTFINANCE_IBAN, "account_iban": OTHER_SWISS_IBAN},
    ),
    Refusal("camt054-empty-file", POSTFINANCE_CAMT054, CHF, nothing, UnreadableStatement, EMPTY),
    Refusal(
        "camt054-no-entry", POSTFINANCE_CAMT054, CHF, without(b"<Ntry>", b"</Ntry>"), UnreadableStatement, NO_LINES
    ),
    # OFX 2 (XML): the OFX specification's bank statement example
    Refusal("ofx-tag-mismatch", OFX_SPEC, USD, replace(b"</TRNAMT>", b"</TRNAMNT>"), InvalidStatement, not_xml(40)),
    Refusal("ofx-cut-short", OFX_SPEC, USD, cut_before(b"</BANKTRANLIST>"), InvalidStatement, not_xml(51)),
    Refusal(
        "ofx-unreadable-amount",
        OFX_SPEC,
        USD,
        replace(b"-300.00", b"-3OO.00"),
        InvalidStatement,
        bad_value(44, StatementField.AMOUNT, Reason.STATEMENT_AMOUNT_FORMAT, value="-3OO.00"),
    ),
    Refusal(
        "ofx-unknown-currency",
        OFX_SPEC,
        USD,
        replace(b"<CURDEF>USD", b"<CURDEF>ZZZ"),
        InvalidStatement,
        bad_value(28, StatementField.CURRENCY, Reason.STATEMENT_CURRENCY, value="ZZZ"),
    ),
    Refusal(
        "ofx-other-currency-than-the-accounts",
        OFX_SPEC,
        Into("EUR"),
        unchanged,
        StatementCurrencyMismatch,
        {"currency": "USD", "account_currency": "EUR"},
    ),
    Refusal(
        "ofx-unknown-account",
        OFX_SPEC,
        Into("USD", FRENCH_IBAN),
        unchanged,
        StatementOtherAccount,
        {"iban": "121099999999988", "account_iban": FRENCH_IBAN},
    ),
    Refusal("ofx-empty-file", OFX_SPEC, USD, nothing, UnreadableStatement, EMPTY),
    # OFX 1 (SGML): the same example
    Refusal(
        "ofx-sgml-cut-short",
        OFX_SPEC_SGML,
        USD,
        cut_before(b"<LEDGERBAL>"),
        InvalidStatement,
        bad_value(59, StatementField.FILE, Reason.STATEMENT_CUT_SHORT, expected="</OFX>"),
    ),
    Refusal(
        "ofx-sgml-unknown-currency",
        OFX_SPEC_SGML,
        USD,
        replace(b"<CURDEF>USD", b"<CURDEF>ZZZ"),
        InvalidStatement,
        bad_value(36, StatementField.CURRENCY, Reason.STATEMENT_CURRENCY, value="ZZZ"),
    ),
    Refusal(
        "ofx-sgml-booking-date-missing",
        OFX_SPEC_SGML,
        USD,
        replace(b"<DTPOSTED>20051020000000.000[+0:UTC]\r\n", b""),
        InvalidStatement,
        bad_value(52, StatementField.BOOKING_DATE, Reason.STATEMENT_VALUE_MISSING),
    ),
    # CSV: a Crédit Agricole export (CSV names no currency, no account and no balance: its lines are in the
    # account's currency, and there is nothing of the account to check)
    Refusal(
        "csv-unreadable-amount",
        CREDIT_AGRICOLE_CSV,
        CSV,
        replace("2 315,77".encode("cp1252"), b"2 315,7x"),
        InvalidStatement,
        bad_value(6, StatementField.DEBIT, Reason.STATEMENT_AMOUNT_FORMAT, value="-2 315,7x"),
    ),
    Refusal(
        "csv-unreadable-date",
        CREDIT_AGRICOLE_CSV,
        CSV,
        replace(b"03/12/2026;04/12/2026", b"03/13/2026;04/12/2026"),
        InvalidStatement,
        bad_value(7, StatementField.BOOKING_DATE, Reason.STATEMENT_DATE_FORMAT, value="03/13/2026"),
    ),
    Refusal(
        "csv-amount-in-another-currency",
        CREDIT_AGRICOLE_CSV,
        CSV,
        replace(b";1 440,00", b";1 440,00 USD"),
        InvalidStatement,
        bad_value(5, StatementField.CREDIT, Reason.STATEMENT_AMOUNT_FORMAT, value="1 440,00 USD"),
    ),
    Refusal("csv-empty-file", CREDIT_AGRICOLE_CSV, CSV, nothing, UnreadableStatement, EMPTY),
    Refusal(
        "csv-title-lines-only",
        CREDIT_AGRICOLE_CSV,
        CSV,
        cut_before(b"Date;"),
        InvalidStatement,
        bad_value(1, StatementField.FILE, Reason.STATEMENT_EMPTY),
    ),
    Refusal("csv-header-only", CREDIT_AGRICOLE_CSV, CSV, cut_before(b"01/12/2026"), UnreadableStatement, NO_LINES),
)
