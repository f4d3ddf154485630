"""ISO 20022 camt.053 (end-of-day statement) and camt.054 (debit / credit notifications), versions 001.02,
001.04 and 001.08: checked against the message's XSD (vendored in `xsd/`, see its SOURCE.md) with lxml,
then read into a `Statement`.

One booked entry (`Ntry`) is one bank line, as the bank booked it: a batch or a card settlement is one entry
with several transaction details, whose remittance texts are kept together. The counterparty is the debtor of
money received and the creditor of money paid out. Entries not booked (`PDNG`, `INFO`) are left out: they are
not on the account yet.

The entries' fields are listed by an XSLT stylesheet (`xsd/entries.xsl`, run by libxslt) rather than searched
element by element from Python: a 10 000-entry statement then reads in about the time lxml takes to parse and
validate it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from lxml import etree

from acompte.domain.banking.errors import InvalidStatement, UnreadableStatement
from acompte.domain.banking.lines import NewBankLine
from acompte.domain.banking.statements import Statement, StatementField, StatementFormat, known_currency
from acompte.domain.errors import Reason
from acompte.domain.money import Money

_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:(camt\.05[34]\.001\.\d\d)$")
#: Opening balances: opening booked, or the previous day's closing booked when the bank gives that instead.
_OPENING = ("OPBD", "PRCD")
_CLOSING = ("CLBD",)


def supported_messages() -> tuple[str, ...]:
    folder = resources.files(__package__).joinpath("xsd")
    return tuple(sorted(p.name.removesuffix(".xsd") for p in folder.iterdir() if p.name.endswith(".xsd")))


@cache
def _schema(message: str) -> etree.XMLSchema:
    path = resources.files(__package__).joinpath("xsd", f"{message}.xsd")
    with resources.as_file(path) as file:
        return etree.XMLSchema(etree.parse(str(file), _safe_parser()))


def _safe_parser() -> etree.XMLParser:
    """No entities, no DTD, no network: a statement file is data, never instructions to fetch anything."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse(data: bytes) -> Statement:
    try:
        root = etree.fromstring(data, _safe_parser())
    except etree.XMLSyntaxError as error:
        line = error.lineno or 1
        raise InvalidStatement(
            line=line, field=StatementField.FILE, reason=Reason.STATEMENT_NOT_XML, detail=error.msg
        ) from None
    found = _NAMESPACE.match(etree.QName(root).namespace or "")
    message = found.group(1) if found else ""
    if message not in supported_messages():
        raise UnreadableStatement(reason=Reason.STATEMENT_FORMAT_UNKNOWN, format=message or etree.QName(root).localname)
    schema = _schema(message)
    if not schema.validate(root):
        log: Any = schema.error_log  # the stubs know it as a log, not as the list of errors it is
        first = log[0]
        raise InvalidStatement(
            line=first.line, field=StatementField.FILE, reason=Reason.STATEMENT_SCHEMA, detail=first.message
        )
    ns = {"c": f"urn:iso:std:iso:20022:tech:xsd:{message}"}
    entries = [_where(e) for path in ("*/c:Stmt/c:Ntry", "*/c:Ntfctn/c:Ntry") for e in root.iterfind(path, ns)]
    return _Reader(message, root, entries).statement()


def _where(node: etree._Element) -> int:
    """The line of the file where an element starts (1 when lxml does not know it)."""
    line: Any = getattr(node, "sourceline", None)
    return line if isinstance(line, int) and line > 0 else 1


class _Reader:
    def __init__(self, message: str, root: etree._Element, entry_lines: list[int]) -> None:
        self.ns = {"c": f"urn:iso:std:iso:20022:tech:xsd:{message}"}
        self.format = StatementFormat.CAMT053 if message.startswith("camt.053") else StatementFormat.CAMT054
        self.message = message
        self.root = root
        self.entry_lines = entry_lines
        #: The line of the file being read: its entry's (errors name it), 1 before the first entry.
        self.line = 1

    def _all(self, node: etree._Element, path: str) -> list[etree._Element]:
        """The elements at `path` below `node` (libxml2's XPath: no Python object for the 10 000 entries the
        statement's other children are)."""
        found = node.xpath(path, namespaces=self.ns)
        assert isinstance(found, list)
        return [n for n in found if isinstance(n, etree._Element)]

    def _one(self, node: etree._Element, path: str) -> etree._Element | None:
        found = self._all(node, path)
        return found[0] if found else None

    def _text(self, node: etree._Element, path: str) -> str:
        found = self._one(node, path)
        return " ".join((found.text or "").split()) if found is not None else ""

    def _date(self, node: etree._Element, path: str) -> date | None:
        day = self._text(node, f"{path}/c:Dt") or self._text(node, f"{path}/c:DtTm")[:10]
        if not day:
            return None
        try:
            return date.fromisoformat(day)
        except ValueError:  # the schema allows dates of years a calendar does not: 0000-01-01
            raise InvalidStatement(
                line=self.line,
                field=StatementField.BOOKING_DATE,
                reason=Reason.STATEMENT_DATE_FORMAT,
                value=day,
                expected="yyyy-mm-dd",
            ) from None

    def _money(self, node: etree._Element, field: StatementField) -> Money:
        """`Amt` (with its currency) signed by `CdtDbtInd`: DBIT is money out."""
        amount = self._one(node, "c:Amt")
        assert amount is not None  # the schema requires it
        line = _where(amount)
        currency = known_currency(amount.get("Ccy", ""), line=line)
        value = Decimal((amount.text or "").strip())
        if self._text(node, "c:CdtDbtInd") == "DBIT":
            value = -value
        try:
            return Money.of(value, currency)
        except Exception:  # more decimals than the currency has
            raise InvalidStatement(
                line=line, field=field, reason=Reason.STATEMENT_AMOUNT_FORMAT, value=amount.text or ""
            ) from None

    def statement(self) -> Statement:
        reports = self._all(self.root, "*/c:Stmt") + self._all(self.root, "*/c:Ntfctn")
        lines: list[NewBankLine] = []
        sources: list[int] = []
        ibans = {self._text(r, "c:Acct/c:Id/c:IBAN") for r in reports} - {""}
        # An account named by its national number instead of an IBAN (`Othr`, as the ISO 20022 examples do) is
        # still named: the import checks it against the account's IBAN as it does OFX's account numbers.
        numbers = sorted({self._text(r, "c:Acct/c:Id/c:Othr/c:Id") for r in reports} - {""})
        opening = closing = None
        refs = []
        currency = ""
        starts: list[date] = []
        ends: list[date] = []
        for index, report in enumerate(reports):
            currency = currency or self._text(report, "c:Acct/c:Ccy")
            refs.append(self._text(report, "c:Id"))
            for balance in self._all(report, "c:Bal"):
                code = self._text(balance, "c:Tp/c:CdOrPrtry/c:Cd")
                if code in _OPENING and index == 0 and opening is None:
                    opening = self._money(balance, StatementField.BALANCE)
                if code in _CLOSING and index == len(reports) - 1:
                    closing = self._money(balance, StatementField.BALANCE)
            start = self._date(report, "c:FrToDt/c:FrDtTm") or self._date(report, "c:FrToDt/c:FrDt")
            end = self._date(report, "c:FrToDt/c:ToDtTm") or self._date(report, "c:FrToDt/c:ToDt")
            starts += [start] if start else []
            ends += [end] if end else []
        for seen, row in enumerate(_rows(self.message, self.root)):
            self.line = self.entry_lines[seen] if seen < len(self.entry_lines) else 1
            if row[_STATUS] and row[_STATUS] != "BOOK":
                continue
            lines.append(self._line(row, len(lines)))
            sources.append(self.line)
        given = opening or closing
        if not currency and given is not None:
            currency = given.currency
        if not currency and lines:
            currency = lines[0].amount.currency
        if not currency and given is None and not lines:  # nothing in it says its currency: nothing is in it
            raise UnreadableStatement(reason=Reason.STATEMENT_NO_LINES)
        if not currency:
            raise InvalidStatement(line=1, field=StatementField.CURRENCY, reason=Reason.STATEMENT_VALUE_MISSING)
        booked = [line.booking_date for line in lines]
        return Statement(
            format=self.format,
            currency=known_currency(currency, line=1),
            lines=tuple(lines),
            account_ibans=tuple(sorted(ibans)),
            account_number=" ".join(numbers)[:100],
            statement_ref=" ".join(r for r in refs if r)[:100],
            opening=opening,
            closing=closing,
            period=(min(starts + booked, default=None), max(ends + booked, default=None)),
            source_lines=tuple(sources),
        )

    def _line(self, row: list[str], position: int) -> NewBankLine:
        currency = known_currency(row[_CURRENCY], line=self.line)
        try:
            value = Decimal(row[_AMOUNT])
            amount = Money.of(-value if row[_SIDE] == "DBIT" else value, currency)
        except Exception:  # more decimals than the currency has
            raise InvalidStatement(
                line=self.line, field=StatementField.AMOUNT, reason=Reason.STATEMENT_AMOUNT_FORMAT, value=row[_AMOUNT]
            ) from None
        booked = self._day(row[_BOOKED], StatementField.BOOKING_DATE)
        if booked is None:
            raise InvalidStatement(
                line=self.line, field=StatementField.BOOKING_DATE, reason=Reason.STATEMENT_VALUE_MISSING
            )
        texts, structured = _items(row[_UNSTRUCTURED]), _items(row[_STRUCTURED])
        received = amount.amount > 0
        names = set(_items(row[_DEBTORS] if received else row[_CREDITORS]))
        ibans = set(_items(row[_DEBTOR_IBANS] if received else row[_CREDITOR_IBANS]))
        label = row[_INFO] or (row[_DETAIL_INFO] if row[_DETAILS] == "1" else "")
        remittance = " / ".join(dict.fromkeys(texts))
        domain = [part for part in row[_DOMAIN : _SUBFAMILY + 1] if part]
        return NewBankLine(
            position=position,
            booking_date=booked,
            value_date=self._day(row[_VALUED], StatementField.VALUE_DATE),
            amount=amount,
            label=(label or remittance)[:500],
            reference=" ".join(dict.fromkeys([*structured, remittance] if structured else [remittance])).strip(),
            entry_reference=(row[_SERVICER_REF] or row[_ENTRY_REF])[:200],
            counterparty_name=(next(iter(names)) if len(names) == 1 else "")[:200],
            counterparty_iban=(next(iter(ibans)) if len(ibans) == 1 else "")[:34],
            transaction_code=("-".join(domain) if domain else row[_PROPRIETARY])[:40],
        )

    def _day(self, text: str, field: StatementField) -> date | None:
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:  # the schema allows dates of years a calendar does not: 0000-01-01
            raise InvalidStatement(
                line=self.line, field=field, reason=Reason.STATEMENT_DATE_FORMAT, value=text, expected="yyyy-mm-dd"
            ) from None


#: The columns of `xsd/entries.xsl`, one booked entry a row.
(
    _STATUS,
    _AMOUNT,
    _CURRENCY,
    _SIDE,
    _BOOKED,
    _VALUED,
    _SERVICER_REF,
    _ENTRY_REF,
    _DOMAIN,
    _FAMILY,
    _SUBFAMILY,
    _PROPRIETARY,
    _INFO,
    _DETAILS,
    _DETAIL_INFO,
    _UNSTRUCTURED,
    _STRUCTURED,
    _DEBTORS,
    _CREDITORS,
    _DEBTOR_IBANS,
    _CREDITOR_IBANS,
) = range(21)


@cache
def _entries_transform(message: str) -> etree.XSLT:
    """The stylesheet that lists a message's entries, with the message's namespace in its paths."""
    path = resources.files(__package__).joinpath("xsd", "entries.xsl")
    text = path.read_bytes().replace(b"MESSAGE", message.encode())
    return etree.XSLT(etree.fromstring(text, _safe_parser()))


def _rows(message: str, root: etree._Element) -> list[list[str]]:
    """Every entry of the message (booked or not), in file order, as the stylesheet's columns.

    Read by libxslt in one pass: the dozen fields of each of 10 000 entries searched from Python took several
    times longer than parsing and validating the whole file."""
    text = str(_entries_transform(message)(root))
    return [line.split("\t") for line in text.split("\n") if line]


def _items(text: str) -> list[str]:
    """The values of a repeated field (one per transaction detail), without the empty ones."""
    return [item for item in text.split("\r") if item]
