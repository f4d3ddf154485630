"""Existence checks of the ids a request names, before the service looks at any state.

An id of another company must be answered 404 whatever the state of the other objects of the request (a
deduction on an issued invoice would otherwise answer 409 before it noticed the foreign deposit invoice). Routes
call `known(...)` with the ids of their body (and of secondary path parameters) first; each check is a plain read
through the services, in the request's unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable

from acompte.domain.errors import NotFound
from acompte.services import companies, documents, parties, payments
from acompte.services.ports import Ctx, UnitOfWork


def _ids(values: Iterable[str | int | None]) -> list[int]:
    return [int(v) for v in values if v is not None]


def known(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    document_ids: Iterable[str | int | None] = (),
    payment_ids: Iterable[str | int | None] = (),
    party_ids: Iterable[str | int | None] = (),
    item_ids: Iterable[str | int | None] = (),
    account_ids: Iterable[str | int | None] = (),
) -> None:
    """Raise NotFound for the first id that is not one of the company's (documents, payments, parties, items,
    treasury accounts)."""
    for document_id in _ids(document_ids):
        documents.get_document(uow, ctx, document_id)
    for payment_id in _ids(payment_ids):
        payments.get_payment(uow, ctx, payment_id)
    for party_id in _ids(party_ids):
        parties.get_party(uow, ctx, party_id)
    for item_id in _ids(item_ids):
        parties.get_item(uow, ctx, item_id)
    wanted = _ids(account_ids)
    if wanted:
        ours = {account_id for account_id, _name, _kind in companies.accounts(uow, ctx)}
        for account_id in wanted:
            if account_id not in ours:
                raise NotFound(entity="Compte de trésorerie", id=account_id)
