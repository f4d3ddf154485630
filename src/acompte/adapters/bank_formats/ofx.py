"""OFX statements, 1.x (SGML, as most French banks still export them) and 2.x (XML), read with ofxtools.

Each `STMTTRN` is one bank line: FITID is the bank's entry reference, NAME the label, MEMO the remittance
text, TRNTYPE the transaction code. LEDGERBAL is the closing balance; OFX gives no opening balance, so the
balance check has nothing to compare. Dates are read as the bank wrote them (the day, before any time zone
shift). Transactions are converted one by one so that a refusal names the transaction's line in the file.

ofxtools closes whatever a file leaves open, so a download cut short would read as a shorter statement: a file
must end with `</OFX>`. An OFX 2 file is XML, and is checked as such first, so that a broken tag is refused
with its line."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element

from lxml import etree
from ofxtools.models import STMTTRN
from ofxtools.Parser import OFXTree

from acompte.domain.banking.errors import InvalidStatement
from acompte.domain.banking.lines import NewBankLine
from acompte.domain.banking.statements import Statement, StatementField, StatementFormat, known_currency
from acompte.domain.errors import Reason
from acompte.domain.money import Money

_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})")
_END = re.compile(rb"</OFX>\s*$", re.IGNORECASE)
_XML = re.compile(rb"^\s*(\xef\xbb\xbf)?\s*<\?xml", re.IGNORECASE)


def parse(data: bytes) -> Statement:
    _check_complete(data)
    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(data))
    except Exception as error:  # ofxtools raises its own ParseError, and ValueError / KeyError on bad headers
        raise InvalidStatement(
            line=1, field=StatementField.FILE, reason=Reason.STATEMENT_OFX, detail=str(error)[:300]
        ) from None
    root: Any = tree.getroot()
    found: Element | None = root.find(".//STMTRS")
    statement: Element | None = found if found is not None else root.find(".//CCSTMTRS")
    if statement is None:
        raise InvalidStatement(
            line=1, field=StatementField.FILE, reason=Reason.STATEMENT_OFX, detail="STMTRS / CCSTMTRS"
        )
    starts = _transaction_lines(data)
    currency = known_currency(statement.findtext("CURDEF") or "", line=_line_of(data, b"CURDEF"))
    lines = []
    for position, element in enumerate(statement.iter("STMTTRN")):
        line = starts[position] if position < len(starts) else 1
        lines.append(_line(element, position, currency, line))
    closing = None
    ledger = statement.find("LEDGERBAL")
    if ledger is not None:
        closing = _money(ledger.findtext("BALAMT") or "", currency, _line_of(data, b"<LEDGERBAL>"))
    account = statement.find("BANKACCTFROM")
    number = ""
    if account is not None:
        number = "".join((account.findtext(tag) or "").strip() for tag in ("BANKID", "BRANCHID", "ACCTID"))
    tranlist = statement.find("BANKTRANLIST")
    period = (None, None) if tranlist is None else (_day(tranlist, "DTSTART"), _day(tranlist, "DTEND"))
    return Statement(
        format=StatementFormat.OFX,
        currency=currency,
        lines=tuple(lines),
        account_number=number,
        statement_ref=(root.findtext(".//TRNUID") or "")[:100],
        closing=closing,
        period=period,
        source_lines=tuple(starts[: len(lines)]),
    )


def _check_complete(data: bytes) -> None:
    """The file is whole: an OFX 2 file is well-formed XML, and every OFX file ends with `</OFX>`."""
    if _XML.match(data):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        try:
            etree.fromstring(data.lstrip(b"\xef\xbb\xbf \t\r\n"), parser)
        except etree.XMLSyntaxError as error:
            raise InvalidStatement(
                line=error.lineno or 1, field=StatementField.FILE, reason=Reason.STATEMENT_NOT_XML, detail=error.msg
            ) from None
    if not _END.search(data):
        raise InvalidStatement(
            line=data.rstrip().count(b"\n") + 1,
            field=StatementField.FILE,
            reason=Reason.STATEMENT_CUT_SHORT,
            expected="</OFX>",
        )


def _line(element: Element, position: int, currency: str, line: int) -> NewBankLine:
    # The day and the amount are read (and refused) here before ofxtools converts them, so that a refusal says
    # which field and which value rather than ofxtools' words.
    booked = _day(element, "DTPOSTED")
    if booked is None:
        raise InvalidStatement(line=line, field=StatementField.BOOKING_DATE, reason=Reason.STATEMENT_VALUE_MISSING)
    amount = _money(element.findtext("TRNAMT") or "", currency, line)
    try:
        transaction: Any = STMTTRN.from_etree(element)
    except Exception as error:  # ofxtools' validation: a required element missing, a value of the wrong type
        raise InvalidStatement(
            line=line, field=StatementField.FILE, reason=Reason.STATEMENT_OFX, detail=str(error)[:300]
        ) from None
    name = " ".join((transaction.name or (transaction.payee and transaction.payee.name) or "").split())
    memo = " ".join((transaction.memo or "").split())
    return NewBankLine(
        position=position,
        booking_date=booked,
        value_date=_day(element, "DTUSER"),
        amount=amount,
        label=name or memo,
        reference=" ".join(part for part in (memo, transaction.refnum or "", transaction.checknum or "") if part),
        entry_reference=(transaction.fitid or "").strip()[:200],
        transaction_code=str(transaction.trntype or "")[:40],
    )


def _money(text: str, currency: str, line: int) -> Money:
    try:
        return Money.of(Decimal(text.strip().replace(",", ".")), currency)
    except Exception:
        raise InvalidStatement(
            line=line, field=StatementField.AMOUNT, reason=Reason.STATEMENT_AMOUNT_FORMAT, value=text
        ) from None


def _day(element: Element, tag: str) -> date | None:
    found = _DAY.match((element.findtext(tag) or "").strip())
    if not found:
        return None
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None


def _transaction_lines(data: bytes) -> list[int]:
    """The line of each `<STMTTRN>` of the file, in order."""
    return [data.count(b"\n", 0, found.start()) + 1 for found in re.finditer(rb"<STMTTRN>", data, re.IGNORECASE)]


def _line_of(data: bytes, marker: bytes) -> int:
    at = data.find(marker)
    return data.count(b"\n", 0, at) + 1 if at >= 0 else 1
