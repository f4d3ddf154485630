"""A credit note's write-off is final: what comes back to a written-off credit note afterwards — a refund
unwound, by `unwind_refund` or by cancelling the refund payment — is written off too, never usable again."""

from decimal import Decimal

import pytest

from acompte.domain.credits import CreditRef, CreditStatus
from acompte.domain.events import EventKind
from acompte.domain.money import Money
from acompte.domain.payments import PaymentState
from acompte.services import accounts, credits, history, payments
from acompte.services.payment_changes import cancel_payment
from tests import helpers
from tests.helpers import line

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


@pytest.mark.parametrize("undo", ["unwind_refund", "cancel_payment"])
def test_a_refund_unwound_after_the_write_off_is_written_off_too(uow, ctx, customer, undo):
    note = helpers.gesture(uow, ctx, customer.id, line("25.00"))  # 30.00 TTC
    refund = credits.refund(uow, ctx, source=CreditRef.credit_note(note.id), method="transfer", amount=eur("1.77"))
    credits.write_off_credit(uow, ctx, note.id)  # 28.23 written off

    if undo == "unwind_refund":
        credits.unwind_refund(uow, ctx, refund.id, reason="virement jamais parti")
    else:
        cancel_payment(uow, ctx, refund.payment_id, reason="virement jamais parti")

    assert payments.get_payment(uow, ctx, refund.payment_id).payment.state is PaymentState.CANCELLED
    view = credits.get_credit_note(uow, ctx, note.id)
    assert (view.status, view.use.refunded.amount, view.use.written_off.amount, view.remaining.amount) == (
        CreditStatus.WRITTEN_OFF,
        D("0.00"),
        D("30.00"),
        D("0.00"),
    )
    with uow:  # still one write-off row, grown: the « once » of a credit note's write-off holds
        [write_off] = uow.credits.write_offs(ctx.company_id, source=CreditRef.credit_note(note.id))
    assert write_off.amount.amount == D("30.00")
    events = history.document_history(uow, ctx, note.id)
    assert [e.kind for e in events][-2:] == [EventKind.REFUND_UNWOUND, EventKind.CREDIT_WRITTEN_OFF]
    assert events[-1].data["written_off"] == {"before": "28.23", "after": "30.00"}
    assert accounts.party_account(uow, ctx, customer.id).balance == accounts.ledger_balance(uow, ctx, customer.id)
