"""What the credits capability reads in several places: a credit note or an active payment by id (checked), the
credit data a credit note stores, and what validated credit notes have credited on an invoice."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from acompte.domain import credits as rules
from acompte.domain.documents import Document, State
from acompte.domain.errors import PaymentCancelled
from acompte.domain.money import Money
from acompte.domain.payments import Payment, PaymentState
from acompte.services.ports import Ctx, UnitOfWork


def credit_data(data: dict[str, Any]) -> dict[str, Any]:
    """The credit note's own part of its stored data (mode, origin lines, shares, apply to origin)."""
    return dict(data.get("credit") or {})


def credited_on(
    uow: UnitOfWork, ctx: Ctx, invoice_id: int, *, exclude: int | None = None
) -> tuple[dict[int, Decimal], Money | None]:
    """Quantities per invoice line and gross already credited by *validated* credit notes on an invoice.

    The gross counts every credit note that corrects the invoice: all of one that corrects it alone, the share
    recorded on it by one that corrects several invoices.
    """
    quantities: dict[int, Decimal] = {}
    gross: Money | None = None
    for note, data in uow.credits.credit_notes_on(ctx.company_id, invoice_id):
        if note.id == exclude or note.state is not State.VALIDATED:
            continue
        share = rules.share_on(
            invoice_id, note.gross, rules.corrected_ids(note.origin_id, data), credit_data(data).get("shares")
        )
        gross = share if gross is None else gross + share
        if note.origin_id != invoice_id:
            continue
        pairs = {int(c): int(o) for c, o in credit_data(data).get("origin_lines", [])}
        for line in note.lines:
            origin = pairs.get(line.position)
            if origin is not None:
                quantities[origin] = quantities.get(origin, Decimal(0)) + line.quantity
    return quantities, gross


def corrected_invoices(uow: UnitOfWork, ctx: Ctx, ids: Sequence[int]) -> list[Document]:
    """The invoices a credit note corrects, in its order, each row locked (by id, so two clerks lock alike)."""
    locked = {i: uow.documents.get(ctx.company_id, i, lock=True) for i in sorted(set(ids))}
    return [locked[i] for i in ids]


def credit_note(uow: UnitOfWork, ctx: Ctx, credit_id: int, *, lock: bool = False) -> Document:
    """A document that is a credit (a credit note or a deposit credit note), else NotACredit."""
    credit = uow.documents.get(ctx.company_id, credit_id, lock=lock)
    rules.check_is_credit(credit)
    return credit


def payment_label(payment: Payment) -> str:
    return f"le règlement {payment.number}"


def active_payment(uow: UnitOfWork, ctx: Ctx, payment_id: int, *, lock: bool = False) -> Payment:
    """A payment that is not cancelled, else PaymentCancelled."""
    payment = uow.payments.get(ctx.company_id, payment_id, lock=lock)
    if payment.state is PaymentState.CANCELLED:
        raise PaymentCancelled(number=payment.number)
    return payment
