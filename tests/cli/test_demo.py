"""`acompte demo` tells the deposit story (an order, its deposits paid and invoiced, the final invoice) with exact
amounts."""

from datetime import date

from rich.console import Console

from acompte.adapters.cli.demo import build_demo, print_demo
from acompte.domain.documents import Kind
from acompte.services import deposits, documents, payments
from acompte.services.ports import Ctx
from tests.deposit_helpers import eur


def test_the_demo_tells_the_deposit_story(app):  # type: ignore[no-untyped-def]
    company_id = build_demo(app.uow(), today=date(2026, 11, 23))
    ctx = Ctx(company_id)
    listed = {d.number: d for d in documents.list_documents(app.uow(), ctx, limit=500) if d.number}
    # a 30 % deposit payment by transfer, carried from the order to its final invoice
    assert listed["CO-2026-00001"].settlement.allocated.is_zero
    assert (listed["FA-2026-00001"].settlement.allocated, listed["FA-2026-00001"].balance_due) == (
        eur("522.72"),
        eur("1219.68"),
    )
    transfer = next(p for p in payments.list_payments(app.uow(), ctx) if p.payment.method == "transfer")
    assert (transfer.payment.amount, transfer.payment.origin_document_id) == (eur("522.72"), listed["CO-2026-00001"].id)
    # a 15 % deposit invoice paid by card, deducted on the final invoice
    deposit = listed["FAC-2026-00001"]
    assert (deposit.kind, deposit.settlement.gross, deposit.balance_due) == (
        Kind.DEPOSIT_INVOICE.value,
        eur("744.48"),
        eur("0.00"),
    )
    card = next(p for p in payments.list_payments(app.uow(), ctx) if p.payment.origin_document_id == deposit.id)
    assert (card.payment.method, card.payment.amount) == ("card", eur("744.48"))
    final = deposits.deduction_view(app.uow(), ctx, listed["FA-2026-00002"].id)
    assert (final.gross, final.deducted, final.net_to_pay) == (eur("4963.20"), eur("744.48"), eur("4218.72"))
    for order in ("CO-2026-00001", "CO-2026-00002"):
        assert deposits.deposit_position(app.uow(), ctx, listed[order].id).outstanding == eur("0.00")

    console = Console(record=True, width=200)
    print_demo(app.uow(), company_id, console)
    text = console.export_text()
    assert "Facture d'acompte" in text and "Acomptes déduits" in text and "Facturé" in text
