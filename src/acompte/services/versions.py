"""Optimistic concurrency: a change goes ahead only if the document or payment is still at the version the user saw.

Each use case that takes `expected_version` calls these checks right after it has locked its row, so the check
and the change share one transaction and two clerks saving the same draft cannot both win (the API's
`If-Match` → 412).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from acompte.domain.documents import Document
from acompte.domain.errors import StaleVersion
from acompte.domain.payments import Payment
from acompte.services.ports import Ctx, UnitOfWork

T = TypeVar("T")


def check_document(document: Document, expected: int | None) -> None:
    """Refuse the change if the (locked) document is no longer at version `expected`; None checks nothing."""
    if expected is not None and document.version != expected:
        raise StaleVersion(entity="Le document", id=document.label, expected=expected, actual=document.version)


def check_payment(payment: Payment, expected: int | None) -> None:
    """Refuse the change if the (locked) payment is no longer at version `expected`; None checks nothing."""
    if expected is not None and payment.version != expected:
        raise StaleVersion(entity="Le règlement", id=payment.number, expected=expected, actual=payment.version)


def with_payment_version(
    uow: UnitOfWork, ctx: Ctx, payment_id: int, expected: int | None, change: Callable[[], T]
) -> T:
    """Run `change` if the payment is at version `expected` (the payment row is locked first, as always).

    Only the API's change of a payment still goes through here: `payment_changes.change_payment` has its own
    `expected_version`, for the web form, which refuses with a different error."""
    with uow:
        if expected is not None:
            check_payment(uow.payments.get(ctx.company_id, payment_id, lock=True), expected)
        result = change()
        uow.commit()
        return result
