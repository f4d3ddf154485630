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
NOT_YET_DUE, DUE_TODAY, LATE_1_30, LATE_31_60, LATE_61_90, LATE_OVER_90 = AGE_CLASSES = tuple(range(6))
#: The age classes each bucket of the aged balance adds up, in the order of its buckets (domain.accounts.AgeBucket:
#: not yet due, 1–30, 31–60, 61–90, over 90 days late).
BUCKET_AGES = ((NOT_YET_DUE, DUE_TODAY), (LATE_1_30,), (LATE_31_60,), (LATE_61_90,), (LATE_OVER_90,))
#: What a party holds in hand: its payments with money left, its credit notes with credit left.
HELD_PAYMENT, HELD_CREDIT_NOTE = range(2)


@dataclass(frozen=True, slots=True)
class AgedParty:
    """One party's open documents without payment terms (one instalment each): what they still owe in each bucket
    of the aged balance (`BUCKET_AGES`' order); and what the party holds in hand (payments and credit notes not
    yet used)."""

    party_id: int
    party_name: str
    owed: tuple[int, ...]
    held: int


@dataclass(frozen=True, slots=True)
class AgeTally:
    """Open documents without payment terms in one age class, over every party: how many, what they owe."""

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
class HeldTally:
    """Credits in hand over every party, of one source (`HELD_PAYMENT`, `HELD_CREDIT_NOTE`), partly used
    already or not: how many, how much is left."""

    source: int
    used_some: bool
    count: int
    minor: int


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

    def aged_by_party(
        self,
        company_id: int,
        *,
        flow: str,
        direction: str,
        currency: str,
        as_of: date,
        party_id: int | None = None,
    ) -> list[AgedParty]:
        """Per party (or the one asked for) with an open document without payment terms (one instalment, due on
        the due date or the issue date) or a credit in hand: what those documents owe by age class, and what it
        holds — active payments of the direction with money left, and validated credit notes of the flow with
        credit left and nothing written off. One row per party, whatever its number of documents."""

    def open_with_terms(
        self, company_id: int, *, flow: str, currency: str, party_id: int | None = None
    ) -> list[OpenDocument]:
        """Open documents that carry payment terms: their instalments are worked out by the domain."""

    def aged_by_age_and_oldest_due(
        self, company_id: int, *, flow: str, currency: str, as_of: date, before: date, limit: int
    ) -> tuple[list[AgeTally], list[OpenDocument]]:
        """`aged_by_party`'s open documents summed by age class over every party, and the first `limit` of them
        due before `before`, oldest due first (id breaks ties)."""

    def held_by_use(self, company_id: int, *, flow: str, direction: str, currency: str) -> list[HeldTally]:
        """`aged_by_party`'s credits in hand over every party, by source and by whether they were partly used
        already (a payment that settled something, or some of which was refunded or written off, is then an
        overpayment)."""

    def oldest_overpayments(self, company_id: int, *, direction: str, currency: str, limit: int) -> list[HeldPayment]:
        """Partly used active payments with money left, oldest first (payment date, then id)."""

    def credit_notes_left(self, company_id: int, *, flow: str, currency: str) -> tuple[Tallied, Tallied]:
        """Validated credit notes with credit left and nothing written off: (unused, partially used)."""

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
