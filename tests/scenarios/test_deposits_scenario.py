"""docs/scenarios/deposits.md run as a test: every `key | figure | amount` row must equal what the services
compute for the same story, and every figure computed here must appear in the document."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from acompte.domain.documents import Flow, Kind
from acompte.domain.money import Money
from acompte.domain.payments import Direction
from acompte.services import deposits, documents, parties, payments
from tests.helpers import line, validated

SCENARIO = Path(__file__).resolve().parents[2] / "docs" / "scenarios" / "deposits.md"
ROW = re.compile(r"^\|\s*`(?P<key>[a-z0-9_.]+)`\s*\|[^|]*\|\s*(?P<amount>[^|]+?)\s*\|\s*$")
D = Decimal


def documented() -> dict[str, str]:
    rows = {}
    for text in SCENARIO.read_text(encoding="utf-8").splitlines():
        match = ROW.match(text)
        if match:
            rows[match["key"]] = match["amount"].replace(" ", "").replace("\u202f", "")
    return rows


def plain(value: Money | str) -> str:
    return str(value.amount) if isinstance(value, Money) else value


def by_rate(breakdown, rate: str):  # type: ignore[no-untyped-def]
    return next(b for b in breakdown if b.rate == D(rate))


def story(uow, ctx) -> dict[str, Money | str]:  # type: ignore[no-untyped-def]
    figures: dict[str, Money | str] = {}
    furniture = [
        line("1000.00", qty="3", designation="Table en chêne"),
        line("85.50", qty="12", designation="Chaise paillée"),
        line("120.00", rate="10", designation="Livraison et montage"),
    ]

    # A. a 15 % deposit invoice paid by card
    bistro = parties.create_party(uow, ctx, name="Bistrot du Parc SARL", siren="552100554")
    order = validated(uow, ctx, bistro.id, *furniture, kind=Kind.ORDER, today=date(2026, 2, 1))
    totals = deposits.document_breakdown(uow, ctx, order.id)
    figures.update(
        {
            "a.order.net_20": by_rate(totals, "20").net,
            "a.order.vat_20": by_rate(totals, "20").vat,
            "a.order.net_10": by_rate(totals, "10").net,
            "a.order.vat_10": by_rate(totals, "10").vat,
            "a.order.gross": order.document.gross,
        }
    )
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=D(15))
    issued = deposits.issue_deposit_invoice(
        uow, ctx, draft.id, today=date(2026, 2, 2), generate_payment=True, method="card", payment_date=date(2026, 2, 2)
    )
    split = deposits.document_breakdown(uow, ctx, draft.id)
    with uow:
        remaining = uow.documents.data(ctx.company_id, draft.id)["deposit"]["remaining"]
    figures.update(
        {
            "a.deposit.number": issued.document.document.number,
            "a.deposit.gross": issued.document.document.gross,
            "a.deposit.net_20": by_rate(split, "20").net,
            "a.deposit.vat_20": by_rate(split, "20").vat,
            "a.deposit.net_10": by_rate(split, "10").net,
            "a.deposit.vat_10": by_rate(split, "10").vat,
            "a.deposit.remaining": remaining,
            "a.card.amount": issued.payment.payment.amount,
            "a.deposit.balance": documents.get_document(uow, ctx, draft.id).balance_due,
        }
    )
    final = deposits.create_final_invoice(uow, ctx, order.id)
    documents.validate_document(uow, ctx, final.invoice.id, today=date(2026, 3, 16))
    view = deposits.deduction_view(uow, ctx, final.invoice.id)
    figures.update(
        {
            "a.final.gross": view.gross,
            "a.final.deducted": view.deducted,
            "a.final.net_to_pay": view.net_to_pay,
            "a.final.due_net_20": by_rate(view.vat_due, "20").net,
            "a.final.due_vat_20": by_rate(view.vat_due, "20").vat,
            "a.final.due_net_10": by_rate(view.vat_due, "10").net,
            "a.final.due_vat_10": by_rate(view.vat_due, "10").vat,
        }
    )
    payments.record_payment(
        uow,
        ctx,
        party_id=bistro.id,
        amount=view.net_to_pay,
        method="transfer",
        direction=Direction.IN,
        allocations=[(final.invoice.id, view.net_to_pay)],
    )
    position = deposits.deposit_position(uow, ctx, order.id)
    figures.update(
        {
            "a.final.balance": documents.get_document(uow, ctx, final.invoice.id).balance_due,
            "a.order.invoiced": position.invoiced,
            "a.order.outstanding": position.outstanding,
        }
    )

    # B. a 30 % deposit payment by transfer
    martin = parties.create_party(uow, ctx, name="Claire Martin")
    order = validated(
        uow,
        ctx,
        martin.id,
        line("1000.00", designation="Table en chêne"),
        line("85.50", qty="4", designation="Chaise paillée"),
        line("120.00", rate="10", designation="Livraison et montage"),
        kind=Kind.ORDER,
    )
    transfer = deposits.record_deposit_payment(
        uow,
        ctx,
        order.id,
        amount=order.document.gross.times(D("0.30")),
        method="transfer",
        reference="VIR MARTIN ACOMPTE",
    )
    figures.update(
        {
            "b.order.gross": order.document.gross,
            "b.transfer.amount": transfer.payment.amount,
            "b.order.balance": documents.get_document(uow, ctx, order.id).balance_due,
        }
    )
    draft = deposits.create_final_invoice(uow, ctx, order.id)
    figures["b.draft.allocated"] = documents.get_document(uow, ctx, draft.invoice.id).settlement.allocated
    figures["b.order.allocated_while_drafted"] = documents.get_document(uow, ctx, order.id).settlement.allocated
    documents.delete_draft(uow, ctx, draft.invoice.id)
    figures["b.order.allocated_after_delete"] = documents.get_document(uow, ctx, order.id).settlement.allocated
    final = deposits.create_final_invoice(uow, ctx, order.id)
    invoice = documents.validate_document(uow, ctx, final.invoice.id)
    figures.update(
        {
            "b.final.gross": invoice.document.gross,
            "b.final.allocated": invoice.settlement.allocated,
            "b.final.balance": invoice.balance_due,
            "b.transfer.amount_after": payments.get_payment(uow, ctx, transfer.id).payment.amount,
            "b.order.outstanding": deposits.deposit_position(uow, ctx, order.id).outstanding,
        }
    )
    assert invoice.document.flow is Flow.SALE
    return figures


def test_the_deposit_scenario_document_matches_the_ledger(uow, ctx):
    rows = documented()
    assert len(rows) >= 30  # the tables were read
    computed = {key: plain(value) for key, value in story(uow, ctx).items()}
    assert set(rows) == set(computed), "every documented figure is computed, and every computed one documented"
    mismatches = {key: (rows[key], computed[key]) for key in rows if rows[key] != computed[key]}
    assert mismatches == {}
