"""The « Historique »: the append-only events of a document, a payment or a party."""

from __future__ import annotations

from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import EventView


def document_history(uow: UnitOfWork, ctx: Ctx, document_id: int) -> list[EventView]:
    with uow:
        uow.documents.get(ctx.company_id, document_id)  # 404 for another company's document
        return list(uow.events.query(ctx.company_id, document_id=document_id))


def payment_history(uow: UnitOfWork, ctx: Ctx, payment_id: int) -> list[EventView]:
    with uow:
        uow.payments.get(ctx.company_id, payment_id)
        return list(uow.events.query(ctx.company_id, payment_id=payment_id))


def party_history(uow: UnitOfWork, ctx: Ctx, party_id: int) -> list[EventView]:
    with uow:
        uow.parties.get(ctx.company_id, party_id)
        return list(uow.events.query(ctx.company_id, party_id=party_id))
