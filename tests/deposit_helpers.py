"""Builders for the deposit tests, so that each test reads as a sentence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.services import deposits, documents
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import DocumentView
from tests.helpers import line, validated

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def table_order(
    uow: UnitOfWork, ctx: Ctx, party_id: int, *, flow: Flow = Flow.SALE, kind: Kind = Kind.ORDER
) -> DocumentView:
    """AC-01's order: one table, 1 000.00 net at 20 %, 1 200.00 gross."""
    return validated(
        uow, ctx, party_id, line("1000.00", designation="Table"), kind=kind, flow=flow, today=date(2026, 2, 1)
    )


def furniture_order(uow: UnitOfWork, ctx: Ctx, party_id: int, *, flow: Flow = Flow.SALE) -> DocumentView:
    """Mixed rates: a table and four chairs at 20 %, delivery and assembly at 10 % — 1 742.40 gross."""
    return validated(
        uow,
        ctx,
        party_id,
        line("1000.00", designation="Table en chêne"),
        line("85.50", qty="4", designation="Chaise paillée"),
        line("120.00", rate="10", designation="Livraison et montage"),
        kind=Kind.ORDER,
        flow=flow,
        today=date(2026, 2, 1),
    )


def issued_deposit(
    uow: UnitOfWork,
    ctx: Ctx,
    origin_id: int,
    *,
    percent: str | None = None,
    amount: str | None = None,
    today: date = date(2026, 2, 2),
    paid_by: str | None = None,
) -> DocumentView:
    draft = deposits.create_deposit_invoice(
        uow, ctx, origin_id=origin_id, percent=D(percent) if percent else None, amount=eur(amount) if amount else None
    )
    issued = deposits.issue_deposit_invoice(
        uow, ctx, draft.id, today=today, generate_payment=paid_by is not None, method=paid_by
    )
    return issued.document


def issued_final(
    uow: UnitOfWork, ctx: Ctx, source_id: int, *, lines: list[LineInput] | None = None, today: date = date(2026, 3, 16)
) -> DocumentView:
    draft = deposits.create_final_invoice(uow, ctx, source_id, lines=lines)
    return documents.validate_document(uow, ctx, draft.invoice.id, today=today)


def vat_rows(breakdown) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(f"{b.rate:f}", str(b.net.amount), str(b.vat.amount)) for b in breakdown]
