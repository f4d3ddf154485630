"""Confirming a bank line records the payment it stands for through the ledger (or links payments typed by
hand), undoing restores both sides and keeps the history, and a line is reconciled at most once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.banking.confirmation import Confirmation
from acompte.domain.banking.errors import (
    BankAmountMismatch,
    BankConfirmationIncomplete,
    BankLineNotOpen,
    BankMatchNotFound,
    BankPaymentMismatch,
)
from acompte.domain.banking.lines import LineState
from acompte.domain.credits import CreditRef, Excess
from acompte.domain.errors import AboveWriteOffThreshold, ExportedPaymentLocked, OverAllocation, StaleVersion
from acompte.domain.money import Money
from acompte.domain.payments import Direction, PaymentState
from acompte.services import companies, credits, exports, history, payments, positions
from acompte.services.banking import reconciliation
from acompte.services.ports import Ctx, UnitOfWork
from tests.bank_confirm_helpers import document_candidate, payments_candidate
from tests.bank_helpers import bank_line
from tests.helpers import line, validated

D = Decimal
IBAN = "FR7630006000011234567890189"


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def today() -> date:
    return date.today()


def state_of(uow: UnitOfWork, ctx: Ctx, line_id: int) -> LineState:
    with uow:
        found = uow.bank.line(ctx.company_id, line_id)
    assert found is not None
    return found.state


def balance(uow: UnitOfWork, ctx: Ctx, document_id: int) -> Decimal:
    with uow:
        return positions.balance_due(uow, ctx, uow.documents.get(ctx.company_id, document_id)).amount


def payment_count(uow: UnitOfWork, ctx: Ctx, party_id: int) -> int:
    return len(payments.list_payments(uow, ctx, party_id=party_id, state=PaymentState.ACTIVE))


def test_a_transfer_confirmed_from_its_candidate_records_the_payment_and_reconciles_the_line(uow, ctx, customer):
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    received = bank_line(
        uow, ctx, "120.00", booking_date=today(), reference=f"FACTURE {invoice.document.number}", counterparty_iban=IBAN
    )
    done = reconciliation.confirm(
        uow, ctx, received.id, Confirmation.from_candidate(document_candidate(customer.id, invoice.id, "120.00"))
    )
    (payment_id,) = done.recorded
    view = payments.get_payment(uow, ctx, payment_id)
    assert view.payment.method == "transfer" and view.payment.direction is Direction.IN
    assert view.payment.amount == eur("120.00") and view.payment.payment_date == today()
    assert (
        view.payment.account_id == received.account_id
        and view.payment.reference == f"FACTURE {invoice.document.number}"
    )
    assert balance(uow, ctx, invoice.id) == D("0.00")
    assert state_of(uow, ctx, received.id) is LineState.RECONCILED
    with uow:
        match = uow.bank_matches.get(ctx.company_id, done.match_id)
        learned = uow.party_banks.of_party(ctx.company_id, customer.id)
    assert match is not None and match.score == 60 and not match.undone
    assert [r["reason"] for r in match.reasons] == ["number-in-text", "exact-amount"]
    assert [(a.iban, a.source) for a in learned] == [(IBAN, "learned")]
    kinds = [e.kind for e in history.payment_history(uow, ctx, payment_id)]
    assert "BankLineReconciled" in kinds


def test_a_line_paying_more_than_its_documents_follows_the_excess_choice(uow, ctx, customer):
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    received = bank_line(uow, ctx, "150.00", booking_date=today())
    confirmation = Confirmation(
        party_id=customer.id, allocations=((invoice.id, eur("120.00")),), excess=Excess.REFUND, refund_method="transfer"
    )
    done = reconciliation.confirm(uow, ctx, received.id, confirmation)
    (refund,) = credits.list_refunds(uow, ctx, source=CreditRef.payment(done.recorded[0]))
    assert refund.amount == eur("30.00")
    assert payments.get_payment(uow, ctx, refund.payment_id).payment.direction is Direction.OUT
    reconciliation.undo(uow, ctx, done.match_id)
    cancelled = {payments.get_payment(uow, ctx, p).payment.state for p in (done.recorded[0], refund.payment_id)}
    assert cancelled == {PaymentState.CANCELLED}
    assert balance(uow, ctx, invoice.id) == D("120.00")


def test_a_small_shortfall_is_written_off_at_receipt_within_the_threshold(uow, ctx, customer):
    companies.update_settings(uow, ctx, {"write_off_threshold": "1.00"})
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    received = bank_line(uow, ctx, "119.98", booking_date=today())
    confirmation = Confirmation(
        party_id=customer.id, allocations=((invoice.id, eur("119.98")),), write_off_shortfall=True
    )
    reconciliation.confirm(uow, ctx, received.id, confirmation)
    assert balance(uow, ctx, invoice.id) == D("0.00")
    short = bank_line(uow, ctx, "110.00", booking_date=today())
    other = validated(uow, ctx, customer.id, line("100.00"))
    refused = Confirmation(party_id=customer.id, allocations=((other.id, eur("110.00")),), write_off_shortfall=True)
    with pytest.raises(AboveWriteOffThreshold):
        reconciliation.confirm(uow, ctx, short.id, refused)
    assert state_of(uow, ctx, short.id) is LineState.OPEN and balance(uow, ctx, other.id) == D("120.00")


def test_an_over_allocation_is_refused_and_nothing_is_written(uow, ctx, customer):
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    received = bank_line(uow, ctx, "50.00", booking_date=today(), counterparty_iban=IBAN)
    with pytest.raises(OverAllocation):
        reconciliation.confirm(
            uow, ctx, received.id, Confirmation(party_id=customer.id, allocations=((invoice.id, eur("60.00")),))
        )
    assert state_of(uow, ctx, received.id) is LineState.OPEN
    assert payment_count(uow, ctx, customer.id) == 0
    with uow:
        assert list(uow.party_banks.of_party(ctx.company_id, customer.id)) == []


def test_a_direct_debit_pays_a_supplier_with_the_debit_method(uow, ctx, supplier):
    from acompte.domain.documents import Flow

    bill = validated(uow, ctx, supplier.id, line("50.00"), flow=Flow.PURCHASE)
    debit = bank_line(uow, ctx, "-60.00", booking_date=today(), transaction_code="PMNT-IDDT-ESDD", label="PRLV SEPA")
    done = reconciliation.confirm(
        uow, ctx, debit.id, Confirmation(party_id=supplier.id, allocations=((bill.id, eur("60.00")),))
    )
    view = payments.get_payment(uow, ctx, done.recorded[0])
    assert (view.payment.method, view.payment.direction) == ("sepa_debit", Direction.OUT)
    assert balance(uow, ctx, bill.id) == D("0.00")


def test_card_payments_typed_by_hand_are_linked_with_the_bank_fee(uow, ctx, customer):
    account = bank_line(uow, ctx, "1.00").account_id
    typed = [
        payments.record_payment(uow, ctx, party_id=customer.id, amount=eur(a), method="card", account_id=account)
        for a in ("50.00", "30.00")
    ]
    settlement = bank_line(uow, ctx, "78.50", booking_date=today(), transaction_code="PMNT-CCRD-SETT")
    wrong = payments_candidate(customer.id, tuple(p.id for p in typed), "78.50", "1.00")
    with pytest.raises(BankAmountMismatch):
        reconciliation.confirm(uow, ctx, settlement.id, Confirmation.from_candidate(wrong))
    candidate = payments_candidate(customer.id, tuple(p.id for p in typed), "78.50", "1.50")
    done = reconciliation.confirm(uow, ctx, settlement.id, Confirmation.from_candidate(candidate))
    assert done.recorded == () and set(done.linked) == {p.id for p in typed} and done.fee == eur("1.50")
    other = bank_line(uow, ctx, "50.00", booking_date=today())
    with pytest.raises(BankPaymentMismatch):  # already on the settlement's line
        reconciliation.confirm(uow, ctx, other.id, Confirmation(payment_ids=(typed[0].id,)))
    reconciliation.undo(uow, ctx, done.match_id)
    assert {payments.get_payment(uow, ctx, p.id).payment.state for p in typed} == {PaymentState.ACTIVE}
    assert state_of(uow, ctx, settlement.id) is LineState.OPEN
    assert "BankMatchUndone" in [e.kind for e in history.payment_history(uow, ctx, typed[0].id)]


def test_a_confirmation_must_say_what_the_line_stands_for(uow, ctx, customer):
    received = bank_line(uow, ctx, "10.00")
    with pytest.raises(BankConfirmationIncomplete):
        reconciliation.confirm(uow, ctx, received.id, Confirmation())
    with pytest.raises(BankConfirmationIncomplete):
        reconciliation.confirm(uow, ctx, received.id, Confirmation(party_id=customer.id, payment_ids=(1,)))


def test_a_line_is_reconciled_once_and_from_the_version_seen(uow, ctx, customer):
    received = bank_line(uow, ctx, "80.00", booking_date=today())
    with pytest.raises(StaleVersion):
        reconciliation.confirm(uow, ctx, received.id, Confirmation(party_id=customer.id), received.version + 1)
    reconciliation.confirm(uow, ctx, received.id, Confirmation(party_id=customer.id), received.version)
    with pytest.raises(BankLineNotOpen):
        reconciliation.confirm(uow, ctx, received.id, Confirmation(party_id=customer.id))
    assert payment_count(uow, ctx, customer.id) == 1


def test_undo_cancels_what_it_recorded_and_keeps_the_match(uow, ctx, customer):
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    received = bank_line(uow, ctx, "120.00", booking_date=today())
    done = reconciliation.confirm(
        uow, ctx, received.id, Confirmation(party_id=customer.id, allocations=((invoice.id, eur("120.00")),))
    )
    reconciliation.undo(uow, ctx, done.match_id)
    assert balance(uow, ctx, invoice.id) == D("120.00")
    assert payments.get_payment(uow, ctx, done.recorded[0]).payment.state is PaymentState.CANCELLED
    assert state_of(uow, ctx, received.id) is LineState.OPEN
    with uow:
        match = uow.bank_matches.get(ctx.company_id, done.match_id)
    assert match is not None and match.undone
    with pytest.raises(BankMatchNotFound):
        reconciliation.undo(uow, ctx, done.match_id)
    again = reconciliation.confirm(uow, ctx, received.id, Confirmation(party_id=customer.id))
    assert again.match_id != done.match_id


def test_undo_of_an_exported_payment_is_refused_and_changes_nothing(uow, ctx, customer):
    received = bank_line(uow, ctx, "40.00", booking_date=today())
    done = reconciliation.confirm(uow, ctx, received.id, Confirmation(party_id=customer.id))
    exports.run_export(uow, ctx, date_from=today().replace(day=1), date_to=today())
    with pytest.raises(ExportedPaymentLocked):
        reconciliation.undo(uow, ctx, done.match_id)
    assert state_of(uow, ctx, received.id) is LineState.RECONCILED
    with uow:
        match = uow.bank_matches.get(ctx.company_id, done.match_id)
    assert match is not None and not match.undone


def test_an_ignored_line_can_be_brought_back(uow, ctx, customer):
    fee = bank_line(uow, ctx, "-12.00", label="FRAIS TENUE DE COMPTE")
    ignored = reconciliation.ignore(uow, ctx, fee.id, reason="frais déjà comptabilisés")
    assert ignored.state is LineState.IGNORED
    with pytest.raises(BankLineNotOpen):
        reconciliation.confirm(uow, ctx, fee.id, Confirmation(party_id=customer.id))
    assert reconciliation.unignore(uow, ctx, fee.id).state is LineState.OPEN
    with pytest.raises(BankLineNotOpen):
        reconciliation.unignore(uow, ctx, fee.id)


def test_another_company_cannot_confirm_or_undo(uow, ctx, other_ctx, customer):
    from acompte.domain.errors import NotFound

    received = bank_line(uow, ctx, "10.00")
    with pytest.raises(NotFound):
        reconciliation.confirm(uow, other_ctx, received.id, Confirmation(party_id=customer.id))
    done = reconciliation.confirm(uow, ctx, received.id, Confirmation(party_id=customer.id))
    with pytest.raises(NotFound):
        reconciliation.undo(uow, other_ctx, done.match_id)


def test_auto_reconcile_confirms_only_certain_candidates_and_only_when_turned_on(uow, ctx, customer):
    sure = validated(uow, ctx, customer.id, line("100.00"))
    unsure = validated(uow, ctx, customer.id, line("50.00"))
    first = bank_line(uow, ctx, "120.00", booking_date=today())
    second = bank_line(uow, ctx, "60.00", booking_date=today())
    proposals = {
        first.id: [document_candidate(customer.id, sure.id, "120.00", certain=True)],
        second.id: [document_candidate(customer.id, unsure.id, "60.00")],
    }

    def source(_uow: UnitOfWork, _ctx: Ctx, line_id: int) -> list:  # type: ignore[type-arg]
        return proposals.get(line_id, [])

    assert reconciliation.auto_reconcile(uow, ctx, candidates=source).reconciled == ()
    companies.update_settings(uow, ctx, {reconciliation.AUTO_RECONCILE_SETTING: True})
    result = reconciliation.auto_reconcile(uow, ctx, first.account_id, candidates=source)
    assert [r.line_id for r in result.reconciled] == [first.id]
    assert state_of(uow, ctx, second.id) is LineState.OPEN and balance(uow, ctx, sure.id) == D("0.00")
    with uow:
        match = uow.bank_matches.get(ctx.company_id, result.reconciled[0].match_id)
    assert match is not None and match.origin == "auto"


def test_auto_reconcile_with_the_matcher_reconciles_a_transfer_quoting_its_invoice(uow, ctx, customer):
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    quoted = bank_line(
        uow, ctx, "120.00", booking_date=today(), reference=f"Facture {invoice.document.number}", label="VIR DUPONT"
    )
    vague = bank_line(uow, ctx, "33.00", booking_date=today(), label="VIR INCONNU")
    companies.update_settings(uow, ctx, {reconciliation.AUTO_RECONCILE_SETTING: True})
    result = reconciliation.auto_reconcile(uow, ctx, quoted.account_id)
    assert [r.line_id for r in result.reconciled] == [quoted.id]
    assert state_of(uow, ctx, vague.id) is LineState.OPEN and balance(uow, ctx, invoice.id) == D("0.00")


def test_a_debit_paying_back_a_customer_s_credit_records_the_refund(uow, ctx, customer):
    overpaid = payments.record_payment(uow, ctx, party_id=customer.id, amount=eur("70.00"), method="cheque")
    back = bank_line(uow, ctx, "-70.00", booking_date=today())
    done = reconciliation.confirm(uow, ctx, back.id, Confirmation(party_id=customer.id, refund_of=overpaid.id))
    refund = payments.get_payment(uow, ctx, done.recorded[0])
    assert refund.payment.direction is Direction.OUT and refund.payment.account_id == back.account_id
    reconciliation.undo(uow, ctx, done.match_id)
    assert payments.get_payment(uow, ctx, done.recorded[0]).payment.state is PaymentState.CANCELLED


def test_auto_reconcile_leaves_two_lines_sure_of_the_same_invoice_to_the_clerk(uow, ctx, customer):
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    first = bank_line(uow, ctx, "120.00", booking_date=today())
    second = bank_line(uow, ctx, "120.00", booking_date=today())

    def source(_uow: UnitOfWork, _ctx: Ctx, line_id: int) -> list:  # type: ignore[type-arg]
        return [document_candidate(customer.id, invoice.id, "120.00", certain=True)]

    companies.update_settings(uow, ctx, {reconciliation.AUTO_RECONCILE_SETTING: True})
    result = reconciliation.auto_reconcile(uow, ctx, candidates=source)
    assert result.reconciled == () and result.examined == 2
    assert state_of(uow, ctx, first.id) is LineState.OPEN and state_of(uow, ctx, second.id) is LineState.OPEN
