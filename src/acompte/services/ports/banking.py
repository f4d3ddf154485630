"""What the bank reconciliation use cases read and write: statements and their lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from acompte.domain.banking.accounts import TreasuryAccount
from acompte.domain.banking.confirmation import BankMatch, MatchedPayment
from acompte.domain.banking.facts import HeldCredit, Narrowing, OpenDocument, OpenPayment
from acompte.domain.banking.lines import BankLine, LineState, NewBankLine, PartyBankAccount
from acompte.domain.banking.statements import BankImport, CsvMapping, LineFilter, StatementAccount
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
    # statement imports
    def statement_accounts(self, company_id: int) -> list[StatementAccount]: ...
    def statement_account(self, company_id: int, account_id: int, *, lock: bool = False) -> StatementAccount | None: ...
    def existing_keys(self, company_id: int, account_id: int, keys: Sequence[str]) -> set[str]: ...
    def add_lines(
        self, company_id: int, account_id: int, import_id: int, lines: Sequence[tuple[NewBankLine, str]]
    ) -> None: ...
    def set_import_counts(self, company_id: int, import_id: int, *, added: int, skipped: int) -> None: ...
    def imports(
        self, company_id: int, account_id: int | None = None, *, after_id: int | None = None, limit: int = 500
    ) -> list[BankImport]: ...
    def last_imports(self, company_id: int) -> dict[int, BankImport]: ...
    def find_lines(
        self,
        company_id: int,
        where: LineFilter,
        *,
        after_id: int | None = None,
        offset: int = 0,
        limit: int = 500,
        newest_first: bool = False,
    ) -> list[BankLine]: ...
    def count_lines(self, company_id: int, where: LineFilter) -> tuple[int, int]: ...
    # CSV mappings
    def add_mapping(self, company_id: int, mapping: CsvMapping) -> int: ...
    def mappings(self, company_id: int) -> list[CsvMapping]: ...
    def mapping(self, company_id: int, mapping_id: int) -> CsvMapping | None: ...
    def remove_mapping(self, company_id: int, mapping_id: int) -> bool: ...


class PartyBanks(Protocol):
    def add(
        self, company_id: int, party_id: int, iban: str, *, bic: str = "", label: str = "", source: str = "user"
    ) -> PartyBankAccount: ...
    def of_party(self, company_id: int, party_id: int) -> Sequence[PartyBankAccount]: ...
    def parties_with_iban(self, company_id: int, iban: str) -> Sequence[int]: ...
    def remove(self, company_id: int, party_id: int, account_id: int) -> bool: ...


@dataclass(frozen=True, slots=True)
class BankFee:
    """The bank's commission a card settlement's match booked (D 627 / C 512); `undone_on` once undone."""

    match_id: int
    line_id: int
    account_id: int
    booking_date: date
    amount: Money
    label: str
    reference: str
    undone_on: date | None


@dataclass(frozen=True, slots=True)
class UnmatchedPayment:
    """A payment on the account that no bank line stands for yet; `amount` signed (out negative)."""

    payment_id: int
    number: str
    payment_date: date
    amount: Money


@dataclass(frozen=True, slots=True)
class AccountFigures:
    """What the store sums for one bank account's balance; amounts signed as the bank sees them (out negative)."""

    account_id: int
    name: str
    currency: str
    opening: Money
    opening_date: date | None
    lines_total: Money
    open_in: Money
    open_out: Money
    open_count: int
    ignored_total: Money
    last_closing: Money | None
    last_closing_date: date | None
    recorded_total: Money
    fees_total: Money
    unmatched_in: Money
    unmatched_out: Money
    unmatched_count: int


class BankMatches(Protocol):
    def add(
        self,
        company_id: int,
        line_id: int,
        payments: Sequence[MatchedPayment],
        *,
        origin: str = "user",
        score: int = 0,
        reasons: Sequence[dict[str, object]] = (),
        fee: Money | None = None,
        created_by: str = "",
    ) -> int: ...
    def get(self, company_id: int, match_id: int) -> BankMatch | None: ...
    def active_for_lines(self, company_id: int, line_ids: Sequence[int]) -> dict[int, BankMatch]: ...
    def mark_undone(self, company_id: int, match_id: int) -> bool: ...
    def matched_payments(self, company_id: int, payment_ids: Sequence[int]) -> set[int]: ...
    def fees(self, company_id: int) -> list[BankFee]: ...
    def account_figures(self, company_id: int, account_id: int) -> AccountFigures | None: ...
    def unmatched_payments(
        self, company_id: int, account_id: int, currency: str, limit: int = 200
    ) -> list[UnmatchedPayment]: ...


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
