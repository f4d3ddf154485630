"""A credit note's write-off is final, also when deposits go back: a credit note used on an order moves with
the order's money onto its invoice; when that invoice is cancelled (credited in full, or deleted while a draft)
the money goes back to the order, and what the order can no longer take back is released. Released from a credit
note written off meanwhile, it is written off too — never usable credit again."""

from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.credits import CreditRef, CreditStatus
from acompte.domain.documents import Kind
from acompte.domain.events import EventKind
from acompte.domain.money import Money
from acompte.services import accounts, credits, documents, history, payments
from tests import helpers
from tests.helpers import line, validated

D = Decimal
DAY = date(2026, 3, 16)


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


# An order invoiced by an issued invoice owes nothing more (a payment on it is refused): only cancelling it makes
# it refuse the money back; a draft invoice leaves it open to a payment that settles it.
@pytest.mark.parametrize(
    ("undo", "order_after"),
    [("credit_invoice", "cancelled"), ("delete_draft", "cancelled"), ("delete_draft", "paid")],
)
def test_a_use_the_order_cannot_take_back_stays_written_off(uow, ctx, customer, undo, order_after):
    note = helpers.gesture(uow, ctx, customer.id, line("100.00"))  # 120.00 TTC
    order = validated(uow, ctx, customer.id, line("1000.00"), kind=Kind.ORDER)  # 1 200.00
    credits.use_credit(uow, ctx, credit_id=note.id, document_id=order.id, amount=eur("50.00"))
    invoice = documents.convert_document(uow, ctx, order.id, Kind.INVOICE)  # the use follows onto the invoice
    if undo == "credit_invoice":
        invoice = documents.validate_document(uow, ctx, invoice.id, today=DAY)
    assert documents.get_document(uow, ctx, invoice.id).settlement.allocated.amount == D("50.00")
    assert documents.get_document(uow, ctx, order.id).settlement.allocated.is_zero
    credits.write_off_credit(uow, ctx, note.id)  # the 70.00 not used
    if order_after == "cancelled":
        documents.cancel_document(uow, ctx, order.id)
    else:
        payments.record_payment(
            uow,
            ctx,
            party_id=customer.id,
            amount=eur("1200.00"),
            method="transfer",
            allocations=[(order.id, eur("1200.00"))],
        )

    if undo == "credit_invoice":
        credits.credit_invoice(uow, ctx, invoice.id, today=DAY)
    else:
        documents.delete_draft(uow, ctx, invoice.id)

    view = credits.get_credit_note(uow, ctx, note.id)
    assert (view.status, view.use.applied.amount, view.use.written_off.amount, view.remaining.amount) == (
        CreditStatus.WRITTEN_OFF,
        D("0.00"),
        D("120.00"),
        D("0.00"),
    )
    with uow:  # one write-off row, grown once (the return is published for both documents, acted on once)
        [write_off] = uow.credits.write_offs(ctx.company_id, source=CreditRef.credit_note(note.id))
    assert write_off.amount.amount == D("120.00")
    events = history.document_history(uow, ctx, note.id)
    assert events[-1].kind == EventKind.CREDIT_WRITTEN_OFF
    assert events[-1].data["written_off"] == {"before": "70.00", "after": "120.00"}
    assert accounts.party_account(uow, ctx, customer.id).balance == accounts.ledger_balance(uow, ctx, customer.id)


def test_a_use_the_order_takes_back_is_not_written_off(uow, ctx, customer):
    note = helpers.gesture(uow, ctx, customer.id, line("100.00"))  # 120.00 TTC
    order = validated(uow, ctx, customer.id, line("1000.00"), kind=Kind.ORDER)
    credits.use_credit(uow, ctx, credit_id=note.id, document_id=order.id, amount=eur("50.00"))
    invoice = documents.convert_document(uow, ctx, order.id, Kind.INVOICE)
    invoice = documents.validate_document(uow, ctx, invoice.id, today=DAY)
    credits.write_off_credit(uow, ctx, note.id)

    credits.credit_invoice(uow, ctx, invoice.id, today=DAY)

    assert documents.get_document(uow, ctx, order.id).settlement.allocated.amount == D("50.00")  # back on the order
    view = credits.get_credit_note(uow, ctx, note.id)
    assert (view.status, view.use.applied.amount, view.use.written_off.amount, view.remaining.amount) == (
        CreditStatus.WRITTEN_OFF,
        D("50.00"),
        D("70.00"),
        D("0.00"),
    )
    assert accounts.party_account(uow, ctx, customer.id).balance == accounts.ledger_balance(uow, ctx, customer.id)
