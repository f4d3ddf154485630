"""A bank statement file as read, before it is stored, and the rules an import keeps: each line's
deduplication key, the file's balances adding up, the file belonging to the account it is imported into, and
amounts written the way banks write them (« 1 234,56 », « -12,00 ») read exactly."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from acompte.domain.banking.errors import (
    InvalidStatement,
    StatementCurrencyMismatch,
    StatementOtherAccount,
    StatementUnbalanced,
    UnreadableStatement,
)
from acompte.domain.banking.lines import LineState, NewBankLine
from acompte.domain.errors import Reason
from acompte.domain.money import MINOR_UNITS, Money, decimal_places, minor_unit, total


class StatementFormat(StrEnum):
    CAMT053 = "camt.053"
    CAMT054 = "camt.054"
    OFX = "ofx"
    CSV = "csv"


class StatementField(StrEnum):
    """Where in a statement file a refused value was."""

    FILE = "file"
    ACCOUNT = "account"
    CURRENCY = "currency"
    BALANCE = "balance"
    BOOKING_DATE = "booking_date"
    VALUE_DATE = "value_date"
    AMOUNT = "amount"
    DEBIT = "debit"
    CREDIT = "credit"
    LABEL = "label"
    REFERENCE = "reference"
    COUNTERPARTY = "counterparty"
    IBAN = "iban"
    COLUMN = "column"


@dataclass(frozen=True)
class Statement:
    """What a statement file says: the account it is of (when it names it), its currency, its balances (camt.053
    and OFX give them, camt.054 and CSV do not) and its lines, in file order (`position` 0, 1, 2 …).
    `source_lines[i]` is the line of the file where `lines[i]` starts, for the errors found after parsing."""

    format: StatementFormat
    currency: str
    lines: tuple[NewBankLine, ...]
    #: The IBANs of the accounts the file says it is of (camt: one per statement in it).
    account_ibans: tuple[str, ...] = ()
    #: A national account number the file gives instead of an IBAN (OFX: bank, branch and account ids; camt:
    #: the account's `Othr` identification).
    account_number: str = ""
    statement_ref: str = ""
    opening: Money | None = None
    closing: Money | None = None
    period: tuple[date | None, date | None] = (None, None)
    source_lines: tuple[int, ...] = field(default=())

    def source_line(self, index: int) -> int:
        return self.source_lines[index] if index < len(self.source_lines) else index + 1


@dataclass(frozen=True)
class StatementAccount:
    """The company's bank account a statement is imported into."""

    id: int
    name: str
    iban: str
    currency: str


@dataclass(frozen=True)
class BankImport:
    """A statement file imported into an account, as recorded."""

    id: int
    account_id: int
    format: StatementFormat
    file_name: str
    file_sha256: str
    statement_ref: str
    currency: str
    period: tuple[date | None, date | None]
    opening: Money | None
    closing: Money | None
    lines_added: int
    lines_skipped: int
    imported_by: str
    imported_at: datetime


@dataclass(frozen=True)
class LineFilter:
    """Which bank lines a list shows: of one account, in one state, booked between two days (inclusive)."""

    account_id: int | None = None
    state: LineState | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: `added` new lines, `skipped` lines already there (or twice in the file)."""

    import_id: int
    account_id: int
    format: StatementFormat
    lines_in_file: int
    added: int
    skipped: int
    opening: Money | None
    closing: Money | None


def normalize_iban(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


# -- deduplication -------------------------------------------------------------------------------------------

#: The longest bank entry reference kept as the key itself; a longer one is hashed to fit the column.
MAX_REFERENCE_KEY = 100


def dedup_key(account_id: int, line: NewBankLine) -> str:
    """A line's identity on its account: the bank's own entry reference when the file gives one, else a SHA-256
    of account, booking date, amount, label and position in the file (the same file read twice gives the same
    keys; two equal payments on one day at different places in the file stay two lines)."""
    reference = line.entry_reference.strip()
    if reference:
        if len(reference) <= MAX_REFERENCE_KEY:
            return reference
        return hashlib.sha256(f"ref|{reference}".encode()).hexdigest()
    parts = (
        str(account_id),
        line.booking_date.isoformat(),
        str(line.amount.amount),
        line.amount.currency,
        " ".join(line.label.split()),
        str(line.position),
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


# -- checks ----------------------------------------------------------------------------------------------------


def check_not_empty(statement: Statement) -> None:
    """A file with no line and no balance (a CSV export of its header alone, a notification of no entry) says
    nothing: importing it would record an import of nothing, so it is refused. A statement that gives its
    balances and no line (a day without movements) is a statement all the same."""
    if not statement.lines and statement.opening is None and statement.closing is None:
        raise UnreadableStatement(reason=Reason.STATEMENT_NO_LINES)


def check_balances(statement: Statement) -> None:
    """Opening balance + the sum of the lines = closing balance, when the file gives both balances."""
    if statement.opening is None or statement.closing is None:
        return
    moved = total((line.amount for line in statement.lines), statement.currency)
    difference = statement.closing - (statement.opening + moved)
    if not difference.is_zero:
        raise StatementUnbalanced(
            opening=statement.opening, total=moved, closing=statement.closing, difference=difference
        )


def check_account(statement: Statement, account: StatementAccount) -> None:
    """The file is the account's: same currency, and the same IBAN when both name one."""
    if statement.currency != account.currency:
        raise StatementCurrencyMismatch(
            currency=statement.currency, account_currency=account.currency, account=account.name
        )
    for index, line in enumerate(statement.lines):
        if line.amount.currency != account.currency:
            raise StatementCurrencyMismatch(
                currency=line.amount.currency,
                account_currency=account.currency,
                account=account.name,
                line=statement.source_line(index),
            )
    ours = normalize_iban(account.iban)
    if not ours:
        return
    for iban in statement.account_ibans:
        if normalize_iban(iban) != ours:
            raise StatementOtherAccount(iban=normalize_iban(iban), account_iban=ours, account=account.name)
    number = normalize_iban(statement.account_number)
    if number and number not in ours[4:]:  # an IBAN is country, check digits, then the national number
        raise StatementOtherAccount(iban=number, account_iban=ours, account=account.name)


# -- values as banks write them -------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def bank_amount(text: str, currency: str, *, decimal_comma: bool, line: int, column: StatementField) -> Money:
    """An amount as a bank export writes it: « 1 234,56 », « -12,00 », « 1.234,56 », « +5 », « 12,00 € »,
    « (12,00) » for a debit; with `decimal_comma` False, « 1,234.56 ». Read exactly, never through a float."""
    raw = text.strip()
    cleaned = _SPACES.sub("", raw).removesuffix("€").removesuffix(currency)
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    if negative:
        cleaned = cleaned[1:-1]
    if cleaned.endswith("-"):  # « 12,00- » in some exports
        cleaned, negative = cleaned[:-1], True
    cleaned = cleaned.replace(".", "").replace(",", ".") if decimal_comma else cleaned.replace(",", "")
    if not _NUMBER.fullmatch(cleaned):
        raise InvalidStatement(line=line, field=column, reason=Reason.STATEMENT_AMOUNT_FORMAT, value=raw)
    try:
        number = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only decimals
        raise InvalidStatement(line=line, field=column, reason=Reason.STATEMENT_AMOUNT_FORMAT, value=raw) from None
    if decimal_places(number) > minor_unit(currency):
        raise InvalidStatement(line=line, field=column, reason=Reason.STATEMENT_AMOUNT_FORMAT, value=raw)
    return Money.of(-number if negative else number, currency)


#: Date formats a mapping may name, as users write them, and how Python reads each.
DATE_FORMATS: dict[str, str] = {
    "dd/mm/yyyy": "%d/%m/%Y",
    "dd/mm/yy": "%d/%m/%y",
    "dd-mm-yyyy": "%d-%m-%Y",
    "dd.mm.yyyy": "%d.%m.%Y",
    "yyyy-mm-dd": "%Y-%m-%d",
    "mm/dd/yyyy": "%m/%d/%Y",
    "yyyymmdd": "%Y%m%d",
}


def bank_date(text: str, date_format: str, *, line: int, column: StatementField) -> date:
    raw = text.strip()
    try:
        return datetime.strptime(raw, DATE_FORMATS[date_format]).date()
    except ValueError:
        raise InvalidStatement(
            line=line, field=column, reason=Reason.STATEMENT_DATE_FORMAT, value=raw, expected=date_format
        ) from None


def known_currency(code: str, *, line: int) -> str:
    found = (code or "").strip().upper()
    if found not in MINOR_UNITS:
        raise InvalidStatement(line=line, field=StatementField.CURRENCY, reason=Reason.STATEMENT_CURRENCY, value=code)
    return found


# -- CSV column mappings --------------------------------------------------------------------------------------

ENCODINGS = ("utf-8", "cp1252", "latin-1")
DELIMITERS = (";", ",", "\t", "|")
#: The columns a mapping may name; a value is a header's text (any case) or a 1-based column number.
COLUMNS = ("date", "value_date", "amount", "debit", "credit", "label", "reference", "counterparty", "iban")


@dataclass(frozen=True)
class CsvMapping:
    """How one bank's CSV export reads. `skip_rows` are dropped before the header row (a title, the account
    number…); without `header`, columns are named by their number. Either `amount` (signed) or `debit` and/or
    `credit` (amounts of each side, whatever their sign) is given."""

    name: str
    columns: dict[str, str]
    delimiter: str = ";"
    encoding: str = "utf-8"
    decimal_comma: bool = True
    date_format: str = "dd/mm/yyyy"
    skip_rows: int = 0
    header: bool = True
    id: int | None = None

    def settings(self) -> dict[str, object]:
        """The mapping as stored (everything but its id and name)."""
        return {
            "columns": dict(self.columns),
            "delimiter": self.delimiter,
            "encoding": self.encoding,
            "decimal_comma": self.decimal_comma,
            "date_format": self.date_format,
            "skip_rows": self.skip_rows,
            "header": self.header,
        }
