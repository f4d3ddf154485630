"""Optimistic concurrency: run a change only if the document or payment is still at the version the user saw.

The check and the change share one transaction, and the row is locked before its version is read, so two
clerks saving the same draft cannot both win (the API's `If-Match` → 412; the web form's hidden version).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from acompte.domain.errors import StaleVersion
from acompte.services.ports import Ctx, UnitOfWork

T = TypeVar("T")


def with_document_version(
    uow: UnitOfWork, ctx: Ctx, document_id: int, expected: int | None, change: Callable[[], T]
) -> T:
    """Run `change` (a service call on the same unit of work) if the document is at version `expected`."""
    with uow:
        if expected is not None:
            document = uow.documents.get(ctx.company_id, document_id, lock=True)
            if document.version != expected:
                raise StaleVersion(entity="Le document", id=document.label, expected=expected, actual=document.version)
        result = change()
        uow.commit()
        return result


def with_payment_version(
    uow: UnitOfWork, ctx: Ctx, payment_id: int, expected: int | None, change: Callable[[], T]
) -> T:
    """Run `change` if the payment is at version `expected` (the payment row is locked first, as always)."""
    with uow:
        if expected is not None:
            payment = uow.payments.get(ctx.company_id, payment_id, lock=True)
            if payment.version != expected:
                raise StaleVersion(entity="Le règlement", id=payment.number, expected=expected, actual=payment.version)
        result = change()
        uow.commit()
        return result
