"""Candidates built by hand for the tests of confirmation: what the matcher would propose for a line."""

from __future__ import annotations

from acompte.domain.banking.matching import Because, Candidate, CandidateKind, MatchReason
from acompte.domain.money import Money


def document_candidate(party_id: int, document_id: int, amount: str, *, certain: bool = False) -> Candidate:
    """One open document whose balance is the line's amount, found by its number in the remittance text."""
    money = Money.of(amount, "EUR")
    return Candidate(
        kind=CandidateKind.DOCUMENT,
        party_id=party_id,
        amount=money,
        score=95 if certain else 60,
        because=(
            Because(MatchReason.NUMBER_IN_TEXT, {"number": f"FA-{document_id}"}, 60),
            Because(MatchReason.EXACT_AMOUNT, {"amount": amount}, 35),
        ),
        document_ids=(document_id,),
        allocations=((document_id, money),),
        certain=certain,
    )


def payments_candidate(party_id: int, payment_ids: tuple[int, ...], amount: str, fee: str | None) -> Candidate:
    """Card payments the bank settles in one line, less its commission."""
    return Candidate(
        kind=CandidateKind.PAYMENTS,
        party_id=party_id,
        amount=Money.of(amount, "EUR"),
        score=80,
        because=(Because(MatchReason.AMOUNT_WITH_FEE, {"amount": amount, "fee": fee}, 80),),
        payment_ids=payment_ids,
        fee=Money.of(fee, "EUR") if fee is not None else None,
    )
