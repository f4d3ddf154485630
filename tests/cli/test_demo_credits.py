"""`acompte demo` tells the credit story: a return credited and used on two invoices, and a 50.00 cheque for a
45.00 invoice whose 5.00 settles the next invoice."""

from decimal import Decimal

from rich.console import Console

from acompte.adapters.cli.demo import build_demo, print_demo
from acompte.domain.credits import CreditStatus
from acompte.services import credits, documents, payments
from acompte.services.ports import Ctx

D = Decimal


def test_the_demo_credits_a_return_and_reuses_an_overpayment(uow):
    ctx = Ctx(build_demo(uow))
    [note] = credits.list_credit_notes(uow, ctx)
    assert (note.gross.amount, note.status) == (D("205.20"), CreditStatus.SETTLED)
    targets = sorted(
        (documents.get_document(uow, ctx, d.id).document.gross.amount, d.balance_due.amount)
        for d in documents.list_documents(uow, ctx, limit=500)
        if d.party_name.startswith("Bistrot") and d.kind == "invoice"
    )
    assert targets == [
        (D("45.00"), D("0.00")),
        (D("60.00"), D("0.00")),
        (D("180.00"), D("29.80")),
        (D("1231.20"), D("0.00")),
        (D("4963.20"), D("4218.72")),  # the deposit story's final invoice (15 % deposit invoice deducted)
    ]
    cheque = next(p for p in payments.list_payments(uow, ctx, limit=500) if p.payment.amount.amount == D("50.00"))
    assert [a.amount.amount for a in payments.get_payment(uow, ctx, cheque.id).allocations] == [
        D("45.00"),
        D("5.00"),
    ]
    console = Console(record=True, width=140)
    print_demo(uow, ctx.company_id, console)
    text = console.export_text()
    assert "AV-" in text and "Utilisé" in text and "Gestion commerciale" in text  # the credit note, used in full
