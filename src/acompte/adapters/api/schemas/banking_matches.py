"""Confirming bank lines (from a candidate or typed by hand), undoing, setting aside; an account's balances."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StrictBool, StrictStr

from acompte.adapters.api.schemas.common import METHOD, Bounded, CodeOut, Id, Input, MoneyIn, MoneyOut, Output
from acompte.adapters.api.schemas.payments import AllocationPart
from acompte.domain.banking.confirmation import Confirmation
from acompte.domain.banking.errors import BankConfirmationIncomplete
from acompte.domain.credits import Excess


class MatchIn(Input):
    """What the line stands for: the index of one of its candidates (`GET …/candidates`, best first), or typed by
    hand — a party and what each document receives (a split of the line), or payments already entered (with the
    bank's fee for a card settlement), or the payment whose unused part the line pays back."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "party_id": "3",
                    "allocations": [{"document_id": "7", "amount": {"amount": "10.00", "currency": "EUR"}}],
                    "excess": "keep",
                }
            ]
        },
    )

    candidate: Annotated[int, Field(ge=0, le=20)] | None = Field(None, description="Index of a candidate, 0 = best")
    party_id: Id | None = None
    allocations: Annotated[list[AllocationPart], Field(max_length=100)] = []  # noqa: RUF012 - copied per instance
    payment_ids: Annotated[list[Id], Field(max_length=100)] = []  # noqa: RUF012 - copied per instance
    fee: MoneyIn | None = Field(None, description="A card settlement's commission kept by the bank (D 627)")
    refund_payment_id: Id | None = Field(None, description="The payment whose unused part this line pays back")
    method: METHOD | None = Field(None, description="Payment method to record (default: read from the line)")
    excess: Excess = Field(Excess.KEEP, description="What becomes of what the line brings beyond the documents")
    refund_method: METHOD | None = None
    write_off_shortfall: StrictBool = Field(
        False, description="Write off the small rest each document is left owing (within the threshold; accountants)"
    )

    @property
    def typed(self) -> bool:
        return bool(
            self.party_id or self.allocations or self.payment_ids or self.fee or self.refund_payment_id or self.method
        )

    def confirmation(self) -> Confirmation:
        if self.candidate is not None and self.typed:
            raise BankConfirmationIncomplete()
        return Confirmation(
            party_id=int(self.party_id) if self.party_id else None,
            allocations=tuple((int(a.document_id), a.amount.to_domain()) for a in self.allocations),
            payment_ids=tuple(int(p) for p in self.payment_ids),
            excess=self.excess,
            refund_method=self.refund_method,
            write_off_shortfall=self.write_off_shortfall,
            fee=self.fee.to_domain() if self.fee is not None else None,
            method=self.method,
            refund_of=int(self.refund_payment_id) if self.refund_payment_id else None,
        )


class IgnoreIn(Input):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "frais déjà comptabilisés"}]})

    reason: Annotated[StrictStr, Bounded(200)] = ""


class MatchedPaymentOut(Output):
    payment_id: str
    recorded: bool = Field(description="Recorded by the confirmation (undo cancels it), else linked (undo unlinks)")


class ReasonOut(Output):
    code: str
    params: dict[str, Any]
    points: int


class MatchOut(Output):
    id: str
    line_id: str
    origin: str = Field(description="`user` or `auto`")
    score: int
    reasons: list[ReasonOut]
    fee: MoneyOut | None
    undone: bool
    payments: list[MatchedPaymentOut]

    @classmethod
    def of(cls, match: Any) -> MatchOut:
        return cls.model_validate(
            {
                "id": match.id,
                "line_id": match.line_id,
                "origin": match.origin,
                "score": match.score,
                "reasons": [
                    {"code": r.get("reason", ""), "params": r.get("params", {}), "points": r.get("points", 0)}
                    for r in match.reasons
                ],
                "fee": match.fee,
                "undone": match.undone,
                "payments": [{"payment_id": p.payment_id, "recorded": p.recorded} for p in match.payments],
            }
        )


class ReconciledOut(Output):
    match_id: str
    line_id: str
    recorded: list[str]
    linked: list[str]
    fee: MoneyOut | None


class LineStateOut(Output):
    id: str
    state: CodeOut
    version: int


class RefusedOut(Output):
    line_id: str
    code: str


class AutoReconcileOut(Output):
    enabled: bool = Field(description="The company's `bank_auto_reconcile` setting; off: nothing is done")
    examined: int
    reconciled: list[ReconciledOut]
    refused: list[RefusedOut]


class UnmatchedOut(Output):
    payment_id: str
    number: str
    payment_date: date
    amount: MoneyOut


class BalanceOut(Output):
    account_id: str
    name: str
    currency: str
    opening: MoneyOut
    opening_date: date | None
    bank: MoneyOut = Field(description="As per the bank: the last statement's closing balance, else opening + lines")
    bank_from_statement: bool
    bank_date: date | None
    books: MoneyOut = Field(description="As per acompte: opening + payments in − out (not cancelled) − bank fees")
    difference: MoneyOut = Field(description="bank − books")
    open_in: MoneyOut
    open_out: MoneyOut
    open_count: int
    ignored: MoneyOut
    unmatched_in: MoneyOut
    unmatched_out: MoneyOut
    unmatched_count: int
    unexplained: MoneyOut
    unmatched: list[UnmatchedOut]
