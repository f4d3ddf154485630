"""What the matcher proposes for a bank line: candidates with their score, what they settle and their reasons
(a code, its parameters and the sentence in the request's language)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from acompte.adapters.api.schemas.common import CodeOut, IsoDate, Money, MoneyOut, Output
from acompte.adapters.i18n.match_words import reason_text
from acompte.domain import money as domain_money
from acompte.services.banking.matching import CandidateView, ReasonView


class CandidateDocumentOut(Output):
    id: str
    number: str
    kind: str
    flow: str


class CandidatePaymentOut(Output):
    id: str
    number: str
    method: str
    payment_date: IsoDate
    amount: MoneyOut


class CandidateAllocationOut(Output):
    document_id: str
    number: str
    amount: MoneyOut


class MatchReasonOut(Output):
    code: Annotated[str, Field(examples=["number-in-text"])]
    params: dict[str, Any]
    points: int
    text: Annotated[str, Field(description="The reason in the request's language (Accept-Language)")]


class CandidateOut(Output):
    kind: CodeOut
    score: Annotated[int, Field(ge=0, le=100)]
    certain: bool
    party_id: str | None
    party_name: str
    amount: MoneyOut
    documents: list[CandidateDocumentOut]
    payments: list[CandidatePaymentOut]
    allocations: list[CandidateAllocationOut]
    fee: MoneyOut | None
    reasons: list[MatchReasonOut]


class CandidatesOut(Output):
    line_id: str
    items: list[CandidateOut]


def _param(value: Any) -> Any:
    if isinstance(value, domain_money.Money):
        return Money.of(value).model_dump()
    return value


def reason_out(reason: ReasonView, lang: str) -> MatchReasonOut:
    return MatchReasonOut(
        code=reason.code,
        params={name: _param(value) for name, value in reason.params.items()},
        points=reason.points,
        text=reason_text(reason.code, reason.params, lang),
    )


def candidate_out(view: CandidateView, lang: str) -> CandidateOut:
    return CandidateOut.model_validate(
        {
            "kind": view.kind,
            "score": view.score,
            "certain": view.certain,
            "party_id": view.party_id,
            "party_name": view.party_name,
            "amount": view.amount,
            "documents": [CandidateDocumentOut.model_validate(d) for d in view.documents],
            "payments": [CandidatePaymentOut.model_validate(p) for p in view.payments],
            "allocations": [CandidateAllocationOut.model_validate(a) for a in view.allocations],
            "fee": view.fee,
            "reasons": [reason_out(r, lang) for r in view.reasons],
        }
    )
