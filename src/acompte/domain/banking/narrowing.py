"""The facts of many lines read once and narrowed in memory, line by line, as the store narrows them for one
line (`Narrowing`): by amount, by the numbers the text names, by the parties recognised, by the supplier's number
in the text, by the card payments of the days before; and the deposits expected, which the store reads all, by
amount, number and party. The matcher gives the same candidates either way: it proposes nothing the narrowing
leaves out."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from acompte.domain.banking.facts import ExpectedDeposit, HeldCredit, LineFacts, Narrowing, OpenDocument, OpenPayment
from acompte.domain.banking.references import (
    MIN_REFERENCE_LENGTH,
    NumberKey,
    compact_reference,
    parse_number,
    reference_spans,
)


def _by_number(numbers: Iterable[tuple[str, object]]) -> dict[tuple[int, int], list[object]]:
    found: dict[tuple[int, int], list[object]] = {}
    for number, item in numbers:
        key = parse_number(number)
        if key is not None:
            found.setdefault((key.year, key.value), []).append(item)
    return found


@dataclass
class FactsIndex:
    """Every open fact of a company in one currency, indexed by what a line narrows on."""

    documents: Sequence[OpenDocument]
    payments: Sequence[OpenPayment]
    credits: Sequence[HeldCredit]
    deposits: Sequence[ExpectedDeposit]
    card_methods: frozenset[str]

    def __post_init__(self) -> None:
        # Each fact is found by a key of the line (an amount, a party, a number, a reference, a day), never by
        # reading every fact for every line: matching a statement costs what its lines are, not lines × ledger.
        self._docs_by_amount: dict[int, list[OpenDocument]] = {}
        self._docs_by_party: dict[int, list[OpenDocument]] = {}
        self._docs_by_reference: dict[str, list[OpenDocument]] = {}
        for doc in self.documents:
            self._docs_by_amount.setdefault(doc.open.minor_units, []).append(doc)
            self._docs_by_party.setdefault(doc.party_id, []).append(doc)
            reference = compact_reference(doc.supplier_reference)
            if len(reference) >= MIN_REFERENCE_LENGTH:
                self._docs_by_reference.setdefault(reference, []).append(doc)
        self._longest_reference = max(map(len, self._docs_by_reference), default=0)
        self._docs_by_number = _by_number((d.number, d) for d in self.documents)
        self._pays_by_amount: dict[int, list[OpenPayment]] = {}
        for payment in self.payments:
            self._pays_by_amount.setdefault(payment.amount.minor_units, []).append(payment)
        self._pays_by_number = _by_number((p.number, p) for p in self.payments)
        self._cards = sorted((p for p in self.payments if p.method in self.card_methods), key=lambda p: p.payment_date)
        self._card_days = [p.payment_date for p in self._cards]
        self._credit_order = {c.payment_id: i for i, c in enumerate(self.credits)}
        self._credits_by_left: dict[int, list[HeldCredit]] = {}
        self._credits_by_party: dict[int, list[HeldCredit]] = {}
        for credit in self.credits:
            self._credits_by_left.setdefault(credit.left.minor_units, []).append(credit)
            self._credits_by_party.setdefault(credit.party_id, []).append(credit)
        self._deposits_by_amount: dict[int, list[ExpectedDeposit]] = {}
        self._deposits_by_party: dict[int, list[ExpectedDeposit]] = {}
        for deposit in self.deposits:
            self._deposits_by_amount.setdefault(deposit.amount.minor_units, []).append(deposit)
            self._deposits_by_party.setdefault(deposit.party_id, []).append(deposit)
        self._deposits_by_number = _by_number((d.number, d) for d in self.deposits)

    def for_line(self, n: Narrowing, iban_parties: frozenset[int], named_parties: frozenset[int]) -> LineFacts:
        amount = n.amount.minor_units
        keys = [NumberKey(*k) for k in n.numbers]
        parties = sorted(n.party_ids)
        docs: dict[int, OpenDocument] = {d.id: d for d in self._docs_by_amount.get(amount, [])}
        for party in parties:
            docs |= {d.id: d for d in self._docs_by_party.get(party, [])}
        for doc in _named(self._docs_by_number, keys):
            assert isinstance(doc, OpenDocument)
            docs[doc.id] = doc
        if self._docs_by_reference:
            for reference in reference_spans(n.text, self._longest_reference):
                docs |= {d.id: d for d in self._docs_by_reference.get(reference, [])}
        direction = "in" if n.received else "out"
        pays: dict[int, OpenPayment] = {p.id: p for p in self._pays_by_amount.get(amount, [])}
        for payment in _named(self._pays_by_number, keys):
            assert isinstance(payment, OpenPayment)
            pays[payment.id] = payment
        if n.card_days is not None:
            first, last = n.card_days
            within = self._cards[bisect_left(self._card_days, first) : bisect_right(self._card_days, last)]
            pays |= {p.id: p for p in within}
        credits = {c.payment_id: c for c in self._credits_by_left.get(amount, [])}
        for party in parties:
            credits |= {c.payment_id: c for c in self._credits_by_party.get(party, []) if c.left.minor_units >= amount}
        # The matcher proposes a deposit the line names, has the amount of, or whose party it recognises: those.
        deposits = {d.order_id: d for d in self._deposits_by_amount.get(amount, [])}
        for party in parties:
            deposits |= {d.order_id: d for d in self._deposits_by_party.get(party, [])}
        for deposit in _named(self._deposits_by_number, keys):
            assert isinstance(deposit, ExpectedDeposit)
            deposits[deposit.order_id] = deposit
        return LineFacts(
            documents=tuple(sorted(docs.values(), key=lambda d: d.id)),
            payments=tuple(
                sorted((p for p in pays.values() if p.direction == direction), key=lambda p: (p.payment_date, p.id))
            ),
            deposits=tuple(sorted(deposits.values(), key=lambda d: d.order_id)),
            credits=tuple(
                sorted(
                    (c for c in credits.values() if c.direction != direction),
                    key=lambda c: self._credit_order[c.payment_id],
                )
            ),
            iban_parties=iban_parties,
            named_parties=named_parties,
        )


def _named(index: Mapping[tuple[int, int], list[object]], keys: Sequence[NumberKey]) -> list[object]:
    found: list[object] = []
    for key in keys:
        found += [item for item in index.get((key.year, key.value), []) if key.matches(getattr(item, "number", ""))]
    return found
