"""Payment terms and instalments: a party's default terms, the terms put on a document, and each document's
instalments with what they have received (the earliest due paid first)."""

from __future__ import annotations

from collections.abc import Sequence

from acompte.domain import lifecycle
from acompte.domain.accounts import Instalment, PaymentTerms, schedule
from acompte.domain.credit_events import PaymentTermsSet
from acompte.domain.documents import INVOICE_KINDS, State
from acompte.domain.errors import DocumentFrozen, InvalidPaymentTerms, Reason
from acompte.domain.lifecycle import Action
from acompte.domain.money import Money
from acompte.domain.parties import Party
from acompte.services import parties, positions, versions
from acompte.services.accounts.views import DueItem
from acompte.services.messagebus import publish
from acompte.services.payment_terms import PAYMENT_TERMS_KEY
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.ports.figures import OpenDocument
from acompte.services.views import DocumentSummary


def set_party_payment_terms(uow: UnitOfWork, ctx: Ctx, party_id: int, terms: PaymentTerms) -> Party:
    """The party's default payment terms, copied onto its documents by `set_payment_terms`."""
    with uow:
        party = uow.parties.get(ctx.company_id, party_id)
        settings = {**party.settings, PAYMENT_TERMS_KEY: terms.to_data()}
        updated = parties.update_party(uow, ctx, party_id, settings=settings)
        uow.commit()
        return updated


def set_payment_terms(
    uow: UnitOfWork,
    ctx: Ctx,
    document_id: int,
    terms: PaymentTerms | None = None,
    *,
    expected_version: int | None = None,
) -> list[Instalment]:
    """Put payment terms on a document that may still change (an invoice draft, an order): `terms`, or the
    party's default terms when None. An issued invoice keeps the terms it was issued with."""
    with uow:
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        versions.check_document(document, expected_version)
        if not lifecycle.is_allowed(document.kind, document.state, Action.EDIT):
            if document.kind in INVOICE_KINDS and document.state is State.VALIDATED:
                raise DocumentFrozen(number=document.label)
            lifecycle.check(document.kind, document.state, Action.EDIT)
        if terms is None:
            party = uow.parties.get(ctx.company_id, document.party_id)
            stored = party.settings.get(PAYMENT_TERMS_KEY)
            if not stored:
                raise InvalidPaymentTerms(reason=Reason.NO_DEFAULT_TERMS, party=party.name)
            terms = PaymentTerms.from_data(stored)
        data = uow.documents.data(ctx.company_id, document_id)
        before = data.get(PAYMENT_TERMS_KEY)
        uow.documents.set_data(ctx.company_id, document_id, {**data, PAYMENT_TERMS_KEY: terms.to_data()})
        publish(
            uow,
            ctx,
            PaymentTermsSet(
                company_id=ctx.company_id,
                document_id=document_id,
                party_id=document.party_id,
                before=before,
                after=terms.to_data(),
            ),
        )
        result = document_instalments(uow, ctx, document_id)
        uow.commit()
        return result


def due_items(uow: UnitOfWork, ctx: Ctx, summaries: Sequence[DocumentSummary]) -> list[DueItem]:
    """Each document with its instalments; what it still owes is its position's balance due, taken from the
    earliest instalments first."""
    context = uow.credits.document_context(ctx.company_id, [s.id for s in summaries])
    items = []
    for s in summaries:
        position = s.position
        assert position is not None, "account documents carry their position"
        data, order_date = context.get(s.id, ({}, None))
        stored = data.get(PAYMENT_TERMS_KEY)
        terms = PaymentTerms.from_data(stored) if stored else None
        instalments = schedule(
            position.total,
            terms,
            s.issue_date,
            order_date=order_date,
            due_date=s.due_date,
            settled=position.total - position.balance_due,
        )
        items.append(
            DueItem(
                document_id=s.id,
                kind=s.kind,
                number=s.number,
                issue_date=s.issue_date,
                position=position,
                instalments=instalments,
            )
        )
    return sorted(items, key=lambda i: (i.next_due_date or i.issue_date, i.issue_date, i.document_id))


def open_instalments(document: OpenDocument, currency: str) -> tuple[Instalment, ...]:
    """The instalments of an open document read by the account figures, as `due_items` makes them: what it
    still owes is taken from the earliest instalments first."""
    stored = document.data.get(PAYMENT_TERMS_KEY)
    gross = Money.from_minor(document.gross_minor, currency)
    return schedule(
        gross,
        PaymentTerms.from_data(stored) if stored else None,
        document.issue_date,
        order_date=document.order_date,
        due_date=document.due_date,
        settled=gross - Money.from_minor(document.balance_minor, currency),
    )


def document_instalments(uow: UnitOfWork, ctx: Ctx, document_id: int) -> list[Instalment]:
    """The instalments of a document, each with what it has received (oldest due date paid first)."""
    with uow:
        document = uow.documents.get(ctx.company_id, document_id)
        summary = DocumentSummary(
            id=document.id,
            kind=document.kind.value,
            flow=document.flow.value,
            state=document.state.value,
            number=document.number,
            party_id=document.party_id,
            party_name="",
            issue_date=document.issue_date,
            due_date=document.due_date,
            settlement=uow.documents.settlement(document),
            position=positions.position(uow, ctx, document),
        )
        return list(due_items(uow, ctx, [summary])[0].instalments)
