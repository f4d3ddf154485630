"""Money follows the order: the payments (and credits) allocated to a quote, order or delivery note move onto
the invoice made from it, up to what the invoice can receive, and go back to where they came from when the
invoice is deleted or cancelled by a credit note."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from acompte.domain.deposit_events import DepositCarried, DepositReturned
from acompte.domain.deposits import DepositAction
from acompte.domain.documents import Document, Kind, State
from acompte.domain.errors import InvalidTransition
from acompte.domain.money import Money
from acompte.services.deposits.deduction_plans import remove_deductions
from acompte.services.deposits.family import COMMERCIAL_KINDS, ancestors_of, room_on
from acompte.services.deposits.records import CarriedMove, ReturnedDeposits
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork


def carry_deposits(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> list[CarriedMove]:
    """Move the payments (and credits) allocated to the documents an invoice was made from — its delivery
    note, order, quote, nearest first — onto the invoice, up to what the invoice can still receive; the rest
    stays where it was. Each move is recorded on both documents; `return_deposits_to_origin` undoes it.
    The payments' amounts and their allocated totals never change."""
    with uow:
        invoice = uow.documents.get(ctx.company_id, invoice_id, lock=True)
        ancestors = [a for a in ancestors_of(uow, ctx, invoice) if a.kind in COMMERCIAL_KINDS]
        uow.deposits.lock_documents(ctx.company_id, [a.id for a in ancestors])
        moves = carry(uow, ctx, invoice, ancestors)
        uow.commit()
        return moves


def carry(uow: UnitOfWork, ctx: Ctx, target: Document, sources: Sequence[Document]) -> list[CarriedMove]:
    """The work of `carry_deposits`: `sources` nearest first, each allocation moved whole or split."""
    room = room_on(uow, target)
    moves: list[CarriedMove] = []
    for source in sources:
        if source.currency != target.currency or source.party_id != target.party_id:
            continue
        for allocation in uow.allocations.for_document(ctx.company_id, source.id):
            if not room.is_positive:
                return moves
            part = allocation.amount.min(room)
            if part == allocation.amount:
                uow.allocations.move(ctx.company_id, allocation.id, document_id=target.id)
                moved_id = allocation.id
            else:
                uow.allocations.move(
                    ctx.company_id, allocation.id, document_id=source.id, amount=allocation.amount - part
                )
                moved_id = uow.allocations.add(
                    ctx.company_id,
                    document_id=target.id,
                    amount=part,
                    payment_id=allocation.payment_id,
                    credit_document_id=allocation.credit_document_id,
                )
            uow.deposits.add_carried(
                ctx.company_id, allocation_id=moved_id, from_document_id=source.id, to_document_id=target.id
            )
            room = room - part
            move = CarriedMove(
                moved_id, allocation.payment_id, allocation.credit_document_id, source.id, target.id, part
            )
            moves.append(move)
            carried = DepositCarried(
                company_id=ctx.company_id,
                document_id=source.id,
                payment_id=allocation.payment_id,
                party_id=source.party_id,
                amount=part,
                payment_number=allocation.payment_number,
                credit_document_id=allocation.credit_document_id,
                allocation_id=moved_id,
                from_document_id=source.id,
                from_number=source.number,
                to_document_id=target.id,
                to_kind=target.kind,
                to_number=target.number,
            )
            publish(uow, ctx, carried)
            publish(uow, ctx, replace(carried, document_id=target.id, party_id=target.party_id))
    return moves


def return_deposits_to_origin(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> ReturnedDeposits:
    """Send back what an invoice received from the documents it was made from, and free the deposit invoices
    it deducted. Called when a draft invoice is deleted, and when an issued invoice is cancelled by a full credit
    note (the credits capability relies on this contract).

    Contract:
    - `invoice_id` is an invoice (kind `invoice`), draft or issued, of the caller's company. This use case has its
      own transaction; inside an open one (a handler), call `return_to_origin` instead.
    - Every allocation that `carry_deposits` moved onto the invoice goes back to the document it came from
      (merged into that payment's allocation there when one exists). If that document was cancelled, or can no
      longer receive the whole amount, what does not fit is released to its payment as unallocated money.
      Allocations made directly on the invoice (payments recorded against it, credit notes applied to it)
      are left untouched.
    - Every deduction on the invoice is removed: its deposit invoices can be deducted again by a new final
      invoice. The invoice's balance due becomes gross − its remaining allocations, so a credit note for its
      full gross can then be applied to it without exceeding it: call this function BEFORE allocating the
      cancelling credit note.
    - Payment amounts never change, and a payment's allocated total never grows. Each move and each removed
      deduction is recorded in the history of both documents (DepositReturned, DeductionRemoved).
    - Returns what was returned, released and removed; calling it twice is harmless (the second call finds
      nothing to do).
    """
    with uow:
        result = return_invoice_deposits(uow, ctx, invoice_id)
        uow.commit()
        return result


def return_invoice_deposits(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> ReturnedDeposits:
    """`return_deposits_to_origin` inside the caller's transaction."""
    invoice = uow.documents.get(ctx.company_id, invoice_id, lock=True)
    if invoice.kind is not Kind.INVOICE:
        raise InvalidTransition(action=DepositAction.RETURN_DEPOSITS, kind=invoice.kind, state=invoice.state)
    return return_to_origin(uow, ctx, invoice)


def return_to_origin(uow: UnitOfWork, ctx: Ctx, invoice: Document) -> ReturnedDeposits:
    """The work of `return_deposits_to_origin`, for any document that received carried money (a draft order
    made from a quote, too)."""
    carried = uow.deposits.carried_to(ctx.company_id, invoice.id)
    uow.deposits.lock_documents(ctx.company_id, set(carried.values()))
    returned, released = [], []
    allocations = {a.id: a for a in uow.allocations.for_document(ctx.company_id, invoice.id)}
    for allocation_id, origin_id in sorted(carried.items()):
        allocation = allocations.get(allocation_id)
        uow.deposits.forget_carried(ctx.company_id, allocation_id)
        if allocation is None:
            continue
        origin = uow.documents.get(ctx.company_id, origin_id)
        room = Money.zero(invoice.currency)
        if origin.state is not State.CANCELLED and origin.currency == allocation.amount.currency:
            settlement = uow.documents.settlement(origin)
            room = settlement.balance_due.max(Money.zero(origin.currency))
        back = allocation.amount.min(room)
        rest = allocation.amount - back
        same = next(
            (
                a
                for a in uow.allocations.for_document(ctx.company_id, origin.id)
                if a.payment_id == allocation.payment_id and a.credit_document_id == allocation.credit_document_id
            ),
            None,
        )
        if back.is_positive and same is not None:
            uow.allocations.move(ctx.company_id, same.id, document_id=origin.id, amount=same.amount + back)
            uow.allocations.delete(ctx.company_id, allocation_id)
        elif back.is_positive:
            uow.allocations.move(ctx.company_id, allocation_id, document_id=origin.id, amount=back)
        else:
            uow.allocations.delete(ctx.company_id, allocation_id)
        move = CarriedMove(
            allocation_id, allocation.payment_id, allocation.credit_document_id, invoice.id, origin.id, back
        )
        event = DepositReturned(
            company_id=ctx.company_id,
            document_id=invoice.id,
            payment_id=allocation.payment_id,
            party_id=invoice.party_id,
            amount=back,
            released=rest,
            payment_number=allocation.payment_number,
            credit_document_id=allocation.credit_document_id,
            from_document_id=invoice.id,
            from_number=invoice.number,
            to_document_id=origin.id,
            to_number=origin.number,
        )
        if back.is_positive:
            returned.append(move)
        if rest.is_positive:
            released.append(
                CarriedMove(
                    allocation_id, allocation.payment_id, allocation.credit_document_id, invoice.id, origin.id, rest
                )
            )
        publish(uow, ctx, event)
        publish(uow, ctx, replace(event, document_id=origin.id, party_id=origin.party_id))
    removed = remove_deductions(uow, ctx, invoice, reason="deposits returned to the order")
    return ReturnedDeposits(returned=tuple(returned), released=tuple(released), deductions_removed=tuple(removed))
