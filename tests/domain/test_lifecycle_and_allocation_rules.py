from datetime import date

import pytest

from acompte.domain import lifecycle
from acompte.domain.allocations import Settlement, check_allocation
from acompte.domain.documents import Document, Flow, Kind, PaymentStatus, State
from acompte.domain.errors import (
    CurrencyMismatch,
    DocumentCancelled,
    FlowMismatch,
    InvalidConversion,
    InvalidTransition,
    NonPositiveAmount,
    OverAllocation,
    OverSettlement,
    PartyMismatch,
)
from acompte.domain.lifecycle import Action
from acompte.domain.money import Money
from acompte.domain.payments import Direction, Payment


def eur(text):
    return Money.of(text, "EUR")


def doc(**kw):
    base = dict(
        id=1,
        company_id=1,
        kind=Kind.INVOICE,
        flow=Flow.SALE,
        state=State.VALIDATED,
        party_id=7,
        currency="EUR",
        issue_date=date(2026, 1, 1),
        gross=eur("120.00"),
        net=eur("100.00"),
        number="FA-2026-00001",
    )
    base.update(kw)
    return Document(**base)


def payment(**kw):
    base = dict(
        id=1,
        company_id=1,
        number="RC-2026-00001",
        party_id=7,
        direction=Direction.IN,
        method="cheque",
        digital=False,
        account_id=1,
        payment_date=date(2026, 1, 2),
        amount=eur("100.00"),
    )
    base.update(kw)
    return Payment(**base)


def settlement(gross="120.00", allocated="0.00"):
    return Settlement(gross=eur(gross), allocated=eur(allocated), deducted=eur("0.00"))


def test_invoices_are_frozen_once_validated_but_orders_may_still_change():
    assert lifecycle.is_allowed(Kind.INVOICE, State.DRAFT, Action.EDIT)
    assert not lifecycle.is_allowed(Kind.INVOICE, State.VALIDATED, Action.EDIT)
    assert lifecycle.is_allowed(Kind.ORDER, State.VALIDATED, Action.EDIT)
    with pytest.raises(InvalidTransition):
        lifecycle.check(Kind.INVOICE, State.VALIDATED, Action.CANCEL)
    assert lifecycle.check(Kind.ORDER, State.VALIDATED, Action.CANCEL) is State.CANCELLED


def test_conversions_follow_quote_order_delivery_invoice():
    lifecycle.check_conversion(Kind.QUOTE, State.VALIDATED, Kind.ORDER)
    lifecycle.check_conversion(Kind.ORDER, State.VALIDATED, Kind.DELIVERY)
    lifecycle.check_conversion(Kind.DELIVERY, State.VALIDATED, Kind.INVOICE)
    with pytest.raises(InvalidConversion):
        lifecycle.check_conversion(Kind.DELIVERY, State.VALIDATED, Kind.ORDER)
    with pytest.raises(InvalidTransition):
        lifecycle.check_conversion(Kind.ORDER, State.DRAFT, Kind.INVOICE)


def test_payment_status_is_derived_from_what_is_settled():
    assert settlement().status is PaymentStatus.UNPAID
    assert settlement(allocated="20.00").status is PaymentStatus.PARTIAL
    assert settlement(allocated="120.00").status is PaymentStatus.PAID
    assert settlement(allocated="120.00").balance_due.is_zero


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"document": {"party_id": 8}}, PartyMismatch),
        ({"document": {"currency": "USD", "gross": Money.of("1", "USD")}}, CurrencyMismatch),
        ({"document": {"state": State.CANCELLED}}, DocumentCancelled),
        ({"document": {"flow": Flow.PURCHASE}}, FlowMismatch),
        ({"amount": "0.00"}, NonPositiveAmount),
        ({"amount": "-1.00"}, NonPositiveAmount),
        ({"amount": "100.01"}, OverAllocation),
        ({"allocated": "90.00", "amount": "10.01"}, OverAllocation),
        ({"settled": "110.00", "amount": "10.01"}, OverSettlement),
    ],
)
def test_each_bad_allocation_has_its_own_error(change, error):
    document = doc(**change.get("document", {}))
    with pytest.raises(error):
        check_allocation(
            payment(),
            eur(change.get("allocated", "0.00")),
            document,
            Settlement(
                gross=document.gross,
                allocated=Money.of(change.get("settled", "0.00"), document.currency),
                deducted=Money.zero(document.currency),
            ).balance_due,
            eur(change.get("amount", "10.00")),
        )


def test_a_good_allocation_passes():
    check_allocation(payment(), eur("0.00"), doc(), settlement().balance_due, eur("100.00"))
    check_allocation(payment(), eur("0.00"), doc(state=State.DRAFT, number=None), settlement().balance_due, eur("1.00"))
