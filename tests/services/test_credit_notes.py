"""Credit notes (avoirs): made from an issued invoice or standalone, numbered at issue, frozen, never beyond the
invoice they correct; a credit note that completes its invoice cancels it."""

from datetime import date
from decimal import Decimal

import pytest

from acompte import bootstrap
from acompte.adapters.i18n import message as rendered
from acompte.domain.credit_events import InvoiceCreditedInFull
from acompte.domain.credits import CreditStatus
from acompte.domain.documents import Flow, Kind, PaymentStatus, State
from acompte.domain.errors import (
    CorrectedInvoiceMismatch,
    CreditLinesMismatch,
    DocumentFrozen,
    InvalidLine,
    InvalidTransition,
    MissingCorrectedInvoice,
    NegativeQuantity,
    NonPositiveAmount,
    NotCreditable,
    OverCredit,
    OverCreditQuantity,
    UnknownInvoiceLine,
)
from acompte.domain.events import EventKind
from acompte.domain.money import Money
from acompte.persistence.unit_of_work import SqlUnitOfWork
from acompte.services import credits, documents, history, parties, payments
from acompte.services.credits import handlers as credit_handlers
from acompte.services.exports import einvoicing
from acompte.services.messagebus import MessageBus
from tests.helpers import gesture, line, paid_invoice, pay, snapshot, validated

D = Decimal
DAY = date(2026, 3, 16)


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def chairs_invoice(uow, ctx, party_id):
    """12 chairs at 85.50 HT and a delivery at 120.00 HT (10 %): 1 026.00 + 120.00 HT, 1 363.20 TTC."""
    return validated(
        uow,
        ctx,
        party_id,
        line("85.50", qty="12", designation="Chaise paillée"),
        line("120.00", rate="10", designation="Livraison"),
        today=DAY,
    )


def test_a_return_credits_chosen_lines_and_quantities_and_mirrors_the_invoice(uow, ctx, customer):
    invoice = chairs_invoice(uow, ctx, customer.id)
    assert invoice.document.gross.amount == D("1363.20")
    pay(uow, ctx, customer.id, "1363.20", (invoice.id, "1363.20"))

    note = credits.credit_invoice(uow, ctx, invoice.id, lines=[(1, D("2"))], comment="Retour de 2 chaises", today=DAY)

    assert note.document.kind is Kind.CREDIT_NOTE
    assert note.document.number == "AV-2026-00001"
    assert note.document.state is State.VALIDATED
    assert note.document.origin_id == invoice.id
    assert [(ln.designation, ln.quantity, ln.unit_price) for ln in note.document.lines] == [
        ("Chaise paillée", D("2"), D("85.50"))
    ]
    assert note.document.gross.amount == D("205.20")
    # The invoice was paid: the credit stays whole, to be used or refunded.
    view = credits.get_credit_note(uow, ctx, note.id)
    assert (view.remaining.amount, view.status) == (D("205.20"), CreditStatus.UNUSED)
    assert documents.get_document(uow, ctx, invoice.id).status is PaymentStatus.PAID


def test_a_return_on_an_unpaid_invoice_settles_it_first_by_default(uow, ctx, customer):
    invoice = chairs_invoice(uow, ctx, customer.id)
    pay(uow, ctx, customer.id, "1000.00", (invoice.id, "1000.00"))

    note = credits.credit_invoice(uow, ctx, invoice.id, lines=[(1, D("2"))], today=DAY)

    assert documents.get_document(uow, ctx, invoice.id).balance_due.amount == D("158.00")
    view = credits.get_credit_note(uow, ctx, note.id)
    assert (view.use.applied.amount, view.remaining.amount) == (D("205.20"), D("0.00"))
    assert view.status is CreditStatus.SETTLED


def test_a_return_can_keep_its_credit_for_later(uow, ctx, customer):
    invoice = chairs_invoice(uow, ctx, customer.id)
    note = credits.credit_invoice(uow, ctx, invoice.id, lines=[(2, D("1"))], apply_to_origin=False, today=DAY)
    assert note.document.gross.amount == D("132.00")
    assert documents.get_document(uow, ctx, invoice.id).balance_due.amount == D("1363.20")
    assert credits.get_credit_note(uow, ctx, note.id).status is CreditStatus.UNUSED


def test_successive_returns_never_credit_more_than_was_invoiced(uow, ctx, customer):
    invoice = chairs_invoice(uow, ctx, customer.id)
    credits.credit_invoice(uow, ctx, invoice.id, lines=[(1, D("10"))], apply_to_origin=False, today=DAY)
    before = snapshot(uow, ctx)
    with pytest.raises(OverCreditQuantity) as refused:
        credits.credit_invoice(uow, ctx, invoice.id, lines=[(1, D("3"))], today=DAY)
    assert refused.value.params["available"] == D("2")
    assert "il ne reste que 2" in rendered(refused.value, "fr")
    with pytest.raises(UnknownInvoiceLine):
        credits.credit_invoice(uow, ctx, invoice.id, lines=[(7, D("1"))], today=DAY)
    with pytest.raises(InvalidLine):
        credits.credit_invoice(uow, ctx, invoice.id, lines=[(1, D("-1"))], today=DAY)
    assert snapshot(uow, ctx) == before

    rest = credits.credit_invoice(uow, ctx, invoice.id, apply_to_origin=False, today=DAY)
    assert [(ln.designation, ln.quantity) for ln in rest.document.lines] == [
        ("Chaise paillée", D("2")),
        ("Livraison", D("1")),
    ]
    state = credits.invoice_credits(uow, ctx, invoice.id)
    assert state.fully_credited and state.remaining.is_zero
    with pytest.raises(OverCredit):
        credits.credit_invoice(uow, ctx, invoice.id, today=DAY)


def test_a_full_credit_note_cancels_the_invoice_and_settles_what_it_still_owed(uow, ctx, customer):
    invoice = chairs_invoice(uow, ctx, customer.id)
    pay(uow, ctx, customer.id, "363.20", (invoice.id, "363.20"))

    note = credits.credit_invoice(uow, ctx, invoice.id, comment="Facture erronée", today=DAY)

    assert note.document.gross == invoice.document.gross
    cancelled = documents.get_document(uow, ctx, invoice.id)
    assert cancelled.document.number == invoice.document.number  # never deleted, number kept
    assert cancelled.status is PaymentStatus.CANCELLED
    assert cancelled.position.cancelled_by is not None
    assert cancelled.position.cancelled_by.number == note.document.number
    assert (cancelled.position.paid.amount, cancelled.position.credited.amount) == (D("363.20"), D("1000.00"))
    assert cancelled.balance_due.is_zero
    view = credits.get_credit_note(uow, ctx, note.id)
    assert (view.use.applied.amount, view.remaining.amount) == (D("1000.00"), D("363.20"))
    assert view.status is CreditStatus.PARTIALLY_USED
    kinds = [e.kind for e in history.document_history(uow, ctx, invoice.id)]
    assert EventKind.INVOICE_CREDITED_IN_FULL in kinds
    assert EventKind.CREDIT_ALLOCATED in kinds


def _with_deposit_return(app: bootstrap.App, react) -> SqlUnitOfWork:  # type: ignore[no-untyped-def]
    """A unit of work whose bus runs `react` where the deposits capability reacts to an invoice credited in
    full, the rest of the composition unchanged."""
    routes = app.bus.routes()
    _deposits_react, credits_react = routes[InvoiceCreditedInFull]
    bus = MessageBus({**routes, InvoiceCreditedInFull: [react, credits_react]})
    return SqlUnitOfWork(app.session_factory, renderer=app.renderer, clock=app.clock, bus=bus)


def test_a_full_credit_note_returns_deposits_before_settling(app, ctx, customer):
    seen = []
    deposits_react = app.bus.routes()[InvoiceCreditedInFull][0]

    def react(hook_uow, hook_ctx, event):
        invoice = hook_uow.documents.get(hook_ctx.company_id, event.document_id)
        seen.append((event.document_id, hook_uow.documents.settlement(invoice)))
        deposits_react(hook_uow, hook_ctx, event)

    uow = _with_deposit_return(app, react)
    invoice = chairs_invoice(uow, ctx, customer.id)
    credits.credit_invoice(uow, ctx, invoice.id, lines=[(1, D("12"))], apply_to_origin=False, today=DAY)
    assert seen == []  # a partial credit note does not cancel the invoice
    credits.credit_invoice(uow, ctx, invoice.id, apply_to_origin=False, today=DAY)
    assert [s[0] for s in seen] == [invoice.id]
    assert seen[0][1].allocated.is_zero  # the deposits react before the credit note settles the invoice
    cancelled = documents.get_document(uow, ctx, invoice.id)
    assert cancelled.status is PaymentStatus.CANCELLED
    assert cancelled.balance_due.is_zero


def test_an_invoice_credited_in_full_sends_deposits_back_before_its_credit_notes_settle_it():
    deposits_react, credits_react = bootstrap.message_bus().routes()[InvoiceCreditedInFull]
    assert "deposit" in deposits_react.__module__
    assert credits_react is credit_handlers.on_invoice_credited_in_full


def test_a_failing_deposit_return_rolls_the_whole_credit_note_back(app, ctx, customer):
    def react(*_):
        raise NonPositiveAmount(amount="0")

    uow = _with_deposit_return(app, react)
    invoice = chairs_invoice(uow, ctx, customer.id)
    before = snapshot(uow, ctx)
    with pytest.raises(NonPositiveAmount):
        credits.credit_invoice(uow, ctx, invoice.id, today=DAY)
    assert snapshot(uow, ctx) == before


def test_a_standalone_credit_note_is_a_commercial_gesture_with_its_comment(uow, ctx, customer):
    invoice = paid_invoice(uow, ctx, customer.id, "200.00", today=DAY)
    note = credits.create_credit_note(
        uow,
        ctx,
        party_id=customer.id,
        lines=[line("25.00", designation="Geste commercial : retard de livraison")],
        comment="Accordé par téléphone le 12/03",
        origin_id=invoice.id,
        today=DAY,
    )
    assert note.document.number == "AV-2026-00001"
    assert note.document.origin_id == invoice.id  # it names the invoice it relates to
    assert note.document.gross.amount == D("30.00")
    view = credits.get_credit_note(uow, ctx, note.id)
    assert view.notes == "Accordé par téléphone le 12/03"
    # The invoice was paid: the gesture stays whole in the customer's hands, the invoice stays paid.
    assert (view.status, view.remaining.amount) == (CreditStatus.UNUSED, D("30.00"))
    assert documents.get_document(uow, ctx, invoice.id).status is PaymentStatus.PAID
    assert credits.invoice_credits(uow, ctx, invoice.id).remaining.amount == D("210.00")


def test_a_credit_note_that_names_no_invoice_is_refused_before_it_takes_a_number(uow, ctx, customer, supplier):
    before = snapshot(uow, ctx)
    for flow, party in ((Flow.SALE, customer), (Flow.PURCHASE, supplier)):
        with pytest.raises(MissingCorrectedInvoice) as refused:
            credits.create_credit_note(uow, ctx, party_id=party.id, flow=flow, lines=[line("10.00")], today=DAY)
        assert "facture" in rendered(refused.value, "fr") and "numéro et date" in rendered(refused.value, "fr")
    assert snapshot(uow, ctx) == before  # no draft, no number


def test_a_credit_note_names_issued_invoices_of_its_own_party_flow_and_currency(uow, ctx, customer, supplier):
    other = parties.create_party(uow, ctx, name="Autre client")
    theirs = validated(uow, ctx, other.id, line("100.00"), today=DAY)
    bill = validated(uow, ctx, supplier.id, line("100.00"), flow=Flow.PURCHASE, today=DAY)
    usd = documents.create_document(
        uow,
        ctx,
        kind=Kind.INVOICE,
        flow=Flow.SALE,
        party_id=customer.id,
        lines=[line("100.00")],
        currency="USD",
        exchange_rate="0.92",
    )
    usd = documents.validate_document(uow, ctx, usd.id, today=DAY)
    mine = validated(uow, ctx, customer.id, line("100.00"), today=DAY)
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("100.00")]
    )
    order = validated(uow, ctx, customer.id, line("100.00"), kind=Kind.ORDER)
    before = snapshot(uow, ctx)
    cases = [
        ({"origin_id": theirs.id}, CorrectedInvoiceMismatch, "autre tiers"),
        ({"origin_id": mine.id, "corrected_ids": [theirs.id]}, CorrectedInvoiceMismatch, "autre tiers"),
        ({"origin_id": mine.id, "flow": Flow.PURCHASE}, CorrectedInvoiceMismatch, "une vente, l'avoir sur un achat"),
        ({"origin_id": mine.id, "corrected_ids": [usd.id]}, CorrectedInvoiceMismatch, "en USD, l'avoir en EUR"),
        ({"origin_id": mine.id, "currency": "USD"}, CorrectedInvoiceMismatch, "en EUR, l'avoir en USD"),
        ({"origin_id": draft.id}, NotCreditable, "validée"),
        ({"corrected_ids": [order.id]}, NotCreditable, "validée"),
    ]
    for kwargs, error, words in cases:
        with pytest.raises(error) as refused:
            credits.create_credit_note(uow, ctx, party_id=customer.id, lines=[line("10.00")], today=DAY, **kwargs)
        assert words in rendered(refused.value, "fr")
    with pytest.raises(CorrectedInvoiceMismatch):  # a supplier's bill, named for a customer
        credits.create_credit_note(uow, ctx, party_id=customer.id, lines=[line("10.00")], origin_id=bill.id)
    assert snapshot(uow, ctx) == before


def test_a_gesture_on_a_supplier_bill_is_a_purchase_credit_note(uow, ctx, supplier):
    bill = validated(uow, ctx, supplier.id, line("200.00"), flow=Flow.PURCHASE, today=DAY)
    note = credits.create_credit_note(
        uow, ctx, party_id=supplier.id, lines=[line("20.00", designation="Remise obtenue")], origin_id=bill.id
    )
    assert (note.document.flow, note.document.number) == (Flow.PURCHASE, "AF-2026-00001")


def test_a_gesture_may_name_several_invoices_and_is_bounded_by_what_remains_on_them(uow, ctx, customer):
    first = validated(uow, ctx, customer.id, line("100.00"), today=DAY)  # 120.00
    second = validated(uow, ctx, customer.id, line("50.00"), today=DAY)  # 60.00
    credits.credit_invoice(uow, ctx, first.id, lines=[(1, D("0.25"))], apply_to_origin=False, today=DAY)  # 30.00
    # 150.00 left to credit on the two: more is refused, whatever the lines say, and nothing is written.
    before = snapshot(uow, ctx)
    with pytest.raises(OverCredit) as refused:
        credits.create_credit_note(
            uow, ctx, party_id=customer.id, lines=[line("125.01")], corrected_ids=[first.id, second.id], today=DAY
        )
    assert refused.value.params["available"] == eur("150.00")
    assert refused.value.params["invoice"] == f"{first.document.number}, {second.document.number}"
    assert snapshot(uow, ctx) == before

    # Free lines, not copied from the invoices: one line of 110.00 HT is more than any invoice line.
    note = credits.create_credit_note(
        uow,
        ctx,
        party_id=customer.id,
        lines=[line("110.00", designation="Geste commercial : chantier en retard")],
        corrected_ids=[first.id, second.id],
        today=DAY,
    )
    assert note.document.gross.amount == D("132.00")
    assert note.document.origin_id == first.id
    with uow:
        assert [d.id for d in einvoicing.corrected_documents(uow, ctx, note.document)] == [first.id, second.id]
    # Each invoice in turn takes what remains on it: 90.00 on the first, 42.00 on the second.
    assert credits.invoice_credits(uow, ctx, first.id).remaining.amount == D("0.00")
    assert credits.invoice_credits(uow, ctx, second.id).remaining.amount == D("18.00")
    assert credits.invoice_credits(uow, ctx, first.id).fully_credited
    with pytest.raises(OverCredit):
        credits.credit_invoice(uow, ctx, second.id, today=DAY)  # its 1 line of 60.00 is more than the 18.00 left
    last = credits.create_credit_note(uow, ctx, party_id=customer.id, lines=[line("15.00")], origin_id=second.id)
    assert last.document.gross.amount == D("18.00")
    assert credits.invoice_credits(uow, ctx, second.id).fully_credited
    # Both invoices are now cancelled by their credit notes: their balances were settled by them.
    for invoice_id, by in ((first.id, None), (second.id, last.id)):
        view = documents.get_document(uow, ctx, invoice_id)
        assert view.status is PaymentStatus.CANCELLED
        assert view.balance_due.is_zero
        if by is not None:
            assert view.position.cancelled_by is not None and view.position.cancelled_by.id == by


def test_a_standalone_credit_note_on_an_invoice_stays_within_it(uow, ctx, customer):
    invoice = validated(uow, ctx, customer.id, line("100.00"), today=DAY)
    before = snapshot(uow, ctx)
    with pytest.raises(OverCredit):
        credits.create_credit_note(
            uow, ctx, party_id=customer.id, lines=[line("100.01")], origin_id=invoice.id, today=DAY
        )
    assert snapshot(uow, ctx) == before
    gesture = credits.create_credit_note(
        uow, ctx, party_id=customer.id, lines=[line("10.00", designation="Remise")], origin_id=invoice.id, today=DAY
    )
    assert gesture.document.origin_id == invoice.id
    assert credits.invoice_credits(uow, ctx, invoice.id).remaining.amount == D("108.00")


def test_supplier_credit_notes_use_their_own_series(uow, ctx, supplier):
    bill = validated(uow, ctx, supplier.id, line("200.00"), flow=Flow.PURCHASE, today=DAY)
    note = credits.credit_invoice(uow, ctx, bill.id, lines=[(1, D("1"))], apply_to_origin=False, today=DAY)
    assert note.document.number == "AF-2026-00001"
    assert note.document.flow is Flow.PURCHASE


def test_only_an_issued_invoice_can_be_credited(uow, ctx, customer):
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("10.00")]
    )
    order = validated(uow, ctx, customer.id, kind=Kind.ORDER)
    before = snapshot(uow, ctx)
    for document_id in (draft.id, order.id):
        with pytest.raises(NotCreditable):
            credits.credit_invoice(uow, ctx, document_id)
    assert snapshot(uow, ctx) == before


def test_negative_quantities_on_an_invoice_point_to_a_credit_note(uow, ctx, customer):
    before = snapshot(uow, ctx)
    with pytest.raises(NegativeQuantity) as refused:
        documents.create_document(
            uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("10", qty="-1")]
        )
    assert "avoir" in rendered(refused.value, "fr")
    assert snapshot(uow, ctx) == before


def test_an_issued_credit_note_is_frozen(uow, ctx, customer):
    note = gesture(uow, ctx, customer.id, line("10.00"), today=DAY)
    before = snapshot(uow, ctx)
    with pytest.raises(DocumentFrozen):
        documents.update_document(uow, ctx, note.id, lines=[line("1.00")])
    with pytest.raises(InvalidTransition):
        documents.delete_draft(uow, ctx, note.id)
    with pytest.raises(InvalidTransition):
        documents.cancel_document(uow, ctx, note.id)
    assert snapshot(uow, ctx) == before


def test_a_draft_credit_note_is_numbered_only_when_issued_and_rechecked_then(uow, ctx, customer):
    invoice = chairs_invoice(uow, ctx, customer.id)
    first = credits.credit_invoice(uow, ctx, invoice.id, lines=[(1, D("8"))], issue=False, apply_to_origin=False)
    second = credits.credit_invoice(uow, ctx, invoice.id, lines=[(1, D("8"))], issue=False, apply_to_origin=False)
    assert first.document.number is None and first.document.state is State.DRAFT
    issued = documents.validate_document(uow, ctx, second.id, today=DAY)
    assert issued.document.number == "AV-2026-00001"
    before = snapshot(uow, ctx)
    with pytest.raises(OverCreditQuantity):  # only 4 chairs are left to credit now
        documents.validate_document(uow, ctx, first.id, today=DAY)
    assert snapshot(uow, ctx) == before


def test_a_draft_credit_note_whose_lines_were_edited_away_from_the_invoice_is_refused(uow, ctx, customer):
    invoice = chairs_invoice(uow, ctx, customer.id)
    draft = credits.credit_invoice(uow, ctx, invoice.id, lines=[(1, D("1"))], issue=False)
    documents.update_document(uow, ctx, draft.id, lines=[line("85.50", qty="1", designation="Autre chose")])
    with pytest.raises(CreditLinesMismatch):
        documents.validate_document(uow, ctx, draft.id, today=DAY)
    documents.update_document(uow, ctx, draft.id, lines=[line("85.50", qty="1", designation="Chaise paillée")])
    assert documents.validate_document(uow, ctx, draft.id, today=DAY).document.number == "AV-2026-00001"


def test_a_credit_note_is_never_settled_by_a_payment(uow, ctx, customer):
    note = gesture(uow, ctx, customer.id, line("10.00"), today=DAY)
    receipt = pay(uow, ctx, customer.id, "12.00")
    with pytest.raises(InvalidTransition):
        payments.allocate(uow, ctx, payment_id=receipt.id, document_id=note.id, amount=eur("12.00"))
