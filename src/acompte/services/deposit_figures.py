"""The deposits the dashboard counts, document by document: what its cards add up and what the lists behind them
show, read by the one function here, so a card and its list cannot disagree.

- received and not invoiced yet: the payments allocated to customers' validated quotes, orders and delivery notes
  and to draft invoices (a deposit payment stays on its document until that document is invoiced);
- invoiced and not deducted yet: what each issued deposit invoice received and still carries outside the final
  invoices (`DepositUsage.carried`: total − reversed − deducted), up to the payments it received;
- requested and not received: the quotes and orders with a deposit requested that their deposit tab shows as not
  all received, from which nothing but deposit documents was made yet.

Company currency only, as every figure of the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from acompte.domain.deposits import DEPOSIT_KINDS
from acompte.domain.documents import Flow, Kind, State
from acompte.domain.money import Money, total
from acompte.domain.positions import COMMERCIAL_KINDS
from acompte.services import deposits, positions
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.queries import EVERYTHING
from acompte.services.views import DocumentSummary


class DepositFigure(StrEnum):
    """Which deposits a list shows: `received` is the first two together (the dashboard's « Acomptes reçus »)."""

    RECEIVED = "received"
    NOT_INVOICED = "not_invoiced"
    NOT_DEDUCTED = "not_deducted"
    AWAITED = "awaited"


@dataclass(frozen=True, slots=True)
class DepositHeld:
    """A document holding deposit money that no final invoice has taken yet, and how much."""

    document_id: int
    kind: str
    number: str | None
    party_id: int
    party_name: str
    issue_date: date
    amount: Money


@dataclass(frozen=True, slots=True)
class DepositAwaited:
    """A quote or order with a deposit requested and not (all) received yet, as its deposit tab shows it."""

    document_id: int
    kind: str
    number: str | None
    party_id: int
    party_name: str
    issue_date: date
    requested: Money
    received: Money

    @property
    def missing(self) -> Money:
        return self.requested - self.received


@dataclass(frozen=True, slots=True)
class DepositList:
    """The documents behind one dashboard figure, oldest first, and their total (the figure)."""

    figure: DepositFigure
    currency: str
    held: tuple[DepositHeld, ...]
    awaited: tuple[DepositAwaited, ...]

    @property
    def total(self) -> Money:
        amounts = [h.amount for h in self.held] + [a.missing for a in self.awaited]
        return total(amounts, self.currency)


def deposit_list(uow: UnitOfWork, ctx: Ctx, figure: DepositFigure) -> DepositList:
    """The list behind a figure of the dashboard's deposit cards (the same reads as the cards)."""
    with uow:
        currency = uow.companies.currency(ctx.company_id)
        held: list[DepositHeld] = []
        awaited_rows: list[DepositAwaited] = []
        if figure in (DepositFigure.RECEIVED, DepositFigure.NOT_INVOICED):
            held += not_invoiced(uow, ctx, commercial_sales(uow, ctx, currency))
        if figure in (DepositFigure.RECEIVED, DepositFigure.NOT_DEDUCTED):
            held += not_deducted(uow, ctx, currency)
        if figure is DepositFigure.AWAITED:
            awaited_rows = awaited(uow, ctx, commercial_sales(uow, ctx, currency))
        held.sort(key=lambda h: (h.issue_date, h.document_id))
        return DepositList(figure, currency, tuple(held), tuple(awaited_rows))


def commercial_sales(uow: UnitOfWork, ctx: Ctx, currency: str) -> list[DocumentSummary]:
    """Customers' validated quotes, orders and delivery notes in the company currency."""
    return [
        c
        for c in uow.documents.summaries(
            ctx.company_id,
            flow=Flow.SALE.value,
            state=State.VALIDATED.value,
            kinds=[k.value for k in COMMERCIAL_KINDS],
            limit=EVERYTHING,
        )
        if c.settlement.gross.currency == currency
    ]


def _held(s: DocumentSummary, amount: Money) -> DepositHeld:
    return DepositHeld(s.id, s.kind, s.number, s.party_id, s.party_name, s.issue_date, amount)


def not_invoiced(uow: UnitOfWork, ctx: Ctx, commercial: list[DocumentSummary]) -> list[DepositHeld]:
    """Payments allocated to customers' quotes, orders and delivery notes (validated: `commercial`) and to draft
    invoices: a deposit payment stays on its document until that document is invoiced, then moves to the
    invoice."""
    currency = uow.companies.currency(ctx.company_id)
    drafts = uow.documents.summaries(
        ctx.company_id,
        flow=Flow.SALE.value,
        state=State.DRAFT.value,
        kinds=[Kind.INVOICE.value, Kind.DEPOSIT_INVOICE.value],
        limit=EVERYTHING,
    )
    found = [*commercial, *(d for d in drafts if d.settlement.gross.currency == currency)]
    waiting = [s for s in found if s.settlement.allocated.is_positive]
    parts = uow.positions.settled_parts(ctx.company_id, [s.id for s in waiting])
    return [_held(s, Money.from_minor(parts[s.id].paid, currency)) for s in waiting if parts[s.id].paid > 0]


def not_deducted(uow: UnitOfWork, ctx: Ctx, currency: str) -> list[DepositHeld]:
    """What customers' issued deposit invoices received and no issued final invoice deducts yet: for each, what
    it carries outside the final invoices (total − reversed − deducted), up to the payments it received."""
    found = {
        s.id: s
        for s in uow.documents.summaries(
            ctx.company_id,
            flow=Flow.SALE.value,
            kind=Kind.DEPOSIT_INVOICE.value,
            state=State.VALIDATED.value,
            limit=EVERYTHING,
        )
        if s.settlement.gross.currency == currency
    }
    heads = uow.documents.headers(ctx.company_id, list(found))
    usages = positions.deposit_usages(uow, ctx, list(heads.values()))
    paid = uow.positions.settled_parts(ctx.company_id, list(usages))
    received = ((i, u.carried().min(Money.from_minor(paid[i].paid, currency))) for i, u in usages.items())
    return [_held(found[i], amount) for i, amount in received if amount.is_positive]


def awaited(uow: UnitOfWork, ctx: Ctx, commercial: list[DocumentSummary]) -> list[DepositAwaited]:
    """The quotes and orders with a deposit requested (noted on them) that their deposit tab shows as not all
    received (`deposits.deposit_position`: payments on them and on their deposit invoices), and from which
    nothing but deposit documents was made yet (a quote turned into an order is followed on the order)."""
    data = uow.credits.document_context(ctx.company_id, [c.id for c in commercial])
    asked = [c for c in commercial if data.get(c.id, ({}, None))[0].get("deposit_request")]
    made = uow.deposits.descendants_of_many(ctx.company_id, [c.id for c in asked])
    found = []
    for c in asked:
        if any(d.kind not in DEPOSIT_KINDS and d.state is not State.CANCELLED for d in made.get(c.id, [])):
            continue
        tab = deposits.deposit_position(uow, ctx, c.id)
        if tab.requested is None or tab.deposits_paid >= tab.requested:
            continue
        found.append(
            DepositAwaited(
                c.id, c.kind, c.number, c.party_id, c.party_name, c.issue_date, tab.requested, tab.deposits_paid
            )
        )
    found.sort(key=lambda a: (a.issue_date, a.document_id))
    return found
