"""A line of a bank statement, as the company's bank booked it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from acompte.domain.money import Money


class LineState(StrEnum):
    OPEN = "open"
    RECONCILED = "reconciled"
    IGNORED = "ignored"


@dataclass(frozen=True)
class BankLine:
    """`amount` is signed as the bank sees the company's account: money in positive, money out negative."""

    id: int
    account_id: int
    import_id: int
    position: int
    booking_date: date
    value_date: date | None
    amount: Money
    label: str
    reference: str
    entry_reference: str
    counterparty_name: str
    counterparty_iban: str
    transaction_code: str
    state: LineState
    version: int

    @property
    def received(self) -> bool:
        return self.amount.amount > 0


@dataclass(frozen=True)
class NewBankLine:
    """A line read from a statement file, before it is stored (no id, state or version yet)."""

    position: int
    booking_date: date
    value_date: date | None
    amount: Money
    label: str = ""
    reference: str = ""
    entry_reference: str = ""
    counterparty_name: str = ""
    counterparty_iban: str = ""
    transaction_code: str = ""


@dataclass(frozen=True)
class PartyBankAccount:
    """An IBAN a party pays from or is paid to. `source`: "user" (typed or imported) or "learned" (from a match)."""

    id: int
    party_id: int
    iban: str
    bic: str
    label: str
    source: str
