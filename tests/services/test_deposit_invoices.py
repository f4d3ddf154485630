"""Deposit invoices — amounts, VAT split, numbering, payment on issue, default
percentages, attaching — and their bad inputs."""

from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.documents import Flow, Kind, LineInput, PaymentStatus, State
from acompte.domain.errors import (
    DepositExceedsOrder,
    DepositFormRequired,
    DepositOnCancelledDocument,
    DocumentFrozen,
    InvalidPercentage,
    MissingDepositAmount,
    NotADepositSource,
    PartyMismatch,
)
from acompte.domain.payments import Direction
from acompte.services import deposits, documents, history, parties, payments
from tests.deposit_helpers import eur, furniture_order, issued_deposit, table_order, vat_rows
from tests.helpers import line, snapshot, validated

D = Decimal


def test_ac01_a_30_percent_deposit_invoice_on_the_order(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=D(30))
    assert draft.document.state is State.DRAFT and draft.document.number is None
    assert (draft.document.gross, draft.document.net) == (eur("360.00"), eur("300.00"))
    assert vat_rows(deposits.document_breakdown(uow, ctx, draft.id)) == [("20", "300.00", "60.00")]
    assert draft.document.origin_id == order.id
    assert [ln.designation for ln in draft.document.lines] == [
        "Acompte de 30 % sur la commande CO-2026-00001 : Table (TVA 20 %)"
    ]
    issued = deposits.issue_deposit_invoice(uow, ctx, draft.id, today=date(2026, 2, 2))
    document = issued.document.document
    assert document.number == "FAC-2026-00001"  # the deposit invoices' own series
    assert issued.payment is None
    assert document.due_date == date(2026, 2, 2)  # waits to be paid like any invoice
    assert issued.document.status is PaymentStatus.UNPAID


def test_the_deposit_invoice_shows_the_order_its_total_previous_deposits_and_what_remains(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    issued_deposit(uow, ctx, order.id, percent="30")
    second = issued_deposit(uow, ctx, order.id, amount="240.00")
    shown = deposits.deposit_invoice_view(uow, ctx, second.id)
    assert (shown.origin_number, shown.origin_gross, shown.previous, shown.remaining) == (
        "CO-2026-00001",
        eur("1200.00"),
        eur("360.00"),
        eur("600.00"),
    )
    assert (shown.basis, shown.percent) == ("amount", None)
    assert vat_rows(shown.breakdown) == [("20", "200.00", "40.00")]
    assert (shown.summary.gross, shown.summary.paid, shown.summary.available) == (
        eur("240.00"),
        eur("0.00"),
        eur("240.00"),
    )
    assert second.document.number == "FAC-2026-00002"


def test_the_vat_of_a_deposit_follows_the_orders_gross_per_rate(uow, ctx, customer):
    order = furniture_order(uow, ctx, customer.id)  # 1 610.40 gross at 20 % + 132.00 gross at 10 %
    assert order.document.gross == eur("1742.40")
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=D(50))
    assert draft.document.gross == eur("871.20")
    assert vat_rows(deposits.document_breakdown(uow, ctx, draft.id)) == [
        ("20", "671.00", "134.20"),  # 805.20 gross
        ("10", "60.00", "6.00"),  # 66.00 gross
    ]


def test_a_deposit_typed_including_vat_stays_exactly_550(uow, ctx, customer):
    order = furniture_order(uow, ctx, customer.id)
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, amount=eur("550.00"))
    issued = deposits.issue_deposit_invoice(uow, ctx, draft.id, generate_payment=True, method="card")
    assert issued.document.document.gross == eur("550.00")
    assert issued.payment.payment.amount == eur("550.00")
    breakdown = deposits.document_breakdown(uow, ctx, draft.id)
    assert sum((b.gross.amount for b in breakdown), D(0)) == D("550.00")


def test_several_deposit_invoices_never_exceed_the_order(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    issued_deposit(uow, ctx, order.id, percent="50")
    issued_deposit(uow, ctx, order.id, percent="40")
    before = snapshot(uow, ctx)
    with pytest.raises(DepositExceedsOrder, match=r"120\.00"):
        deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=D("10.01"))
    assert snapshot(uow, ctx) == before
    assert issued_deposit(uow, ctx, order.id, percent="10").document.gross == eur("120.00")
    position = deposits.deposit_position(uow, ctx, order.id)
    assert position.deposit_invoiced == eur("1200.00")
    assert position.available_for_deposit == eur("0.00")


def test_a_deposit_payment_on_the_order_leaves_less_room_for_deposit_invoices(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("1000.00"), method="cheque")
    with pytest.raises(DepositExceedsOrder):
        deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, amount=eur("200.01"))


def test_the_company_setting_generates_the_payment_on_issue_separately_for_sales_and_purchases(
    uow, ctx, customer, supplier
):
    deposits.configure_deposits(uow, ctx, generate_payment_sale=True, payment_method="card")
    sale = table_order(uow, ctx, customer.id)
    issued = deposits.issue_deposit_invoice(
        uow,
        ctx,
        deposits.create_deposit_invoice(uow, ctx, origin_id=sale.id, percent=D(15)).id,
        today=date(2026, 2, 2),
    )
    assert issued.payment is not None
    assert (issued.payment.payment.amount, issued.payment.payment.method) == (eur("180.00"), "card")
    assert issued.payment.payment.origin_document_id == issued.document.id
    assert issued.document.status is PaymentStatus.PAID

    purchase = table_order(uow, ctx, supplier.id, flow=Flow.PURCHASE)
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=purchase.id, percent=D(20))
    waiting = deposits.issue_deposit_invoice(uow, ctx, draft.id, today=date(2026, 2, 2), due_date=date(2026, 2, 28))
    assert waiting.payment is None
    assert waiting.document.document.number == "FFA-2026-00001"
    assert waiting.document.document.due_date == date(2026, 2, 28)
    paid = payments.record_payment(
        uow,
        ctx,
        party_id=supplier.id,
        amount=eur("240.00"),
        method="transfer",
        direction=Direction.OUT,
        allocations=[(draft.id, eur("240.00"))],
    )
    assert paid.unallocated.is_zero


def test_a_deposit_invoice_from_a_quote_follows_the_quote_to_its_order(uow, ctx, customer):
    quote = table_order(uow, ctx, customer.id, kind=Kind.QUOTE)
    deposit = issued_deposit(uow, ctx, quote.id, percent="15", paid_by="transfer")  # AC-02: 180.00
    assert vat_rows(deposits.document_breakdown(uow, ctx, deposit.id)) == [("20", "150.00", "30.00")]
    order = documents.validate_document(uow, ctx, documents.convert_document(uow, ctx, quote.id, Kind.ORDER).id)
    assert documents.get_document(uow, ctx, deposit.id).document.origin_id == order.id
    position = deposits.deposit_position(uow, ctx, order.id)
    assert [d.number for d in position.deposit_invoices] == [deposit.document.number]
    assert position.deposits_paid == eur("180.00")


def test_a_standalone_deposit_invoice_needs_a_party_an_amount_and_a_rate(uow, ctx, customer):
    draft = deposits.create_deposit_invoice(uow, ctx, party_id=customer.id, amount=eur("110.00"), vat_rate=D(10))
    assert draft.document.origin_id is None
    assert vat_rows(deposits.document_breakdown(uow, ctx, draft.id)) == [("10", "100.00", "10.00")]
    changed = deposits.update_deposit_invoice(uow, ctx, draft.id, amount=eur("220.00"))
    assert vat_rows(deposits.document_breakdown(uow, ctx, changed.id)) == [("10", "200.00", "20.00")]


def test_a_deposit_invoice_per_line(uow, ctx, customer):
    order = furniture_order(uow, ctx, customer.id)
    draft = deposits.create_deposit_invoice(
        uow,
        ctx,
        origin_id=order.id,
        line_percents={1: D(30), 3: D(100)},  # the table and the delivery
    )
    # 30 % of 1 200.00 (table) at 20 % + 100 % of 132.00 (delivery) at 10 %
    assert draft.document.gross == eur("492.00")
    assert vat_rows(deposits.document_breakdown(uow, ctx, draft.id)) == [
        ("20", "300.00", "60.00"),
        ("10", "120.00", "12.00"),
    ]
    with pytest.raises(DepositExceedsOrder, match="Livraison"):
        deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, line_amounts={3: eur("0.01")})
    # what each line has left: the figure the per-line form shows is the one the service checks against
    left = {line.position: line for line in deposits.line_deposits(uow, ctx, order.id)}
    assert (left[1].taken, left[1].remaining) == (eur("360.00"), eur("840.00"))
    assert (left[3].taken, left[3].remaining) == (eur("132.00"), eur("0.00"))
    assert left[2].taken == eur("0.00") and left[2].remaining == left[2].gross


# -- default percentages -----------------------------------------------------------------------------------
def test_default_percentages_per_party_per_item_and_per_item_for_a_party(uow, ctx, customer):
    table = parties.create_item(uow, ctx, name="Table", unit_price=D("1000.00"), vat_rate=D(20))
    chair = parties.create_item(uow, ctx, name="Chaise", unit_price=D("100.00"), vat_rate=D(20))
    deposits.set_party_deposit_percent(uow, ctx, customer.id, "30")
    order = validated(uow, ctx, customer.id, _item_line(table), _item_line(chair), kind=Kind.ORDER)
    # party default: 30 % of the whole order (1 320.00)
    assert deposits.create_deposit_invoice(uow, ctx, origin_id=order.id).document.gross == eur("396.00")

    deposits.set_item_deposit_percent(uow, ctx, table.id, "50")  # the item's default beats the party's
    per_line = deposits.create_deposit_invoice(uow, ctx, origin_id=_fresh_order(uow, ctx, customer, table, chair))
    assert per_line.document.gross == eur("636.00")  # 50 % of 1 200.00 + 30 % of 120.00

    deposits.set_party_deposit_percent(uow, ctx, customer.id, "10", item_id=table.id)  # item for this customer
    specific = deposits.create_deposit_invoice(uow, ctx, origin_id=_fresh_order(uow, ctx, customer, table, chair))
    assert specific.document.gross == eur("156.00")  # 10 % of 1 200.00 + 30 % of 120.00
    # editable before it is issued
    edited = deposits.update_deposit_invoice(uow, ctx, specific.id, percent=D(20))
    assert edited.document.gross == eur("264.00")


def _item_line(item):  # type: ignore[no-untyped-def]
    return LineInput(item.name, D(1), item.unit_price, item.vat_rate, item_id=item.id)


def _fresh_order(uow, ctx, customer, *items):  # type: ignore[no-untyped-def]
    return validated(uow, ctx, customer.id, *[_item_line(i) for i in items], kind=Kind.ORDER).id


def test_without_any_default_the_deposit_needs_an_amount_or_a_percentage(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    before = snapshot(uow, ctx)
    with pytest.raises(MissingDepositAmount):
        deposits.create_deposit_invoice(uow, ctx, origin_id=order.id)
    assert snapshot(uow, ctx) == before
    deposits.configure_deposits(uow, ctx, default_percent="25")
    assert deposits.create_deposit_invoice(uow, ctx, origin_id=order.id).document.gross == eur("300.00")


# -- attach a deposit invoice ------------------------------------------------------------------------------
def test_an_issued_deposit_invoice_can_be_attached_to_an_order_of_the_same_party(uow, ctx, customer):
    standalone = deposits.issue_deposit_invoice(
        uow,
        ctx,
        deposits.create_deposit_invoice(uow, ctx, party_id=customer.id, amount=eur("360.00"), vat_rate=D(20)).id,
    ).document
    order = table_order(uow, ctx, customer.id)
    deposits.attach_deposit_invoice(uow, ctx, standalone.id, order.id)
    assert deposits.deposit_position(uow, ctx, order.id).deposit_invoiced == eur("360.00")
    assert "DepositAttached" in [e.kind for e in history.document_history(uow, ctx, standalone.id)]

    other = parties.create_party(uow, ctx, name="Autre client")
    other_order = table_order(uow, ctx, other.id)
    before = snapshot(uow, ctx)
    with pytest.raises(PartyMismatch):
        deposits.attach_deposit_invoice(uow, ctx, standalone.id, other_order.id)
    assert snapshot(uow, ctx) == before


# -- bad input ----------------------------------------------------------------------------------------------
def test_bad_deposit_invoices_are_refused_and_write_nothing(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    cancelled = documents.cancel_document(uow, ctx, table_order(uow, ctx, customer.id).id)
    invoice = validated(uow, ctx, customer.id)
    issued = issued_deposit(uow, ctx, order.id, percent="30")
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=D(10))
    before = snapshot(uow, ctx)
    with pytest.raises(DepositExceedsOrder):
        deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, amount=eur("720.01"))
    for bad in ("101", "-1"):
        with pytest.raises(InvalidPercentage):
            deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=D(bad))
    with pytest.raises(DepositOnCancelledDocument):
        deposits.create_deposit_invoice(uow, ctx, origin_id=cancelled.id, percent=D(30))
    with pytest.raises(NotADepositSource):
        deposits.create_deposit_invoice(uow, ctx, origin_id=invoice.id, percent=D(30))
    with pytest.raises(DocumentFrozen):
        deposits.update_deposit_invoice(uow, ctx, issued.id, percent=D(10))
    with pytest.raises(DocumentFrozen):
        documents.update_document(uow, ctx, issued.id, lines=[line("1.00")])
    with pytest.raises(DepositFormRequired):
        documents.update_document(uow, ctx, draft.id, lines=[line("1.00")])
    assert snapshot(uow, ctx) == before


def test_a_draft_deposit_invoice_cannot_be_issued_once_its_order_is_cancelled(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=D(30))
    documents.cancel_document(uow, ctx, order.id)
    before = snapshot(uow, ctx)
    with pytest.raises(DepositOnCancelledDocument):
        deposits.issue_deposit_invoice(uow, ctx, draft.id)
    assert snapshot(uow, ctx) == before  # no number taken


def test_a_draft_deposit_invoice_can_be_deleted_without_a_gap(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=D(30))
    documents.delete_draft(uow, ctx, draft.id)
    assert deposits.deposit_position(uow, ctx, order.id).available_for_deposit == eur("1200.00")
    assert issued_deposit(uow, ctx, order.id, percent="30").document.number == "FAC-2026-00001"


def test_previous_deposits_on_a_deposit_invoice_include_deposit_payments_on_the_order(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("100.00"), method="cheque")
    deposit = issued_deposit(uow, ctx, order.id, amount="300.00")
    with uow:
        data = uow.documents.data(ctx.company_id, deposit.id)["deposit"]
    assert (data["previous"], data["remaining"]) == ("100.00", "800.00")


def test_a_deposit_line_writes_its_vat_rate_the_french_way(uow, ctx, customer):
    order = validated(
        uow,
        ctx,
        customer.id,
        line("200.00", rate="5.5", designation="Confitures"),
        kind=Kind.ORDER,
        today=date(2026, 2, 1),
    )
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=D(50))
    [deposit_line] = draft.document.lines
    assert deposit_line.designation.endswith("(TVA 5,5 %)"), deposit_line.designation


@pytest.mark.parametrize("due_date", [None, date(2026, 3, 15)])
def test_the_view_issuing_returns_is_the_one_read_afterwards(uow, ctx, customer, due_date):
    """Issuing without payment moves only the due date after the validation's view: the view it returns is the
    one a fresh read gives, document (due date, version) and figures alike."""
    order = table_order(uow, ctx, customer.id)
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=D(30))
    issued = deposits.issue_deposit_invoice(
        uow, ctx, draft.id, today=date(2026, 2, 2), due_date=due_date, generate_payment=False
    )
    assert issued.payment is None
    assert issued.document == documents.get_document(uow, ctx, draft.id)
    assert issued.document.document.due_date == (due_date or date(2026, 2, 2))
