"""A company with one validated order and transfers allocated to it: what the backup and archive tests copy."""

from __future__ import annotations

import uuid
from decimal import Decimal

from acompte import bootstrap
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.services import companies, documents, parties, payments
from acompte.services.ports import Ctx


def company_with_a_paid_order(app: bootstrap.App, name: str, *, price: str, paid: list[str]) -> Ctx:
    """A fresh company named `name` + a unique suffix (counting it tells whether an import wrote anything), a
    customer, an order of one line at `price` (20 % VAT) and one transfer per amount of `paid` allocated to it."""
    uow = app.uow()
    ctx = Ctx(companies.create_company(uow, name=f"{name} {uuid.uuid4().hex[:8]}", currency="EUR"), actor="t")
    party = parties.create_party(uow, ctx, name="Client")
    draft = documents.create_document(
        uow, ctx, kind=Kind.ORDER, flow=Flow.SALE, party_id=party.id,
        lines=[LineInput("Table", Decimal("1"), Decimal(price), Decimal("20"))],
    )  # fmt: skip
    order = documents.validate_document(uow, ctx, draft.id)
    for amount in paid:
        money = Money.of(amount, "EUR")
        payments.record_payment(
            uow, ctx, party_id=party.id, amount=money, method="transfer", allocations=[(order.id, money)]
        )
    return ctx
