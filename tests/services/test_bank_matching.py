"""Candidates for bank lines, read from the ledger through the service (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, update
from stdnum.iso7064 import mod_97_10

from acompte.domain.banking.matching import CandidateKind, MatchReason
from acompte.domain.documents import Flow, Kind
from acompte.domain.errors import NotFound
from acompte.domain.money import Money
from acompte.domain.payments import Direction
from acompte.persistence.bank_rows import BankMatchPaymentRow, BankMatchRow
from acompte.persistence.rows import DocumentRow
from acompte.services import deposits, parties, payments
from acompte.services.banking import matching
from tests.bank_helpers import bank_line
from tests.helpers import line, pay, validated

IBAN = "FR7630006000011234567890189"


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def codes(view: matching.CandidateView) -> set[str]:
    return {r.code for r in view.reasons}


def invoice(uow, ctx, party_id, net="100.00", flow=Flow.SALE):
    return validated(uow, ctx, party_id, line(net), flow=flow)


def spaced(number: str) -> str:
    return number.lower().replace("-", " ")


def test_a_customer_paying_an_invoice_with_its_number_in_the_label_is_certain(uow, ctx, customer):
    other = invoice(uow, ctx, customer.id)
    paid = invoice(uow, ctx, customer.id)
    found = bank_line(uow, ctx, "120.00", label=f"VIR SEPA DUPONT {spaced(paid.document.number)}")
    best, *rest = matching.candidates(uow, ctx, found.id)
    assert best.kind is CandidateKind.DOCUMENT and best.certain
    assert [d.number for d in best.documents] == [paid.document.number]
    assert {MatchReason.NUMBER_IN_TEXT.value, MatchReason.EXACT_AMOUNT.value} <= codes(best)
    assert best.allocations[0].amount == eur("120.00") and best.party_name == customer.name
    assert [c.documents[0].id for c in rest] == [other.id] and not rest[0].certain


def test_a_transfer_with_an_rf_reference_names_its_invoice(uow, ctx, customer):
    paid = invoice(uow, ctx, customer.id, "50.00")
    body = paid.document.number.replace("-", "")
    reference = "RF" + mod_97_10.calc_check_digits(body + "RF") + body
    grouped = " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))
    found = bank_line(uow, ctx, "60.00", reference=grouped, label="VIREMENT")
    (best,) = matching.candidates(uow, ctx, found.id)
    assert best.certain and MatchReason.STRUCTURED_REFERENCE.value in codes(best)
    reason = next(r for r in best.reasons if r.code == MatchReason.STRUCTURED_REFERENCE.value)
    assert reason.params == {"reference": reference, "number": paid.document.number}


def test_a_payer_recognised_only_by_a_known_iban_comes_first(uow, ctx, customer):
    stranger = parties.create_party(uow, ctx, name="Martin")
    theirs = invoice(uow, ctx, stranger.id, "75.00")
    ours = invoice(uow, ctx, customer.id, "75.00")
    with uow:
        uow.party_banks.add(ctx.company_id, customer.id, IBAN)
        uow.commit()
    spaced_iban = " ".join(IBAN[i : i + 4] for i in range(0, len(IBAN), 4)).lower()
    found = bank_line(uow, ctx, "90.00", label="VIR INST", counterparty_iban=spaced_iban, counterparty_name="X")
    best, second = matching.candidates(uow, ctx, found.id)
    assert best.documents[0].id == ours.id and MatchReason.KNOWN_IBAN.value in codes(best)
    assert second.documents[0].id == theirs.id and best.score > second.score
    assert not best.certain  # an IBAN and an amount are no reference


def test_two_invoices_of_one_party_paid_together_are_combined(uow, ctx, customer):
    first = invoice(uow, ctx, customer.id, "100.00")
    invoice(uow, ctx, customer.id, "70.00")
    third = invoice(uow, ctx, customer.id, "30.00")
    found = bank_line(uow, ctx, "156.00", label="VIREMENT CLIENT DUPONT", counterparty_name="CLIENT DUPONT")
    best = matching.candidates(uow, ctx, found.id)[0]
    assert best.kind is CandidateKind.DOCUMENTS and {d.id for d in best.documents} == {first.id, third.id}
    assert {MatchReason.COMBINED_AMOUNT.value, MatchReason.PARTY_NAME.value} <= codes(best)
    assert sum((a.amount for a in best.allocations), eur("0.00")) == eur("156.00") and not best.certain
    named = bank_line(uow, ctx, "156.00", label=f"{first.document.number} {third.document.number}")
    best = matching.candidates(uow, ctx, named.id)[0]
    assert best.kind is CandidateKind.DOCUMENTS and best.certain


def test_a_card_settlement_covers_three_card_payments_less_a_fee(uow, ctx, customer):
    day = bank_line(uow, ctx, "1.00").booking_date
    cards = [
        payments.record_payment(
            uow, ctx, party_id=customer.id, amount=eur(a), method="card", payment_date=day - timedelta(days=1)
        )
        for a in ("100.00", "200.00", "300.00")
    ]
    found = bank_line(uow, ctx, "592.80", label="REMISE CB 0012")
    best = matching.candidates(uow, ctx, found.id)[0]
    assert best.kind is CandidateKind.PAYMENTS and best.fee == eur("7.20") and not best.certain
    assert {p.id for p in best.payments} == {c.id for c in cards}
    assert MatchReason.AMOUNT_WITH_FEE.value in codes(best)


def test_a_supplier_direct_debit_matches_a_purchase_invoice_by_its_supplier_number(uow, ctx, supplier):
    bought = invoice(uow, ctx, supplier.id, "200.00", flow=Flow.PURCHASE)
    invoice(uow, ctx, supplier.id, "200.00", flow=Flow.PURCHASE)
    with uow:
        uow.session.execute(
            update(DocumentRow)
            .where(DocumentRow.company_id == ctx.company_id, DocumentRow.id == bought.id)
            .values(supplier_reference="F-2026/118")
        )
        uow.commit()
    found = bank_line(uow, ctx, "-240.00", label="PRLV SEPA FOURNISSEUR BOIS FACT F2026 118")
    best, second = matching.candidates(uow, ctx, found.id)
    assert best.documents[0].id == bought.id and best.certain
    assert {MatchReason.SUPPLIER_REFERENCE.value, MatchReason.DIRECTION.value} <= codes(best)
    assert not second.certain
    assert matching.candidates(uow, ctx, bank_line(uow, ctx, "240.00").id) == []  # money in never pays a supplier


def test_a_debit_refunds_a_customers_overpayment(uow, ctx, customer):
    owed = invoice(uow, ctx, customer.id, "100.00")
    overpaid = pay(uow, ctx, customer.id, "150.00", (owed.id, "120.00"), method="transfer")
    found = bank_line(uow, ctx, "-30.00", label="REMBOURSEMENT TROP PERCU")
    (best,) = [c for c in matching.candidates(uow, ctx, found.id) if c.kind is CandidateKind.REFUND]
    assert [p.id for p in best.payments] == [overpaid.id] and not best.certain


def test_a_refund_typed_by_hand_is_a_payment_candidate(uow, ctx, customer):
    refund = payments.record_payment(
        uow, ctx, party_id=customer.id, amount=eur("45.00"), method="transfer", direction=Direction.OUT
    )
    found = bank_line(uow, ctx, "-45.00", label=f"VIR {refund.payment.number}")
    best = matching.candidates(uow, ctx, found.id)[0]
    assert best.kind is CandidateKind.PAYMENT and best.certain and best.payments[0].id == refund.id


def test_a_payment_already_reconciled_is_not_proposed_again(uow, ctx, customer, app):
    typed = payments.record_payment(uow, ctx, party_id=customer.id, amount=eur("33.00"), method="transfer")
    first = bank_line(uow, ctx, "33.00")
    with uow:
        match = BankMatchRow(company_id=ctx.company_id, line_id=first.id, reasons=[], created_at=uow.clock.now())
        uow.session.add(match)
        uow.session.flush()
        uow.session.add(BankMatchPaymentRow(match_id=match.id, payment_id=typed.id, company_id=ctx.company_id))
        uow.commit()
    found = bank_line(uow, ctx, "33.00")
    assert all(typed.id not in {p.id for p in c.payments} for c in matching.candidates(uow, ctx, found.id))


def test_a_deposit_asked_on_an_order_is_expected(uow, ctx, customer):
    order = validated(uow, ctx, customer.id, line("1000.00"), kind=Kind.ORDER)
    deposits.request_deposit(uow, ctx, order.id, percent="30")
    found = bank_line(uow, ctx, "360.00", label=f"ACOMPTE {order.document.number}")
    best = matching.candidates(uow, ctx, found.id)[0]
    assert best.kind is CandidateKind.DEPOSIT and best.certain and best.documents[0].id == order.id
    assert MatchReason.EXPECTED_DEPOSIT.value in codes(best)
    pay(uow, ctx, customer.id, "360.00", (order.id, "360.00"))
    assert all(c.kind is not CandidateKind.DEPOSIT for c in matching.candidates(uow, ctx, found.id))


def test_an_amount_with_no_candidate_is_an_empty_list(uow, ctx, customer):
    invoice(uow, ctx, customer.id)
    assert matching.candidates(uow, ctx, bank_line(uow, ctx, "9999.99").id) == []


def test_another_companys_documents_are_never_proposed(uow, ctx, other_ctx):
    foreign_party = parties.create_party(uow, other_ctx, name="Client Dupont")
    theirs = invoice(uow, other_ctx, foreign_party.id)
    found = bank_line(uow, ctx, "120.00", label=theirs.document.number)
    assert matching.candidates(uow, ctx, found.id) == []
    with pytest.raises(NotFound):
        matching.candidates(uow, other_ctx, found.id)


def test_proposals_give_each_open_line_its_best_candidates(uow, ctx, customer):
    paid = invoice(uow, ctx, customer.id)
    found = bank_line(uow, ctx, "120.00", label=paid.document.number)
    lost = bank_line(uow, ctx, "1.23")
    proposed = dict((line.id, best) for line, best in matching.proposals(uow, ctx))
    assert proposed[lost.id] == []
    assert proposed[found.id][0].candidate == matching.candidates(uow, ctx, found.id)[0].candidate


def _statements(app, call):  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(app.engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(app.engine, "before_cursor_execute", count)
    return len(seen)


def test_a_lines_candidates_cost_the_same_statements_whatever_the_ledgers_size(app, uow, ctx, customer):
    paid = invoice(uow, ctx, customer.id)
    found = bank_line(uow, ctx, "120.00", label=paid.document.number, counterparty_name="Client Dupont")
    small = _statements(app, lambda: matching.candidates(uow, ctx, found.id))
    for net in ("100.00", "10.00", "20.00", "30.00", "40.00", "55.00"):
        pay(uow, ctx, customer.id, "5.00", (invoice(uow, ctx, customer.id, net).id, "5.00"), method="transfer")
    assert _statements(app, lambda: matching.candidates(uow, ctx, found.id)) == small


def test_proposals_and_candidates_agree_line_by_line(uow, ctx, customer, supplier):
    first, second = invoice(uow, ctx, customer.id, "100.00"), invoice(uow, ctx, customer.id, "30.00")
    bought = invoice(uow, ctx, supplier.id, "200.00", flow=Flow.PURCHASE)
    overpaid = pay(uow, ctx, customer.id, "20.00", method="transfer")
    day = bank_line(uow, ctx, "0.01").booking_date
    for amount in ("10.00", "20.00"):
        payments.record_payment(uow, ctx, party_id=customer.id, amount=eur(amount), method="card", payment_date=day)
    lines = [
        bank_line(uow, ctx, "120.00", label=first.document.number),
        bank_line(uow, ctx, "156.00", counterparty_name="CLIENT DUPONT"),
        bank_line(uow, ctx, "36.00"),
        bank_line(uow, ctx, "-240.00", label=f"PRLV {bought.document.number}"),
        bank_line(uow, ctx, "-20.00", label=f"REMB {overpaid.payment.number}"),
        bank_line(uow, ctx, "29.70", label="REMISE CB"),
        bank_line(uow, ctx, "777.77"),
    ]
    proposed = {line.id: [c.candidate for c in best] for line, best in matching.proposals(uow, ctx, per_line=5)}
    for found in lines:
        assert proposed[found.id] == [c.candidate for c in matching.candidates(uow, ctx, found.id)], found.label
    assert proposed[lines[-1].id] == [] and second.id in proposed[lines[2].id][0].document_ids
