"""Journal entries: balanced `JournalEntry` values made of `EntryLine`s, the builder that merges amounts into
lines, and what an export run gives a posted entry (its number in its journal, its financial year).

`JournalEntry` refuses to exist unbalanced; every posting rule builds its lines through `EntryBuilder`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import MAXYEAR, MINYEAR, date, timedelta
from typing import Any

from acompte.domain.accounting.chart import AccountMapping, Journal
from acompte.domain.dates import check_date
from acompte.domain.errors import UnbalancedEntry
from acompte.domain.money import Money, total


@dataclass(frozen=True, slots=True)
class PartyRef:
    """A customer or supplier as the ledger names it: sub-ledger code (CompAuxNum) and name."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class EntryLine:
    """One line of an entry: exactly one of debit and credit is positive.

    `match_key` names what the line settles ("doc:12", "pay:7"): lines of one account that share keys (or keys
    linked by allocations) and net to zero are matched together (lettrage).
    """

    account: str
    account_label: str
    debit: Money
    credit: Money
    label: str
    party: PartyRef | None = None
    match_key: str | None = None
    #: for a line of a document or payment in a foreign currency, its amount in that currency, signed like
    #: `signed` (debit positive): the FEC's Montantdevise and Idevise
    foreign_amount: Money | None = None

    @property
    def signed(self) -> Money:
        return self.debit - self.credit


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A balanced entry (écriture): one journal, one date, one supporting document (pièce)."""

    journal: Journal
    entry_date: date
    piece_ref: str
    piece_date: date
    label: str
    lines: tuple[EntryLine, ...]
    source: str = ""

    def __post_init__(self) -> None:
        if not self.lines:
            raise UnbalancedEntry(piece=self.piece_ref, debit="0", credit="0")
        for line in self.lines:
            if line.debit.is_negative or line.credit.is_negative or (line.debit.is_zero == line.credit.is_zero):
                raise UnbalancedEntry(piece=self.piece_ref, debit=str(line.debit), credit=str(line.credit))
        if self.debit != self.credit:
            raise UnbalancedEntry(piece=self.piece_ref, debit=str(self.debit), credit=str(self.credit))

    @property
    def currency(self) -> str:
        return self.lines[0].debit.currency

    @property
    def debit(self) -> Money:
        return total((line.debit for line in self.lines), self.currency)

    @property
    def credit(self) -> Money:
        return total((line.credit for line in self.lines), self.currency)

    def balance_of(self, account: str) -> Money:
        """Debit minus credit on one account."""
        return total((line.signed for line in self.lines if line.account == account), self.currency)


class EntryBuilder:
    """Collects signed amounts (positive = debit) and merges those with the same account, party, key and label."""

    def __init__(self, accounts: AccountMapping, currency: str, label: str) -> None:
        self.accounts = accounts
        self.currency = currency
        self.label = label
        self._amounts: dict[tuple[str, PartyRef | None, str | None, str], Money] = {}

    def add(
        self,
        role: str,
        amount: Money,
        *,
        party: PartyRef | None = None,
        key: str | None = None,
        label: str | None = None,
    ) -> None:
        account = self.accounts.account(role)
        slot = (account, party, key, label or self.label)
        self._amounts[slot] = self._amounts.get(slot, Money.zero(self.currency)) + amount

    def debit(self, role: str, amount: Money, **kw: Any) -> None:
        self.add(role, amount, **kw)

    def credit(self, role: str, amount: Money, **kw: Any) -> None:
        self.add(role, -amount, **kw)

    def entry(self, journal: Journal, when: date, piece: str, piece_date: date, source: str) -> JournalEntry | None:
        zero = Money.zero(self.currency)
        lines = []
        for (account, party, key, label), amount in self._amounts.items():
            if amount.is_zero:
                continue
            lines.append(
                EntryLine(
                    account=account,
                    account_label=self.accounts.label(account),
                    debit=amount if amount.is_positive else zero,
                    credit=-amount if amount.is_negative else zero,
                    label=label,
                    party=party,
                    match_key=key,
                )
            )
        if not lines:
            return None
        # debits first, then credits, each in the order they were added: reads like the reference tables
        lines.sort(key=lambda line: 0 if line.debit.is_positive else 1)
        return JournalEntry(journal, when, piece, piece_date, self.label, tuple(lines), source)


def balances(entries: Iterable[JournalEntry], currency: str) -> dict[str, Money]:
    """Debit minus credit per account over entries (the trial balance used by the worked examples)."""
    result: dict[str, Money] = {}
    for entry in entries:
        for line in entry.lines:
            result[line.account] = result.get(line.account, Money.zero(currency)) + line.signed
    return result


def with_label(entry: JournalEntry, label: str) -> JournalEntry:
    return replace(entry, label=label)


@dataclass(frozen=True, slots=True)
class PostedEntry:
    """An entry once validated by an export run: its number in its journal (EcritureNum) and validation date."""

    number: str
    valid_date: date
    entry: JournalEntry


def entry_number(journal: Journal, sequence: int) -> str:
    """`VE000001`: the journal code and the entry's place in that journal's continuous sequence for the year."""
    return f"{journal.value}{sequence:06d}"


def fiscal_year(day: date, year_end: tuple[int, int] = (12, 31)) -> tuple[date, date]:
    """The financial year containing `day`, for a year closing each year on `year_end` (month, day).

    Total over the supported dates (`domain.dates`): a day outside them is refused with `InvalidDate`, and a
    closing day the month lacks (29 February on a common year) is its month's last day. Both ends of the year
    stay in Python's calendar (1899 … 3000), so nothing here can loop or overflow."""
    check_date(day)
    month, dom = year_end
    end = _safe_date(day.year, month, dom)
    if day > end:
        end = _safe_date(day.year + 1, month, dom)
    previous_end = _safe_date(end.year - 1, month, dom)
    return previous_end + timedelta(days=1), end


def _safe_date(year: int, month: int, day: int) -> date:
    """`date(year, month, day)`, the day brought back to the month's last (29 February -> 28 on a common year).
    A month or a year outside the calendar raises ValueError at once."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} out of range")
    if not MINYEAR <= year <= MAXYEAR:
        raise ValueError(f"year {year} out of range")
    return date(year, month, max(1, min(day, calendar.monthrange(year, month)[1])))
