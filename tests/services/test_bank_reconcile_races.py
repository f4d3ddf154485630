"""Two clerks confirming (or undoing) the same bank line at the same moment: one wins, the other gets a typed
refusal and nothing it did is kept — no second payment, no second match, no second event.

Both calls start behind a barrier. On PostgreSQL the line's row lock makes the second wait, then read the line
reconciled; the partial unique index on active matches would refuse it anyway. On SQLite the immediate
transaction serialises them."""

from __future__ import annotations

from datetime import date

from acompte.domain.banking.confirmation import Confirmation
from acompte.domain.money import Money
from acompte.domain.payments import PaymentState
from acompte.services import payments
from acompte.services.banking import reconciliation
from acompte.services.ports import Ctx, UnitOfWork
from tests.bank_helpers import bank_line
from tests.helpers import line, validated
from tests.services.test_undo_races import kinds, race


def _active(uow: UnitOfWork, ctx: Ctx, party_id: int) -> int:
    return len(payments.list_payments(uow, ctx, party_id=party_id, state=PaymentState.ACTIVE))


def test_a_line_confirmed_twice_at_once_is_reconciled_once(app, uow, ctx, customer):  # type: ignore[no-untyped-def]
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    received = bank_line(uow, ctx, "120.00", booking_date=date.today())
    confirmation = Confirmation(party_id=customer.id, allocations=((invoice.id, Money.of("120.00", "EUR")),))
    confirm = lambda u: reconciliation.confirm(u, ctx, received.id, confirmation)  # noqa: E731
    assert race(app, confirm, confirm) == ["BankLineNotOpen", "ok"]
    assert _active(uow, ctx, customer.id) == 1
    assert kinds(uow, ctx, "BankLineReconciled") == 1 and kinds(uow, ctx, "PaymentRecorded") == 1
    with uow:
        assert len(uow.bank_matches.active_for_lines(ctx.company_id, [received.id])) == 1


def test_a_match_undone_twice_at_once_is_undone_once(app, uow, ctx, customer):  # type: ignore[no-untyped-def]
    received = bank_line(uow, ctx, "75.00", booking_date=date.today())
    done = reconciliation.confirm(uow, ctx, received.id, Confirmation(party_id=customer.id))
    undo = lambda u: reconciliation.undo(u, ctx, done.match_id)  # noqa: E731
    assert race(app, undo, undo) == ["BankMatchNotFound", "ok"]
    assert kinds(uow, ctx, "BankMatchUndone") == 1 and kinds(uow, ctx, "PaymentCancelled") == 1
    assert _active(uow, ctx, customer.id) == 0


def test_the_active_match_index_refuses_a_second_match_of_a_line(uow, ctx, customer):  # type: ignore[no-untyped-def]
    from acompte.domain.banking.confirmation import MatchedPayment
    from acompte.domain.banking.errors import BankLineNotOpen

    received = bank_line(uow, ctx, "30.00", booking_date=date.today())
    done = reconciliation.confirm(uow, ctx, received.id, Confirmation(party_id=customer.id))
    with uow:
        try:
            uow.bank_matches.add(ctx.company_id, received.id, [MatchedPayment(done.recorded[0], False)])
        except BankLineNotOpen:
            refused = True
        else:
            refused = False
    assert refused
