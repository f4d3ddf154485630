"""What a user confirms for a bank line, and the rules that hold whatever the ledger says: which payment method
a line stands for, and whether linked payments (with a card settlement's fee) add up to the line.

A confirmation either **records** the payment the line stands for (a party and what each document receives),
or **links** payments already typed by hand. It comes from a matcher's candidate (`from_candidate`, keeping its
score and reasons) or is typed by hand (a split of the line across documents)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from acompte.domain.banking.errors import BankAmountMismatch, BankConfirmationIncomplete
from acompte.domain.banking.lines import BankLine
from acompte.domain.banking.matching import Because, Candidate, CandidateKind
from acompte.domain.credits import Excess
from acompte.domain.events import plain
from acompte.domain.money import Money, total
from acompte.domain.payments import Direction

#: The company setting (a flag, default off) that lets certain candidates be reconciled without a click.
AUTO_RECONCILE_SETTING = "bank_auto_reconcile"


class LineMethod(StrEnum):
    """How the money moved, as the bank's transaction code or label tells it."""

    TRANSFER = "transfer"
    DIRECT_DEBIT = "direct_debit"
    CARD = "card"
    CHEQUE = "cheque"


#: The company payment method each kind of bank movement is recorded with, then the fallbacks, in order.
METHOD_CODES: dict[LineMethod, tuple[str, ...]] = {
    LineMethod.TRANSFER: ("transfer", "other"),
    LineMethod.DIRECT_DEBIT: ("sepa_debit", "transfer", "other"),
    LineMethod.CARD: ("card", "transfer", "other"),
    LineMethod.CHEQUE: ("cheque", "transfer", "other"),
}

# Words of camt bank transaction codes (domain-family-subfamily, e.g. PMNT-RDDT-ESDD), OFX TRNTYPE values and
# French statement labels, by what they mean.
_SIGNS: tuple[tuple[LineMethod, tuple[str, ...]], ...] = (
    (LineMethod.DIRECT_DEBIT, ("RDDT", "IDDT", "DIRECTDEBIT", "PRLV", "PRELEVEMENT", "PRÉLÈVEMENT", "SEPA DD")),
    (LineMethod.CARD, ("CCRD", "MCRD", "POS", "CARTE", "CB ", "REMISE CB", "CARD")),
    (LineMethod.CHEQUE, ("RCHQ", "ICHQ", "CHK", "CHECK", "CHEQUE", "CHÈQUE", "REMISE CHQ")),
)


def line_method(line: BankLine) -> LineMethod:
    """What kind of movement the line is: a direct debit, a card settlement, a cheque deposit, else a transfer."""
    code = line.transaction_code.upper()
    label = f" {line.label.upper()} "
    for method, signs in _SIGNS:
        if any(sign in code for sign in signs) or any(f" {sign.strip()} " in label for sign in signs):
            return method
    return LineMethod.TRANSFER


def direction_of(line: BankLine) -> Direction:
    return Direction.IN if line.received else Direction.OUT


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What a line stands for. Recording: `party_id` and `allocations` (document, amount) — what the line brings
    beyond them follows `excess`; `write_off_shortfall` writes off, within the company threshold, the small rest
    each document is left owing. Linking: `payment_ids`, with `fee` for a card settlement (its payments less the
    bank's commission). `score` and `because` are the matcher's, kept with the match."""

    party_id: int | None = None
    allocations: tuple[tuple[int, Money], ...] = ()
    payment_ids: tuple[int, ...] = ()
    excess: Excess = Excess.KEEP
    refund_method: str | None = None
    write_off_shortfall: bool = False
    fee: Money | None = None
    method: str | None = None
    #: Paying back the unused part of this payment (its party's credit): the line records the refund.
    refund_of: int | None = None
    score: int = 0
    because: tuple[Because, ...] = ()

    @classmethod
    def from_candidate(
        cls, candidate: Candidate, *, excess: Excess = Excess.KEEP, write_off_shortfall: bool = False
    ) -> Confirmation:
        if candidate.kind is CandidateKind.REFUND and candidate.payment_ids:
            return cls(
                party_id=candidate.party_id,
                refund_of=candidate.payment_ids[0],
                score=candidate.score,
                because=candidate.because,
            )
        if candidate.kind in (CandidateKind.PAYMENT, CandidateKind.PAYMENTS):
            return cls(
                payment_ids=candidate.payment_ids,
                fee=candidate.fee,
                score=candidate.score,
                because=candidate.because,
            )
        allocations = candidate.allocations
        if not allocations and len(candidate.document_ids) == 1:
            allocations = ((candidate.document_ids[0], candidate.amount),)
        return cls(
            party_id=candidate.party_id,
            allocations=allocations,
            excess=excess,
            write_off_shortfall=write_off_shortfall,
            score=candidate.score,
            because=candidate.because,
        )

    @property
    def links(self) -> bool:
        return bool(self.payment_ids)

    def check(self, line: BankLine) -> None:
        """Refuse a confirmation that says neither what to record nor what to link, or that mixes both."""
        if self.links == bool(self.party_id is not None or self.allocations or self.refund_of is not None):
            raise BankConfirmationIncomplete()
        if self.refund_of is not None and self.allocations:
            raise BankConfirmationIncomplete()
        if self.fee is not None and not self.links:
            raise BankConfirmationIncomplete()
        if not self.links and self.party_id is None and self.refund_of is None:
            raise BankConfirmationIncomplete()

    def reasons(self) -> list[dict[str, Any]]:
        """The matcher's reasons as stored with the match: codes and parameters, no words."""
        return [{"reason": b.reason.value, "params": plain(dict(b.params)), "points": b.points} for b in self.because]


def check_linked_sum(line: BankLine, amounts: Iterable[Money], fee: Money | None) -> None:
    """Linked payments add up to the line; a card settlement's add up to the line plus the bank's fee."""
    currency = line.amount.currency
    paid = total(amounts, currency)
    expected = abs(line.amount.amount)
    fee_amount = fee.amount if fee is not None else Money.zero(currency).amount
    if fee is not None and (fee.currency != currency or fee.amount < 0 or not line.received):
        raise BankAmountMismatch(line_amount=line.amount, total=paid, fee=fee)
    if paid.amount != expected + fee_amount:
        raise BankAmountMismatch(line_amount=line.amount, total=paid, fee=fee or Money.zero(currency))


@dataclass(frozen=True, slots=True)
class MatchedPayment:
    payment_id: int
    #: True when the confirmation recorded it (undo cancels it); False when it linked a payment typed by hand.
    recorded: bool


@dataclass(frozen=True, slots=True)
class BankMatch:
    """A confirmed match of one line, kept after it is undone (`undone`) so that the history stays whole."""

    id: int
    line_id: int
    origin: str
    score: int
    reasons: tuple[dict[str, Any], ...]
    fee: Money | None
    created_by: str
    undone: bool
    payments: tuple[MatchedPayment, ...]

    @property
    def recorded(self) -> tuple[int, ...]:
        return tuple(p.payment_id for p in self.payments if p.recorded)

    @property
    def linked(self) -> tuple[int, ...]:
        return tuple(p.payment_id for p in self.payments if not p.recorded)
