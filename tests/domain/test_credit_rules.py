"""Domain rules of credits, payment changes and the party account — pure values, no database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acompte.domain.accounts import (
    AgeBucket,
    Aged,
    Movement,
    MovementKind,
    PaymentTerms,
    TermBasis,
    TermPart,
    bucket_of,
    build_statement,
    end_of_month,
    schedule,
)
from acompte.domain.allocations import Settlement
from acompte.domain.credits import (
    CreditStatus,
    CreditUse,
    check_credit_total,
    check_credit_use,
    check_credit_write_off,
    check_overpayment_write_off,
    check_refund,
    credit_lines,
    write_off_threshold,
)
from acompte.domain.documents import Document, Flow, Kind, Line, State
from acompte.domain.errors import (
    AboveWriteOffThreshold,
    AmountBelowAllocated,
    CreditAlreadyWrittenOff,
    CreditFullyUsed,
    CreditMismatch,
    CreditNotIssued,
    CreditWrittenOff,
    DigitalMethodRefused,
    DigitalPaymentLocked,
    ExportedPaymentLocked,
    InvalidPaymentTerms,
    InvalidSetting,
    NotACredit,
    NotCreditable,
    NothingToWriteOff,
    OverCredit,
    OverCreditQuantity,
    OverCreditUse,
    PaymentCancelled,
    RefundAmountLocked,
    RefundTooLarge,
)
from acompte.domain.money import Money
from acompte.domain.payments import (
    Direction,
    Lock,
    Method,
    Payment,
    PaymentChange,
    PaymentState,
    check_cancel,
    check_change,
    editable_fields,
)

D = Decimal


def eur(text):
    return Money.of(text, "EUR")


def use(total="120.00", applied="0.00", refunded="0.00", written_off="0.00"):
    return CreditUse(eur(total), eur(applied), eur(refunded), eur(written_off))


def document(**kw):
    base = dict(
        id=1,
        company_id=1,
        kind=Kind.INVOICE,
        flow=Flow.SALE,
        state=State.VALIDATED,
        party_id=7,
        currency="EUR",
        issue_date=date(2026, 1, 1),
        gross=eur("120.00"),
        net=eur("100.00"),
        number="FA-2026-00001",
    )
    base.update(kw)
    return Document(**base)


def credit_note(**kw):
    return document(**{"id": 2, "kind": Kind.CREDIT_NOTE, "number": "AV-2026-00001", **kw})


def payment(**kw):
    base = dict(
        id=1,
        company_id=1,
        number="RC-2026-00001",
        party_id=7,
        direction=Direction.IN,
        method="cheque",
        digital=False,
        account_id=1,
        payment_date=date(2026, 1, 2),
        amount=eur("100.00"),
    )
    base.update(kw)
    return Payment(**base)


# -- credit use and status ------------------------------------------------------------------------------------


def test_a_credit_status_follows_what_it_has_used():
    assert use().status is CreditStatus.UNUSED
    assert use(applied="20.00").status is CreditStatus.PARTIALLY_USED
    assert use(applied="100.00", refunded="20.00").status is CreditStatus.SETTLED
    assert use(applied="20.00", written_off="100.00").status is CreditStatus.WRITTEN_OFF
    assert use(applied="20.00", refunded="30.00").remaining == eur("70.00")


@given(
    total=st.integers(0, 10**7),
    applied=st.integers(0, 10**7),
    refunded=st.integers(0, 10**7),
)
def test_remaining_is_total_minus_uses_to_the_cent(total, applied, refunded):
    u = CreditUse(*(Money.from_minor(x, "EUR") for x in (total, applied, refunded, 0)))
    assert u.remaining.minor_units == total - applied - refunded
    assert u.used + u.remaining == u.total


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"credit": {"kind": Kind.INVOICE}}, NotACredit),
        ({"credit": {"state": State.DRAFT, "number": None}}, CreditNotIssued),
        ({"use": {"written_off": "10.00"}}, CreditWrittenOff),
        ({"amount": "120.01"}, OverCreditUse),
        ({"use": {"applied": "100.00"}, "amount": "20.01"}, OverCreditUse),
        ({"document": {"kind": Kind.QUOTE}}, CreditMismatch),
        ({"document": {"state": State.DRAFT, "number": None}}, CreditMismatch),
        ({"document": {"flow": Flow.PURCHASE}}, CreditMismatch),
    ],
)
def test_each_bad_credit_use_has_its_own_error(change, error):
    with pytest.raises(error):
        target = document(id=3, **change.get("document", {}))
        check_credit_use(
            credit_note(**change.get("credit", {})),
            use(**change.get("use", {})),
            target,
            Settlement(target.gross, eur("0.00"), eur("0.00")).balance_due,
            eur(change.get("amount", "10.00")),
        )


def test_a_write_off_takes_what_remains_once_and_only_if_something_remains():
    assert check_credit_write_off(credit_note(), use(applied="20.00")) == eur("100.00")
    with pytest.raises(CreditFullyUsed):
        check_credit_write_off(credit_note(), use(applied="120.00"))
    with pytest.raises(CreditAlreadyWrittenOff):
        check_credit_write_off(credit_note(), use(written_off="120.00"))
    with pytest.raises(CreditNotIssued):
        check_credit_write_off(credit_note(state=State.DRAFT), use())


def test_refunds_and_small_write_offs_stay_within_what_remains_and_the_threshold():
    check_refund("AV-1", eur("10.00"), eur("10.00"))
    with pytest.raises(RefundTooLarge):
        check_refund("AV-1", eur("10.00"), eur("10.01"))
    check_overpayment_write_off("RC-1", eur("0.30"), eur("0.30"), eur("0.50"))
    with pytest.raises(AboveWriteOffThreshold):
        check_overpayment_write_off("RC-1", eur("0.60"), eur("0.60"), eur("0.50"))
    with pytest.raises(NothingToWriteOff):
        check_overpayment_write_off("RC-1", eur("0.00"), eur("0.01"), eur("0.50"))


def test_the_write_off_threshold_is_a_company_setting_defaulting_to_nothing():
    assert write_off_threshold({}, "EUR") == eur("0.00")
    assert write_off_threshold({"write_off_threshold": "1.50"}, "EUR") == eur("1.50")
    with pytest.raises(InvalidSetting):
        write_off_threshold({"write_off_threshold": "-1"}, "EUR")
    with pytest.raises(InvalidSetting):
        write_off_threshold({"write_off_threshold": "beaucoup"}, "EUR")


# -- credit notes from an invoice -----------------------------------------------------------------------------


def invoice_with_lines():
    lines = (
        Line(1, "Chaise", D("12"), D("85.50"), D("0"), D("20"), eur("1026.00")),
        Line(2, "Livraison", D("1"), D("120.00"), D("0"), D("10"), eur("120.00")),
    )
    return document(lines=lines, gross=eur("1363.20"), net=eur("1146.00"))


def test_a_full_credit_takes_every_quantity_not_yet_credited():
    lines = credit_lines(invoice_with_lines(), {1: D("10")}, None)
    assert [(c.origin_position, c.line.designation, c.line.quantity) for c in lines] == [
        (1, "Chaise", D("2")),
        (2, "Livraison", D("1")),
    ]
    with pytest.raises(OverCredit):
        credit_lines(invoice_with_lines(), {1: D("12"), 2: D("1")}, None)


def test_a_partial_credit_never_exceeds_the_quantity_left_per_line():
    [chair] = credit_lines(invoice_with_lines(), {}, [(1, D("1.5")), (1, D("0.5"))])
    assert chair.line.quantity == D("2.0")
    with pytest.raises(OverCreditQuantity):
        credit_lines(invoice_with_lines(), {1: D("11")}, [(1, D("2"))])


def test_only_a_validated_invoice_is_creditable_and_never_beyond_its_gross():
    from acompte.domain.credits import check_creditable

    with pytest.raises(NotCreditable):
        check_creditable(document(state=State.DRAFT))
    with pytest.raises(NotCreditable):
        check_creditable(document(kind=Kind.ORDER))
    check_credit_total(document(), eur("100.00"), eur("20.00"))
    with pytest.raises(OverCredit):
        check_credit_total(document(), eur("100.00"), eur("20.01"))


# -- what may change on a payment -----------------------------------------------------------------------------

CASH = Method("cash", "Espèces", False)
CARD = Method("card", "Carte bancaire", True)


def test_a_plain_payment_may_change_everything_but_not_below_what_it_uses():
    changes = check_change(
        payment(), PaymentChange(amount=eur("80.00"), method="cash", reference=" R1 "), eur("80.00"), new_method=CASH
    )
    assert changes == {"method": ("cheque", "cash"), "amount": (eur("100.00"), eur("80.00")), "reference": ("", "R1")}
    with pytest.raises(AmountBelowAllocated):
        check_change(payment(), PaymentChange(amount=eur("79.99")), eur("80.00"))
    with pytest.raises(DigitalMethodRefused):
        check_change(payment(), PaymentChange(method="card"), eur("0.00"), new_method=CARD)
    with pytest.raises(RefundAmountLocked):
        check_change(payment(), PaymentChange(amount=eur("90.00")), eur("0.00"), is_refund=True)


@pytest.mark.parametrize(
    ("payment_fields", "error", "lock"),
    [
        ({"digital": True, "method": "card"}, DigitalPaymentLocked, Lock.DIGITAL),
        ({"exported": True}, ExportedPaymentLocked, Lock.EXPORTED),
        ({"state": PaymentState.CANCELLED}, PaymentCancelled, Lock.CANCELLED),
    ],
)
def test_a_locked_payment_changes_only_its_comment_and_is_never_cancelled(payment_fields, error, lock):
    locked = payment(**payment_fields)
    with pytest.raises(error):
        check_change(locked, PaymentChange(reference="x"), eur("0.00"))
    with pytest.raises(error):
        check_cancel(locked)
    if lock is not Lock.CANCELLED:
        assert check_change(locked, PaymentChange(comment="ok"), eur("0.00")) == {"comment": ("", "ok")}
        assert editable_fields(locked) == frozenset({"comment"})
    else:
        assert editable_fields(locked) == frozenset()


# -- payment terms, instalments, ageing, statement ------------------------------------------------------------


def test_terms_must_sum_to_100_percent():
    with pytest.raises(InvalidPaymentTerms):
        PaymentTerms((TermPart(D("30")), TermPart(D("60"))))
    with pytest.raises(InvalidPaymentTerms):
        PaymentTerms(())
    with pytest.raises(InvalidPaymentTerms):
        PaymentTerms((TermPart(D("100"), days=-1),))
    with pytest.raises(InvalidPaymentTerms):
        PaymentTerms.from_data([{"percent": "cent"}])
    terms = PaymentTerms((TermPart(D("30"), basis=TermBasis.ORDER), TermPart(D("70"), 30, True)))
    assert PaymentTerms.from_data(terms.to_data()) == terms


def test_thirty_days_end_of_month():
    part = TermPart(D("100"), days=30, end_of_month=True)
    assert part.due_date(date(2026, 1, 31)) == date(2026, 3, 31)  # 31/01 + 30 = 02/03 → end of March
    assert part.due_date(date(2026, 1, 15)) == date(2026, 2, 28)
    assert end_of_month(date(2028, 2, 3)) == date(2028, 2, 29)
    at_order = TermPart(D("100"), basis=TermBasis.ORDER)
    assert at_order.due_date(date(2026, 3, 1), date(2026, 2, 1)) == date(2026, 2, 1)
    assert at_order.due_date(date(2026, 3, 1), None) == date(2026, 3, 1)


@given(
    gross=st.integers(0, 10**8),
    settled=st.integers(0, 10**8),
    percents=st.lists(st.integers(1, 100), min_size=1, max_size=4),
)
def test_instalments_sum_to_the_gross_and_receive_exactly_what_was_settled(gross, settled, percents):
    scale = sum(percents)
    shares = [D(p * 100) / scale for p in percents]
    shares = [s.quantize(D("0.01"), rounding="ROUND_DOWN") for s in shares]
    shares[-1] += D(100) - sum(shares)
    terms = PaymentTerms(tuple(TermPart(s, days=10 * i) for i, s in enumerate(shares) if s > 0) or (TermPart(D(100)),))
    settled = min(settled, gross)
    result = schedule(Money.from_minor(gross, "EUR"), terms, date(2026, 1, 1), settled=Money.from_minor(settled, "EUR"))
    assert sum(i.amount.minor_units for i in result) == gross
    assert sum(i.settled.minor_units for i in result) == settled
    assert all(not i.remaining.is_negative for i in result)
    # the oldest instalment is paid first (an instalment of 0,00 €, from a tiny gross split in several parts, owes
    # nothing: it is neither paid nor waiting, so it says nothing about the order)
    owing = [i for i in result if i.amount.is_positive]
    paid_up_to = [i.remaining.is_zero for i in sorted(owing, key=lambda i: (i.due_date, i.number))]
    assert paid_up_to == sorted(paid_up_to, reverse=True)


def test_ageing_buckets():
    as_of = date(2026, 6, 30)
    assert [bucket_of(as_of - timedelta(days=d), as_of) for d in (0, 1, 30, 31, 60, 61, 90, 91)] == [
        AgeBucket.NOT_DUE,
        AgeBucket.DAYS_1_30,
        AgeBucket.DAYS_1_30,
        AgeBucket.DAYS_31_60,
        AgeBucket.DAYS_31_60,
        AgeBucket.DAYS_61_90,
        AgeBucket.DAYS_61_90,
        AgeBucket.OVER_90,
    ]
    aged = Aged.of(schedule(eur("100.00"), None, date(2026, 5, 1)), as_of, "EUR")
    assert (aged[AgeBucket.DAYS_31_60], aged.overdue, aged.total) == (eur("100.00"), eur("100.00"), eur("100.00"))


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(-(10**6), 10**6)), max_size=12), st.integers(0, 60))
def test_a_statement_closes_at_opening_plus_debits_minus_credits(entries, start):
    day0 = date(2026, 1, 1)
    moves = [
        Movement(day0 + timedelta(days=d), MovementKind.INVOICE, f"R{i}", "x", Money.from_minor(a, "EUR"), sequence=i)
        for i, (d, a) in enumerate(entries)
    ]
    date_from, date_to = day0 + timedelta(days=start), day0 + timedelta(days=start + 20)
    s = build_statement(moves, date_from, date_to, "EUR")
    assert s.closing == s.opening + s.total_debit - s.total_credit
    everything = build_statement(moves, day0, day0 + timedelta(days=100), "EUR")
    assert everything.closing.minor_units == sum(a for _, a in entries)
