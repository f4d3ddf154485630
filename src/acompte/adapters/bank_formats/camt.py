"""ISO 20022 camt.053 (end-of-day statement) and camt.054 (debit / credit notifications), versions 001.02,
001.04 and 001.08: checked against the message's XSD (vendored in `xsd/`, see its SOURCE.md) with lxml,
then read into a `Statement`.

One booked entry (`Ntry`) is one bank line, as the bank booked it: a batch or a card settlement is one entry
with several transaction details, whose remittance texts are kept together. The counterparty is the debtor of
money received and the creditor of money paid out. Entries not booked (`PDNG`, `INFO`) are left out: they are
not on the account yet."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

from lxml import etree

from acompte.domain.banking.lines import NewBankLine
from acompte.domain.banking.statements import Statement, StatementField, StatementFormat, known_currency
from acompte.domain.errors import InvalidStatement, Reason, UnreadableStatement
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
    if root.getroottree().docinfo.internalDTD is not None:  # no DTD, hence no entity to expand below
        raise InvalidStatement(line=1, field=StatementField.FILE, reason=Reason.STATEMENT_NOT_XML, detail="DTD")
    ns = {"c": f"urn:iso:std:iso:20022:tech:xsd:{message}"}
    entries = [_where(e) for path in ("*/c:Stmt/c:Ntry", "*/c:Ntfctn/c:Ntry") for e in root.iterfind(path, ns)]
    # Read with the standard library's ElementTree: its elements are plain C objects, found several times faster
    # than lxml's proxies (a 10 000-entry file), and the file is already checked whole by lxml and the schema.
    plain = ElementTree.fromstring(data)
    for element in plain.iter():  # one namespace, checked above: local names are enough from here on
        element.tag = element.tag.rpartition("}")[2]
    return _Reader(message, plain, entries).statement()


def _where(node: etree._Element) -> int:
    """The line of the file where an element starts (1 when lxml does not know it)."""
    line: Any = getattr(node, "sourceline", None)
    return line if isinstance(line, int) and line > 0 else 1


class _Reader:
    def __init__(self, message: str, root: Element, entry_lines: list[int]) -> None:
        self.ns = {"c": f"urn:iso:std:iso:20022:tech:xsd:{message}"}
        self.format = StatementFormat.CAMT053 if message.startswith("camt.053") else StatementFormat.CAMT054
        self.root = root
        self.entry_lines = entry_lines
        #: The line of the file being read: its entry's (errors name it), 1 before the first entry.
        self.line = 1

    def _all(self, node: Element, path: str) -> list[Element]:
        """The elements at `path` below `node` (`c:A/c:B`, `*` for any child), in document order."""
        found = [node]
        for part in path.replace("c:", "").split("/"):
            found = [child for parent in found for child in parent if part in ("*", child.tag)]
        return found

    def _one(self, node: Element, path: str) -> Element | None:
        found = self._all(node, path)
        return found[0] if found else None

    def _text(self, node: Element, path: str) -> str:
        found = self._one(node, path)
        return " ".join((found.text or "").split()) if found is not None else ""

    def _date(self, node: Element, path: str) -> date | None:
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

    def _money(self, node: Element, field: StatementField) -> Money:
        """`Amt` (with its currency) signed by `CdtDbtInd`: DBIT is money out."""
        amount = self._one(node, "c:Amt")
        assert amount is not None  # the schema requires it
        line = self.line
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
        opening = closing = None
        refs = []
        currency = ""
        starts: list[date] = []
        ends: list[date] = []
        seen = 0
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
            for entry in self._all(report, "c:Ntry"):
                self.line = self.entry_lines[seen] if seen < len(self.entry_lines) else 1
                seen += 1
                status = self._text(entry, "c:Sts/c:Cd") or self._text(entry, "c:Sts")
                if status and status != "BOOK":
                    continue
                lines.append(self._line(entry, len(lines)))
                sources.append(self.line)
        given = opening or closing
        if not currency and given is not None:
            currency = given.currency
        if not currency and lines:
            currency = lines[0].amount.currency
        if not currency:
            raise InvalidStatement(line=1, field=StatementField.CURRENCY, reason=Reason.STATEMENT_VALUE_MISSING)
        booked = [line.booking_date for line in lines]
        return Statement(
            format=self.format,
            currency=known_currency(currency, line=1),
            lines=tuple(lines),
            account_ibans=tuple(sorted(ibans)),
            statement_ref=" ".join(r for r in refs if r)[:100],
            opening=opening,
            closing=closing,
            period=(min(starts + booked, default=None), max(ends + booked, default=None)),
            source_lines=tuple(sources),
        )

    def _line(self, entry: Element, position: int) -> NewBankLine:
        amount = self._money(entry, StatementField.AMOUNT)
        booked = self._date(entry, "c:BookgDt")
        if booked is None:
            raise InvalidStatement(
                line=self.line, field=StatementField.BOOKING_DATE, reason=Reason.STATEMENT_VALUE_MISSING
            )
        details = self._all(entry, "c:NtryDtls/c:TxDtls")
        texts = [t for d in details for t in self._all_text(d, "c:RmtInf/c:Ustrd")]
        structured = [t for d in details for t in self._all_text(d, "c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref")]
        side = "Dbtr" if amount.amount > 0 else "Cdtr"
        names = {self._party_name(d, side) for d in details} - {""}
        ibans = {self._text(d, f"c:RltdPties/c:{side}Acct/c:Id/c:IBAN") for d in details} - {""}
        label = self._text(entry, "c:AddtlNtryInf") or (
            self._text(details[0], "c:AddtlTxInf") if len(details) == 1 else ""
        )
        remittance = " / ".join(dict.fromkeys(texts))
        return NewBankLine(
            position=position,
            booking_date=booked,
            value_date=self._date(entry, "c:ValDt"),
            amount=amount,
            label=(label or remittance)[:500],
            reference=" ".join(dict.fromkeys([*structured, remittance] if structured else [remittance])).strip(),
            entry_reference=(self._text(entry, "c:AcctSvcrRef") or self._text(entry, "c:NtryRef"))[:200],
            counterparty_name=(next(iter(names)) if len(names) == 1 else "")[:200],
            counterparty_iban=(next(iter(ibans)) if len(ibans) == 1 else "")[:34],
            transaction_code=self._code(entry),
        )

    def _all_text(self, node: Element, path: str) -> list[str]:
        return [" ".join((n.text or "").split()) for n in self._all(node, path) if (n.text or "").strip()]

    def _party_name(self, details: Element, side: str) -> str:
        # 001.08 wraps the party in `Pty`; earlier versions name it directly
        return self._text(details, f"c:RltdPties/c:{side}/c:Pty/c:Nm") or self._text(
            details, f"c:RltdPties/c:{side}/c:Nm"
        )

    def _code(self, entry: Element) -> str:
        domain = self._one(entry, "c:BkTxCd/c:Domn")
        if domain is not None:
            parts = [
                self._text(domain, "c:Cd"),
                self._text(domain, "c:Fmly/c:Cd"),
                self._text(domain, "c:Fmly/c:SubFmlyCd"),
            ]
            return "-".join(p for p in parts if p)[:40]
        return self._text(entry, "c:BkTxCd/c:Prtry/c:Cd")[:40]
