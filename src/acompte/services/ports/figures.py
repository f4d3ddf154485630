"""Whole-company figures of the party accounts, summed by the database: what the aged balance and the dashboard
read. Each read is a few grouped statements whatever the number of documents, and none sends a list of ids.

Amounts are in minor units of the currency asked for; only documents and payments in that currency count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

#: The age classes the grouped reads answer, by how many days past due an open document is on `as_of`.
#: `DUE_TODAY` is « not due » in the aged balance and « to pay » in the dashboard's actions.
NOT_YET_DUE, DUE_TODAY, LATE_1_30, LATE_31_60, LATE_61_90, LATE_OVER_90 = range(6)


@dataclass(frozen=True, slots=True)
class AgedSum:
    """Open documents of one party in one age class: how many, what they still owe (one instalment each)."""

    party_id: int
    party_name: str
    age: int
    count: int
    minor: int


@dataclass(frozen=True, slots=True)
class OpenDocument:
    """An open invoice or deposit invoice: what it still owes and what its instalments are made of."""

    id: int
    kind: str
    flow: str
    number: str | None
    party_id: int
    party_name: str
    issue_date: date
    due_date: date | None
    gross_minor: int
    balance_minor: int
    data: dict[str, Any]  # its payment terms live there
    order_date: date | None  # the date of the order it comes from (terms counted from the order)


@dataclass(frozen=True, slots=True)
class HeldSum:
    """Credits of one party in hand: how many, how much is left (of those partly used already, or not)."""

    party_id: int
    party_name: str
    count: int
    minor: int
    used_some: bool = False


@dataclass(frozen=True, slots=True)
class HeldPayment:
    payment_id: int
    number: str
    party_id: int
    party_name: str
    payment_date: date
    remaining_minor: int


@dataclass(frozen=True, slots=True)
class AskedDeposit:
    """A validated quote, order or delivery note with a deposit requested, from which nothing but deposit
    documents was made yet."""

    id: int
    kind: str
    number: str | None
    party_id: int
    party_name: str
    issue_date: date
    gross_minor: int
    #: the request noted on it (services.deposits.family.requested_of reads it)
    request: dict[str, Any]
    #: its deposit tab's « deposits paid »: payments on it and on its issued deposit invoices (its currency)
    received_minor: int


@dataclass(frozen=True, slots=True)
class Tallied:
    count: int = 0
    minor: int = 0


class AccountFigures(Protocol):
    """Open documents are validated invoices and deposit invoices of the flow whose position owes something
    (the figure the document lists compute: total − deducted − paid − credited − written off)."""

    def aged_sums(
        self, company_id: int, *, flow: str, currency: str, as_of: date, party_id: int | None = None
    ) -> list[AgedSum]:
        """Open documents without payment terms (one instalment, due on the due date or the issue date), by
        party and age class."""

    def open_with_terms(
        self, company_id: int, *, flow: str, currency: str, party_id: int | None = None
    ) -> list[OpenDocument]:
        """Open documents that carry payment terms: their instalments are worked out by the domain."""

    def aged_sums_and_oldest_due(
        self, company_id: int, *, flow: str, currency: str, as_of: date, before: date, limit: int
    ) -> tuple[list[AgedSum], list[OpenDocument]]:
        """`aged_sums` of the whole company, and the first `limit` of those open documents due before `before`,
        oldest due first (id breaks ties): one read of the open documents for both."""

    def payments_held(
        self, company_id: int, *, direction: str, currency: str, party_id: int | None = None
    ) -> list[HeldSum]:
        """Active payments with money left, by party and by whether they were partly used already (then an
        overpayment: it settled something, or some of it was refunded or written off)."""

    def oldest_overpayments(self, company_id: int, *, direction: str, currency: str, limit: int) -> list[HeldPayment]:
        """Partly used active payments with money left, oldest first (payment date, then id)."""

    def credit_notes_held(
        self, company_id: int, *, flow: str, currency: str, party_id: int | None = None
    ) -> list[HeldSum]:
        """Validated credit notes with credit left and nothing written off, by party."""

    def credit_notes_left(self, company_id: int, *, flow: str, currency: str) -> tuple[Tallied, Tallied]:
        """Those credit notes: (unused, partially used)."""

    def deposit_requests(self, company_id: int, *, flow: str, currency: str) -> list[AskedDeposit]:
        """The documents with a deposit requested that nothing but deposit documents was made from yet, oldest
        first, with what they received."""

    def draft_counts(self, company_id: int, *, flow: str, kinds: Sequence[str]) -> dict[str, int]:
        """How many drafts of each of `kinds` (every currency), as the document list counts them."""

    def deposits_not_invoiced(self, company_id: int, *, flow: str, currency: str) -> Tallied:
        """Payments on validated quotes, orders and delivery notes and on draft invoices and deposit invoices:
        per document with some, how many and how much."""

    def deposits_not_deducted(self, company_id: int, *, flow: str, currency: str) -> Tallied:
        """Validated deposit invoices: what each carries outside the issued final invoices, up to the payments
        it received, when positive."""
