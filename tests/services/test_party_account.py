"""The party account: what is due and what is in hand, settling one with the other in one action, payment
terms with instalments, the statement of account and the aged balance."""

from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.accounts import AgeBucket, PaymentTerms, TermBasis, TermPart
from acompte.domain.credits import CreditRef, Excess
from acompte.domain.documents import Flow, Kind, PaymentStatus
from acompte.domain.errors import (
    AboveWriteOffThreshold,
    DocumentFrozen,
    InvalidPaymentTerms,
    OverAllocation,
    PartyMismatch,
)
from acompte.domain.events import EventKind
from acompte.domain.money import Money
from acompte.domain.payments import Direction
from acompte.services import accounts, companies, credits, documents, history, parties, payments, queries
from acompte.services.accounts import NewPayment
from tests.helpers import gesture, line, pay, snapshot, validated

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def invoice_on(uow, ctx, party_id, net: str, day: date, **kw):
    return validated(uow, ctx, party_id, line(net), today=day, **kw)


def amounts(items):
    return [m.amount for m in items]


def test_the_account_shows_what_is_due_and_what_is_in_hand(uow, ctx, customer):
    order = documents.create_document(
        uow,
        ctx,
        kind=Kind.ORDER,
        flow=Flow.SALE,
        party_id=customer.id,
        lines=[line("500.00")],
        issue_date=date(2026, 1, 2),
    )
    order = documents.validate_document(uow, ctx, order.id)
    old = invoice_on(uow, ctx, customer.id, "100.00", date(2026, 1, 5))
    new = invoice_on(uow, ctx, customer.id, "50.00", date(2026, 2, 5))
    paid = invoice_on(uow, ctx, customer.id, "10.00", date(2026, 2, 6))
    deposit = pay(uow, ctx, customer.id, "200.00", (order.id, "180.00"))  # a deposit on the order, 20.00 left
    over = pay(uow, ctx, customer.id, "20.00", (paid.id, "12.00"))  # 8.00 left: an overpayment
    loose = pay(uow, ctx, customer.id, "15.00")  # nothing allocated yet
    note = gesture(uow, ctx, customer.id, line("25.00"), on=old.id, today=date(2026, 2, 7))  # kept in hand
    validated(uow, ctx, customer.id, kind=Kind.QUOTE)  # quotes commit no one

    account = accounts.party_account(uow, ctx, customer.id, as_of=date(2026, 3, 1))

    assert [(d.number, d.balance_due.amount) for d in account.due] == [
        (order.document.number, D("420.00")),
        (old.document.number, D("120.00")),
        (new.document.number, D("60.00")),
    ]
    assert account.due_total.amount == D("600.00")
    categories = {(c.category, c.number, c.remaining.amount) for c in account.credits}
    assert categories == {
        ("overpayment", deposit.payment.number, D("20.00")),
        ("overpayment", over.payment.number, D("8.00")),
        ("unallocated_payment", loose.payment.number, D("15.00")),
        ("credit_note", note.document.number, D("30.00")),
    }
    assert account.credit_total.amount == D("73.00")
    assert account.balance.amount == D("527.00")
    assert account.overdue_total.amount == D("600.00")  # no terms: payable on receipt
    assert accounts.ledger_balance(uow, ctx, customer.id) == account.balance


def test_one_action_settles_selected_documents_with_selected_credits_and_a_new_payment(uow, ctx, customer):
    first = invoice_on(uow, ctx, customer.id, "50.00", date(2026, 1, 5))  # 60.00
    second = invoice_on(uow, ctx, customer.id, "75.00", date(2026, 1, 6))  # 90.00
    third = invoice_on(uow, ctx, customer.id, "25.00", date(2026, 1, 7))  # 30.00
    note = gesture(uow, ctx, customer.id, line("33.33"), on=first.id)  # 40.00, kept in hand
    over = pay(uow, ctx, customer.id, "10.00")

    result = accounts.settle(
        uow,
        ctx,
        customer.id,
        documents=[first.id, second.id, third.id],
        credits_used=[CreditRef.credit_note(note.id), CreditRef.payment(over.id)],
        new_payment=NewPayment(eur("150.00"), "transfer", reference="VIR-99"),
    )

    assert [(a.document_id, a.amount.amount) for a in result.allocations] == [
        (first.id, D("40.00")),  # the credit note first
        (first.id, D("10.00")),  # then the older payment
        (first.id, D("10.00")),  # then the new one
        (second.id, D("90.00")),
        (third.id, D("30.00")),
    ]
    assert result.excess.amount == D("20.00")  # kept as credit (default)
    for doc in (first, second, third):
        assert documents.get_document(uow, ctx, doc.id).status is PaymentStatus.PAID
    account = accounts.party_account(uow, ctx, customer.id)
    assert [(c.category, c.remaining.amount) for c in account.credits] == [("overpayment", D("20.00"))]
    settled = history.party_history(uow, ctx, customer.id)
    assert EventKind.ACCOUNT_SETTLED in [e.kind for e in settled]
    assert EventKind.OVERPAYMENT_KEPT in [e.kind for e in settled]


def test_settle_can_refund_the_excess_of_the_new_payment(uow, ctx, customer):
    invoice = invoice_on(uow, ctx, customer.id, "37.50", date(2026, 1, 5))  # 45.00
    result = accounts.settle(
        uow,
        ctx,
        customer.id,
        documents=[invoice.id],
        new_payment=NewPayment(eur("50.00"), "cheque"),
        excess=Excess.REFUND,
        refund_method="cash",
    )
    assert result.refund is not None and result.refund.amount.amount == D("5.00")
    assert accounts.party_account(uow, ctx, customer.id).credits == ()


def test_settle_with_explicit_amounts_is_refused_when_credits_do_not_cover_them(uow, ctx, customer):
    invoice = invoice_on(uow, ctx, customer.id, "100.00", date(2026, 1, 5))
    over = pay(uow, ctx, customer.id, "10.00")
    before = snapshot(uow, ctx)
    with pytest.raises(OverAllocation):
        accounts.settle(
            uow,
            ctx,
            customer.id,
            documents=[(invoice.id, eur("50.00"))],
            credits_used=[CreditRef.payment(over.id)],
            new_payment=NewPayment(eur("30.00"), "cash"),
        )
    assert snapshot(uow, ctx) == before  # not even the new payment


def test_settle_writes_off_the_shortfall_of_a_new_payment_at_receipt_within_the_threshold(uow, ctx, customer):
    companies.update_settings(uow, ctx, {"write_off_threshold": "0.05"})
    first = invoice_on(uow, ctx, customer.id, "37.50", date(2026, 1, 5))  # 45.00
    second = invoice_on(uow, ctx, customer.id, "10.00", date(2026, 1, 6))  # 12.00
    wanted = [(first.id, eur("45.00")), (second.id, eur("12.00"))]
    before = snapshot(uow, ctx)
    with pytest.raises(AboveWriteOffThreshold):  # 56.90 for 57.00: 0.10 left on the second, over 0.05
        accounts.settle(
            uow,
            ctx,
            customer.id,
            documents=wanted,
            new_payment=NewPayment(eur("56.90"), "cheque"),
            write_off_shortfall=True,
        )
    assert snapshot(uow, ctx) == before  # not even the new payment
    with pytest.raises(OverAllocation):  # without a new payment there is no receipt to write it off with
        accounts.settle(uow, ctx, customer.id, documents=wanted, write_off_shortfall=True)
    result = accounts.settle(
        uow,
        ctx,
        customer.id,
        documents=wanted,
        new_payment=NewPayment(eur("56.98"), "cheque"),
        write_off_shortfall=True,
    )
    (shortfall,) = result.shortfalls  # the first document took 45.00, the second 11.98: 0.02 written off
    assert (shortfall.document_id, shortfall.kind, shortfall.amount) == (second.id, "shortfall", eur("0.02"))
    assert [documents.get_document(uow, ctx, d).balance_due for d, _ in wanted] == [eur("0.00"), eur("0.00")]
    assert result.excess == eur("0.00")


def test_settle_refuses_another_partys_document(uow, ctx, customer):
    stranger = parties.create_party(uow, ctx, name="Inconnu")
    theirs = invoice_on(uow, ctx, stranger.id, "10.00", date(2026, 1, 5))
    over = pay(uow, ctx, customer.id, "12.00")
    before = snapshot(uow, ctx)
    with pytest.raises(PartyMismatch):
        accounts.settle(uow, ctx, customer.id, documents=[theirs.id], credits_used=[CreditRef.payment(over.id)])
    assert snapshot(uow, ctx) == before


def test_the_suggestion_pairs_oldest_debts_with_oldest_credits(uow, ctx, customer):
    newer = invoice_on(uow, ctx, customer.id, "50.00", date(2026, 2, 5))  # 60.00
    older = invoice_on(uow, ctx, customer.id, "25.00", date(2026, 1, 5))  # 30.00
    note = gesture(uow, ctx, customer.id, line("20.00"), today=date(2026, 1, 1))  # on a paid invoice of that day
    cheque = payments.record_payment(
        uow, ctx, party_id=customer.id, amount=eur("40.00"), method="cheque", payment_date=date(2026, 1, 3)
    )
    proposal = accounts.suggest_settlement(uow, ctx, customer.id)
    assert [(d, a.amount) for d, a in proposal.documents] == [(older.id, D("30.00")), (newer.id, D("34.00"))]
    assert [(c, a.amount) for c, a in proposal.credits] == [
        (CreditRef.credit_note(note.id), D("24.00")),
        (CreditRef.payment(cheque.id), D("40.00")),
    ]
    assert proposal.difference.is_zero


def test_a_supplier_account_mirrors_a_customer_account(uow, ctx, supplier):
    bill = validated(uow, ctx, supplier.id, line("100.00", qty="2"), flow=Flow.PURCHASE)  # 240.00
    note = credits.credit_invoice(uow, ctx, bill.id, lines=[(1, D("1"))], apply_to_origin=False)  # 120.00
    account = accounts.party_account(uow, ctx, supplier.id)
    assert account.flow == "purchase"
    assert (account.due_total.amount, account.credit_total.amount, account.balance.amount) == (
        D("240.00"),
        D("120.00"),
        D("120.00"),
    )
    assert accounts.ledger_balance(uow, ctx, supplier.id) == account.balance
    result = accounts.settle(
        uow,
        ctx,
        supplier.id,
        documents=[bill.id],
        credits_used=[CreditRef.credit_note(note.id)],
        new_payment=NewPayment(eur("125.00"), "transfer"),
    )
    assert [a.amount.amount for a in result.allocations] == [D("120.00"), D("120.00")]
    paid_out = payments.get_payment(uow, ctx, result.payment_id).payment
    assert (paid_out.direction, paid_out.number[:3]) == (Direction.OUT, "RD-")
    account = accounts.party_account(uow, ctx, supplier.id)
    assert (account.due_total.amount, account.credit_total.amount) == (D("0.00"), D("5.00"))
    assert accounts.ledger_balance(uow, ctx, supplier.id) == account.balance


# -- payment terms and instalments ----------------------------------------------------------------------------

THIRTY_SEVENTY = PaymentTerms(
    (
        TermPart(D("30"), basis=TermBasis.ORDER),
        TermPart(D("70"), days=30, end_of_month=True),
    )
)


def test_an_invoice_with_30_percent_at_order_and_70_at_30_days_end_of_month(uow, ctx, customer):
    order = documents.create_document(
        uow,
        ctx,
        kind=Kind.ORDER,
        flow=Flow.SALE,
        party_id=customer.id,
        lines=[line("1000.00")],
        issue_date=date(2026, 1, 10),
    )
    documents.validate_document(uow, ctx, order.id)
    invoice = documents.convert_document(uow, ctx, order.id, Kind.INVOICE)
    accounts.set_payment_terms(uow, ctx, invoice.id, THIRTY_SEVENTY)
    invoice = documents.validate_document(uow, ctx, invoice.id, today=date(2026, 1, 20))

    first, second = accounts.document_instalments(uow, ctx, invoice.id)
    assert (first.due_date, first.amount.amount) == (date(2026, 1, 10), D("360.00"))
    assert (second.due_date, second.amount.amount) == (date(2026, 2, 28), D("840.00"))

    pay(uow, ctx, customer.id, "400.00", (invoice.id, "400.00"))
    first, second = accounts.document_instalments(uow, ctx, invoice.id)
    assert (first.remaining.amount, second.remaining.amount) == (D("0.00"), D("800.00"))

    aged = accounts.aged_balance(uow, ctx, party_id=customer.id, as_of=date(2026, 2, 28))
    assert aged.totals[AgeBucket.NOT_DUE].amount == D("800.00")
    aged = accounts.aged_balance(uow, ctx, party_id=customer.id, as_of=date(2026, 3, 15))
    assert aged.totals[AgeBucket.DAYS_1_30].amount == D("800.00")
    assert aged.totals.overdue.amount == D("800.00")


def test_overdue_is_known_per_instalment(uow, ctx, customer):
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("1000.00")]
    )
    thirds = PaymentTerms((TermPart(D("33.33")), TermPart(D("33.33"), days=30), TermPart(D("33.34"), days=60)))
    accounts.set_payment_terms(uow, ctx, draft.id, thirds)
    invoice = documents.validate_document(uow, ctx, draft.id, today=date(2026, 1, 1))
    instalments = accounts.document_instalments(uow, ctx, invoice.id)
    assert [(i.due_date, i.amount.amount) for i in instalments] == [
        (date(2026, 1, 1), D("399.96")),
        (date(2026, 1, 31), D("399.96")),
        (date(2026, 3, 2), D("400.08")),
    ]
    [item] = accounts.party_account(uow, ctx, customer.id, as_of=date(2026, 2, 1)).due
    assert item.overdue(date(2026, 2, 1)).amount == D("799.92")
    assert item.next_due_date == date(2026, 1, 1)


def test_party_default_terms_are_copied_on_a_draft_and_an_issued_invoice_keeps_its_own(uow, ctx, customer):
    accounts.set_party_payment_terms(uow, ctx, customer.id, PaymentTerms.single(45, end_of_month=True))
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("10.00")]
    )
    [only] = accounts.set_payment_terms(uow, ctx, draft.id)
    invoice = documents.validate_document(uow, ctx, draft.id, today=date(2026, 1, 20))
    [only] = accounts.document_instalments(uow, ctx, invoice.id)
    assert only.due_date == date(2026, 3, 31)  # 20/01 + 45 days = 06/03, end of month
    before = snapshot(uow, ctx)
    with pytest.raises(DocumentFrozen):
        accounts.set_payment_terms(uow, ctx, invoice.id, PaymentTerms.single(0))
    assert snapshot(uow, ctx) == before
    stranger = parties.create_party(uow, ctx, name="Sans conditions")
    bare = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=stranger.id, lines=[line("1")]
    )
    with pytest.raises(InvalidPaymentTerms):
        accounts.set_payment_terms(uow, ctx, bare.id)


# -- statement of account and aged balance --------------------------------------------------------------------


def story(uow, ctx, party_id):
    """January: invoice A 1 200.00, payment 1 000.00. February: invoice B 600.00, a 120.00 return credited on B,
    a payment of 800.00 (200.00 on A, 480.00 on B, 120.00 left) whose excess is refunded. March: invoice C."""
    a = invoice_on(uow, ctx, party_id, "1000.00", date(2026, 1, 5))
    payments.record_payment(
        uow,
        ctx,
        party_id=party_id,
        amount=eur("1000.00"),
        method="transfer",
        payment_date=date(2026, 1, 20),
        allocations=[(a.id, eur("1000.00"))],
    )
    b = validated(uow, ctx, party_id, line("100.00", qty="5"), today=date(2026, 2, 3))
    credits.credit_invoice(uow, ctx, b.id, lines=[(1, D("1"))], today=date(2026, 2, 10))
    big = payments.record_payment(
        uow,
        ctx,
        party_id=party_id,
        amount=eur("800.00"),
        method="cheque",
        payment_date=date(2026, 2, 15),
        allocations=[(a.id, eur("200.00")), (b.id, eur("480.00"))],
    )
    credits.refund(uow, ctx, source=CreditRef.payment(big.id), method="transfer", payment_date=date(2026, 2, 20))
    c = invoice_on(uow, ctx, party_id, "200.00", date(2026, 3, 1))
    return a, b, c


def test_the_statement_of_a_period_has_opening_movements_and_closing_balance(uow, ctx, customer):
    story(uow, ctx, customer.id)
    view = accounts.statement(uow, ctx, customer.id, date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))
    s = view.statement
    assert s.opening.amount == D("200.00")
    assert [
        (line.movement.day, line.movement.label[:12], line.movement.amount.amount, line.balance.amount)
        for line in s.lines
    ] == [
        (date(2026, 2, 3), "Facture", D("600.00"), D("800.00")),
        (date(2026, 2, 10), "Avoir", D("-120.00"), D("680.00")),
        (date(2026, 2, 15), "Règlement", D("-800.00"), D("-120.00")),
        (date(2026, 2, 20), "Remboursemen", D("120.00"), D("0.00")),
    ]
    assert (s.total_debit.amount, s.total_credit.amount, s.closing.amount) == (D("720.00"), D("920.00"), D("0.00"))
    march = accounts.statement(uow, ctx, customer.id, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)).statement
    assert (march.opening.amount, march.closing.amount) == (D("0.00"), D("240.00"))
    account = accounts.party_account(uow, ctx, customer.id)
    assert account.balance.amount == D("240.00") == accounts.ledger_balance(uow, ctx, customer.id).amount


def test_statements_for_all_parties_list_those_with_movements(uow, ctx, customer):
    quiet = parties.create_party(uow, ctx, name="Client calme")
    story(uow, ctx, customer.id)
    views = accounts.statements(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert [v.party_id for v in views] == [customer.id]
    assert quiet.id not in [v.party_id for v in views]


def test_the_aged_balance_buckets_what_is_due_for_one_party_and_for_all(uow, ctx, customer):
    other = parties.create_party(uow, ctx, name="Autre client")
    as_of = date(2026, 6, 30)
    invoice_on(uow, ctx, customer.id, "10.00", date(2026, 6, 30))  # not due: 12.00
    invoice_on(uow, ctx, customer.id, "20.00", date(2026, 6, 1))  # 29 days: 24.00
    invoice_on(uow, ctx, customer.id, "30.00", date(2026, 4, 30))  # 61 days: 36.00
    invoice_on(uow, ctx, other.id, "40.00", date(2026, 5, 1))  # 60 days: 48.00
    invoice_on(uow, ctx, other.id, "50.00", date(2026, 3, 1))  # 121 days: 60.00
    pay(uow, ctx, other.id, "7.00")  # in hand, unapplied

    one = accounts.aged_balance(uow, ctx, party_id=customer.id, as_of=as_of)
    assert [(b.value, m.amount) for b, m in one.totals.amounts] == [
        ("not_due", D("12.00")),
        ("1_30", D("24.00")),
        ("31_60", D("0.00")),
        ("61_90", D("36.00")),
        ("over_90", D("0.00")),
    ]
    everyone = accounts.aged_balance(uow, ctx, as_of=as_of)
    assert [(r.party_name, r.aged.total.amount, r.unapplied_credits.amount, r.net.amount) for r in everyone.rows] == [
        ("Autre client", D("108.00"), D("7.00"), D("101.00")),
        ("Client Dupont", D("72.00"), D("0.00"), D("72.00")),
    ]
    assert everyone.totals[AgeBucket.DAYS_31_60].amount == D("48.00")
    assert everyone.totals[AgeBucket.OVER_90].amount == D("60.00")
    assert everyone.totals.total.amount == D("180.00")


def test_the_party_balance_summary_counts_credit_notes_in_hand(uow, ctx, customer):
    invoice = invoice_on(uow, ctx, customer.id, "100.00", date(2026, 1, 5))
    gesture(uow, ctx, customer.id, line("10.00"), on=invoice.id)  # kept in hand
    pay(uow, ctx, customer.id, "5.00")
    balance = queries.party_balance(uow, ctx, customer.id)
    assert (balance.owed.amount, balance.held.amount, balance.balance.amount) == (D("120.00"), D("17.00"), D("103.00"))
