"""An account's balance as per the bank and as per acompte, the difference explained line by line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.banking.confirmation import Confirmation
from acompte.domain.errors import NotFound
from acompte.domain.money import Money
from acompte.domain.payments import Direction
from acompte.services import payments
from acompte.services.banking import balances, reconciliation
from tests.bank_helpers import bank_account, bank_line

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def test_the_difference_is_what_is_not_reconciled_on_either_side(uow, ctx, customer, supplier):
    account = bank_account(uow, ctx)
    start = balances.account_balance(uow, ctx, account)
    assert start.bank == start.books == eur("0.00") and start.difference.is_zero
    received = bank_line(uow, ctx, "120.00", booking_date=date.today())
    reconciliation.confirm(uow, ctx, received.id, Confirmation(party_id=customer.id))
    bank_line(uow, ctx, "45.00")  # on the statement, not reconciled yet
    fee = bank_line(uow, ctx, "-8.00", label="FRAIS")
    reconciliation.ignore(uow, ctx, fee.id)
    payments.record_payment(  # typed, not on the statement yet
        uow,
        ctx,
        party_id=supplier.id,
        amount=eur("30.00"),
        method="cheque",
        direction=Direction.OUT,
        account_id=account,
    )
    cards = [
        payments.record_payment(uow, ctx, party_id=customer.id, amount=eur(a), method="card", account_id=account)
        for a in ("20.00", "10.00")
    ]
    settlement = bank_line(uow, ctx, "29.40")
    reconciliation.confirm(
        uow, ctx, settlement.id, Confirmation(payment_ids=tuple(c.id for c in cards), fee=eur("0.60"))
    )
    found = balances.account_balance(uow, ctx, account)
    assert found.bank == eur("186.40") and not found.bank_from_statement  # 120 + 45 − 8 + 29.40
    assert found.books == eur("119.40")  # 120 − 30 + 20 + 10 − 0.60
    assert (found.open_in, found.open_out, found.open_count) == (eur("45.00"), eur("0.00"), 1)
    assert found.ignored == eur("-8.00")
    assert (found.unmatched_in, found.unmatched_out, found.unmatched_count) == (eur("0.00"), eur("-30.00"), 1)
    assert found.difference == eur("67.00") and found.unexplained.is_zero
    assert [p.amount for p in found.unmatched] == [eur("-30.00")]


def test_another_company_s_account_is_not_found(uow, ctx, other_ctx):
    with pytest.raises(NotFound):
        balances.account_balance(uow, other_ctx, bank_account(uow, ctx))
