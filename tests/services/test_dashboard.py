"""The dashboard's figures: exact on a known half year, and each equal to the read model behind it (the aged
balance, the overpayments and credit notes lists, the deposit positions, the document list), on both databases."""

from __future__ import annotations

from datetime import date

import pytest

from acompte.domain.accounts import AgeBucket
from acompte.domain.credits import CreditStatus
from acompte.domain.documents import Flow, Kind, State
from acompte.domain.money import total
from acompte.domain.payments import Direction
from acompte.services import accounts, credits, dashboard, deposits, documents, payments
from acompte.services.ports import Ctx
from acompte.services.queries import EVERYTHING
from tests.dashboard_helpers import AS_OF, eur, half_year


@pytest.fixture
def story(app, ctx):  # type: ignore[no-untyped-def]
    return half_year(app.uow(), ctx)


@pytest.fixture
def figures(app, ctx, story):  # type: ignore[no-untyped-def]
    return dashboard.dashboard(app.uow(), ctx, as_of=AS_OF)


def test_what_customers_and_suppliers_owe_by_age(figures):
    assert figures.currency == "EUR" and figures.as_of == AS_OF
    owed = figures.receivable
    assert [owed[b] for b in AgeBucket] == [eur("220.00"), eur("20.00"), eur("600.00"), eur("0.00"), eur("1000.00")]
    assert (owed.total, owed.overdue) == (eur("1840.00"), eur("1620.00"))
    assert (figures.payable.total, figures.payable.overdue) == (eur("420.00"), eur("300.00"))


def test_the_owed_figures_are_the_aged_balance_totals(app, ctx, figures):
    for flow, aged in ((Flow.SALE, figures.receivable), (Flow.PURCHASE, figures.payable)):
        view = accounts.aged_balance(app.uow(), ctx, flow=flow, as_of=AS_OF)
        assert aged == view.totals
    sale = accounts.aged_balance(app.uow(), ctx, flow=Flow.SALE, as_of=AS_OF)
    assert figures.customer_credits == sale.unapplied_credits == eur("290.00")


def test_credits_in_hand_split_as_the_lists_show_them(app, ctx, figures):
    assert (figures.unallocated_payments.count, figures.unallocated_payments.total) == (1, eur("80.00"))
    assert (figures.overpayments.count, figures.overpayments.total) == (1, eur("50.00"))
    assert (figures.credit_notes_unused.count, figures.credit_notes_unused.total) == (1, eur("120.00"))
    assert (figures.credit_notes_partially_used.count, figures.credit_notes_partially_used.total) == (1, eur("40.00"))
    assert figures.unused_credit_notes.total == eur("160.00")

    listed = credits.list_overpayments(app.uow(), ctx, flow=Flow.SALE)
    assert (
        total((o.remaining for o in listed), "EUR") == figures.unallocated_payments.total + figures.overpayments.total
    )
    for status, tally in (
        (CreditStatus.UNUSED, figures.credit_notes_unused),
        (CreditStatus.PARTIALLY_USED, figures.credit_notes_partially_used),
    ):
        notes = credits.list_credit_notes(app.uow(), ctx, flow=Flow.SALE, status=status)
        assert (len(notes), total((n.remaining for n in notes), "EUR")) == (tally.count, tally.total)
    # together, what the aged balance shows beside the amounts due
    in_hand = figures.unallocated_payments.total + figures.overpayments.total + figures.unused_credit_notes.total
    assert in_hand == figures.customer_credits


def test_deposits_not_yet_taken_by_a_final_invoice_are_what_the_orders_deposit_tabs_show(app, ctx, story, figures):
    assert (figures.deposits_not_invoiced.count, figures.deposits_not_invoiced.total) == (1, eur("300.00"))
    assert (figures.deposits_not_deducted.count, figures.deposits_not_deducted.total) == (1, eur("180.00"))
    assert figures.deposits == eur("480.00")
    tabs = [deposits.deposit_position(app.uow(), ctx, order) for order in story.orders]
    assert total((t.deposit_payments for t in tabs), "EUR") == figures.deposits_not_invoiced.total
    carried = [
        (i.gross - i.reversed - i.deducted).min(i.paid)
        for t in tabs
        for i in t.deposit_invoices
        if i.state == "validated"
    ]
    assert total(carried, "EUR") == figures.deposits_not_deducted.total


def test_a_deposit_invoice_counts_for_what_it_received(app, ctx, story):
    draft = deposits.create_deposit_invoice(app.uow(), ctx, origin_id=story.awaited, amount=eur("144.00"))
    issued = deposits.issue_deposit_invoice(app.uow(), ctx, draft.id, today=AS_OF, generate_payment=False)
    unpaid = dashboard.dashboard(app.uow(), ctx, as_of=AS_OF)
    assert unpaid.deposits_not_deducted.total == eur("180.00")  # invoiced, nothing received on it yet
    assert unpaid.receivable.total == eur("1984.00")  # it is owed instead
    payments.record_payment(
        app.uow(),
        ctx,
        party_id=story.customer,
        amount=eur("100.00"),
        method="cheque",
        payment_date=AS_OF,
        allocations=[(issued.document.id, eur("100.00"))],
    )
    part = dashboard.dashboard(app.uow(), ctx, as_of=AS_OF)
    assert (part.deposits_not_deducted.count, part.deposits_not_deducted.total) == (2, eur("280.00"))
    assert part.deposits_awaited.oldest[0].received == eur("100.00")


def test_a_final_invoice_deducting_the_deposit_takes_it_off(app, ctx, story):
    draft = deposits.create_final_invoice(app.uow(), ctx, story.orders[1])
    documents.validate_document(app.uow(), ctx, draft.invoice.id, today=AS_OF)
    after = dashboard.dashboard(app.uow(), ctx, as_of=AS_OF)
    assert after.deposits_not_deducted.total == eur("0.00")
    assert after.deposits_not_invoiced.total == eur("300.00")


def test_the_actions_of_the_day(story, figures):
    overdue = figures.overdue_invoices
    assert (overdue.tally.count, overdue.tally.total) == (3, figures.receivable.overdue)
    fa1, fa2, fa3, _fa4 = story.invoices
    assert [(o.document_id, o.amount_due, o.days_late) for o in overdue.oldest] == [
        (fa1, eur("1000.00"), 121),
        (fa2, eur("600.00"), 51),
        (fa3, eur("20.00"), 10),
    ]
    to_pay = figures.invoices_to_pay
    assert (to_pay.tally.count, to_pay.tally.total) == (2, eur("420.00"))
    assert [(o.document_id, o.days_late) for o in to_pay.oldest] == [
        (story.supplier_invoices[0], 15),
        (story.supplier_invoices[1], 0),
    ]
    assert [(o.remaining, o.party_name) for o in figures.overpayments_to_decide] == [(eur("50.00"), "Client Tableau")]
    assert {(d.kind, d.count) for d in figures.drafts} == {("invoice", 1), ("deposit_invoice", 0), ("credit_note", 0)}


def test_deposits_requested_and_not_received(app, ctx, story, figures):
    awaited = figures.deposits_awaited
    assert (awaited.tally.count, awaited.tally.total) == (1, eur("144.00"))
    [order] = awaited.oldest
    assert (order.document_id, order.requested, order.received) == (story.awaited, eur("144.00"), eur("0.00"))
    tab = deposits.deposit_position(app.uow(), ctx, story.awaited)
    assert (tab.requested, tab.deposits_paid) == (order.requested, order.received)
    deposits.record_deposit_payment(app.uow(), ctx, story.awaited, method="cheque", amount=eur("144.00"))
    assert dashboard.dashboard(app.uow(), ctx, as_of=AS_OF).deposits_awaited.tally.count == 0


def test_drafts_are_the_document_lists_count(app, ctx, figures):
    for drafts in figures.drafts:
        filters = {"kind": Kind(drafts.kind), "flow": Flow(drafts.flow), "state": State.DRAFT}
        assert documents.document_list_totals(app.uow(), ctx, **filters).count == drafts.count  # type: ignore[arg-type]
        assert documents.document_list_count(app.uow(), ctx, **filters) == drafts.count  # type: ignore[arg-type]


def test_cash_in_and_out_per_month_over_twelve_months(figures):
    months = {m.month: (m.cash_in, m.cash_out) for m in figures.cash}
    assert [m.month for m in figures.cash] == [date(2025 + (6 + i) // 12, (6 + i) % 12 + 1, 1) for i in range(12)]
    assert months[date(2025, 7, 1)] == (eur("0.00"), eur("7.00"))
    assert months[date(2026, 3, 1)] == (eur("200.00"), eur("0.00"))
    assert months[date(2026, 4, 1)] == (eur("100.00"), eur("100.00"))
    assert months[date(2026, 5, 1)] == (eur("0.00"), eur("0.00"))  # the cancelled payment counts nothing
    assert months[date(2026, 6, 1)] == (eur("1910.00"), eur("0.00"))
    assert (figures.cash_in, figures.cash_out) == (eur("2210.00"), eur("107.00"))


def test_cash_per_month_is_the_payments_list_summed(app, ctx, figures):
    for month in figures.cash:
        last = date(month.month.year + month.month.month // 12, month.month.month % 12 + 1, 1)
        for direction, figure in ((Direction.IN, month.cash_in), (Direction.OUT, month.cash_out)):
            listed = payments.list_payments(
                app.uow(), ctx, direction=direction, date_from=month.month, limit=EVERYTHING
            )
            active = [
                v.payment.amount for v in listed if v.payment.state.value == "active" and v.payment.payment_date < last
            ]
            assert total(active, "EUR") == figure, month.month


def test_another_company_sees_none_of_it(app, other_ctx, story):
    theirs = dashboard.dashboard(app.uow(), other_ctx, as_of=AS_OF)
    assert theirs.receivable.total == eur("0.00") and theirs.customer_credits == eur("0.00")
    assert theirs.cash_in == eur("0.00") and theirs.overdue_invoices.tally.count == 0


def test_an_empty_company_has_zeros_everywhere(app, ctx: Ctx):
    empty = dashboard.dashboard(app.uow(), ctx, as_of=AS_OF)
    assert empty.receivable.total == empty.payable.total == empty.deposits == eur("0.00")
    assert len(empty.cash) == 12 and all(m.cash_in.is_zero and m.cash_out.is_zero for m in empty.cash)
    assert empty.overdue_invoices.oldest == () and empty.overpayments_to_decide == ()


def test_the_first_month_of_the_chart():
    assert dashboard.first_month(date(2026, 6, 30)) == date(2025, 7, 1)
    assert dashboard.first_month(date(2026, 12, 7)) == date(2026, 1, 1)
    assert dashboard.first_month(date(2026, 1, 31)) == date(2025, 2, 1)
