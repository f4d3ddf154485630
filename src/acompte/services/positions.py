"""Documents' positions: the facts read in bulk, turned into `domain.positions.Position` by the one pure
function. Every surface (API, web pages and lists, PDFs, party account, statement, aged balance) asks here.

Reads only the unit of work's repositories and the domain, so any service may call it without a cycle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from acompte.domain.deposit_usage import DepositUsage, Family
from acompte.domain.deposits import Breakdown
from acompte.domain.documents import CREDIT_KINDS, Document, Kind, State
from acompte.domain.money import Money, total
from acompte.domain.positions import COMMERCIAL_KINDS, CancelledBy, Position, PositionFacts, position_of
from acompte.services.ports import Ctx, UnitOfWork


def _money(minor: int, currency: str) -> Money:
    return Money.from_minor(minor, currency)


def families(uow: UnitOfWork, ctx: Ctx, roots: Sequence[Document], *, usages: bool = True) -> dict[int, Family]:
    """The family of each commercial document (what was made from it), with its deposit invoices' usage and
    its final invoices cancelled by credit notes. Breakdowns are not read (amounts only)."""
    if not roots:
        return {}
    descendants = uow.deposits.descendants_of_many(ctx.company_id, [r.id for r in roots])
    everyone = [d for family in descendants.values() for d in family]
    deposits = [d for d in everyone if d.kind is Kind.DEPOSIT_INVOICE and d.state is not State.CANCELLED]
    found = deposit_usages(uow, ctx, deposits) if usages else {}
    finals = [d.id for d in everyone if d.kind is Kind.INVOICE and d.state is State.VALIDATED]
    cancelled = frozenset(uow.positions.invoice_cancellations(ctx.company_id, finals))
    result = {}
    for root in roots:
        family = descendants.get(root.id, [])
        ids = {d.id for d in family}
        result[root.id] = Family(
            root=root,
            descendants=tuple(family),
            usages={i: u for i, u in found.items() if i in ids},
            cancelled=cancelled & ids,
        )
    return result


def deposit_usages(
    uow: UnitOfWork, ctx: Ctx, deposits: Sequence[Document], breakdowns: Mapping[int, Breakdown] | None = None
) -> dict[int, DepositUsage]:
    """Each deposit invoice with its deposit credit notes and deductions (amounts; breakdowns when given)."""
    deposits = [d for d in deposits if d.kind is Kind.DEPOSIT_INVOICE]
    if not deposits:
        return {}
    ids = [d.id for d in deposits]
    reversals = uow.deposits.attached(ctx.company_id, ids, [Kind.DEPOSIT_CREDIT_NOTE.value])
    deductions = uow.deposits.deductions(ctx.company_id, deposit_invoice_ids=ids, breakdowns=breakdowns is not None)
    breakdowns = breakdowns or {}
    return {
        d.id: DepositUsage(
            deposit=d,
            breakdown=breakdowns.get(d.id, ()),
            reversals=tuple((r, breakdowns.get(r.id, ())) for r in reversals if r.origin_id == d.id),
            deductions=tuple(x for x in deductions if x.deposit_invoice_id == d.id),
        )
        for d in deposits
    }


def _reversed_by(usage: DepositUsage) -> CancelledBy | None:
    if not usage.fully_reversed:
        return None
    last = max((r for r, _ in usage.reversals if r.state is State.VALIDATED), key=lambda r: (r.issue_date, r.id))
    return CancelledBy(last.id, last.number)


def positions(uow: UnitOfWork, ctx: Ctx, documents: Sequence[Document]) -> dict[int, Position]:
    """The position of each document (of the caller's company), in a few bulk reads whatever their number."""
    if not documents:
        return {}
    company_id = ctx.company_id
    commercial = [d for d in documents if d.kind in COMMERCIAL_KINDS]
    family_of = families(uow, ctx, commercial, usages=False)
    family_deposits = [d for f in family_of.values() for d in f.descendants if d.kind is Kind.DEPOSIT_INVOICE]
    # one read of the deposit invoices' usage and of what settled each document, families' deposits included
    usages = deposit_usages(
        uow,
        ctx,
        [d for d in documents if d.kind is Kind.DEPOSIT_INVOICE and d.state is not State.CANCELLED]
        + [d for d in family_deposits if d.state is not State.CANCELLED],
    )
    family_of = {
        i: replace(f, usages={d.id: usages[d.id] for d in f.descendants if d.id in usages})
        for i, f in family_of.items()
    }
    deposit_ids = [u.deposit.id for f in family_of.values() for u in f.deposits(drafts=False)]
    parts = uow.positions.settled_parts(company_id, [d.id for d in documents] + deposit_ids)
    invoices = [d.id for d in documents if d.kind is Kind.INVOICE]
    cancellations = uow.positions.invoice_cancellations(company_id, invoices)
    credits = [(d.id, d.gross) for d in documents if d.kind in CREDIT_KINDS]
    uses = uow.credits.credit_uses(company_id, credits) if credits else {}

    result = {}
    for document in documents:
        c = document.currency
        part = parts[document.id]
        amounts: dict[str, Money | CancelledBy | None] = {
            "paid": _money(part.paid, c),
            "credited": _money(part.credited, c),
            "written_off": _money(part.written_off, c),
            "deducted": _money(part.deducted, c),
        }
        if document.kind is Kind.INVOICE and document.id in cancellations:
            amounts["cancelled_by"] = CancelledBy(*cancellations[document.id])
        elif document.kind is Kind.DEPOSIT_INVOICE and document.id in usages:
            amounts["cancelled_by"] = _reversed_by(usages[document.id])
        elif document.kind in CREDIT_KINDS:
            use = uses[document.id]
            amounts |= {"used": use.applied, "refunded": use.refunded, "credit_written_off": use.written_off}
        elif document.kind in COMMERCIAL_KINDS:
            family = family_of[document.id]
            amounts |= {
                "final_invoiced": family.final_invoiced(),
                "deposit_invoiced": family.deposit_invoiced(),
                "deposits_paid": total(
                    (_money(parts[u.deposit.id].paid, c) for u in family.deposits(drafts=False) if u.currency == c),
                    c,
                ),
            }
        facts = PositionFacts.of(document.kind, document.state, document.gross, **amounts)
        result[document.id] = position_of(facts)
    return result


def position(uow: UnitOfWork, ctx: Ctx, document: Document) -> Position:
    return positions(uow, ctx, [document])[document.id]


def position_of_id(uow: UnitOfWork, ctx: Ctx, document_id: int) -> Position:
    """The position of one document, read in its own transaction."""
    with uow:
        return position(uow, ctx, uow.documents.get(ctx.company_id, document_id))


def positions_of_ids(uow: UnitOfWork, ctx: Ctx, document_ids: Sequence[int]) -> dict[int, Position]:
    """The positions of the documents named (a page of a list), read in bulk in one transaction."""
    if not document_ids:
        return {}
    with uow:
        return positions(uow, ctx, list(uow.documents.headers(ctx.company_id, document_ids).values()))


def balance_due(uow: UnitOfWork, ctx: Ctx, document: Document) -> Money:
    """What a document may still receive (payments, credits, a write-off): its position's balance due. An order
    receives only what its invoices and deposit invoices do not carry; for the other kinds the allocations and
    deductions tell it in one read, the hot path of recording a payment."""
    if document.kind in COMMERCIAL_KINDS:
        return position(uow, ctx, document).balance_due
    return uow.documents.settlement(document).balance_due
