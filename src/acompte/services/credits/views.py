"""Plain read records of the credits capability: credit notes, overpayments, refunds, write-offs and the party
account (what is due, what is in hand, the statement of account and the aged balance)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from acompte.domain.accounts import Aged, Instalment, Statement
from acompte.domain.credits import CreditRef, CreditStatus, CreditUse, SourceKind
from acompte.domain.money import Money
from acompte.domain.positions import Position, PositionStatus
from acompte.services.views import AllocationView


@dataclass(frozen=True, slots=True)
class CreditNoteView:
    """A validated credit note as a credit: what it is worth, where it went, what remains."""

    id: int
    kind: str
    flow: str
    number: str | None
    party_id: int
    party_name: str
    currency: str
    issue_date: date
    origin_id: int | None
    origin_number: str | None
    use: CreditUse
    notes: str = ""

    @property
    def ref(self) -> CreditRef:
        return CreditRef.credit_note(self.id)

    @property
    def gross(self) -> Money:
        return self.use.total

    @property
    def remaining(self) -> Money:
        return self.use.remaining

    @property
    def status(self) -> CreditStatus:
        return self.use.status


@dataclass(frozen=True, slots=True)
class RefundView:
    id: int
    party_id: int
    payment_id: int  # the refund payment (opposite direction)
    payment_number: str
    source: CreditRef
    source_number: str | None
    amount: Money
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CreditUseLine:
    """One use of a credit (a credit note, or a payment's money): the document it settles, how much, since when.

    Read from the allocations themselves, so a use undone since is gone and a use moved (a deposit deducted
    on the final invoice) shows where it is now."""

    allocation_id: int
    source: CreditRef
    document_id: int
    document_number: str | None
    amount: Money
    used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class WriteOffView:
    """An amount written off: of a credit (`source`: a credit note or a payment's overpayment) or, for a small
    shortfall, of what a document still owed (`document_id`). `source_number` names the one or the other."""

    id: int
    party_id: int
    kind: str  # "credit_note", "overpayment" or "shortfall"
    source: CreditRef | None
    source_number: str | None
    amount: Money
    write_off_date: date
    reason: str = ""
    document_id: int | None = None


@dataclass(frozen=True, slots=True)
class OverpaymentView:
    """The unused part of an active payment (« trop-perçu »), with where the payment came from."""

    payment_id: int
    number: str
    party_id: int
    party_name: str
    direction: str
    method: str
    payment_date: date
    amount: Money
    use: CreditUse
    origin_numbers: tuple[str, ...]  # the documents the payment settles, if any

    @property
    def ref(self) -> CreditRef:
        return CreditRef.payment(self.payment_id)

    @property
    def remaining(self) -> Money:
        return self.use.remaining

    @property
    def is_overpayment(self) -> bool:
        """True when the payment settles something and has money left; False for a wholly unallocated payment."""
        return self.use.used.is_positive or self.use.written_off.is_positive


@dataclass(frozen=True, slots=True)
class DueItem:
    """A document with a balance due in the party account (left column)."""

    document_id: int
    kind: str
    number: str | None
    issue_date: date
    position: Position
    instalments: tuple[Instalment, ...]

    @property
    def balance_due(self) -> Money:
        return self.position.balance_due

    @property
    def status(self) -> PositionStatus:
        return self.position.status

    @property
    def next_due_date(self) -> date | None:
        pending = [i.due_date for i in self.instalments if i.remaining.is_positive]
        return min(pending) if pending else None

    def overdue(self, as_of: date) -> Money:
        result = Money.zero(self.balance_due.currency)
        for instalment in self.instalments:
            if instalment.is_overdue(as_of):
                result = result + instalment.remaining
        return result


@dataclass(frozen=True, slots=True)
class CreditItem:
    """Something the party has in hand (right column): an unallocated payment, an overpayment or a credit note."""

    ref: CreditRef
    category: str  # "unallocated_payment", "overpayment" or "credit_note"
    number: str | None
    day: date
    total: Money
    remaining: Money
    status: CreditStatus

    @property
    def kind(self) -> SourceKind:
        return self.ref.kind


@dataclass(frozen=True, slots=True)
class AccountView:
    """The « Gestion commerciale » tab: what the party owes (or is owed), what it has in hand, the difference."""

    party_id: int
    party_name: str
    flow: str
    currency: str
    as_of: date
    due: tuple[DueItem, ...]
    credits: tuple[CreditItem, ...]
    due_total: Money
    credit_total: Money
    overdue_total: Money

    @property
    def balance(self) -> Money:
        """Due minus in hand: positive when the party still owes (sale), negative when it holds a credit."""
        return self.due_total - self.credit_total


@dataclass(frozen=True, slots=True)
class SettlementProposal:
    """The pre-selection of the settle screen: documents and credits oldest first, matched greedily."""

    documents: tuple[tuple[int, Money], ...]
    credits: tuple[tuple[CreditRef, Money], ...]
    difference: Money  # selected credits minus selected documents (never negative in a proposal)


@dataclass(frozen=True, slots=True)
class SettleResult:
    payment_id: int | None
    allocations: tuple[AllocationView, ...]
    excess: Money
    refund: RefundView | None = None
    write_off: WriteOffView | None = None


@dataclass(frozen=True, slots=True)
class StatementView:
    party_id: int
    party_name: str
    flow: str
    statement: Statement


@dataclass(frozen=True, slots=True)
class AgedRow:
    party_id: int
    party_name: str
    aged: Aged
    unapplied_credits: Money  # in hand, not yet used: shown beside the aged amounts

    @property
    def net(self) -> Money:
        return self.aged.total - self.unapplied_credits


@dataclass(frozen=True, slots=True)
class AgedBalanceView:
    flow: str
    currency: str
    as_of: date
    rows: tuple[AgedRow, ...]
    totals: Aged
    unapplied_credits: Money
