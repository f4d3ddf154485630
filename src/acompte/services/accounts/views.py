"""What the party account shows: its documents due with their instalments, the credits in hand, the statement
of account and the aged balance (plain read records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from acompte.domain.accounts import Aged, Instalment, Statement
from acompte.domain.credits import CreditRef, CreditStatus, SourceKind
from acompte.domain.money import Money
from acompte.domain.positions import Position
from acompte.domain.statuses import PositionStatus


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
