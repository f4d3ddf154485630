"""Statement files → `Statement` (domain): one parser module per format, and the sniffing of a file's format
when the user does not name it. Parsers refuse a bad file with `InvalidStatement` (line, field, reason) or
`UnreadableStatement`; the import use case (`services.banking.imports`) takes the `Statement` from there."""

from __future__ import annotations

from acompte.adapters.bank_formats import camt, csv_format, ofx
from acompte.domain.banking.errors import UnreadableStatement
from acompte.domain.banking.statements import CsvMapping, Statement, StatementFormat
from acompte.domain.errors import Reason

#: How much of the file's beginning the sniffing reads.
_HEAD = 4096


def detect(data: bytes) -> StatementFormat:
    """camt.053 / camt.054 (XML in their namespace), OFX (an OFX header or root), else CSV."""
    head = data[:_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise UnreadableStatement(reason=Reason.STATEMENT_EMPTY)
    if b"camt.053." in head:
        return StatementFormat.CAMT053
    if b"camt.054." in head:
        return StatementFormat.CAMT054
    if head.upper().startswith((b"OFXHEADER", b"<OFX")) or b"<OFX>" in head.upper():
        return StatementFormat.OFX
    if head.startswith(b"<"):
        raise UnreadableStatement(reason=Reason.STATEMENT_FORMAT_UNKNOWN, format="XML")
    return StatementFormat.CSV


def read_statement(
    data: bytes, format: StatementFormat | None, *, currency: str, mapping: CsvMapping | None = None
) -> Statement:
    """The statement a file holds. `currency` is the account's, for the formats that name none (CSV); a CSV
    file needs its bank's `mapping`."""
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise UnreadableStatement(reason=Reason.STATEMENT_EMPTY)
    found = format or detect(data)
    if found in (StatementFormat.CAMT053, StatementFormat.CAMT054):
        statement = camt.parse(data)
        if statement.format != found:
            raise UnreadableStatement(reason=Reason.STATEMENT_FORMAT_UNKNOWN, format=statement.format.value)
        return statement
    if found == StatementFormat.OFX:
        return ofx.parse(data)
    if mapping is None:
        raise UnreadableStatement(reason=Reason.STATEMENT_MAPPING_REQUIRED)
    return csv_format.parse(data, mapping, currency)


__all__ = ["detect", "read_statement"]
