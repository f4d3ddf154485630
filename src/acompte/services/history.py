"""The « Historique »: the append-only events of a document, a payment, a party or the company's settings."""

from __future__ import annotations

from acompte.domain.events import EventKind
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


#: The facts about the company's own set-up (not about its documents, payments or parties).
COMPANY_KINDS = (
    EventKind.COMPANY_CREATED,
    EventKind.COMPANY_IDENTITY_CHANGED,
    EventKind.SETTINGS_CHANGED,
    EventKind.VAT_RATES_CHANGED,
    EventKind.PAYMENT_METHOD_CHANGED,
    EventKind.ACCOUNT_ADDED,
    EventKind.BANK_ACCOUNT_CHANGED,
)


def company_history(uow: UnitOfWork, ctx: Ctx) -> list[EventView]:
    """The changes of the company's settings: its creation, identity, settings, VAT rates, methods, accounts."""
    with uow:
        uow.companies.currency(ctx.company_id)  # NotFound for an unknown company
        return list(uow.events.query(ctx.company_id, kinds=[k.value for k in COMPANY_KINDS]))
