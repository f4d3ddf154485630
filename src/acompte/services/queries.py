"""Read models for lists and screens: which documents a party owes, what it has in hand, its balance.

`account_documents` is the ONE definition of the documents that make up a party account ("what is owed"):
the party account, the settle screen, the aged balance and the ledger balance all read it, with each
document's position (services/positions.py): what a document owes is its position's balance due. `in_hand`
is the one rule for a credit the party still holds.

The ledger's documents read this module, so it reads credits through the unit of work only and imports no
capability built on documents (credits, deposits): those import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from acompte.domain.credits import CreditStatus, CreditUse, direction_of
from acompte.domain.documents import Document, Flow, Kind, State
from acompte.domain.money import total
from acompte.services import positions
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import DocumentSummary, PartyBalance

#: What a party owes is carried by validated orders and invoices (quotes and drafts commit no one).
OWED_KINDS = (Kind.ORDER, Kind.INVOICE, Kind.DEPOSIT_INVOICE)
#: Receivables proper: what the aged balance and the statement of account show (orders are commitments).
RECEIVABLE_KINDS = (Kind.INVOICE, Kind.DEPOSIT_INVOICE)
#: Documents that are credits of the party account (validated).
CREDIT_NOTE_KINDS = (Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE)
#: No pagination inside a computation: these reads feed totals, which must see every row.
EVERYTHING = 10_000_000


def _head(company_id: int, summary: DocumentSummary) -> Document:
    """The document a summary describes, without lines (what a position needs: kind, state, total)."""
    gross = summary.settlement.gross
    return Document(
        id=summary.id,
        company_id=company_id,
        kind=Kind(summary.kind),
        flow=Flow(summary.flow),
        state=State(summary.state),
        party_id=summary.party_id,
        currency=gross.currency,
        issue_date=summary.issue_date,
        gross=gross,
        net=gross,
        number=summary.number,
        due_date=summary.due_date,
    )


def with_positions(uow: UnitOfWork, ctx: Ctx, summaries: Sequence[DocumentSummary]) -> list[DocumentSummary]:
    """The summaries with their positions (read in bulk)."""
    found = positions.positions(uow, ctx, [_head(ctx.company_id, s) for s in summaries])
    return [replace(s, position=found[s.id]) for s in summaries]


def account_documents(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    flow: Flow,
    currency: str,
    party_id: int | None = None,
    kinds: Sequence[Kind] = OWED_KINDS,
    open_only: bool = False,
) -> list[DocumentSummary]:
    """The documents of the party account (validated, one flow and currency), oldest first, each with its
    position. With `open_only`, those whose position still owes something: an order counts only for what it
    carries itself (its invoices and deposit invoices are in the account for the rest), a cancelled invoice
    for nothing."""
    with uow:
        summaries = uow.documents.summaries(
            ctx.company_id,
            party_id=party_id,
            flow=flow.value,
            states=[State.VALIDATED.value],
            kinds=[k.value for k in kinds],
            limit=EVERYTHING,
        )
        mine = [s for s in summaries if s.settlement.gross.currency == currency]
        if open_only:  # a position never owes more than its allocations and deductions leave: skip the settled
            mine = [s for s in mine if s.settlement.balance_due.is_positive]
        mine = with_positions(uow, ctx, mine)
        result = [s for s in mine if not open_only or s.balance_due.is_positive]
        return sorted(result, key=lambda s: (s.issue_date, s.id))


def in_hand(use: CreditUse) -> bool:
    """A credit the party still holds: something left on it, and not written off (that is out for good)."""
    return use.status is not CreditStatus.WRITTEN_OFF and use.remaining.is_positive


def party_balance(uow: UnitOfWork, ctx: Ctx, party_id: int, *, flow: Flow = Flow.SALE) -> PartyBalance:
    """What a party owes (open documents, oldest first) and what it holds (payments and credit notes left)."""
    with uow:
        currency = uow.companies.currency(ctx.company_id)
        uow.parties.get(ctx.company_id, party_id)
        documents = account_documents(uow, ctx, flow=flow, currency=currency, party_id=party_id, open_only=True)
        payment_views = uow.payments.views(
            ctx.company_id,
            party_id=party_id,
            unallocated_only=True,
            direction=direction_of(flow).value,
            limit=EVERYTHING,
        )
        # the payments the party account shows in hand, read once: those with money left, in the currency
        held_payments = [v.payment for v in payment_views if v.payment.currency == currency]
        payment_uses = uow.credits.payment_uses(ctx.company_id, held_payments)
        notes = uow.credits.credit_notes(ctx.company_id, party_id=party_id, flow=flow.value, currency=currency)
        held = [*(payment_uses[p.id].remaining for p in held_payments), *(n.remaining for n in notes if in_hand(n.use))]
        return PartyBalance(
            party_id=party_id,
            currency=currency,
            open_documents=tuple(documents),
            owed=total((d.balance_due for d in documents), currency),
            unallocated_payments=tuple(p for p in payment_views if p.payment.currency == currency),
            held=total(held, currency),
        )
