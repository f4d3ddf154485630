"""Using a credit note on a document, and undoing that use exactly.

`cancel_credit_use` gives back what `use_credit` took; the history keeps both, and the use can be made again.
A use released because its document was cancelled or deleted shows on the credit note (`credit_use_released`);
one released when an invoice's deposits go back to an order that cannot take it all is written off when the credit
note was (`credit_use_returned`).
"""

from __future__ import annotations

from acompte.domain import credits as rules
from acompte.domain.credit_events import (
    CreditAllocated,
    CreditUseCancelled,
    CreditUsed,
    CreditUseRemoved,
)
from acompte.domain.credits import CreditStatus
from acompte.domain.deposit_events import DepositReturned
from acompte.domain.documents import Document
from acompte.domain.errors import CreditWrittenOff, NotACredit
from acompte.domain.events import AllocationRemoved
from acompte.domain.money import Money
from acompte.services import positions
from acompte.services.credits.lookups import credit_note
from acompte.services.credits.write_offs import write_off_what_comes_back
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import AllocationView


def use_credit(
    uow: UnitOfWork, ctx: Ctx, *, credit_id: int, document_id: int, amount: Money | None = None
) -> AllocationView:
    """Settle part of a document with a credit note. Without an amount: as much as both sides allow.

    Locks the credit note, then the document, before reading what remains on each.
    """
    with uow:
        view = apply_credit(uow, ctx, credit_id=credit_id, document_id=document_id, amount=amount)
        uow.commit()
        return view


def apply_credit(
    uow: UnitOfWork, ctx: Ctx, *, credit_id: int, document_id: int, amount: Money | None = None
) -> AllocationView:
    """The work of `use_credit`, inside the caller's open unit of work (a handler's, or a use case's)."""
    credit = credit_note(uow, ctx, credit_id, lock=True)
    document = uow.documents.get(ctx.company_id, document_id, lock=True)
    use = uow.credits.credit_use(credit)
    balance_due = positions.balance_due(uow, ctx, document)
    if amount is None:
        amount = use.remaining.min(balance_due)
    rules.check_credit_use(credit, use, document, balance_due, amount)
    allocation_id = uow.allocations.add(
        ctx.company_id, credit_document_id=credit.id, document_id=document.id, amount=amount
    )
    publish(
        uow,
        ctx,
        CreditUsed(
            company_id=ctx.company_id,
            document_id=credit.id,
            party_id=credit.party_id,
            allocation_id=allocation_id,
            amount=amount,
            target_document_id=document.id,
            target_number=document.number,
            remaining_before=use.remaining,
        ),
    )
    publish(
        uow,
        ctx,
        CreditAllocated(
            company_id=ctx.company_id,
            document_id=document.id,
            party_id=document.party_id,
            allocation_id=allocation_id,
            amount=amount,
            credit_document_id=credit.id,
            credit_number=credit.number,
            balance_before=balance_due,
        ),
    )
    return uow.allocations.get(ctx.company_id, allocation_id)


def cancel_credit_use(uow: UnitOfWork, ctx: Ctx, allocation_id: int, *, reason: str = "") -> AllocationView:
    """Undo a credit note's use: the credit note and the document get the amount back exactly.

    Refused on a written-off credit note (its write-off is final, and so is what it had settled).
    """
    with uow:
        allocation = undo_credit_use(uow, ctx, allocation_id, reason=reason)
        uow.commit()
        return allocation


def undo_credit_use(uow: UnitOfWork, ctx: Ctx, allocation_id: int, *, reason: str = "") -> AllocationView:
    """`cancel_credit_use` inside the caller's transaction.

    Locks the credit note, then the document, and only then reads the allocation again: of two clerks undoing
    the same use at once, the second finds it gone (AllocationNotFound) and writes nothing."""
    seen = uow.allocations.get(ctx.company_id, allocation_id)  # which rows to lock
    if seen.credit_document_id is None:
        raise NotACredit(document=f"le rapprochement {allocation_id}")
    credit = credit_note(uow, ctx, seen.credit_document_id, lock=True)
    document = uow.documents.get(ctx.company_id, seen.document_id, lock=True)
    allocation = uow.allocations.get(ctx.company_id, allocation_id)  # under the locks: still there?
    if allocation.document_id != document.id:  # moved meanwhile (an invoice made from its order)
        document = uow.documents.get(ctx.company_id, allocation.document_id, lock=True)
        allocation = uow.allocations.get(ctx.company_id, allocation_id)
    use = uow.credits.credit_use(credit)
    if use.status is CreditStatus.WRITTEN_OFF:
        raise CreditWrittenOff(credit=credit.label)
    balance = uow.documents.settlement(document).balance_due
    uow.allocations.delete(ctx.company_id, allocation_id)
    publish(
        uow,
        ctx,
        CreditUseRemoved(
            company_id=ctx.company_id,
            document_id=document.id,
            party_id=document.party_id,
            allocation_id=allocation_id,
            amount=allocation.amount,
            reason=reason,
            credit_document_id=credit.id,
            credit_number=credit.number,
            document_number=document.number,
            balance_before=balance,
        ),
    )
    publish(
        uow,
        ctx,
        CreditUseCancelled(
            company_id=ctx.company_id,
            document_id=credit.id,
            party_id=credit.party_id,
            allocation_id=allocation_id,
            amount=allocation.amount,
            reason=reason,
            target_document_id=document.id,
            target_number=document.number,
            remaining_before=use.remaining,
        ),
    )
    return allocation


def credit_use_released(uow: UnitOfWork, ctx: Ctx, released: AllocationRemoved, document: Document) -> None:
    """An allocation whose source is a credit note was released (its document cancelled or deleted): the credit
    note's history shows its use undone. A written-off credit note stays written off — its write-off is final —
    so what comes back to it is written off too (and recorded)."""
    assert released.credit_document_id is not None
    credit = uow.documents.get(ctx.company_id, released.credit_document_id)
    publish(
        uow,
        ctx,
        CreditUseCancelled(
            company_id=ctx.company_id,
            document_id=credit.id,
            party_id=credit.party_id,
            allocation_id=released.allocation_id,
            amount=released.amount,
            reason=released.reason,
            target_document_id=document.id,
            target_number=document.number,
        ),
    )
    write_off_what_comes_back(
        uow, ctx, credit, released.amount, f"use released after the write-off ({released.reason})"
    )


def credit_use_returned(uow: UnitOfWork, ctx: Ctx, returned: DepositReturned) -> None:
    """A credit note's use carried onto an invoice went back with the invoice's deposits, and the document it came
    from could not take all of it back: the rest (`released`) is the credit note's again — written off too when
    the credit note was written off meanwhile. Acts once per return: on the publication for the invoice (both
    documents are told). The documents are already locked by the deposit path; the credit note is not locked
    here, as locking it after the documents would invert `use_credit`'s order (credit note, then document)."""
    if (
        returned.credit_document_id is None
        or returned.document_id != returned.from_document_id
        or not returned.released.is_positive
    ):
        return
    credit = uow.documents.get(ctx.company_id, returned.credit_document_id)
    write_off_what_comes_back(
        uow,
        ctx,
        credit,
        returned.released,
        f"use released after the write-off (deposits returned from {returned.from_number} to {returned.to_number})",
    )
