"""Final invoices deduct deposit invoices — automatically (« déduire les acomptes à
100 % ») or as the user chooses — with their VAT; and the cases where other products fail."""

from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.deposits import DeductionWarningCode
from acompte.domain.documents import Kind, PaymentStatus
from acompte.domain.errors import (
    CurrencyMismatch,
    DeductionExceedsDeposit,
    DeductionExceedsInvoice,
    DeductionPartyMismatch,
    DepositRequiredBeforeDelivery,
    DocumentFrozen,
)
from acompte.services import deposits, documents, history, parties
from tests.deposit_helpers import eur, furniture_order, issued_deposit, issued_final, table_order, vat_rows
from tests.helpers import line, pay, snapshot, validated

D = Decimal


# -- worked examples (shared/domain/french-rules.md §6) -----------------------------------------------------
def test_ac01_goods_30_percent_deposit_then_final_invoice(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    deposit = issued_deposit(uow, ctx, order.id, percent="30", paid_by="transfer")
    assert (deposit.document.net, deposit.document.gross) == (eur("300.00"), eur("360.00"))
    assert vat_rows(deposits.document_breakdown(uow, ctx, deposit.id)) == [("20", "300.00", "60.00")]
    invoice = issued_final(uow, ctx, order.id, today=date(2026, 3, 16))
    view = deposits.deduction_view(uow, ctx, invoice.id)
    assert (view.gross, view.deducted, view.net_to_pay) == (
        eur("1200.00"),
        eur("360.00"),
        eur("840.00"),
    )  # BT-112/113/115
    assert vat_rows(view.breakdown) == [("20", "1000.00", "200.00")]  # BT-109 / BT-110
    assert vat_rows(view.deducted_breakdown) == [("20", "300.00", "60.00")]  # 4191 300.00 + 44571 60.00
    # VAT declared in March: 140.00 — the same figures as AC-10's deduction-line variant (700.00 / 140.00 / 840.00)
    assert vat_rows(view.vat_due) == [("20", "700.00", "140.00")]
    assert invoice.status is PaymentStatus.PARTIAL
    pay(uow, ctx, customer.id, "840.00", (invoice.id, "840.00"))  # balance paid on 2026-04-10
    assert documents.get_document(uow, ctx, invoice.id).status is PaymentStatus.PAID
    assert deposits.deposit_position(uow, ctx, order.id).outstanding == eur("0.00")


def test_ac02_services_15_percent_deposit_on_a_quote_then_final_invoice(uow, ctx, customer):
    """AC-02 (and AC-03, whose amounts are the same: the debits option changes only when VAT is due)."""
    quote = validated(uow, ctx, customer.id, line("1000.00", designation="Mission de conseil"), kind=Kind.QUOTE)
    deposit = issued_deposit(uow, ctx, quote.id, percent="15", paid_by="transfer")
    assert vat_rows(deposits.document_breakdown(uow, ctx, deposit.id)) == [("20", "150.00", "30.00")]
    invoice = issued_final(uow, ctx, quote.id, today=date(2026, 2, 27))
    view = deposits.deduction_view(uow, ctx, invoice.id)
    assert (view.deducted, view.net_to_pay) == (eur("180.00"), eur("1020.00"))
    assert vat_rows(view.vat_due) == [("20", "850.00", "170.00")]  # 170.00 due on payment (services)


# -- automatic and manual deduction -------------------------------------------------------------------------
def test_with_deduct_all_every_deposit_invoice_of_the_order_is_deducted_on_the_draft_and_issued(uow, ctx, customer):
    order = furniture_order(uow, ctx, customer.id)
    first = issued_deposit(uow, ctx, order.id, percent="30", paid_by="card")
    second = issued_deposit(uow, ctx, order.id, amount="200.00")  # not paid yet: still deducted
    draft = deposits.create_final_invoice(uow, ctx, order.id)
    assert [r.proposed for r in draft.rows] == [eur("522.72"), eur("200.00")]  # the default deductions
    # the draft already deducts them: it shows the net to pay it will be issued with
    assert [(r.deducted, r.automatic) for r in draft.rows] == [(eur("522.72"), True), (eur("200.00"), True)]
    assert (draft.deducted, draft.net_to_pay, draft.warnings) == (eur("722.72"), eur("1019.68"), ())
    invoice = documents.validate_document(uow, ctx, draft.invoice.id)
    view = deposits.deduction_view(uow, ctx, invoice.id)
    assert [(r.deposit.id, r.deducted, r.percent, r.automatic) for r in view.rows] == [
        (first.id, eur("522.72"), D("100.00"), True),
        (second.id, eur("200.00"), D("100.00"), True),
    ]
    assert view.net_to_pay == eur("1019.68")
    # the deductions carry their VAT: what remains to collect is right rate by rate
    assert vat_rows(view.vat_due) == [("20", "785.36", "157.07"), ("10", "70.23", "7.02")]
    assert "DepositDeducted" in [e.kind for e in history.document_history(uow, ctx, first.id)]
    # the unpaid deposit invoice is still owed on its own
    assert documents.get_document(uow, ctx, second.id).balance_due == eur("200.00")


def test_in_manual_mode_the_user_chooses_what_to_deduct_in_the_deduction_view(uow, ctx, customer):
    deposits.configure_deposits(uow, ctx, deduct_all=False)
    order = table_order(uow, ctx, customer.id)
    a = issued_deposit(uow, ctx, order.id, percent="30")
    b = issued_deposit(uow, ctx, order.id, percent="20")
    draft = deposits.create_final_invoice(uow, ctx, order.id)
    assert not draft.automatic_mode
    assert [(r.deposit.number, r.deposit.gross, r.maximum, r.deducted, r.proposed) for r in draft.rows] == [
        (a.document.number, eur("360.00"), eur("360.00"), eur("0.00"), eur("0.00")),
        (b.document.number, eur("240.00"), eur("240.00"), eur("0.00"), eur("0.00")),
    ]
    assert draft.available == eur("600.00")
    view = deposits.deduct_deposit(uow, ctx, draft.invoice.id, a.id, percent=D(50))
    assert [(r.deducted, r.percent) for r in view.rows] == [(eur("180.00"), D("50.00")), (eur("0.00"), D("0.00"))]
    view = deposits.deduct_deposit(uow, ctx, draft.invoice.id, b.id, amount=eur("240.00"))
    view = deposits.deduct_deposit(uow, ctx, draft.invoice.id, a.id)  # all it may still give: replaces 180.00
    assert (view.deducted, view.net_to_pay) == (eur("600.00"), eur("600.00"))
    view = deposits.remove_deduction(uow, ctx, draft.invoice.id, b.id)
    assert view.net_to_pay == eur("840.00")
    invoice = documents.validate_document(uow, ctx, draft.invoice.id)  # no automatic deduction added
    assert invoice.settlement.deducted == eur("360.00")
    with pytest.raises(DocumentFrozen):
        deposits.deduct_deposit(uow, ctx, invoice.id, b.id)


def test_bad_deductions_are_refused_and_write_nothing(uow, ctx, customer):
    deposits.configure_deposits(uow, ctx, deduct_all=False)
    order = table_order(uow, ctx, customer.id)
    deposit = issued_deposit(uow, ctx, order.id, percent="50")
    small = deposits.create_final_invoice(uow, ctx, order.id, lines=[line("250.00", designation="Table")])  # 300.00
    other = parties.create_party(uow, ctx, name="Autre client")
    foreign = issued_deposit(uow, ctx, table_order(uow, ctx, other.id).id, percent="10")
    before = snapshot(uow, ctx)
    with pytest.raises(DeductionExceedsInvoice, match=r"300\.00"):
        deposits.deduct_deposit(uow, ctx, small.invoice.id, deposit.id, amount=eur("300.01"))
    with pytest.raises(DeductionPartyMismatch, match=foreign.document.number):
        deposits.deduct_deposit(uow, ctx, small.invoice.id, foreign.id)
    big = deposits.create_final_invoice(uow, ctx, order.id)
    before = snapshot(uow, ctx)
    with pytest.raises(DeductionExceedsDeposit, match=r"600\.00"):
        deposits.deduct_deposit(uow, ctx, big.invoice.id, deposit.id, amount=eur("600.01"))
    assert snapshot(uow, ctx) == before


def test_a_deposit_invoice_of_another_party_is_never_deducted_silently(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    other = parties.create_party(uow, ctx, name="Société Tierce")
    # a deposit invoice for another party that ended up on this order (standalone, then linked by mistake)
    stray = deposits.issue_deposit_invoice(
        uow, ctx, deposits.create_deposit_invoice(uow, ctx, party_id=other.id, amount=eur("100.00"), vat_rate=D(20)).id
    ).document
    with uow:
        uow.documents.update(ctx.company_id, stray.id, origin_id=order.id)
        uow.commit()
    draft = deposits.create_final_invoice(uow, ctx, order.id)
    assert len(draft.warnings) == 1
    warning = draft.warnings[0]  # structured: each adapter words it in the user's language
    assert warning.code is DeductionWarningCode.OTHER_PARTY
    assert (warning.deposit_id, warning.deposit_number, warning.deposit_party) == (
        stray.id,
        stray.document.number,
        "Société Tierce",
    )
    assert (warning.invoice_id, warning.invoice_number, warning.invoice_party) == (
        draft.invoice.id,
        None,
        "Client Dupont",
    )
    assert warning.message == (
        f"La facture d'acompte {stray.document.number} a été émise pour Société Tierce, pas pour Client Dupont : "
        f"elle n'est pas déduite de brouillon n° {draft.invoice.id}."
    )
    invoice = documents.validate_document(uow, ctx, draft.invoice.id)
    assert invoice.settlement.deducted.is_zero
    warnings = [e for e in history.document_history(uow, ctx, invoice.id) if e.kind == "DepositNotDeducted"]
    assert stray.document.number in warnings[0].data["warning"]
    assert warnings[0].data["code"] == "deposit_of_another_party"
    assert warnings[0].data["params"]["deposit_id"] == stray.id
    assert warnings[0].data["params"]["invoice_number"] == invoice.document.number  # issued: numbered


def test_a_deposit_in_another_currency_is_not_deducted(uow, ctx, customer):
    deposits.configure_deposits(uow, ctx, deduct_all=False)
    order = table_order(uow, ctx, customer.id)
    usd_draft = deposits.create_deposit_invoice(
        uow, ctx, party_id=customer.id, amount=eur("10.00").__class__.of("12.00", "USD"), vat_rate=D(20)
    )
    deposits.set_exchange_rate(uow, ctx, usd_draft.id, "0.92")
    usd = deposits.issue_deposit_invoice(uow, ctx, usd_draft.id).document
    draft = deposits.create_final_invoice(uow, ctx, order.id)
    before = snapshot(uow, ctx)
    with pytest.raises(CurrencyMismatch):
        deposits.deduct_deposit(uow, ctx, draft.invoice.id, usd.id)
    assert snapshot(uow, ctx) == before


# -- where every other product fails: a fully prepaid order -------------------------------------------------
@pytest.mark.parametrize("percents", [("50", "50"), ("33.33", "33.33", None)], ids=["two halves", "three thirds"])
def test_a_fully_prepaid_order_gives_a_final_invoice_with_exactly_nothing_to_pay(uow, ctx, customer, percents):
    order = furniture_order(uow, ctx, customer.id)  # 1 742.40 at 20 % and 10 %
    for percent in percents:
        if percent is None:  # the last deposit: whatever remains
            remaining = deposits.deposit_position(uow, ctx, order.id).available_for_deposit
            issued_deposit(uow, ctx, order.id, amount=str(remaining.amount), paid_by="card")
        else:
            issued_deposit(uow, ctx, order.id, percent=percent, paid_by="card")
    invoice = issued_final(uow, ctx, order.id)
    view = deposits.deduction_view(uow, ctx, invoice.id)
    assert str(view.net_to_pay.amount) == "0.00"  # never -0.01, never a credit note
    assert view.balance_due == eur("0.00")
    assert invoice.status is PaymentStatus.PAID
    assert all(b.net.is_zero and b.vat.is_zero for b in view.vat_due)  # nothing left to collect at any rate
    assert vat_rows(view.deducted_breakdown) == vat_rows(view.breakdown)


def test_three_deposits_of_33_33_percent_leave_exactly_the_remainder_to_pay(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    for _ in range(3):
        issued_deposit(uow, ctx, order.id, percent="33.33")  # 399.96 each
    invoice = issued_final(uow, ctx, order.id)
    view = deposits.deduction_view(uow, ctx, invoice.id)
    assert (view.deducted, view.net_to_pay) == (eur("1199.88"), eur("0.12"))
    assert vat_rows(view.vat_due) == [("20", "0.10", "0.02")]


def test_a_partial_invoice_smaller_than_the_deposits_deducts_proportionally_and_never_goes_negative(uow, ctx, customer):
    order = validated(uow, ctx, customer.id, line("100.00", qty="10", designation="Chaise"), kind=Kind.ORDER)
    deposit = issued_deposit(uow, ctx, order.id, percent="80", paid_by="transfer")  # 960.00 of 1 200.00
    first = issued_final(uow, ctx, order.id, lines=[line("100.00", qty="2", designation="Chaise")])  # 240.00
    assert first.settlement.deducted == eur("192.00")  # 80 % of its 240.00
    assert first.balance_due == eur("48.00")
    second = issued_final(uow, ctx, order.id, lines=[line("100.00", qty="8", designation="Chaise")])  # 960.00
    assert second.settlement.deducted == eur("768.00")  # all that remains of the deposit
    assert second.balance_due == eur("192.00")
    assert deposits.deduction_view(uow, ctx, second.id).rows[0].deposit.available == eur("0.00")
    assert documents.get_document(uow, ctx, deposit.id).status is PaymentStatus.PAID


def test_a_partial_invoice_can_deduct_an_amount_the_user_chooses_but_not_beyond_its_total(uow, ctx, customer):
    deposits.configure_deposits(uow, ctx, deduct_all=False)
    order = validated(uow, ctx, customer.id, line("100.00", qty="10", designation="Chaise"), kind=Kind.ORDER)
    deposit = issued_deposit(uow, ctx, order.id, percent="80")
    draft = deposits.create_final_invoice(uow, ctx, order.id, lines=[line("100.00", qty="2", designation="Chaise")])
    assert draft.rows[0].maximum == eur("240.00")  # the invoice's own gross, not the deposit's 960.00
    view = deposits.deduct_deposit(uow, ctx, draft.invoice.id, deposit.id)
    assert (view.deducted, view.net_to_pay) == (eur("240.00"), eur("0.00"))
    with pytest.raises(DeductionExceedsInvoice):
        deposits.deduct_deposit(uow, ctx, draft.invoice.id, deposit.id, amount=eur("240.01"))


def test_the_company_can_block_delivery_until_the_required_deposit_is_paid(uow, ctx, customer):
    deposits.configure_deposits(uow, ctx, block_delivery=True)
    order = table_order(uow, ctx, customer.id)
    deposits.request_deposit(uow, ctx, order.id, percent=D(30))
    before = snapshot(uow, ctx)
    with pytest.raises(DepositRequiredBeforeDelivery, match=r"360\.00"):
        documents.convert_document(uow, ctx, order.id, Kind.DELIVERY)
    assert snapshot(uow, ctx) == before
    deposit = issued_deposit(uow, ctx, order.id, percent="30")  # invoiced, not yet paid: still blocked
    with pytest.raises(DepositRequiredBeforeDelivery):
        documents.convert_document(uow, ctx, order.id, Kind.DELIVERY)
    pay(uow, ctx, customer.id, "360.00", (deposit.id, "360.00"))
    delivery = documents.convert_document(uow, ctx, order.id, Kind.DELIVERY)
    assert documents.validate_document(uow, ctx, delivery.id).document.number.startswith("BL-")


def test_without_the_option_delivery_is_never_blocked(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    deposits.request_deposit(uow, ctx, order.id, percent=D(30))
    assert documents.convert_document(uow, ctx, order.id, Kind.DELIVERY).document.kind is Kind.DELIVERY


def test_the_block_uses_the_default_percentage_when_no_deposit_was_noted(uow, ctx, customer):
    deposits.configure_deposits(uow, ctx, block_delivery=True)
    deposits.set_party_deposit_percent(uow, ctx, customer.id, "10")
    order = table_order(uow, ctx, customer.id)
    with pytest.raises(DepositRequiredBeforeDelivery, match=r"120\.00"):
        documents.convert_document(uow, ctx, order.id, Kind.DELIVERY)
    deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("120.00"), method="cash")
    documents.convert_document(uow, ctx, order.id, Kind.DELIVERY)


# -- never invoice a deposit twice silently -------------------------------------------------------------------------
def test_a_final_invoice_deducts_every_available_deposit_by_default_and_warns_of_any_left_undeducted(
    uow, ctx, customer
):
    """The report: a final invoice made from an order deducted nothing on its draft, and validating it at once
    could invoice the deposit twice without a word."""
    order = validated(uow, ctx, customer.id, line("100.00", qty="10", designation="Chaise"), kind=Kind.ORDER)
    deposit = issued_deposit(uow, ctx, order.id, percent="30")  # 360.00 of 1 200.00
    half = [line("100.00", qty="5", designation="Chaise")]  # 600.00
    first = deposits.create_final_invoice(uow, ctx, order.id, lines=half)
    assert (first.deducted, first.net_to_pay) == (eur("180.00"), eur("420.00"))  # its share, on the draft
    assert deposits.undeducted_warnings(uow, ctx, first.invoice.id) == ()  # a proportional share is no gap
    # the draft's total changes: its automatic deduction follows
    documents.update_document(uow, ctx, first.invoice.id, lines=[line("100.00", qty="4", designation="Chaise")])
    assert deposits.deduction_view(uow, ctx, first.invoice.id).deducted == eur("144.00")  # 480 / 1 200 of 360
    documents.validate_document(uow, ctx, first.invoice.id)

    last = deposits.create_final_invoice(uow, ctx, order.id, lines=[line("100.00", qty="6", designation="Chaise")])
    assert last.deducted == eur("216.00")  # all that remains
    view = deposits.deduct_deposit(uow, ctx, last.invoice.id, deposit.id, amount=eur("16.00"))
    [warning] = view.warnings
    assert (warning.code, warning.deposit_id, warning.missing, warning.available) == (
        DeductionWarningCode.NOT_DEDUCTED,
        deposit.id,
        eur("200.00"),
        eur("200.00"),
    )
    issued = documents.validate_document(uow, ctx, last.invoice.id)
    assert issued.settlement.deducted == eur("16.00")  # the user's amount, not topped up
    [after] = deposits.undeducted_warnings(uow, ctx, issued.id)
    assert (after.invoice_number, after.missing) == (issued.document.number, eur("200.00"))
    events = [e for e in history.document_history(uow, ctx, issued.id) if e.kind == "DepositNotDeducted"]
    assert [(e.data["code"], e.data["params"]["missing"]) for e in events] == [("deposit_not_deducted", "200.00")]


def test_in_manual_mode_nothing_is_deducted_and_validation_names_the_deposit_left(uow, ctx, customer):
    deposits.configure_deposits(uow, ctx, deduct_all=False)
    order = table_order(uow, ctx, customer.id)
    deposit = issued_deposit(uow, ctx, order.id, percent="30", paid_by="card")
    draft = deposits.create_final_invoice(uow, ctx, order.id)
    assert draft.deducted == eur("0.00")
    invoice = documents.validate_document(uow, ctx, draft.invoice.id)
    assert invoice.settlement.deducted == eur("0.00")
    [warning] = deposits.undeducted_warnings(uow, ctx, invoice.id)
    assert (warning.deposit_number, warning.expected, warning.deducted) == (
        deposit.document.number,
        eur("360.00"),
        eur("0.00"),
    )
    assert warning.message == (
        f"La facture d'acompte {deposit.document.number} n'est pas déduite de {invoice.document.number} : "
        "360.00 EUR non déduits sur 360.00 EUR proposés (360.00 EUR encore disponibles)."
    )
