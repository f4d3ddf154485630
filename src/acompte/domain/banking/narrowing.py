"""The facts of many lines read once and narrowed in memory, line by line, as the store narrows them for one
line (`Narrowing`): by amount, by the numbers the text names, by the parties recognised, by the supplier's number
in the text, by the card payments of the days before. The matcher gives the same candidates either way: it
proposes nothing the narrowing leaves out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from acompte.domain.banking.facts import ExpectedDeposit, HeldCredit, LineFacts, Narrowing, OpenDocument, OpenPayment
from acompte.domain.banking.references import NumberKey, holds_reference, parse_number


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
        self._docs_by_amount: dict[int, list[OpenDocument]] = {}
        self._docs_by_party: dict[int, list[OpenDocument]] = {}
        for doc in self.documents:
            self._docs_by_amount.setdefault(doc.open.minor_units, []).append(doc)
            self._docs_by_party.setdefault(doc.party_id, []).append(doc)
        self._docs_by_number = _by_number((d.number, d) for d in self.documents)
        self._referenced = [d for d in self.documents if d.supplier_reference]
        self._pays_by_amount: dict[int, list[OpenPayment]] = {}
        for payment in self.payments:
            self._pays_by_amount.setdefault(payment.amount.minor_units, []).append(payment)
        self._pays_by_number = _by_number((p.number, p) for p in self.payments)
        self._cards = [p for p in self.payments if p.method in self.card_methods]

    def for_line(self, n: Narrowing, iban_parties: frozenset[int], named_parties: frozenset[int]) -> LineFacts:
        amount = n.amount.minor_units
        keys = [NumberKey(*k) for k in n.numbers]
        docs: dict[int, OpenDocument] = {d.id: d for d in self._docs_by_amount.get(amount, [])}
        for party in sorted(n.party_ids):
            docs |= {d.id: d for d in self._docs_by_party.get(party, [])}
        for doc in _named(self._docs_by_number, keys):
            assert isinstance(doc, OpenDocument)
            docs[doc.id] = doc
        for doc in self._referenced:
            if holds_reference(n.text, doc.supplier_reference):
                docs[doc.id] = doc
        direction = "in" if n.received else "out"
        pays: dict[int, OpenPayment] = {p.id: p for p in self._pays_by_amount.get(amount, [])}
        for payment in _named(self._pays_by_number, keys):
            assert isinstance(payment, OpenPayment)
            pays[payment.id] = payment
        if n.card_days is not None:
            first, last = n.card_days
            pays |= {p.id: p for p in self._cards if first <= p.payment_date <= last}
        credits = [
            c
            for c in self.credits
            if c.direction != direction
            and (c.left.minor_units == amount or (c.party_id in n.party_ids and c.left.minor_units >= amount))
        ]
        return LineFacts(
            documents=tuple(sorted(docs.values(), key=lambda d: d.id)),
            payments=tuple(
                sorted((p for p in pays.values() if p.direction == direction), key=lambda p: (p.payment_date, p.id))
            ),
            deposits=tuple(self.deposits),
            credits=tuple(credits),
            iban_parties=iban_parties,
            named_parties=named_parties,
        )


def _named(index: Mapping[tuple[int, int], list[object]], keys: Sequence[NumberKey]) -> list[object]:
    found: list[object] = []
    for key in keys:
        found += [item for item in index.get((key.year, key.value), []) if key.matches(getattr(item, "number", ""))]
    return found
