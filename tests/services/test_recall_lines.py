"""A deposit recall line typed on a final invoice (−1 × 300.00 HT, AC-10) is a deduction like any other; refused on
other documents, beyond the deposit, or naming no deposit invoice of the order. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.errors import DeductionExceedsDeposit, InvalidLine, NegativeQuantity, Reason
from acompte.domain.money import Money
from acompte.services import companies, deposits, documents, exports, positions, printing
from tests.services.test_settlement_wiring import TABLE, deposit_invoice, order, rows

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def recall(number: str, net: str = "300.00") -> LineInput:
    return LineInput(f"Acompte déjà facturé {number}", D(-1), D(net), D(20))


@pytest.fixture
def manual(uow, ctx):  # type: ignore[no-untyped-def]
    """Deductions made by hand: nothing is deducted until the clerk says so."""
    companies.update_settings(uow, ctx, {"deposits": {"deduct_all": False}})


def test_a_typed_recall_line_is_the_deduction_of_the_deposit_invoice_it_names(uow, ctx, customer, manual):
    cmd = order(uow, ctx, customer.id, TABLE)
    deposit = deposit_invoice(uow, ctx, cmd.id, "30", issued_on=date(2026, 2, 2), paid_on=date(2026, 2, 5))
    number = deposit.document.document.number
    draft = deposits.create_final_invoice(uow, ctx, cmd.id)
    assert draft.deducted.is_zero
    documents.update_document(uow, ctx, draft.invoice.id, lines=[TABLE, recall(number)])

    view = documents.get_document(uow, ctx, draft.invoice.id)
    assert [line.designation for line in view.document.lines] == ["Table en chêne"]  # a deduction, not a line
    position = positions.position_of_id(uow, ctx, draft.invoice.id)
    assert (position.total, position.deducted, position.net_to_pay) == (eur("1200.00"), eur("360.00"), eur("840.00"))
    issued = documents.validate_document(uow, ctx, draft.invoice.id, today=date(2026, 3, 16))
    assert issued.settlement.deducted == eur("360.00")
    assert [d.amount for d in printing.printable_document(uow, ctx, issued.id).deducted] == [eur("360.00")]
    result = exports.run_export(uow, ctx, date_from=date(2026, 2, 1), date_to=date(2026, 3, 31))
    assert [(p.entry.journal.value, rows(p)) for p in result.posted][1:] == [
        ("VE", [("411", "1200.00", ""), ("707", "", "1000.00"), ("44571", "", "200.00")]),
        ("OD", [("4191", "300.00", ""), ("44571", "60.00", ""), ("411", "", "360.00")]),
    ]


def test_with_the_deduction_line_encoding_a_typed_recall_makes_the_ac10_entry(uow, ctx, customer, manual):
    companies.update_settings(uow, ctx, {"einvoicing": {"deduction_encoding": "deduction_line"}})
    cmd = order(uow, ctx, customer.id, TABLE)
    deposit = deposit_invoice(uow, ctx, cmd.id, "30", issued_on=date(2026, 2, 2), paid_on=date(2026, 2, 5))
    final = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, origin_id=cmd.id,
        lines=[TABLE, recall(deposit.document.document.number)],
    )  # fmt: skip
    documents.validate_document(uow, ctx, final.id, today=date(2026, 3, 16))
    result = exports.run_export(uow, ctx, date_from=date(2026, 2, 1), date_to=date(2026, 3, 31))
    assert rows(result.posted[-1]) == [("411", "840.00", ""), ("4191", "300.00", ""), ("707", "", "1000.00"),
                                       ("44571", "", "140.00")]  # fmt: skip


def test_a_recall_line_is_refused_beyond_the_deposit_or_unmatched_or_off_a_final_invoice(uow, ctx, customer, manual):
    cmd = order(uow, ctx, customer.id, TABLE)
    deposit = deposit_invoice(uow, ctx, cmd.id, "30", issued_on=date(2026, 2, 2), paid_on=date(2026, 2, 5))
    number = deposit.document.document.number
    second = deposit_invoice(uow, ctx, cmd.id, "10", issued_on=date(2026, 2, 6), paid_on=date(2026, 2, 6))
    draft = deposits.create_final_invoice(uow, ctx, cmd.id)
    with pytest.raises(DeductionExceedsDeposit):
        documents.update_document(uow, ctx, draft.invoice.id, lines=[TABLE, recall(number, "400.00")])
    with pytest.raises(InvalidLine) as mismatch:
        documents.update_document(uow, ctx, draft.invoice.id, lines=[TABLE, LineInput(f"Acompte {number}", D(-1),
                                                                                      D("300.00"), D(10))])  # fmt: skip
    assert mismatch.value.params["reason"] is Reason.RECALL_MISMATCH
    assert positions.position_of_id(uow, ctx, draft.invoice.id).deducted.is_zero  # nothing kept of a refusal
    with pytest.raises(NegativeQuantity):
        documents.create_document(uow, ctx, kind=Kind.ORDER, flow=Flow.SALE, party_id=customer.id,
                                  lines=[TABLE, recall(number)])  # fmt: skip
    lone = documents.create_document(uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[TABLE])
    with pytest.raises(NegativeQuantity):  # no deposit invoice to recall: a refund is a credit note
        documents.update_document(uow, ctx, lone.id, lines=[TABLE, recall("FA-0000")])
    with pytest.raises(InvalidLine) as unknown:  # two deposit invoices and the line names neither
        documents.update_document(uow, ctx, draft.invoice.id, lines=[TABLE, recall("FA-0000")])
    assert unknown.value.params["reason"] is Reason.RECALL_DEPOSIT_UNKNOWN
    assert second.document.document.number in unknown.value.params["deposits"]
