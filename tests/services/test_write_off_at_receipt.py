"""A small shortfall written off at receipt, in the same operation as the payment, is one bank entry; written off
later on its own, it stays a miscellaneous (OD) entry (french-rules §1.3, « Small shortfall »). SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.documents import Flow, Kind, LineInput, PaymentStatus
from acompte.domain.errors import AboveWriteOffThreshold
from acompte.domain.money import Money
from acompte.domain.payments import Direction
from acompte.services import accounts, companies, credits, documents, exports
from tests.services.test_settlement_wiring import balances, fec_is_clean, order, rows

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def write_offs_of(uow, ctx, party_id):  # type: ignore[no-untyped-def]
    with uow:
        return uow.credits.write_offs(ctx.company_id, party_id=party_id)


REPAIR = LineInput("Réparation", D(1), D("37.50"), D(20))  # 45.00 TTC


@pytest.fixture
def threshold(uow, ctx):  # type: ignore[no-untyped-def]
    companies.update_settings(uow, ctx, {"write_off_threshold": "1.00"})


def test_a_customer_shortfall_written_off_at_receipt_is_one_bank_entry(uow, ctx, customer, threshold):
    repair = order(uow, ctx, customer.id, REPAIR, kind=Kind.INVOICE, day=date(2026, 3, 10))
    received = credits.receive_writing_off(
        uow, ctx, party_id=customer.id, amount=eur("44.98"), method="transfer", payment_date=date(2026, 3, 11),
        allocations=[(repair.id, eur("44.98"))],
    )  # fmt: skip
    assert documents.get_document(uow, ctx, repair.id).status is PaymentStatus.PAID
    [written] = write_offs_of(uow, ctx, customer.id)
    assert (written.amount, written.received_payment_id, written.write_off_date) == (
        eur("0.02"), received.id, date(2026, 3, 11),
    )  # fmt: skip

    result = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert [(p.entry.journal.value, p.entry.piece_ref, rows(p)) for p in result.posted] == [
        ("VE", repair.document.number, [("411", "45.00", ""), ("707", "", "37.50"), ("44571", "", "7.50")]),
        ("BQ", received.payment.number, [("512", "44.98", ""), ("658", "0.02", ""), ("411", "", "45.00")]),
    ]
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    assert balances(ledger) == {"411": "0.00", "44571": "-7.50", "512": "44.98", "658": "0.02", "707": "-37.50"}
    assert fec_is_clean(ledger, date(2026, 3, 1), date(2026, 3, 31))
    lettered = {ledger.entries[i].entry.lines[j].account for i, j in ledger.matches}
    assert lettered == {"411"}  # 45.00 D = 45.00 C
    assert exports.run_export(uow, ctx, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30)).posted == ()
    assert accounts.party_account(uow, ctx, customer.id).balance.is_zero


def test_a_shortfall_written_off_later_stays_a_miscellaneous_entry(uow, ctx, customer, threshold):
    other = order(uow, ctx, customer.id, REPAIR, kind=Kind.INVOICE, day=date(2026, 3, 12))
    from acompte.services import payments

    paid = payments.record_payment(
        uow, ctx, party_id=customer.id, amount=eur("44.98"), method="transfer", payment_date=date(2026, 3, 13),
        allocations=[(other.id, eur("44.98"))],
    )  # fmt: skip
    credits.write_off_shortfall(uow, ctx, other.id, today=date(2026, 3, 20))
    result = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    by_piece = {(p.entry.piece_ref, p.entry.journal.value): rows(p) for p in result.posted}
    assert by_piece[(paid.payment.number, "BQ")] == [("512", "44.98", ""), ("411", "", "44.98")]
    assert by_piece[(other.document.number, "OD")] == [("658", "0.02", ""), ("411", "", "0.02")]


def test_a_supplier_shortfall_written_off_when_paying_is_a_gain_in_the_bank_entry(uow, ctx, supplier, threshold):
    bill = order(uow, ctx, supplier.id, REPAIR, kind=Kind.INVOICE, flow=Flow.PURCHASE, day=date(2026, 3, 10))
    paid = credits.receive_writing_off(
        uow, ctx, party_id=supplier.id, amount=eur("44.98"), method="transfer", payment_date=date(2026, 3, 11),
        allocations=[(bill.id, eur("44.98"))], direction=Direction.OUT,
    )  # fmt: skip
    result = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert [(p.entry.journal.value, rows(p)) for p in result.posted][-1] == (
        "BQ", [("401", "45.00", ""), ("512", "", "44.98"), ("758", "", "0.02")],
    )  # fmt: skip
    assert paid.payment.number in {p.entry.piece_ref for p in result.posted}
    assert balances(exports.ledger(uow, ctx, run_id=result.run_id))["401"] == "0.00"


def test_a_shortfall_over_the_threshold_refuses_the_whole_receipt(uow, ctx, customer, threshold):
    repair = order(uow, ctx, customer.id, REPAIR, kind=Kind.INVOICE, day=date(2026, 3, 10))
    with pytest.raises(AboveWriteOffThreshold):
        credits.receive_writing_off(
            uow, ctx, party_id=customer.id, amount=eur("40.00"), method="transfer", payment_date=date(2026, 3, 11),
            allocations=[(repair.id, eur("40.00"))],
        )  # fmt: skip
    from acompte.services import payments

    assert payments.list_payments(uow, ctx, party_id=customer.id) == []  # nothing recorded
    assert documents.get_document(uow, ctx, repair.id).status is PaymentStatus.UNPAID
