"""Each payment's summary row (persistence/payment_sums.py), kept by the database's triggers as payments and their
uses are written, equals what the facts give after any story — payments recorded with and without allocations
(on PostgreSQL, the one-statement writer), allocated, unallocated, refunded, refunds unwound, written off,
cancelled, their amount changed, accounts settled — and every payment's unallocated figure read from it equals
the services' derivation from the facts (`payments.get_payment`). On both databases.
"""

from __future__ import annotations

import contextlib

from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import text

from acompte.domain.errors import DomainError
from acompte.domain.payments import PaymentState
from acompte.services import payments
from acompte.services.verification import verify
from tests.helpers import pay, validated
from tests.services.test_credit_properties import CENTS, PROPERTY, World, eur_cents

OPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "invoice",
                "pay",
                "pay_to",
                "pay_with",
                "refund",
                "unwind",
                "write_off_over",
                "write_off_short",
                "cancel_payment",
                "change_amount",
                "settle",
                "remove_allocation",
                "use",
                "order",
                "cancel_order",
            ]
        ),
        st.integers(min_value=0, max_value=50),
        CENTS,
    ),
    min_size=4,
    max_size=16,
)


class PaymentWorld(World):
    def run(self, op: str, index: int, cents: int) -> None:
        if op == "pay_with" and (doc := self.pick(self.docs, index)) is not None:
            # recorded with its allocation in one use case (PostgreSQL: persistence/payment_recorder.py)
            view = payments.record_payment(
                self.uow, self.ctx, party_id=self.party, amount=eur_cents(cents), method="transfer",
                allocations=[(doc, eur_cents(cents % 5_000 + 1))],
            )  # fmt: skip
            self.payments.append(view.id)
            return
        super().run(op, index, cents)


def assert_summaries_hold(world: World) -> None:
    uow, ctx = world.uow, world.ctx
    with uow:
        assert uow.integrity.payment_summary_difference(ctx.company_id) is None
    # the list reads what each payment used from the summary; get_payment sums the facts
    listed = {v.id: v for v in payments.list_payments(uow, ctx, limit=10_000)}
    left = {v.id for v in payments.list_payments(uow, ctx, unallocated_only=True, limit=10_000)}
    assert set(listed) >= set(world.payments)
    for payment_id, view in listed.items():
        derived = payments.get_payment(uow, ctx, payment_id)
        assert view.allocated == derived.allocated
        assert view.unallocated == derived.unallocated
        has_left = derived.payment.state is PaymentState.ACTIVE and derived.unallocated.is_positive
        assert (payment_id in left) is has_left


@PROPERTY
@given(ops=OPS)
@example(ops=[("pay_with", 0, 300), ("refund", 1, 3), ("unwind", 0, 1), ("cancel_payment", 0, 1)])
@example(ops=[("pay_to", 0, 900), ("write_off_over", 3, 50), ("change_amount", 3, 20_000), ("settle", 0, 7)])
def test_every_payment_summary_equals_its_facts_after_any_story(app, ops):
    world = PaymentWorld(app)
    for step, (op, index, cents) in enumerate(ops, start=1):
        with contextlib.suppress(DomainError):  # a refused action writes nothing
            world.run(op, index, cents)
        if step % 4 == 0 or step == len(ops):
            assert_summaries_hold(world)


def test_verify_names_a_summary_changed_by_hand(app, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id)
    payment = pay(app.uow(), ctx, customer.id, "80.00", (invoice.id, "50.00"))
    assert verify(app.uow(), ctx.company_id).ok

    with app.engine.begin() as connection:
        connection.execute(
            text("UPDATE payment_sums SET used_minor = used_minor + 1 WHERE company_id = :c AND payment_id = :p"),
            {"c": ctx.company_id, "p": payment.id},
        )

    [found] = verify(app.uow(), ctx.company_id).breaks
    assert (found.check, found.code) == ("summary", "payment_summary")
    assert found.params == {"payment": payment.id, "column": "used_minor"}


def test_a_payment_with_money_left_leaves_the_list_when_used_up_and_comes_back_when_unallocated(app, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id)
    payment = pay(app.uow(), ctx, customer.id, "120.00")

    def with_money_left() -> list[int]:
        return [v.id for v in payments.list_payments(app.uow(), ctx, unallocated_only=True)]

    assert with_money_left() == [payment.id]
    allocation = payments.allocate(app.uow(), ctx, payment_id=payment.id, document_id=invoice.id)
    assert with_money_left() == []
    payments.remove_allocation(app.uow(), ctx, allocation.id)
    assert with_money_left() == [payment.id]
