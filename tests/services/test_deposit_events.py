"""The deposit facts are typed, and each is stored as the JSON the history pages, the API and the exports read:
amounts as decimal strings, rates written out in full, before/after pairs. No database here."""

from decimal import Decimal

from acompte.domain.deposit_events import (
    DeductionRemoved,
    DepositCarried,
    DepositDeducted,
    DepositInvoiceMoved,
    DepositInvoicePrepared,
    DepositNotDeducted,
    DepositRequested,
    DepositReturned,
    DepositReversed,
    ExchangeRateSet,
    ItemDepositPercentSet,
)
from acompte.domain.deposits import DeductionWarning, DeductionWarningCode
from acompte.domain.documents import Kind
from acompte.domain.events import EventKind
from acompte.domain.money import Money
from acompte.domain.vat import VatLine


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


SPLIT = (VatLine(Decimal("20"), eur("250.00"), eur("50.00")), VatLine(Decimal("5.5"), eur("94.79"), eur("5.21")))


def test_a_deduction_is_one_fact_stored_on_the_invoice_with_its_vat_and_the_net_to_pay_before_and_after():
    event = DepositDeducted(
        company_id=1,
        document_id=7,
        party_id=3,
        deposit_invoice_id=5,
        deposit_number="FAC-2026-00001",
        amount=eur("400.00"),
        automatic=True,
        breakdown=SPLIT,
        net_to_pay_before=eur("1200.00"),
        invoice_number=None,
    )
    stored = event.record()
    assert (stored.kind, stored.company_id, stored.document_id, stored.party_id, stored.payment_id) == (
        EventKind.DEPOSIT_DEDUCTED,
        1,
        7,
        3,
        None,
    )
    assert stored.data == {
        "deposit_invoice_id": 5,
        "deposit_number": "FAC-2026-00001",
        "amount": "400.00",
        "automatic": True,
        "breakdown": [
            {"rate": "20", "net": "250.00", "vat": "50.00"},
            {"rate": "5.5", "net": "94.79", "vat": "5.21"},
        ],
        "net_to_pay": {"before": "1200.00", "after": "800.00"},
        "invoice_number": None,
    }


def test_a_rate_is_written_out_in_full_never_in_exponent_form():
    prepared = DepositInvoicePrepared(
        company_id=1,
        document_id=2,
        gross=eur("120.00"),
        basis="percent",
        percent=Decimal("10"),
        origin_number="CO-2026-00001",
        breakdown=(VatLine(Decimal("2E+1"), eur("100.00"), eur("20.00")),),
    )
    assert prepared.payload() == {
        "gross": "120.00",
        "basis": "percent",
        "percent": "10",
        "origin_number": "CO-2026-00001",
        "breakdown": [{"rate": "20", "net": "100.00", "vat": "20.00"}],
    }


def test_a_request_and_its_removal():
    requested = DepositRequested(
        company_id=1, document_id=2, before=None, amount=eur("360.00"), percent=Decimal("30"), gross=eur("1200.00")
    )
    assert requested.payload() == {
        "before": None,
        "after": {"amount": "360.00", "percent": "30"},
        "gross": "1200.00",
        "net_to_pay": "840.00",
    }
    cleared = DepositRequested(company_id=1, document_id=2, before={"amount": "360.00", "percent": "30"})
    assert cleared.payload() == {"before": {"amount": "360.00", "percent": "30"}, "after": None}


def test_a_reversal_settles_the_unpaid_deposit_or_leaves_the_whole_credit_note_as_a_credit():
    settled = DepositReversed(
        company_id=1,
        document_id=4,
        allocation_id=9,
        amount=eur("40.00"),
        credit_number="AVA-2026-00001",
        deposit_number="FAC-2026-00001",
        deposit_balance_before=eur("100.00"),
        credit_left=eur("0.00"),
    )
    assert settled.payload() == {
        "allocation_id": 9,
        "amount": "40.00",
        "credit_number": "AVA-2026-00001",
        "deposit_number": "FAC-2026-00001",
        "deposit_balance": {"before": "100.00", "after": "60.00"},
        "credit_left": "0.00",
    }
    paid = DepositReversed(
        company_id=1,
        document_id=4,
        allocation_id=None,
        amount=eur("0.00"),
        credit_number="AVA-2026-00001",
        deposit_number="FAC-2026-00001",
        deposit_balance_before=eur("0.00"),
        credit_left=eur("40.00"),
    )
    assert paid.payload() == {
        "amount": "0.00",
        "credit_number": "AVA-2026-00001",
        "deposit_number": "FAC-2026-00001",
        "credit_left": "40.00",
    }


def test_money_that_follows_names_its_payment_as_the_subject_not_in_the_figures():
    carried = DepositCarried(
        company_id=1,
        document_id=2,
        payment_id=8,
        party_id=3,
        amount=eur("100.00"),
        payment_number="REG-2026-00001",
        credit_document_id=None,
        allocation_id=11,
        from_document_id=2,
        from_number="CO-2026-00001",
        to_document_id=6,
        to_kind=Kind.INVOICE,
        to_number=None,
    )
    assert carried.record().payment_id == 8
    assert carried.payload() == {
        "amount": "100.00",
        "payment_number": "REG-2026-00001",
        "credit_document_id": None,
        "allocation_id": 11,
        "from_document_id": 2,
        "from_number": "CO-2026-00001",
        "to_document_id": 6,
        "to_kind": "invoice",
        "to_number": None,
    }
    returned = DepositReturned(
        company_id=1,
        document_id=6,
        payment_id=8,
        amount=eur("60.00"),
        released=eur("40.00"),
        payment_number="REG-2026-00001",
        credit_document_id=None,
        from_document_id=6,
        from_number=None,
        to_document_id=2,
        to_number="CO-2026-00001",
    )
    assert returned.payload() == {
        "amount": "60.00",
        "released": "40.00",
        "payment_number": "REG-2026-00001",
        "credit_document_id": None,
        "from_document_id": 6,
        "from_number": None,
        "to_document_id": 2,
        "to_number": "CO-2026-00001",
    }


def test_attachments_removals_warnings_and_settings():
    moved = DepositInvoiceMoved(
        company_id=1,
        document_id=5,
        origin_before=2,
        origin_after=3,
        document_number="CO-2026-00002",
        deposit_number="FAC-2026-00001",
    )
    assert moved.record().kind is EventKind.DEPOSIT_ATTACHED
    assert moved.payload() == {
        "origin": {"before": 2, "after": 3},
        "document_number": "CO-2026-00002",
        "deposit_number": "FAC-2026-00001",
    }
    removed = DeductionRemoved(
        company_id=1,
        document_id=7,
        deposit_invoice_id=5,
        deposit_number="FAC-2026-00001",
        amount=eur("400.00"),
        invoice_number=None,
        reason="removed by the user",
    )
    assert removed.payload() == {
        "deposit_invoice_id": 5,
        "deposit_number": "FAC-2026-00001",
        "amount": "400.00",
        "invoice_number": None,
        "reason": "removed by the user",
    }
    warning = DeductionWarning(
        DeductionWarningCode.OTHER_PARTY,
        deposit_id=5,
        deposit_number="FAC-2026-00001",
        deposit_party="Alpha",
        invoice_id=7,
        invoice_number=None,
        invoice_party="Beta",
    )
    not_deducted = DepositNotDeducted(company_id=1, document_id=7, warning=warning)
    assert not_deducted.payload() == {
        "warning": warning.message,
        "code": "deposit_of_another_party",
        "params": warning.params,
    }
    rate = ExchangeRateSet(company_id=1, document_id=2, rate_before=None, rate_after=Decimal("1.0850"), currency="USD")
    assert rate.payload() == {"rate": {"before": None, "after": "1.0850"}, "currency": "USD"}
    item = ItemDepositPercentSet(company_id=1, item_id=4, percent_before="30", percent_after=None)
    stored = item.record()
    assert (stored.kind, stored.document_id, stored.data) == (
        "ItemUpdated",
        None,
        {"item_id": 4, "deposit_percent": {"before": "30", "after": None}},
    )
