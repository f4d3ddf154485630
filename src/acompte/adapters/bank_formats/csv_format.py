"""CSV exports of a bank, read with the company's saved mapping of that bank's columns (`CsvMapping`): the
encoding (French banks often write cp1252), the delimiter, rows to skip before the header, the date format, a
decimal comma, and which columns hold the date, the amount — or a debit and a credit column — the label, the
reference, the counterparty and its IBAN. A CSV file names no currency: its lines are in the account's."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from acompte.domain.banking.errors import InvalidStatement
from acompte.domain.banking.lines import NewBankLine
from acompte.domain.banking.statements import (
    CsvMapping,
    Statement,
    StatementField,
    StatementFormat,
    bank_amount,
    bank_date,
)
from acompte.domain.errors import Reason
from acompte.domain.money import Money

_FIELDS = {
    "date": StatementField.BOOKING_DATE,
    "value_date": StatementField.VALUE_DATE,
    "amount": StatementField.AMOUNT,
    "debit": StatementField.DEBIT,
    "credit": StatementField.CREDIT,
    "label": StatementField.LABEL,
    "reference": StatementField.REFERENCE,
    "counterparty": StatementField.COUNTERPARTY,
    "iban": StatementField.IBAN,
}


def parse(data: bytes, mapping: CsvMapping, currency: str) -> Statement:
    text = _decode(data, mapping.encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter)
    rows: list[tuple[int, list[str]]] = []
    for row in reader:
        rows.append((reader.line_num, row))
    rows = rows[mapping.skip_rows :]
    header: list[str] = []
    if mapping.header:
        while rows and not any(cell.strip() for cell in rows[0][1]):
            rows = rows[1:]
        if not rows:
            raise InvalidStatement(line=1, field=StatementField.FILE, reason=Reason.STATEMENT_EMPTY)
        header = [cell.strip().casefold() for cell in rows[0][1]]
        header_line = rows[0][0]
        rows = rows[1:]
    else:
        header_line = mapping.skip_rows + 1
    index = {name: _column(value, header, header_line) for name, value in mapping.columns.items() if value.strip()}
    lines: list[NewBankLine] = []
    sources: list[int] = []
    for line_number, row in rows:
        if not any(cell.strip() for cell in row):
            continue  # blank lines and the empty line many exports end with
        lines.append(_line(row, line_number, index, mapping, currency, len(lines)))
        sources.append(line_number)
    booked = [line.booking_date for line in lines]
    return Statement(
        format=StatementFormat.CSV,
        currency=currency,
        lines=tuple(lines),
        period=(min(booked, default=None), max(booked, default=None)),
        source_lines=tuple(sources),
    )


def _decode(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InvalidStatement(
            line=line, field=StatementField.FILE, reason=Reason.STATEMENT_ENCODING, encoding=encoding
        ) from None
    return text.removeprefix("\ufeff")


def _column(value: str, header: Sequence[str], header_line: int) -> int:
    """A mapping's column: a 1-based number, or the text of a header cell (any case)."""
    wanted = value.strip()
    if wanted.isdigit():
        return int(wanted) - 1
    try:
        return header.index(wanted.casefold())
    except ValueError:
        raise InvalidStatement(
            line=header_line, field=StatementField.COLUMN, reason=Reason.STATEMENT_COLUMN_MISSING, column=wanted
        ) from None


def _cell(row: Sequence[str], index: dict[str, int], name: str, line: int) -> str:
    if name not in index:
        return ""
    at = index[name]
    if at >= len(row):
        raise InvalidStatement(
            line=line, field=_FIELDS[name], reason=Reason.STATEMENT_COLUMN_MISSING, column=str(at + 1)
        )
    return row[at].strip()


def _line(
    row: Sequence[str], line: int, index: dict[str, int], mapping: CsvMapping, currency: str, position: int
) -> NewBankLine:
    day = _cell(row, index, "date", line)
    if not day:
        raise InvalidStatement(line=line, field=StatementField.BOOKING_DATE, reason=Reason.STATEMENT_VALUE_MISSING)
    booked = bank_date(day, mapping.date_format, line=line, column=StatementField.BOOKING_DATE)
    value_day = _cell(row, index, "value_date", line)
    valued = (
        bank_date(value_day, mapping.date_format, line=line, column=StatementField.VALUE_DATE) if value_day else None
    )
    return NewBankLine(
        position=position,
        booking_date=booked,
        value_date=valued,
        amount=_amount(row, index, mapping, currency, line),
        label=" ".join(_cell(row, index, "label", line).split()),
        reference=" ".join(_cell(row, index, "reference", line).split()),
        counterparty_name=" ".join(_cell(row, index, "counterparty", line).split())[:200],
        counterparty_iban="".join(_cell(row, index, "iban", line).split()).upper()[:34],
    )


def _amount(row: Sequence[str], index: dict[str, int], mapping: CsvMapping, currency: str, line: int) -> Money:
    comma = mapping.decimal_comma
    if "amount" in index:
        text = _cell(row, index, "amount", line)
        if not text:
            raise InvalidStatement(line=line, field=StatementField.AMOUNT, reason=Reason.STATEMENT_VALUE_MISSING)
        return bank_amount(text, currency, decimal_comma=comma, line=line, column=StatementField.AMOUNT)
    debit, credit = _cell(row, index, "debit", line), _cell(row, index, "credit", line)
    if not debit and not credit:
        raise InvalidStatement(line=line, field=StatementField.AMOUNT, reason=Reason.STATEMENT_VALUE_MISSING)
    result = Money.zero(currency)
    if debit:  # a debit column holds money out, whether the bank writes it « 12,00 » or « -12,00 »
        out = bank_amount(debit, currency, decimal_comma=comma, line=line, column=StatementField.DEBIT)
        result -= Money(abs(out.amount), currency)
    if credit:
        received = bank_amount(credit, currency, decimal_comma=comma, line=line, column=StatementField.CREDIT)
        result += Money(abs(received.amount), currency)
    return result
