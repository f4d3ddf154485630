"""How a bank line is matched: the candidates its facts offer, each with its reasons, points and score.

Points per reason add up to a score capped at 100. A candidate is `certain` — the company may reconcile it
automatically — only when every document or payment it settles is named by a reference in the line (an RF
creditor reference, a number, the supplier's own number) and the amounts agree exactly, in the line's
direction; never on an amount alone, and never when two candidates of the line would both be certain.

Direction: money in matches sales invoices, customer payments, suppliers' credit notes and refunds; money out
matches purchase invoices, supplier payments and direct debits, customers' credit notes and refunds."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date

from acompte.domain.banking.confirmation import LineMethod, line_method
from acompte.domain.banking.facts import LineFacts, OpenDocument
from acompte.domain.banking.lines import BankLine
from acompte.domain.banking.matching import Because, Candidate, CandidateKind, MatchReason
from acompte.domain.banking.references import (
    NumberKey,
    compact_iban,
    compact_reference,
    numbers_in,
    one_slip,
    parse_number,
    reference_spans,
    rf_body,
    rf_references,
    texts,
    written_words,
)
from acompte.domain.banking.subsets import card_settlement, exact_subset, wide_subset
from acompte.domain.money import Money

POINTS: dict[MatchReason, int] = {
    MatchReason.STRUCTURED_REFERENCE: 60,
    MatchReason.NUMBER_IN_TEXT: 50,
    MatchReason.NUMBER_MISTYPED: 20,
    MatchReason.SUPPLIER_REFERENCE: 50,
    MatchReason.KNOWN_IBAN: 25,
    MatchReason.PARTY_NAME: 15,
    MatchReason.EXACT_AMOUNT: 30,
    MatchReason.COMBINED_AMOUNT: 25,
    MatchReason.AMOUNT_WITH_FEE: 30,
    MatchReason.DATE_WINDOW: 10,  # at most: the line on the due date; one point less every three days
    MatchReason.EXPECTED_DEPOSIT: 5,
    MatchReason.DIRECTION: 5,
}
#: Reasons that name what the line pays: one of them on every part, with the exact amount, makes it certain.
NAMING = frozenset({MatchReason.STRUCTURED_REFERENCE, MatchReason.NUMBER_IN_TEXT, MatchReason.SUPPLIER_REFERENCE})
EXACT = frozenset({MatchReason.EXACT_AMOUNT, MatchReason.COMBINED_AMOUNT})
#: What all the card payments of one day add to a settlement the bank calls a card settlement: a terminal sends
#: its day's payments at once and the acquirer credits them in one line, less its commission. Never certain:
#: two terminals crediting the same day cannot be told apart by amount.
CARD_DAY_POINTS = 25
#: Days between the line and a due date (or a payment's date) beyond which the date says nothing.
DATE_WINDOW_DAYS = 30
#: Payment methods whose payments the bank pays out in settlements, less its commission.
CARD_METHODS = frozenset({"card"})
_KIND_ORDER = {kind: i for i, kind in enumerate(CandidateKind)}
#: The longest supplier's number a document holds (its column's width).
_LONGEST_REFERENCE = 100


@dataclass(frozen=True, slots=True)
class Rules:
    """What the company's settings and the caller give the matcher: the prefixes of its number series and the
    check of an RF reference's digits."""

    prefixes: Collection[str]
    rf_is_valid: Callable[[str], bool]


def because(reason: MatchReason, **params: object) -> Because:
    points = POINTS[reason]
    if reason is MatchReason.DATE_WINDOW:
        days = params["days"]
        points = max(0, points - int(days) // 3) if isinstance(days, int) else 0
    return Because(reason, dict(params), points)


def score_of(reasons: Sequence[Because]) -> int:
    return min(100, sum(b.points for b in reasons))


class _Matcher:
    def __init__(self, line: BankLine, facts: LineFacts, rules: Rules) -> None:
        self.line, self.facts = line, facts
        self.received = line.received
        self.amount = _abs(line.amount)
        self.text = texts(line.reference, line.label)
        keys: list[tuple[NumberKey, str | None]] = []
        for reference in rf_references(self.text, rules.rf_is_valid):
            keys += [(key, reference) for key in numbers_in(rf_body(reference), rules.prefixes)]
        keys += [(key, None) for key in numbers_in(self.text, rules.prefixes)]
        self.keys = tuple(keys)
        self.written = sorted(written_words(self.text))
        self._spans: frozenset[str] | None = None
        currency = line.amount.currency
        flow, direction = self._flow, self._direction
        self.documents = [d for d in facts.documents if (d.flow == flow) != d.is_credit and d.open.currency == currency]
        self.payments = [p for p in facts.payments if p.direction == direction and p.amount.currency == currency]
        self.deposits = [d for d in facts.deposits if d.flow == flow and d.amount.currency == currency]
        # A credit the party holds goes back the other way: a customer's overpayment is refunded by a debit.
        self.credits = [c for c in facts.credits if c.direction != direction and c.left.currency == currency]
        # How many facts a number read without its prefix names (it names one only when that is one).
        self._matches = self._count_matches() if any(key.prefix is None for key, _rf in keys) else {}
        self._named_memo: dict[str, Because | None] = {}
        # What does not depend on the candidate is worked out once for the line: about twenty candidates a line
        # share it (every open document of a party the line recognises is one).
        self._recognised = facts.iban_parties | facts.named_parties
        self._party_memo: dict[int, list[Because]] = {}
        self._days_memo: dict[date, list[Because]] = {}
        self._points_memo: dict[tuple[int, date], int] = {}
        self._exact = because(MatchReason.EXACT_AMOUNT, amount=self.amount)
        self._direction_reasons = [] if self.received else [because(MatchReason.DIRECTION)]
        self._open_minor: dict[int, int] = {}

    def _count_matches(self) -> dict[NumberKey, int]:
        """How many of the line's facts each key without a prefix names (`NumberKey.matches` over every number,
        each number parsed once)."""
        numbers = [d.number for d in self.documents] + [p.number for p in self.payments]
        numbers += [d.number for d in self.deposits]
        by_counter: dict[tuple[int, int], int] = {}
        for number in numbers:
            stored = parse_number(number)
            if stored is not None:
                by_counter[stored.year, stored.value] = by_counter.get((stored.year, stored.value), 0) + 1
        return {key: by_counter.get((key.year, key.value), 0) for key, _rf in self.keys if key.prefix is None}

    @property
    def spans(self) -> frozenset[str]:
        """The references the text holds (`holds_reference`), read once for every purchase document of the line
        (and only for a line that has one)."""
        if self._spans is None:
            self._spans = reference_spans(self.text, _LONGEST_REFERENCE)
        return self._spans

    def _open(self, doc: OpenDocument) -> int:
        if doc.id not in self._open_minor:
            self._open_minor[doc.id] = doc.open.minor_units
        return self._open_minor[doc.id]

    @property
    def _card_line(self) -> bool:
        return line_method(self.line) is LineMethod.CARD

    @property
    def _direction(self) -> str:
        return "in" if self.received else "out"

    @property
    def _flow(self) -> str:
        return "sale" if self.received else "purchase"

    def _document_fits(self, doc: OpenDocument) -> bool:
        return (doc.flow == self._flow) != doc.is_credit

    def _named(self, number: str) -> Because | None:
        """Why `number` is named by the line, if it is. A number read without its prefix names it only when it
        names nothing else the line may pay."""
        if not self.keys:  # most lines name no number: nothing to look for
            return None
        if number not in self._named_memo:
            self._named_memo[number] = self._naming(number)
        return self._named_memo[number]

    def _naming(self, number: str) -> Because | None:
        for key, rf in self.keys:
            if not key.matches(number) or (key.prefix is None and self._matches[key] != 1):
                continue
            if rf is not None:
                return because(MatchReason.STRUCTURED_REFERENCE, reference=rf, number=number)
            return because(MatchReason.NUMBER_IN_TEXT, number=number)
        return None

    def _mistyped(self, doc: OpenDocument) -> Because | None:
        """A word of the text that is the document's number typed with a slip, when the line recognises the
        document's party (numbers follow one another: a slip names a neighbour of anybody's)."""
        if not self.written or not doc.number or doc.party_id not in self._recognised:
            return None
        wanted = compact_reference(doc.number)
        for word in self.written:
            if abs(len(word) - len(wanted)) <= 1 and one_slip(word, wanted):
                return because(MatchReason.NUMBER_MISTYPED, number=doc.number, written=word)
        return None

    def _party(self, party_id: int) -> list[Because]:
        """Why the line recognises the party (the same reasons for each of its candidates: a list not to change)."""
        if party_id not in self._recognised:
            return []
        if party_id not in self._party_memo:
            self._party_memo[party_id] = self._party_reasons(party_id)
        return self._party_memo[party_id]

    def _party_reasons(self, party_id: int) -> list[Because]:
        found = []
        if party_id in self.facts.iban_parties:
            iban = compact_iban(self.line.counterparty_iban)
            found.append(because(MatchReason.KNOWN_IBAN, iban=iban, party=party_id))
        if party_id in self.facts.named_parties:
            found.append(because(MatchReason.PARTY_NAME, party=party_id))
        return found

    def _days(self, day: date | None) -> list[Because]:
        """The date's reason (a list not to change)."""
        if day is None:
            return []
        if day not in self._days_memo:
            days = abs((self.line.booking_date - day).days)
            self._days_memo[day] = [because(MatchReason.DATE_WINDOW, days=days)] if days <= DATE_WINDOW_DAYS else []
        return self._days_memo[day]

    def _direction_reason(self) -> list[Because]:
        """A list not to change."""
        return self._direction_reasons

    def candidates(self, limit: int | None = None) -> list[Candidate]:
        """Every candidate; with `limit`, every one but the open documents of a recognised party that neither the
        text names nor the amount fits, of which only the `limit` best are built: the others cannot be among the
        `limit` best of all (such a candidate is never certain, so none changes what `rank` makes certain)."""
        weak: list[tuple[tuple[int, int], OpenDocument, Because | None]] | None = None if limit is None else []
        found = [*self._single_documents(weak), *self._combined(), *self._payments(), *self._card_settlement()]
        found += [*self._deposits(), *self._refunds()]
        if weak:
            # the order `rank` gives them: score, then the document's id (same kind, none certain)
            for _key, doc, mistyped in sorted(weak, key=lambda w: w[0])[:limit]:
                found.append(self._document(doc, [], False, self._party(doc.party_id), mistyped))
        return found

    def _single_documents(
        self, weak: list[tuple[tuple[int, int], OpenDocument, Because | None]] | None = None
    ) -> list[Candidate]:
        """A candidate per open document the text names, the amount fits or whose party the line recognises; those
        of the last kind only are put in `weak` (their rank and what builds them) when it is given."""
        found = []
        for doc in self.documents:
            named = [b for b in (self._named(doc.number), self._supplier(doc)) if b is not None]
            exact = doc.open == self.amount
            party = self._party(doc.party_id)
            if not (named or exact or party):
                continue
            mistyped = None if named else self._mistyped(doc)
            if weak is not None and not (named or exact):
                points = self._points(doc.party_id, doc.due_date or doc.issue_date)
                points += mistyped.points if mistyped is not None else 0
                weak.append(((-min(100, points), doc.id), doc, mistyped))
                continue
            found.append(self._document(doc, named, exact, party, mistyped))
        return found

    def _points(self, party_id: int, day: date) -> int:
        """The points of a party's, a date's and the direction's reasons (those of a document the line only
        recognises by its party, but its slip)."""
        key = (party_id, day)
        if key not in self._points_memo:
            reasons = [*self._party(party_id), *self._days(day), *self._direction_reason()]
            self._points_memo[key] = sum(b.points for b in reasons)
        return self._points_memo[key]

    def _document(
        self, doc: OpenDocument, named: list[Because], exact: bool, party: list[Because], mistyped: Because | None
    ) -> Candidate:
        reasons = [*named, *([mistyped] if mistyped is not None else []), *party]
        if exact:
            reasons.append(self._exact)
        reasons += self._days(doc.due_date or doc.issue_date) + self._direction_reason()
        part = min(doc.open, self.amount, key=lambda m: m.amount)
        return _candidate(
            CandidateKind.DOCUMENT,
            doc.party_id,
            self.amount,
            reasons,
            document_ids=(doc.id,),
            allocations=((doc.id, part),),
            certain=bool(named) and exact,
        )

    def _supplier(self, doc: OpenDocument) -> Because | None:
        if (
            doc.flow == "purchase"
            and doc.supplier_reference
            and compact_reference(doc.supplier_reference) in self.spans
        ):
            return because(MatchReason.SUPPLIER_REFERENCE, reference=doc.supplier_reference, number=doc.number)
        return None

    def _combined(self) -> list[Candidate]:
        """Several documents of one party: those the text names if they add up, else a bounded search among
        the documents of a party the line names or recognises."""
        by_party: dict[int, list[OpenDocument]] = {}
        for doc in sorted(self.documents, key=lambda d: (d.due_date or d.issue_date, d.id)):
            if not doc.is_credit:
                by_party.setdefault(doc.party_id, []).append(doc)
        found = []
        target = self.amount.minor_units
        for party_id, docs in sorted(by_party.items()):
            named = {d.id: b for d in docs if (b := self._named(d.number) or self._supplier(d)) is not None}
            party = self._party(party_id)
            if not (named or party):
                continue
            picked: tuple[int, ...] | None = None
            if len(named) >= 2 and sum(self._open(d) for d in docs if d.id in named) == target:
                picked = tuple(d.id for d in docs if d.id in named)
            else:
                items = [(d.id, self._open(d)) for d in docs]
                picked = exact_subset(target, items)
                if picked is None and all(amount != target for _id, amount in items):
                    # beyond the oldest: two or three of any open document (a line paying one exactly is that one)
                    picked = wide_subset(target, items)
            if picked is None:
                continue
            chosen = [d for d in docs if d.id in picked]
            reasons = [named[d.id] for d in chosen if d.id in named] + party
            reasons.append(because(MatchReason.COMBINED_AMOUNT, amount=self.amount, count=len(chosen)))
            reasons += self._direction_reason()
            found.append(
                _candidate(
                    CandidateKind.DOCUMENTS,
                    party_id,
                    self.amount,
                    reasons,
                    document_ids=tuple(d.id for d in chosen),
                    allocations=tuple((d.id, d.open) for d in chosen),
                    certain=all(d.id in named for d in chosen),
                )
            )
        return found

    def _payments(self) -> list[Candidate]:
        found = []
        for payment in self.payments:
            named = self._named(payment.number)
            exact = payment.amount == self.amount
            if not (named or exact):
                continue
            reasons = [named] if named is not None else []
            reasons += self._party(payment.party_id)
            if exact:
                reasons.append(self._exact)
            reasons += self._days(payment.payment_date) + self._direction_reason()
            found.append(
                _candidate(
                    CandidateKind.PAYMENT,
                    payment.party_id,
                    self.amount,
                    reasons,
                    payment_ids=(payment.id,),
                    certain=named is not None and exact,
                )
            )
        return found

    def _card_settlement(self) -> list[Candidate]:
        if not self.received:
            return []
        cards = [(p, p.payment_date, p.amount.minor_units) for p in self.payments if p.method in CARD_METHODS]
        on = self.line.booking_date
        day = card_settlement(self.amount.minor_units, on, cards, one_day=True) if self._card_line else None
        settled = day or card_settlement(self.amount.minor_units, on, cards)
        if settled is None:
            return []
        chosen, covered, fee_minor = settled
        currency = self.amount.currency
        fee = Money.from_minor(fee_minor, currency)
        parties = {p.party_id for p in chosen}
        with_fee = because(
            MatchReason.AMOUNT_WITH_FEE, amount=Money.from_minor(covered, currency), fee=fee, count=len(chosen)
        )
        if day is not None:  # a card settlement line covering one whole day: how acquirers pay a terminal
            with_fee = replace(
                with_fee, params={**with_fee.params, "one_day": True}, points=with_fee.points + CARD_DAY_POINTS
            )
        reasons = [with_fee]
        reasons += self._days(max(p.payment_date for p in chosen))
        return [
            _candidate(
                CandidateKind.PAYMENTS,
                parties.pop() if len(parties) == 1 else None,
                self.amount,
                reasons,
                payment_ids=tuple(p.id for p in chosen),
                fee=fee,
            )
        ]

    def _deposits(self) -> list[Candidate]:
        found = []
        for deposit in self.deposits:
            named = self._named(deposit.number)
            exact = deposit.amount == self.amount
            party = self._party(deposit.party_id)
            if not (named or exact or party):
                continue
            reasons = [named] if named is not None else []
            reasons += [because(MatchReason.EXPECTED_DEPOSIT, number=deposit.number), *party]
            if exact:
                reasons.append(self._exact)
            reasons += self._direction_reason()
            part = min(deposit.amount, self.amount, key=lambda m: m.amount)
            found.append(
                _candidate(
                    CandidateKind.DEPOSIT,
                    deposit.party_id,
                    self.amount,
                    reasons,
                    document_ids=(deposit.order_id,),
                    allocations=((deposit.order_id, part),),
                    certain=named is not None and exact,
                )
            )
        return found

    def _refunds(self) -> list[Candidate]:
        found = []
        for credit in self.credits:
            exact = credit.left == self.amount
            party = self._party(credit.party_id)
            named = self._named(credit.number)
            if not (exact or party or named):
                continue
            if credit.left.amount < self.amount.amount:
                continue
            reasons = [named] if named is not None else []
            reasons += party
            if exact:
                reasons.append(self._exact)
            reasons += self._days(credit.payment_date) if named or party else []
            reasons += self._direction_reason()
            refund = _candidate(
                CandidateKind.REFUND, credit.party_id, self.amount, reasons, payment_ids=(credit.payment_id,)
            )
            found.append(refund)
        return found


def _abs(money: Money) -> Money:
    return Money(abs(money.amount), money.currency)


def _candidate(
    kind: CandidateKind,
    party_id: int | None,
    amount: Money,
    reasons: list[Because],
    *,
    document_ids: tuple[int, ...] = (),
    payment_ids: tuple[int, ...] = (),
    allocations: tuple[tuple[int, Money], ...] = (),
    fee: Money | None = None,
    certain: bool = False,
) -> Candidate:
    return Candidate(
        kind=kind,
        party_id=party_id,
        amount=amount,
        score=score_of(reasons),
        because=tuple(reasons),
        document_ids=document_ids,
        payment_ids=payment_ids,
        allocations=allocations,
        fee=fee,
        certain=certain and any(b.reason in EXACT for b in reasons),
    )


def rank(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Best first: score, then certainty, then the simpler kind, then the oldest ids; a line with two certain
    candidates has none (the company decides which)."""
    ordered = sorted(
        candidates,
        key=lambda c: (-c.score, not c.certain, _KIND_ORDER[c.kind], c.document_ids, c.payment_ids),
    )
    if sum(1 for c in ordered if c.certain) > 1:
        ordered = [replace(c, certain=False) for c in ordered]
    return ordered


def match(line: BankLine, facts: LineFacts, rules: Rules, *, limit: int | None = None) -> list[Candidate]:
    """Every candidate the facts offer the line, best first; with `limit`, the first `limit` of them (the same
    ones), without building the many that cannot be among them."""
    if limit is None:
        return rank(_Matcher(line, facts, rules).candidates())
    return rank(_Matcher(line, facts, rules).candidates(max(0, limit)))[: max(0, limit)]
