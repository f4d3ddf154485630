"""What the bank reconciliation use cases read and write: statements and their lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from acompte.domain.banking.accounts import TreasuryAccount
from acompte.domain.banking.lines import BankLine, LineState, NewBankLine, PartyBankAccount
from acompte.domain.money import Money
from acompte.domain.payments import AccountKind


class BankStatements(Protocol):
    def add_import(
        self,
        company_id: int,
        account_id: int,
        *,
        format: str,
        file_sha256: str,
        currency: str,
        file_name: str = "",
        statement_ref: str = "",
        period: tuple[date | None, date | None] = (None, None),
        balances: tuple[Money | None, Money | None] = (None, None),
        imported_by: str = "",
    ) -> int: ...
    def add_line(self, company_id: int, account_id: int, import_id: int, line: NewBankLine, dedup_key: str) -> int: ...
    def line(self, company_id: int, line_id: int, *, lock: bool = False) -> BankLine | None: ...
    def lines(
        self, company_id: int, account_id: int | None = None, state: LineState | None = None, limit: int = 500
    ) -> Sequence[BankLine]: ...
    def set_state(self, company_id: int, line_id: int, state: LineState, expected_version: int) -> bool: ...


class PartyBanks(Protocol):
    def add(
        self, company_id: int, party_id: int, iban: str, *, bic: str = "", label: str = "", source: str = "user"
    ) -> PartyBankAccount: ...
    def of_party(self, company_id: int, party_id: int) -> Sequence[PartyBankAccount]: ...
    def parties_with_iban(self, company_id: int, iban: str) -> Sequence[int]: ...
    def remove(self, company_id: int, party_id: int, account_id: int) -> bool: ...


class BankAccounts(Protocol):
    """The company's treasury accounts: bank accounts and cash registers."""

    def add(
        self,
        company_id: int,
        *,
        name: str,
        kind: AccountKind,
        iban: str,
        bic: str,
        ledger_account: str,
        opening_balance: Money,
        opening_date: date | None,
    ) -> TreasuryAccount: ...
    def get(self, company_id: int, account_id: int, *, lock: bool = False) -> TreasuryAccount: ...
    def list(
        self, company_id: int, *, kind: AccountKind | None = None, include_inactive: bool = False
    ) -> Sequence[TreasuryAccount]: ...
    def update(self, company_id: int, account_id: int, changed: TreasuryAccount) -> TreasuryAccount: ...
