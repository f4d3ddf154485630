"""What the bank reconciliation use cases read and write: statements and their lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from acompte.domain.banking.facts import HeldCredit, Narrowing, OpenDocument, OpenPayment
from acompte.domain.banking.lines import BankLine, LineState, NewBankLine, PartyBankAccount
from acompte.domain.money import Money


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


class BankFacts(Protocol):
    """What the matcher of bank lines reads from the ledger; each read narrowed to one line, or everything open."""

    def open_documents(
        self, company_id: int, currency: str, narrowing: Narrowing | None = None
    ) -> list[OpenDocument]: ...
    def unreconciled_payments(
        self, company_id: int, currency: str, narrowing: Narrowing | None = None, *, card_methods: Sequence[str] = ()
    ) -> list[OpenPayment]: ...
    def held_credits(self, company_id: int, currency: str, narrowing: Narrowing | None = None) -> list[HeldCredit]: ...
    def deposit_requests(
        self, company_id: int, currency: str, narrowing: Narrowing | None = None
    ) -> list[tuple[int, str, int, str, Money, dict[str, Any], Money]]: ...
    def parties_named(self, company_id: int, words: Sequence[str]) -> list[tuple[int, str]]: ...
    def all_parties(self, company_id: int) -> list[tuple[int, str]]: ...
    def all_ibans(self, company_id: int) -> dict[str, frozenset[int]]: ...
    def party_names(self, company_id: int, party_ids: Sequence[int]) -> dict[int, str]: ...
