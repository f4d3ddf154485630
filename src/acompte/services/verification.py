"""`acompte verify`: the history is whole, agrees with the allocations, and the numbering has no gap.

Seven checks per company, each reporting its first break:
- chain: every event's SHA-256 is recomputed from its stored content and its predecessor's hash
  (domain.history_chain); an event without a link, a link out of place, or a head that is not the last link is
  a break (an event altered, removed or added behind the application's back);
- allocations: the history is replayed allocation by allocation (created by PaymentAllocated, CreditAllocated,
  AccountSettled, DepositReversed or DepositCarried; removed by AllocationRemoved). No allocation may be removed
  twice, an allocation the history removed may not exist, every existing allocation must have been created in
  the history, and per document the sum of its allocations must equal the sum the history gives it (documents
  that deposit money moved to or from are compared allocation by allocation only: those moves split and merge
  allocations);
- money: a payment's allocations never exceed its amount, a credit note's uses its total, a document's
  allocations plus its deducted deposits its total;
- numbering: each series (kind × flow × year for documents, direction × year for payments, journal × fiscal
  year for entries) holds exactly the numbers 1 … its counter;
- summary: each payment's summary row, kept by the database as its uses are written (what it used, what it has
  left, the copies of its columns), equals what its facts give.
- sums: each document's stored sums (what the database's triggers keep with its allocations, write-offs,
  deductions and refunds, for the lists and the aged balance) equal those facts summed again;
- tallies: the dashboard's counts and sums kept by the database (documents by kind and state with the deposits
  they hold, payments by month) equal those the documents, allocations and payments give.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from acompte.domain.events import EventKind
from acompte.domain.history_chain import GENESIS, ChainedEvent, expected_hash
from acompte.domain.money import minor_unit
from acompte.services.ports import UnitOfWork
from acompte.services.views import IntegrityFacts


@dataclass(frozen=True, slots=True)
class EventRef:
    id: int
    kind: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class Break:
    """The first thing found wrong by one check. `code` names what (see the CLI's sentences), `params` the
    figures; `event` the event where the history stops agreeing, when there is one."""

    company_id: int
    check: str  # chain · allocations · money · numbering · summary · sums · tallies
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    event: EventRef | None = None


@dataclass(frozen=True, slots=True)
class Verification:
    companies: int
    events: int
    allocations: int
    numbers: int
    breaks: tuple[Break, ...]

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify(uow: UnitOfWork, company_id: int | None = None) -> Verification:
    """Check one company, or every company; read only."""
    with uow:
        ids = [company_id] if company_id is not None else [c.id for c in uow.companies.list()]
        if company_id is not None:
            uow.companies.get(company_id)  # NotFound for an unknown company
        breaks: list[Break] = []
        events = allocations = numbers = 0
        for cid in ids:
            chain = list(uow.events.chain(cid))
            facts = uow.integrity.facts(cid)
            events += len(chain)
            allocations += len(facts.allocations)
            numbers += len(facts.numbered)
            found = [
                _chain_break(cid, chain, uow.events.head(cid)),
                _allocation_break(cid, chain, facts),
                _money_break(cid, facts),
                _numbering_break(cid, facts),
                _summary_break(cid, uow.integrity.payment_summary_difference(cid)),
                _sums_break(cid, facts, uow.integrity.sums_astray(cid)),
                _totals_break(cid, uow.integrity.totals_astray(cid)),
                _tallies_break(cid, uow.integrity.tallies_astray(cid)),
            ]
            breaks += [b for b in found if b is not None]
        return Verification(len(ids), events, allocations, numbers, tuple(breaks))


def _ref(event: ChainedEvent) -> EventRef:
    return EventRef(event.id, event.kind, event.occurred_at)


def _chain_break(company_id: int, chain: list[ChainedEvent], head: Any) -> Break | None:
    previous, seq, last = GENESIS, 0, None
    for event in chain:
        if event.seq == 0:
            return Break(company_id, "chain", "unlinked", {"id": event.id}, _ref(event))
        if event.seq != seq + 1:
            return Break(company_id, "chain", "missing_link", {"seq": seq + 1}, _ref(event))
        if expected_hash(event, previous) != event.hash:
            return Break(company_id, "chain", "altered", {"id": event.id}, _ref(event))
        previous, seq, last = event.hash, event.seq, event
    head_seq, head_hash = (head.seq, head.hash) if head is not None else (0, GENESIS)
    if head_seq != seq or head_hash != previous:
        return Break(company_id, "chain", "head", {"head": head_seq, "last": seq}, _ref(last) if last else None)
    return None


_CREATES = {
    EventKind.PAYMENT_ALLOCATED.value,
    EventKind.CREDIT_ALLOCATED.value,
    EventKind.DEPOSIT_REVERSED.value,
    EventKind.DEPOSIT_CARRIED.value,
}
_MOVES = {EventKind.DEPOSIT_CARRIED.value, EventKind.DEPOSIT_RETURNED.value}


def _amount(value: Any) -> Decimal:
    return Decimal(str(value))


def _allocation_break(company_id: int, chain: list[ChainedEvent], facts: IntegrityFacts) -> Break | None:
    created: dict[int, ChainedEvent] = {}
    removed: dict[int, ChainedEvent] = {}
    by_document: dict[int, Decimal] = defaultdict(Decimal)  # what the history gives each document
    moved_documents: set[int] = set()
    moved_allocations: set[int] = set()
    for event in chain:
        data = event.data if isinstance(event.data, dict) else {}
        created_here: list[tuple[int, int | None, Decimal]] = []
        if event.kind in _CREATES and data.get("allocation_id") is not None:
            target = data.get("to_document_id") if event.kind == EventKind.DEPOSIT_CARRIED.value else event.document_id
            created_here.append((int(data["allocation_id"]), target, _amount(data.get("amount", "0"))))
        elif event.kind == EventKind.ACCOUNT_SETTLED.value:
            created_here += [
                (int(a["allocation_id"]), int(a["document_id"]), _amount(a["amount"]))
                for a in data.get("allocations", [])
            ]
        if event.kind in _MOVES:
            for key in ("from_document_id", "to_document_id"):
                if data.get(key) is not None:
                    moved_documents.add(int(data[key]))
            if event.document_id is not None:
                moved_documents.add(event.document_id)
            if data.get("allocation_id") is not None:
                moved_allocations.add(int(data["allocation_id"]))
        for allocation_id, document_id, amount in created_here:
            created.setdefault(allocation_id, event)
            if document_id is not None and event.kind != EventKind.DEPOSIT_CARRIED.value:
                by_document[int(document_id)] += amount
        if event.kind == EventKind.ALLOCATION_REMOVED.value and data.get("allocation_id") is not None:
            allocation_id = int(data["allocation_id"])
            if allocation_id in removed:
                return Break(
                    company_id, "allocations", "removed_twice",
                    {"allocation": allocation_id, "first": removed[allocation_id].id}, _ref(event),
                )  # fmt: skip
            removed[allocation_id] = event
            if event.document_id is not None:
                by_document[event.document_id] -= _amount(data.get("amount", "0"))
    live_by_document: dict[int, Decimal] = defaultdict(Decimal)
    for allocation in facts.allocations:
        currency = facts.document_currency.get(allocation.document_id, "EUR")
        live_by_document[allocation.document_id] += Decimal(allocation.amount_minor).scaleb(-minor_unit(currency))
        if allocation.id in removed:
            return Break(
                company_id, "allocations", "removed_but_present", {"allocation": allocation.id},
                _ref(removed[allocation.id]),
            )  # fmt: skip
        if allocation.id not in created and allocation.id not in moved_allocations:
            return Break(company_id, "allocations", "no_history", {"allocation": allocation.id})
    for document_id in sorted(set(by_document) | set(live_by_document)):
        if document_id in moved_documents or document_id not in facts.document_gross:
            continue
        if by_document[document_id] != live_by_document[document_id]:
            last = next((e for e in reversed(chain) if e.document_id == document_id), None)
            return Break(
                company_id, "allocations", "document_sum",
                {
                    "document": facts.document_number.get(document_id) or str(document_id),
                    "history": str(by_document[document_id]), "allocations": str(live_by_document[document_id]),
                },
                _ref(last) if last else None,
            )  # fmt: skip
    return None


def _money_break(company_id: int, facts: IntegrityFacts) -> Break | None:
    by_payment: dict[int, int] = defaultdict(int)
    by_credit: dict[int, int] = defaultdict(int)
    by_document: dict[int, int] = defaultdict(int, facts.deducted)
    for a in facts.allocations:
        by_document[a.document_id] += a.amount_minor
        if a.payment_id is not None:
            by_payment[a.payment_id] += a.amount_minor
        if a.credit_document_id is not None:
            by_credit[a.credit_document_id] += a.amount_minor
    for payment_id, used in sorted(by_payment.items()):
        if used > facts.payment_amount.get(payment_id, 0):
            return Break(company_id, "money", "payment_over", {"payment": payment_id, "allocated": used})
    for credit_id, used in sorted(by_credit.items()):
        if used > abs(facts.document_gross.get(credit_id, 0)):
            return Break(company_id, "money", "credit_over", {"document": _number(facts, credit_id), "used": used})
    for document_id, settled in sorted(by_document.items()):
        if settled > abs(facts.document_gross.get(document_id, 0)):
            return Break(
                company_id, "money", "document_over", {"document": _number(facts, document_id), "settled": settled}
            )
    return None


def _summary_break(company_id: int, difference: tuple[int, str] | None) -> Break | None:
    if difference is None:
        return None
    payment_id, column = difference
    return Break(company_id, "summary", "payment_summary", {"payment": payment_id, "column": column})


def _sums_break(company_id: int, facts: IntegrityFacts, astray: list[int]) -> Break | None:
    if not astray:
        return None
    return Break(company_id, "sums", "summary", {"document": _number(facts, astray[0]), "count": len(astray)})


def _totals_break(company_id: int, astray: list[tuple[str, ...]]) -> Break | None:
    if not astray:
        return None
    return Break(company_id, "sums", "totals", {"group": " ".join(astray[0]), "count": len(astray)})


def _tallies_break(company_id: int, astray: list[str]) -> Break | None:
    if not astray:
        return None
    return Break(company_id, "tallies", "tally", {"key": astray[0], "count": len(astray)})


def _number(facts: IntegrityFacts, document_id: int) -> str:
    return facts.document_number.get(document_id) or f"#{document_id}"


_NUMBER = re.compile(r"-(\d{4})-(\d+)$")


def _numbering_break(company_id: int, facts: IntegrityFacts) -> Break | None:
    given: dict[tuple[str, int], list[int]] = defaultdict(list)
    for numbered in facts.numbered:
        if numbered.year is not None and numbered.value is not None:
            given[(numbered.key, numbered.year)].append(numbered.value)
            continue
        match = _NUMBER.search(numbered.number)
        if match is None:
            return Break(company_id, "numbering", "unreadable", {"number": numbered.number, "series": numbered.key})
        given[(numbered.key, int(match.group(1)))].append(int(match.group(2)))
    for key, year in sorted(set(given) | set(facts.series)):
        gap = _first_gap(given.get((key, year), []), facts.series.get((key, year), 0))
        if gap is not None:
            return Break(company_id, "numbering", "gap", {"series": key, "year": year, "value": gap})
    return None


def _first_gap(values: Iterable[int], counter: int) -> int | None:
    """The first value of 1 … counter not given, or a value given beyond the counter or twice."""
    seen: set[int] = set()
    for value in sorted(values):
        if value in seen or value > counter:
            return value
        seen.add(value)
    return next((value for value in range(1, counter + 1) if value not in seen), None)
