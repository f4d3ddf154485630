"""The candidates of a bank line, ranked with their score and reasons, and the best ones of every open line.

Reads only: the facts come from `uow.bank_facts` (narrowed to the line: a few statements whatever the company's
size; or read once for every open line), the rules from `domain.banking.scoring`. The views carry no words: each
reason is a code and its parameters, the adapters say them in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from stdnum import iso11649

from acompte.domain.banking.facts import ExpectedDeposit, LineFacts, Narrowing, OpenDocument, OpenPayment
from acompte.domain.banking.lines import BankLine, LineState
from acompte.domain.banking.matching import Candidate, CandidateKind
from acompte.domain.banking.narrowing import FactsIndex
from acompte.domain.banking.references import (
    compact_iban,
    holds_name,
    name_words,
    normal_name,
    numbers_in,
    party_name_words,
    rf_body,
    rf_references,
    same_name,
    texts,
)
from acompte.domain.banking.scoring import CARD_METHODS, Rules, match
from acompte.domain.banking.subsets import CARD_WINDOW_DAYS
from acompte.domain.errors import NotFound
from acompte.domain.money import Money
from acompte.domain.numbering import DEFAULT_PREFIXES
from acompte.domain.parties import Company
from acompte.services.deposits.family import requested_of
from acompte.services.ports import Ctx, UnitOfWork

#: How many candidates a line shows by default, and how many each line of the proposals carries.
DEFAULT_LIMIT = 5
PROPOSALS_PER_LINE = 3
#: A name many parties share says nothing of who paid.
MAX_NAMED_PARTIES = 20


@dataclass(frozen=True, slots=True)
class DocumentRef:
    id: int
    number: str
    kind: str
    flow: str


@dataclass(frozen=True, slots=True)
class PaymentRef:
    id: int
    number: str
    method: str
    payment_date: date
    amount: Money


@dataclass(frozen=True, slots=True)
class AllocationView:
    document_id: int
    number: str
    amount: Money


@dataclass(frozen=True, slots=True)
class ReasonView:
    """A reason as a code and its parameters; a party named by its id in the rules is named here by its name."""

    code: str
    params: dict[str, Any]
    points: int


@dataclass(frozen=True, slots=True)
class CandidateView:
    kind: CandidateKind
    score: int
    certain: bool
    party_id: int | None
    party_name: str
    amount: Money
    documents: tuple[DocumentRef, ...]
    payments: tuple[PaymentRef, ...]
    allocations: tuple[AllocationView, ...]
    fee: Money | None
    reasons: tuple[ReasonView, ...]
    #: The candidate as the rules made it: what a confirmation acts on.
    candidate: Candidate


def rules_of(company: Company) -> Rules:
    """The company's number prefixes (with the defaults, which older numbers may carry) and the ISO 11649 check."""
    prefixes = set(DEFAULT_PREFIXES.values()) | {company.prefix(k, v) for k, v in DEFAULT_PREFIXES.items()}
    return Rules(prefixes=frozenset(prefixes), rf_is_valid=iso11649.is_valid)


def narrowing_of(line: BankLine, rules: Rules, party_ids: frozenset[int]) -> Narrowing:
    text = texts(line.reference, line.label)
    keys = list(numbers_in(text, rules.prefixes))
    for reference in rf_references(text, rules.rf_is_valid):
        keys += [k for k in numbers_in(rf_body(reference), rules.prefixes) if k not in keys]
    amount = Money(abs(line.amount.amount), line.amount.currency)
    card_days = (line.booking_date - timedelta(days=CARD_WINDOW_DAYS), line.booking_date) if line.received else None
    return Narrowing(
        currency=line.amount.currency,
        amount=amount,
        received=line.received,
        numbers=tuple((k.prefix, k.year, k.value) for k in keys),
        party_ids=party_ids,
        text=text,
        card_days=card_days,
    )


def _named(line: BankLine, parties: Sequence[tuple[int, str]]) -> frozenset[int]:
    if not line.counterparty_name:
        return frozenset()
    found = frozenset(pid for pid, name in parties if same_name(line.counterparty_name, name))
    return found if len(found) <= MAX_NAMED_PARTIES else frozenset()


class _Names:
    """Every party's name, indexed by its words and read once: a line is compared only with the parties sharing a
    word, and lines from the same counterparty name are recognised once."""

    def __init__(self, parties: Sequence[tuple[int, str]]) -> None:
        self.words: dict[int, frozenset[str]] = {}
        self.by_word: dict[str, list[int]] = {}
        for party_id, name in parties:
            self.words[party_id] = party_name_words(name)
            for word in set(normal_name(name).split()):
                self.by_word.setdefault(word, []).append(party_id)
        self.known: dict[str, frozenset[int]] = {}

    def of(self, line: BankLine) -> frozenset[int]:
        name = line.counterparty_name
        if not name:
            return frozenset()
        if name not in self.known:
            theirs = frozenset(normal_name(name).split())
            near = {party for word in theirs for party in self.by_word.get(word, [])}
            found = frozenset(party for party in near if holds_name(theirs, self.words[party]))
            self.known[name] = found if len(found) <= MAX_NAMED_PARTIES else frozenset()
        return self.known[name]


def _deposits(uow: UnitOfWork, ctx: Ctx, currency: str, narrowing: Narrowing | None) -> list[ExpectedDeposit]:
    found = []
    for order_id, number, party_id, flow, gross, data, received in uow.bank_facts.deposit_requests(
        ctx.company_id, currency, narrowing
    ):
        requested, _percent = requested_of(gross, data)
        if requested is not None and requested.amount > received.amount:
            found.append(ExpectedDeposit(order_id, number, party_id, flow, requested - received))
    return found


def line_facts(uow: UnitOfWork, ctx: Ctx, line: BankLine, rules: Rules) -> LineFacts:
    """What the ledger offers one line, narrowed to it by the store."""
    iban = compact_iban(line.counterparty_iban)
    iban_parties = frozenset(uow.party_banks.parties_with_iban(ctx.company_id, iban)) if iban else frozenset()
    words = name_words(line.counterparty_name)
    named = _named(line, uow.bank_facts.parties_named(ctx.company_id, words)) if words else frozenset()
    narrowing = narrowing_of(line, rules, iban_parties | named)
    facts = uow.bank_facts
    currency = narrowing.currency
    return LineFacts(
        documents=tuple(facts.open_documents(ctx.company_id, currency, narrowing)),
        payments=tuple(
            facts.unreconciled_payments(ctx.company_id, currency, narrowing, card_methods=sorted(CARD_METHODS))
        ),
        deposits=tuple(_deposits(uow, ctx, currency, narrowing)),
        credits=tuple(facts.held_credits(ctx.company_id, currency, narrowing)),
        iban_parties=iban_parties,
        named_parties=named,
    )


def candidates(uow: UnitOfWork, ctx: Ctx, line_id: int, *, limit: int = DEFAULT_LIMIT) -> list[CandidateView]:
    """The line's candidates, best first (an empty list when nothing fits: not an error)."""
    with uow:
        line = uow.bank.line(ctx.company_id, line_id)
        if line is None:
            raise NotFound(entity="Ligne bancaire", id=line_id)
        rules = rules_of(uow.companies.get(ctx.company_id))
        facts = line_facts(uow, ctx, line, rules)
        ranked = match(line, facts, rules, limit=limit)
        return _views(facts, ranked, _party_names(uow, ctx, ranked))


def proposals(
    uow: UnitOfWork, ctx: Ctx, account_id: int | None = None, *, per_line: int = PROPOSALS_PER_LINE, limit: int = 500
) -> list[tuple[BankLine, list[CandidateView]]]:
    """Every open line (of one account, or all) with its best candidates. The ledger's open facts are read once
    per currency, in one short transaction, then narrowed in memory line by line, as the store narrows them for one
    line: the matching itself holds no transaction open, however long the statement."""
    with uow:
        lines = uow.bank.lines(ctx.company_id, account_id, LineState.OPEN, limit=limit)
        if not lines:
            return []
        rules = rules_of(uow.companies.get(ctx.company_id))
        facts = uow.bank_facts
        ibans = facts.all_ibans(ctx.company_id)
        parties = facts.all_parties(ctx.company_id)
        indexes = {
            currency: FactsIndex(
                documents=facts.open_documents(ctx.company_id, currency),
                payments=facts.unreconciled_payments(ctx.company_id, currency),
                credits=facts.held_credits(ctx.company_id, currency),
                deposits=_deposits(uow, ctx, currency, None),
                card_methods=CARD_METHODS,
            )
            for currency in sorted({line.amount.currency for line in lines})
        }
    names, party_names = _Names(parties), dict(parties)
    found = []
    for line in lines:
        iban = compact_iban(line.counterparty_iban)
        iban_parties = ibans.get(iban, frozenset()) if iban else frozenset()
        named = names.of(line)
        narrowing = narrowing_of(line, rules, iban_parties | named)
        line_facts_ = indexes[line.amount.currency].for_line(narrowing, iban_parties, named)
        found.append((line, _views(line_facts_, match(line, line_facts_, rules, limit=per_line), party_names)))
    return found


def _party_names(uow: UnitOfWork, ctx: Ctx, ranked: Sequence[Candidate]) -> dict[int, str]:
    party_ids = sorted({c.party_id for c in ranked if c.party_id is not None})
    return uow.bank_facts.party_names(ctx.company_id, party_ids) if party_ids else {}


def _views(facts: LineFacts, ranked: Sequence[Candidate], names: dict[int, str]) -> list[CandidateView]:
    documents: dict[int, OpenDocument] = {d.id: d for d in facts.documents}
    deposits = {d.order_id: d for d in facts.deposits}
    payments: dict[int, OpenPayment] = {p.id: p for p in facts.payments}
    credits = {c.payment_id: c for c in facts.credits}

    def doc_ref(doc_id: int) -> DocumentRef:
        if doc_id in documents:
            d = documents[doc_id]
            return DocumentRef(d.id, d.number, d.kind, d.flow)
        order = deposits[doc_id]
        return DocumentRef(order.order_id, order.number, "order", order.flow)

    def pay_ref(payment_id: int) -> PaymentRef:
        if payment_id in payments:
            p = payments[payment_id]
            return PaymentRef(p.id, p.number, p.method, p.payment_date, p.amount)
        c = credits[payment_id]
        return PaymentRef(c.payment_id, c.number, "", c.payment_date, c.left)

    def reason(code: str, params: dict[str, Any], points: int) -> ReasonView:
        said = dict(params)
        if isinstance(said.get("party"), int):
            said["party"] = names.get(said["party"], "")
        return ReasonView(code, said, points)

    views = []
    for c in ranked:
        refs = tuple(doc_ref(i) for i in c.document_ids)
        numbers = {r.id: r.number for r in refs}
        views.append(
            CandidateView(
                kind=c.kind,
                score=c.score,
                certain=c.certain,
                party_id=c.party_id,
                party_name=names.get(c.party_id, "") if c.party_id is not None else "",
                amount=c.amount,
                documents=refs,
                payments=tuple(pay_ref(i) for i in c.payment_ids),
                allocations=tuple(AllocationView(i, numbers.get(i, ""), m) for i, m in c.allocations),
                fee=c.fee,
                reasons=tuple(reason(b.reason.value, b.params, b.points) for b in c.because),
                candidate=c,
            )
        )
    return views
