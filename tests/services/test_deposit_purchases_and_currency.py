"""The same deposit rules for suppliers, and documents in another currency."""

from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.documents import Flow, Kind, PaymentStatus
from acompte.domain.errors import CurrencyMismatch, DocumentFrozen, ExchangeRateNotAllowed, InvalidExchangeRate
from acompte.domain.money import Money
from acompte.domain.payments import Direction
from acompte.services import deposits, documents, payments
from tests.deposit_helpers import eur, issued_final, vat_rows
from tests.helpers import line, snapshot, validated

D = Decimal


def usd(text: str) -> Money:
    return Money.of(text, "USD")


def test_ac07_a_supplier_deposit_invoice_then_the_final_supplier_invoice(uow, ctx, supplier):
    order = validated(
        uow, ctx, supplier.id, line("2000.00", designation="Bois de chêne"), kind=Kind.ORDER, flow=Flow.PURCHASE
    )
    assert order.document.number.startswith("CF-")
    deposits.configure_deposits(uow, ctx, generate_payment_purchase=True, payment_method="transfer")
    deposit = deposits.issue_deposit_invoice(
        uow,
        ctx,
        deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=D(20)).id,
        today=date(2026, 2, 2),
    )
    assert deposit.document.document.number == "FFA-2026-00001"
    assert vat_rows(deposits.document_breakdown(uow, ctx, deposit.document.id)) == [("20", "400.00", "80.00")]
    assert (deposit.payment.payment.direction, deposit.payment.payment.amount) == (Direction.OUT, eur("480.00"))
    invoice = issued_final(uow, ctx, order.id)
    assert invoice.document.number.startswith("FF-")
    view = deposits.deduction_view(uow, ctx, invoice.id)
    assert (view.gross, view.deducted, view.net_to_pay) == (eur("2400.00"), eur("480.00"), eur("1920.00"))
    assert vat_rows(view.deducted_breakdown) == [("20", "400.00", "80.00")]  # 4091 400.00 + 44566 80.00
    payments.record_payment(
        uow,
        ctx,
        party_id=supplier.id,
        amount=eur("1920.00"),
        method="transfer",
        direction=Direction.OUT,
        allocations=[(invoice.id, eur("1920.00"))],
    )
    assert documents.get_document(uow, ctx, invoice.id).status is PaymentStatus.PAID


def test_a_supplier_deposit_payment_follows_the_purchase_order_to_the_supplier_invoice(uow, ctx, supplier):
    order = validated(uow, ctx, supplier.id, line("2000.00"), kind=Kind.ORDER, flow=Flow.PURCHASE)
    paid = deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("480.00"), method="transfer")
    invoice = issued_final(uow, ctx, order.id)
    assert invoice.balance_due == eur("1920.00")
    assert [a.document_id for a in payments.get_payment(uow, ctx, paid.id).allocations] == [invoice.id]


# -- currency -----------------------------------------------------------------------------------------------
def usd_order(uow, ctx, party_id):  # type: ignore[no-untyped-def]
    draft = documents.create_document(
        uow,
        ctx,
        kind=Kind.ORDER,
        flow=Flow.SALE,
        party_id=party_id,
        currency="USD",
        lines=[line("1000.00", designation="Table")],
    )
    deposits.set_exchange_rate(uow, ctx, draft.id, "0.9215")
    return documents.validate_document(uow, ctx, draft.id)


def test_a_document_in_dollars_keeps_its_deposits_in_dollars(uow, ctx, customer):
    order = usd_order(uow, ctx, customer.id)
    assert (order.document.gross, order.document.exchange_rate) == (usd("1200.00"), D("0.9215"))
    deposit = deposits.issue_deposit_invoice(
        uow,
        ctx,
        deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=D(30)).id,
        generate_payment=True,
        method="transfer",
    )
    assert deposit.document.document.gross == usd("360.00")
    assert deposit.payment.payment.amount == usd("360.00")
    assert deposit.document.document.exchange_rate == D("0.9215")
    position = deposits.deposit_position(uow, ctx, order.id)
    # 1 200.00 × 0.9215 = 1 105.80 and 840.00 × 0.9215 = 774.06 (half-up once)
    assert (position.gross_in_company_currency, position.outstanding_in_company_currency) == (
        eur("1105.80"),
        eur("774.06"),
    )
    invoice = issued_final(uow, ctx, order.id)
    assert invoice.document.exchange_rate == D("0.9215")
    view = deposits.deduction_view(uow, ctx, invoice.id)
    assert (view.deducted, view.net_to_pay) == (usd("360.00"), usd("840.00"))
    assert deposits.company_currency_balance(uow, ctx, invoice.id) == eur("774.06")


def test_a_euro_payment_cannot_settle_a_dollar_deposit(uow, ctx, customer):
    order = usd_order(uow, ctx, customer.id)
    before = snapshot(uow, ctx)
    with pytest.raises(CurrencyMismatch):
        deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("100.00"), method="transfer")
    assert snapshot(uow, ctx) == before


def test_bad_exchange_rates_are_refused_and_write_nothing(uow, ctx, customer):
    euro_order = validated(uow, ctx, customer.id, kind=Kind.ORDER)
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, currency="USD", lines=[line("10.00")]
    )
    deposits.set_exchange_rate(uow, ctx, draft.id, D("0.92"))
    invoice = documents.validate_document(uow, ctx, draft.id)
    before = snapshot(uow, ctx)
    with pytest.raises(ExchangeRateNotAllowed):
        deposits.set_exchange_rate(uow, ctx, euro_order.id, "1.1")
    with pytest.raises(InvalidExchangeRate):
        deposits.set_exchange_rate(uow, ctx, invoice.id, "0")
    with pytest.raises(DocumentFrozen):
        deposits.set_exchange_rate(uow, ctx, invoice.id, "0.95")
    assert snapshot(uow, ctx) == before
    assert documents.get_document(uow, ctx, invoice.id).document.exchange_rate == D("0.92")
