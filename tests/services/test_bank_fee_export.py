"""A card settlement reconciled with its card payments less the bank's commission books that fee: one bank entry
D 627 / C 512 in the accounting export and the FEC; a fee whose match is undone after its export is reversed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from acompte.adapters.exports.fec import check_fec, read_fec, write_fec
from acompte.domain.banking.confirmation import Confirmation
from acompte.domain.money import Money
from acompte.services import exports, payments
from acompte.services.banking import reconciliation
from tests.bank_helpers import bank_line

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def test_a_card_settlement_fee_is_booked_on_627_against_the_bank_and_reversed_when_undone(uow, ctx, customer):
    today = date.today()
    account = bank_line(uow, ctx, "1.00").account_id
    cards = [
        payments.record_payment(
            uow, ctx, party_id=customer.id, amount=eur(a), method="card", account_id=account, payment_date=today
        )
        for a in ("50.00", "30.00")
    ]
    settlement = bank_line(uow, ctx, "78.50", booking_date=today, reference="REMISE CB 0412", account_id=account)
    done = reconciliation.confirm(
        uow, ctx, settlement.id, Confirmation(payment_ids=tuple(c.id for c in cards), fee=eur("1.50"))
    )
    start = today.replace(day=1)
    result = exports.run_export(uow, ctx, date_from=start, date_to=today)
    fee_entries = [p.entry for p in result.posted if p.entry.source == f"fee:{done.match_id}"]
    assert len(fee_entries) == 1
    entry = fee_entries[0]
    assert entry.journal.value == "BQ" and entry.piece_ref == "REMISE CB 0412"
    lines = sorted((line.account, line.debit.amount, line.credit.amount) for line in entry.lines)
    assert lines == [("512", D("0.00"), D("1.50")), ("627", D("1.50"), D("0.00"))]
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    content = write_fec(ledger)
    assert check_fec(content, date_from=start, date_to=today) == []
    _, rows = read_fec(content)
    assert any(row.values["CompteNum"] == "627" and row.values["Debit"] == "1,50" for row in rows)
    # the card payments were exported: undoing only unlinks them, and the fee goes by a reversal
    reconciliation.undo(uow, ctx, done.match_id)
    tomorrow = today + timedelta(days=1)
    reversal = exports.run_export(uow, ctx, date_from=tomorrow, date_to=tomorrow)
    reversed_lines = [p.entry for p in reversal.posted if p.entry.source == f"rev:fee:{done.match_id}"]
    assert len(reversed_lines) == 1
