"""Every deposit action is in the history, with the amounts before and after."""

from decimal import Decimal

from acompte.domain.documents import Kind
from acompte.services import deposits, documents, history
from tests.deposit_helpers import eur, table_order

D = Decimal


def kinds(events):  # type: ignore[no-untyped-def]
    return [e.kind for e in events]


def test_the_deposit_story_is_in_the_history_of_each_document_and_payment(uow, ctx, customer):
    quote = table_order(uow, ctx, customer.id, kind=Kind.QUOTE)
    deposits.request_deposit(uow, ctx, quote.id, percent=D(30))
    order = documents.validate_document(uow, ctx, documents.convert_document(uow, ctx, quote.id, Kind.ORDER).id)
    payment = deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("100.00"), method="transfer")
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=D(20))
    issued = deposits.issue_deposit_invoice(uow, ctx, draft.id, generate_payment=True, method="card")
    credit = deposits.create_deposit_credit_note(uow, ctx, draft.id, amount=eur("40.00"))
    deposits.issue_deposit_credit_note(uow, ctx, credit.id)
    final = deposits.create_final_invoice(uow, ctx, order.id)
    documents.validate_document(uow, ctx, final.invoice.id)

    quote_events = history.document_history(uow, ctx, quote.id)
    requested = next(e for e in quote_events if e.kind == "DepositRequested")
    assert (requested.data["after"]["amount"], requested.data["net_to_pay"]) == ("360.00", "840.00")

    assert "DepositCarried" in kinds(history.document_history(uow, ctx, order.id))
    assert "DepositCarried" in kinds(history.payment_history(uow, ctx, payment.id))

    deposit_events = history.document_history(uow, ctx, draft.id)
    assert {
        "DocumentCreated",
        "DepositInvoicePrepared",
        "DocumentValidated",
        "PaymentAllocated",
        "DepositDeducted",
    } <= set(kinds(deposit_events))
    assert "DepositReversed" in kinds(history.document_history(uow, ctx, credit.id))
    assert "PaymentRecorded" in kinds(history.payment_history(uow, ctx, issued.payment.id))

    deducted = next(e for e in history.document_history(uow, ctx, final.invoice.id) if e.kind == "DepositDeducted")
    assert deducted.data["amount"] == "200.00"  # 240.00 − 40.00 reversed
    assert deducted.data["net_to_pay"] == {"before": "1100.00", "after": "900.00"}  # after the 100.00 carried
    assert deducted.data["breakdown"] == [{"rate": "20", "net": "166.67", "vat": "33.33"}]
