"""The company's bank accounts (and cash registers): where its money is, and which ledger account books it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from acompte.domain.banking.errors import InvalidBankAccount
from acompte.domain.errors import Reason
from acompte.domain.money import Money
from acompte.domain.payments import AccountKind

#: The PCG prefix a treasury account's own ledger account must have: 512 Banques, 53 Caisse.
LEDGER_PREFIXES: dict[AccountKind, str] = {AccountKind.BANK: "512", AccountKind.CASH: "53"}
LEDGER_ACCOUNT_LENGTH = 20


@dataclass(frozen=True, slots=True)
class TreasuryAccount:
    """A bank account or a cash register. `ledger_account` empty: the chart's bank (or cash) account books it;
    `opening_balance` is the bank's balance on `opening_date`, before the first imported line."""

    id: int
    name: str
    kind: AccountKind
    iban: str
    bic: str
    ledger_account: str
    currency: str
    opening_balance: Money
    opening_date: date | None
    active: bool
    version: int


def check_ledger_account(number: str, kind: AccountKind) -> str:
    """The account's own ledger account, trimmed: empty, or digits (then letters or digits) under its kind's
    PCG prefix, at most 20 characters (the FEC's CompteNum)."""
    number = number.strip()
    if not number:
        return ""
    prefix = LEDGER_PREFIXES[kind]
    if not number.startswith(prefix) or not number.isalnum() or len(number) > LEDGER_ACCOUNT_LENGTH:
        raise InvalidBankAccount(reason=Reason.BANK_LEDGER_ACCOUNT, field="ledger_account", value=number, prefix=prefix)
    return number


def check_opening_balance(balance: Money, currency: str) -> Money:
    if balance.currency != currency:
        raise InvalidBankAccount(
            reason=Reason.OPENING_BALANCE_CURRENCY,
            field="opening_balance",
            currency=balance.currency,
            account_currency=currency,
        )
    return balance
