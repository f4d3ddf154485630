from decimal import Decimal

from acompte.domain.documents import Kind
from acompte.services import documents, history, payments
from tests.helpers import line, pay, validated


def test_the_history_of_a_document_and_of_a_payment_tells_every_change_with_amounts(uow, ctx, customer):
    order = validated(uow, ctx, customer.id, line("100.00"), kind=Kind.ORDER)
    documents.update_document(uow, ctx, order.id, lines=[line("200.00")])
    p = pay(uow, ctx, customer.id, "50.00", (order.id, "50.00"))
    payments.remove_allocation(uow, ctx, p.allocations[0].id, reason="erreur")

    events = history.document_history(uow, ctx, order.id)
    assert [e.kind for e in events] == [
        "DocumentCreated",
        "DocumentValidated",
        "DocumentUpdated",
        "PaymentAllocated",
        "AllocationRemoved",
    ]
    assert events[2].data["gross"] == {"before": "120.00", "after": "240.00"}
    allocated = events[3]
    assert allocated.actor == "tester"
    assert allocated.data["amount"] == "50.00"
    assert allocated.data["method"] == "cheque"
    assert allocated.data["document_balance"] == {"before": "240.00", "after": "190.00"}
    assert events[4].data["document_balance"] == {"before": "190.00", "after": "240.00"}

    payment_events = history.payment_history(uow, ctx, p.id)
    assert [e.kind for e in payment_events] == ["PaymentRecorded", "PaymentAllocated", "AllocationRemoved"]
    assert payment_events[0].data["amount"] == "50.00"
    assert Decimal(payment_events[1].data["payment_unallocated"]["after"]) == 0
