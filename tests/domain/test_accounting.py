"""Journal entries: every worked example of the reference (french-rules.md §6) with its exact figures, the other
patterns of §1.3 (overpayment, refund, write-off, exchange difference, credit notes), matching, and the
property that every entry balances."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acompte.adapters.i18n import message as rendered
from acompte.domain.accounting import (
    AccountingSettings,
    AccountMapping,
    CreditNoteFact,
    CreditReason,
    DeductionFact,
    DocumentFact,
    ExchangeDifferenceFact,
    FactLine,
    Journal,
    JournalEntry,
    Nature,
    PartyRef,
    PaymentFact,
    RefundFact,
    Treasury,
    VatPart,
    WriteOffFact,
    WriteOffKind,
    balances,
    credit_note_entry,
    deduction_entry,
    deposit_allocation,
    document_entries,
    exchange_difference_entry,
    letter_code,
    match_lines,
    payment_entries,
    receivable_allocation,
    refund_entry,
    share,
    share_between,
    subtract_parts,
    vat_parts,
    write_off_entry,
)
from acompte.domain.documents import Flow, Kind
from acompte.domain.errors import InvalidSetting, MissingAccount, UnbalancedEntry
from acompte.domain.money import Money
from acompte.domain.payments import Direction
from acompte.domain.vat import VatRounding

D = Decimal
CUSTOMER = PartyRef("C00001", "Client Dupont")
SUPPLIER = PartyRef("F00001", "Fournisseur Bois")
DEFAULT = AccountingSettings()
DEBITS = AccountingSettings(vat_on_debits=True)


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def rows(entry: JournalEntry) -> list[tuple[str, str, str]]:
    """An entry as the reference tables print it: (account, debit, credit), amounts as text, '' for nothing."""
    return [
        (
            line.account,
            str(line.debit.amount) if line.debit.is_positive else "",
            str(line.credit.amount) if line.credit.is_positive else "",
        )
        for line in entry.lines
    ]


def invoice(
    number: str, day: date, *lines: FactLine, flow: Flow = Flow.SALE, kind: Kind = Kind.INVOICE, **kw
) -> DocumentFact:
    party = CUSTOMER if flow is Flow.SALE else SUPPLIER
    return DocumentFact(f"doc:{number}", kind, flow, number, day, party, "EUR", tuple(lines), **kw)


def goods(net: str, rate: str = "20") -> FactLine:
    return FactLine(eur(net), D(rate), Nature.GOODS)


def services(net: str, rate: str = "20") -> FactLine:
    return FactLine(eur(net), D(rate), Nature.SERVICES)


def received(
    number: str,
    day: date,
    amount: str,
    *allocations,
    flow: Flow = Flow.SALE,
    direction=Direction.IN,
    treasury=Treasury.BANK,
) -> PaymentFact:
    party = CUSTOMER if flow is Flow.SALE else SUPPLIER
    return PaymentFact(f"pay:{number}", number, day, direction, flow, party, eur(amount), treasury, tuple(allocations))


def vat_declared_by_month(entries, account: str = "44571") -> dict[str, str]:
    """Net VAT credited on 44571 per month (what the monthly VAT return declares)."""
    months: dict[str, Money] = {}
    for entry in entries:
        month = entry.entry_date.strftime("%Y-%m")
        for line in entry.lines:
            if line.account == account:
                months[month] = months.get(month, eur("0")) + line.credit - line.debit
    return {m: str(v.amount) for m, v in sorted(months.items()) if not v.is_zero}


def nonzero(entries) -> dict[str, str]:
    return {a: str(b.amount) for a, b in balances(entries, "EUR").items()}


# -- AC-01 -------------------------------------------------------------------------------------------------------


def test_ac01_goods_deposit_received_before_delivery_then_final_invoice_imputation_and_balance():
    order = invoice("CMD-2026-001", date(2026, 2, 1), goods("1000.00"), kind=Kind.ORDER)
    deposit = received(
        "RC-1",
        date(2026, 2, 5),
        "360.00",
        deposit_allocation("doc:FA-2026-0001", "FA-2026-0001", eur("360.00"), order.parts),
    )
    (deposit_entry,) = payment_entries(deposit, DEFAULT)
    assert deposit_entry.journal is Journal.BANK
    assert rows(deposit_entry) == [("512", "360.00", ""), ("4191", "", "300.00"), ("44571", "", "60.00")]

    final = invoice("FA-2026-0002", date(2026, 3, 16), goods("1000.00"))
    (final_entry,) = document_entries(final, DEFAULT)
    assert final_entry.journal is Journal.SALES
    assert rows(final_entry) == [("411", "1200.00", ""), ("707", "", "1000.00"), ("44571", "", "200.00")]

    imputation = deduction_entry(
        DeductionFact(
            "ded:1",
            "FA-2026-0002",
            final.key,
            "doc:FA-2026-0001",
            date(2026, 3, 16),
            Flow.SALE,
            CUSTOMER,
            share(order.parts, eur("360.00")),
            "FA-2026-0001",
        ),
        DEFAULT,
    )
    assert imputation.journal is Journal.MISC  # the reference allows VE or OD
    assert rows(imputation) == [("4191", "300.00", ""), ("44571", "60.00", ""), ("411", "", "360.00")]

    balance = received(
        "RC-2", date(2026, 4, 10), "840.00", receivable_allocation(final.key, final.number, eur("840.00"))
    )
    (balance_entry,) = payment_entries(balance, DEFAULT)
    assert rows(balance_entry) == [("512", "840.00", ""), ("411", "", "840.00")]

    entries = [deposit_entry, final_entry, imputation, balance_entry]
    assert [(e.debit.amount, e.credit.amount) for e in entries] == [
        (D("360.00"),) * 2,
        (D("1200.00"),) * 2,
        (D("360.00"),) * 2,
        (D("840.00"),) * 2,
    ]
    assert nonzero(entries) == {"512": "1200.00", "4191": "0.00", "44571": "-200.00", "411": "0.00", "707": "-1000.00"}
    assert vat_declared_by_month(entries) == {"2026-02": "60.00", "2026-03": "140.00"}
    # 411 matched: 1 200,00 D = 360,00 C + 840,00 C, on the day of the last payment; 4191 matched too
    matches = match_lines(entries, ["411", "4191"])
    letters_411 = {
        matches[(i, j)] for i, e in enumerate(entries) for j, line in enumerate(e.lines) if line.account == "411"
    }
    assert len(letters_411) == 1 and next(iter(letters_411)).matched_on == date(2026, 4, 10)
    assert sum(1 for (i, j) in matches if entries[i].lines[j].account == "411") == 3
    assert sum(1 for (i, j) in matches if entries[i].lines[j].account == "4191") == 2


# -- AC-02 / AC-03 -----------------------------------------------------------------------------------------------


def _ac02(settings: AccountingSettings):
    quote = invoice("DEV-2026-007", date(2026, 1, 5), services("1000.00"), kind=Kind.QUOTE)
    deposit_alloc = deposit_allocation("doc:DEV-2026-007", "DEV-2026-007", eur("180.00"), quote.parts)
    (deposit_entry,) = payment_entries(received("RC-1", date(2026, 1, 12), "180.00", deposit_alloc), settings)
    final = invoice("FA-2026-0030", date(2026, 2, 27), services("1000.00"))
    (final_entry,) = document_entries(final, settings)
    imputation = deduction_entry(
        DeductionFact(
            "ded:1",
            final.number,
            final.key,
            "doc:DEV-2026-007",
            date(2026, 2, 27),
            Flow.SALE,
            CUSTOMER,
            deposit_alloc.content,
        ),
        settings,
    )
    open_parts = subtract_parts(final.parts, deposit_alloc.content)
    pay = received(
        "RC-2",
        date(2026, 3, 20),
        "1020.00",
        receivable_allocation(
            final.key, final.number, eur("1020.00"), open_parts=open_parts, paid_before=eur("0.00"), settings=settings
        ),
    )
    return deposit_entry, final_entry, imputation, payment_entries(pay, settings)


def test_ac02_services_deposit_with_vat_on_receipt_waits_in_44574_until_the_balance_is_paid():
    deposit_entry, final_entry, imputation, payment = _ac02(DEFAULT)
    assert rows(deposit_entry) == [("512", "180.00", ""), ("4191", "", "150.00"), ("44571", "", "30.00")]
    assert rows(final_entry) == [("411", "1200.00", ""), ("706", "", "1000.00"), ("44574", "", "200.00")]
    assert imputation.journal is Journal.MISC
    assert rows(imputation) == [("4191", "150.00", ""), ("44574", "30.00", ""), ("411", "", "180.00")]
    bank, vat_due = payment
    assert bank.journal is Journal.BANK and rows(bank) == [("512", "1020.00", ""), ("411", "", "1020.00")]
    assert vat_due.journal is Journal.MISC and vat_due.entry_date == date(2026, 3, 20)
    assert rows(vat_due) == [("44574", "170.00", ""), ("44571", "", "170.00")]
    entries = [deposit_entry, final_entry, imputation, bank, vat_due]
    assert nonzero(entries) == {
        "512": "1200.00",
        "4191": "0.00",
        "44571": "-200.00",
        "411": "0.00",
        "706": "-1000.00",
        "44574": "0.00",
    }
    assert vat_declared_by_month(entries) == {"2026-01": "30.00", "2026-03": "170.00"}


def test_ac03_same_services_with_the_debits_option_collect_vat_at_invoicing():
    deposit_entry, final_entry, imputation, payment = _ac02(DEBITS)
    assert rows(deposit_entry) == [("512", "180.00", ""), ("4191", "", "150.00"), ("44571", "", "30.00")]
    assert rows(final_entry) == [("411", "1200.00", ""), ("706", "", "1000.00"), ("44571", "", "200.00")]
    assert rows(imputation) == [("4191", "150.00", ""), ("44571", "30.00", ""), ("411", "", "180.00")]
    (bank,) = payment  # no VAT left waiting: no OD entry
    assert rows(bank) == [("512", "1020.00", ""), ("411", "", "1020.00")]
    entries = [deposit_entry, final_entry, imputation, bank]
    assert nonzero(entries) == {"512": "1200.00", "4191": "0.00", "44571": "-200.00", "411": "0.00", "706": "-1000.00"}
    assert vat_declared_by_month(entries) == {"2026-01": "30.00", "2026-02": "170.00"}


# -- AC-07 -------------------------------------------------------------------------------------------------------


def test_ac07_deposit_paid_to_a_supplier_then_final_invoice_imputation_and_balance():
    order = invoice("CF-2026-001", date(2026, 2, 1), goods("2000.00"), flow=Flow.PURCHASE, kind=Kind.ORDER)
    alloc = deposit_allocation("doc:FFA-1", "FFA-1", eur("480.00"), order.parts)
    (deposit_entry,) = payment_entries(
        received("RD-1", date(2026, 2, 3), "480.00", alloc, flow=Flow.PURCHASE, direction=Direction.OUT), DEFAULT
    )
    assert rows(deposit_entry) == [("4091", "400.00", ""), ("44566", "80.00", ""), ("512", "", "480.00")]

    final = invoice("FF-2026-001", date(2026, 3, 2), goods("2000.00"), flow=Flow.PURCHASE)
    (final_entry,) = document_entries(final, DEFAULT)
    assert final_entry.journal is Journal.PURCHASES
    assert rows(final_entry) == [("607", "2000.00", ""), ("44566", "400.00", ""), ("401", "", "2400.00")]

    imputation = deduction_entry(
        DeductionFact(
            "ded:1", final.number, final.key, "doc:FFA-1", date(2026, 3, 2), Flow.PURCHASE, SUPPLIER, alloc.content
        ),
        DEFAULT,
    )
    assert rows(imputation) == [("401", "480.00", ""), ("4091", "", "400.00"), ("44566", "", "80.00")]

    (balance,) = payment_entries(
        received(
            "RD-2",
            date(2026, 3, 30),
            "1920.00",
            receivable_allocation(final.key, final.number, eur("1920.00")),
            flow=Flow.PURCHASE,
            direction=Direction.OUT,
        ),
        DEFAULT,
    )
    assert rows(balance) == [("401", "1920.00", ""), ("512", "", "1920.00")]
    entries = [deposit_entry, final_entry, imputation, balance]
    assert nonzero(entries) == {"4091": "0.00", "44566": "400.00", "512": "-2400.00", "607": "2000.00", "401": "0.00"}


# -- AC-08 -------------------------------------------------------------------------------------------------------


def test_ac08_deposit_invoice_cancelled_by_a_deposit_credit_note_then_refunded():
    deposit_invoice = invoice("FA-2026-0001", date(2026, 2, 2), goods("300.00"), kind=Kind.DEPOSIT_INVOICE)
    assert document_entries(deposit_invoice, DEFAULT) == ()  # no entry until the cash comes in
    alloc = deposit_allocation(deposit_invoice.key, deposit_invoice.number, eur("360.00"), deposit_invoice.parts)
    (receipt,) = payment_entries(received("RC-1", date(2026, 2, 5), "360.00", alloc), DEFAULT)
    assert rows(receipt) == [("512", "360.00", ""), ("4191", "", "300.00"), ("44571", "", "60.00")]

    credit = invoice(
        "AV-2026-0001",
        date(2026, 3, 1),
        goods("300.00"),
        kind=Kind.DEPOSIT_CREDIT_NOTE,
        deposit_key=deposit_invoice.key,
    )
    (credit_entry,) = document_entries(credit, DEFAULT)
    assert credit_entry.journal is Journal.SALES
    assert rows(credit_entry) == [("4191", "300.00", ""), ("44571", "60.00", ""), ("411", "", "360.00")]

    refund = refund_entry(
        RefundFact("ref:1", "RD-2026-1", date(2026, 3, 5), Flow.SALE, CUSTOMER, eur("360.00"), credit.key), DEFAULT
    )
    assert refund.journal is Journal.BANK
    assert rows(refund) == [("411", "360.00", ""), ("512", "", "360.00")]
    entries = [receipt, credit_entry, refund]
    assert nonzero(entries) == {"512": "0.00", "4191": "0.00", "44571": "0.00", "411": "0.00"}
    matches = match_lines(entries, ["411", "4191"])
    assert {entries[i].lines[j].account for i, j in matches} == {"411", "4191"}


# -- AC-10 -------------------------------------------------------------------------------------------------------


def test_ac10_final_invoice_with_a_quantity_minus_one_deduction_line_recalls_the_deposit_from_4191():
    order = invoice("CMD-2026-001", date(2026, 2, 1), goods("1000.00"), kind=Kind.ORDER)
    (receipt,) = payment_entries(
        received(
            "RC-1",
            date(2026, 2, 5),
            "360.00",
            deposit_allocation("doc:FA-2026-0001", "FA-2026-0001", eur("360.00"), order.parts),
        ),
        DEFAULT,
    )
    assert rows(receipt) == [("512", "360.00", ""), ("4191", "", "300.00"), ("44571", "", "60.00")]
    final = invoice(
        "FA-2026-0002",
        date(2026, 3, 16),
        goods("1000.00"),
        FactLine(eur("-300.00"), D("20"), Nature.GOODS, recall=True),
        deposit_key="doc:FA-2026-0001",
    )
    assert final.gross == eur("840.00")
    (entry,) = document_entries(final, DEFAULT)
    assert entry.debit == entry.credit == eur("1140.00")
    assert rows(entry) == [
        ("411", "840.00", ""),
        ("4191", "300.00", ""),
        ("707", "", "1000.00"),
        ("44571", "", "140.00"),
    ]
    entries = [receipt, entry]
    assert nonzero(entries) == {"512": "360.00", "4191": "0.00", "44571": "-200.00", "411": "840.00", "707": "-1000.00"}


# -- other patterns of §1.3 ---------------------------------------------------------------------------------------


def test_an_overpayment_stays_as_a_credit_on_411_until_it_is_written_off():
    final = invoice("FA-1", date(2026, 3, 1), goods("800.00"))
    (inv,) = document_entries(final, DEFAULT)
    pay = received("RC-1", date(2026, 3, 10), "1000.00", receivable_allocation(final.key, final.number, eur("960.00")))
    (bank,) = payment_entries(pay, DEFAULT)
    assert rows(bank) == [("512", "1000.00", ""), ("411", "", "960.00"), ("411", "", "40.00")]
    assert bank.lines[2].match_key == "pay:RC-1"
    matches = match_lines([inv, bank], ["411"])
    assert set(matches) == {(0, 0), (1, 1)}  # the invoice is matched, the overpayment stays open
    write_off = write_off_entry(
        WriteOffFact(
            "wo:1", "RC-1", date(2026, 12, 31), Flow.SALE, CUSTOMER, eur("40.00"), WriteOffKind.GAIN, "pay:RC-1"
        ),
        DEFAULT,
    )
    assert write_off.journal is Journal.MISC
    assert rows(write_off) == [("411", "40.00", ""), ("758", "", "40.00")]
    matches = match_lines([inv, bank, write_off], ["411"])
    assert len({m.letter for m in matches.values()}) == 2
    assert nonzero([inv, bank, write_off])["411"] == "0.00"


def test_an_overpayment_refunded_to_the_customer():
    pay = received("RC-1", date(2026, 3, 10), "50.00")
    (bank,) = payment_entries(pay, DEFAULT)
    assert rows(bank) == [("512", "50.00", ""), ("411", "", "50.00")]
    refund = refund_entry(
        RefundFact("ref:1", "RD-1", date(2026, 3, 20), Flow.SALE, CUSTOMER, eur("50.00"), "pay:RC-1"), DEFAULT
    )
    assert rows(refund) == [("411", "50.00", ""), ("512", "", "50.00")]
    assert len(match_lines([bank, refund], ["411"])) == 2


def test_a_small_shortfall_is_written_off_to_658():
    final = invoice("FA-1", date(2026, 3, 1), goods("700.00"))
    (inv,) = document_entries(final, DEFAULT)
    (bank,) = payment_entries(
        received("RC-1", date(2026, 3, 2), "839.98", receivable_allocation(final.key, final.number, eur("839.98"))),
        DEFAULT,
    )
    loss = write_off_entry(
        WriteOffFact("wo:1", "FA-1", date(2026, 3, 2), Flow.SALE, CUSTOMER, eur("0.02"), WriteOffKind.LOSS, final.key),
        DEFAULT,
    )
    assert rows(loss) == [("658", "0.02", ""), ("411", "", "0.02")]
    assert len(match_lines([inv, bank, loss], ["411"])) == 3


def test_supplier_write_offs_and_refunds_mirror_the_customer_ones():
    gain = write_off_entry(
        WriteOffFact(
            "wo:1", "FF-1", date(2026, 3, 2), Flow.PURCHASE, SUPPLIER, eur("0.03"), WriteOffKind.GAIN, "doc:FF-1"
        ),
        DEFAULT,
    )
    assert rows(gain) == [("401", "0.03", ""), ("758", "", "0.03")]
    loss = write_off_entry(
        WriteOffFact(
            "wo:2", "RD-1", date(2026, 3, 2), Flow.PURCHASE, SUPPLIER, eur("0.03"), WriteOffKind.LOSS, "pay:RD-1"
        ),
        DEFAULT,
    )
    assert rows(loss) == [("658", "0.03", ""), ("401", "", "0.03")]
    refund = refund_entry(
        RefundFact("ref:1", "RC-9", date(2026, 3, 5), Flow.PURCHASE, SUPPLIER, eur("12.00"), "doc:AF-1"), DEFAULT
    )
    assert rows(refund) == [("512", "12.00", ""), ("401", "", "12.00")]


def test_exchange_differences_on_trade_items_use_656_and_756():
    gain = exchange_difference_entry(
        ExchangeDifferenceFact("fx:1", "FA-9", date(2026, 5, 1), Flow.SALE, CUSTOMER, eur("12.34"), "doc:FA-9"), DEFAULT
    )
    assert rows(gain) == [("411", "12.34", ""), ("756", "", "12.34")]
    loss = exchange_difference_entry(
        ExchangeDifferenceFact("fx:2", "FF-9", date(2026, 5, 1), Flow.PURCHASE, SUPPLIER, eur("-5.00"), "doc:FF-9"),
        DEFAULT,
    )
    assert rows(loss) == [("656", "5.00", ""), ("401", "", "5.00")]


def test_a_credit_note_for_a_price_reduction_debits_709_and_a_return_mirrors_the_invoice():
    parts = vat_parts([goods("100.00"), services("50.00", "10")], "EUR")
    reduction = credit_note_entry(
        CreditNoteFact("doc:AV-1", "AV-1", date(2026, 4, 1), Flow.SALE, CUSTOMER, "EUR", parts, CreditReason.REDUCTION),
        DEFAULT,
    )
    assert rows(reduction) == [
        ("709", "150.00", ""),
        ("44571", "20.00", ""),
        ("44574", "5.00", ""),
        ("411", "", "175.00"),
    ]
    back = credit_note_entry(
        CreditNoteFact("doc:AV-2", "AV-2", date(2026, 4, 1), Flow.SALE, CUSTOMER, "EUR", parts), DEBITS
    )
    assert rows(back) == [
        ("707", "100.00", ""),
        ("44571", "20.00", ""),
        ("706", "50.00", ""),
        ("44571", "5.00", ""),
        ("411", "", "175.00"),
    ]
    purchase = credit_note_entry(
        CreditNoteFact(
            "doc:AF-1", "AF-1", date(2026, 4, 1), Flow.PURCHASE, SUPPLIER, "EUR", parts, CreditReason.REDUCTION
        ),
        DEFAULT,
    )
    assert rows(purchase) == [
        ("401", "175.00", ""),
        ("609", "", "150.00"),
        ("44566", "", "20.00"),
        ("44566", "", "5.00"),
    ]


def test_a_cash_payment_goes_through_the_cash_journal():
    final = invoice("FA-1", date(2026, 3, 1), goods("10.00"))
    (cash,) = payment_entries(
        received(
            "RC-1",
            date(2026, 3, 1),
            "12.00",
            receivable_allocation(final.key, final.number, eur("12.00")),
            treasury=Treasury.CASH,
        ),
        DEFAULT,
    )
    assert cash.journal is Journal.CASH and rows(cash) == [("531", "12.00", ""), ("411", "", "12.00")]


def test_goods_and_services_at_one_rate_share_its_vat_exactly():
    parts = vat_parts([goods("0.05"), services("0.05")], "EUR")
    assert [(p.nature, str(p.net.amount), str(p.vat.amount)) for p in parts] == [
        (Nature.GOODS, "0.05", "0.01"),
        (Nature.SERVICES, "0.05", "0.01"),
    ]  # 0.10 at 20 % = 0.02, split in two
    per_line = vat_parts([goods("2.77"), goods("2.77"), goods("2.77")], "EUR", VatRounding.PER_LINE)
    assert per_line[0].vat == eur("1.65")
    assert vat_parts([goods("2.77"), goods("2.77"), goods("2.77")], "EUR")[0].vat == eur("1.66")


def test_payments_of_a_pending_vat_invoice_release_exactly_its_vat_whatever_the_instalments():
    final = invoice("FA-1", date(2026, 3, 1), services("100.00", "20"), services("33.33", "10"))
    parts = final.parts
    paid = eur("0.00")
    released = eur("0.00")
    for amount in ("10.00", "33.33", "0.01", "50.00"):
        alloc = receivable_allocation(
            final.key, final.number, eur(amount), open_parts=parts, paid_before=paid, settings=DEFAULT
        )
        released = released + sum((p.vat for p in alloc.release), eur("0.00"))
        paid = paid + eur(amount)
    last = receivable_allocation(
        final.key, final.number, final.gross - paid, open_parts=parts, paid_before=paid, settings=DEFAULT
    )
    released = released + sum((p.vat for p in last.release), eur("0.00"))
    assert released == eur("23.33")  # 20.00 + 3.33: every cent of pending VAT, released once
    assert share_between(parts, eur("0.00"), final.gross) == parts


# -- mapping and refusals -------------------------------------------------------------------------------------------


def test_a_company_may_use_its_own_accounts_and_labels():
    settings = AccountingSettings.from_settings(
        {
            "accounts": {"customers": "4110000", "bank": "5121", "labels": {"5121": "Banque Populaire"}},
            "vat_on_debits": True,
        }
    )
    final = invoice("FA-1", date(2026, 3, 1), services("10.00"))
    (entry,) = document_entries(final, settings)
    assert rows(entry) == [("4110000", "12.00", ""), ("706", "", "10.00"), ("44571", "", "2.00")]
    (bank,) = payment_entries(received("RC-1", date(2026, 3, 1), "12.00"), settings)
    assert bank.lines[0].account_label == "Banque Populaire"
    assert entry.lines[1].account_label == "Prestations de services"


def test_a_missing_account_is_named():
    settings = AccountingSettings.from_settings({"accounts": {"output_vat_pending": ""}})
    with pytest.raises(MissingAccount) as error:
        document_entries(invoice("FA-1", date(2026, 3, 1), services("10.00")), settings)
    assert "TVA collectée en attente d'encaissement" in rendered(error.value, "fr")
    assert error.value.params["role"] == "output_vat_pending"
    with pytest.raises(MissingAccount):
        settings.accounts.require()
    with pytest.raises(InvalidSetting):
        AccountMapping.from_settings({"clients": "411"})
    with pytest.raises(InvalidSetting):
        AccountMapping.from_settings({"customers": "CL1"})


def test_an_unbalanced_entry_cannot_exist():
    with pytest.raises(UnbalancedEntry):
        payment_entries(
            received("RC-1", date(2026, 3, 1), "10.00", receivable_allocation("doc:X", "X", eur("11.00"))), DEFAULT
        )


def test_letters_run_aaa_aab_and_grow_past_zzz():
    assert [letter_code(i) for i in (0, 1, 25, 26, 17575, 17576)] == ["AAA", "AAB", "AAZ", "ABA", "ZZZ", "BAAA"]


# -- property: every entry balances; a full settlement clears the party and deposit accounts ---------------------

amounts = st.integers(min_value=1, max_value=500_000).map(lambda c: Money.from_minor(c, "EUR"))
rates = st.sampled_from([D("20"), D("10"), D("5.5"), D("2.1"), D("0")])
natures = st.sampled_from(list(Nature))
fact_lines = st.lists(st.builds(FactLine, amounts, rates, natures), min_size=1, max_size=5)


@settings(max_examples=150, deadline=None)
@given(
    lines=fact_lines,
    flow=st.sampled_from(list(Flow)),
    on_debits=st.booleans(),
    rounding=st.sampled_from(list(VatRounding)),
    deposit_ratio=st.integers(min_value=0, max_value=100),
    instalments=st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=4),
)
def test_every_entry_balances_and_a_settled_invoice_clears_411_4191_and_44574(
    lines, flow, on_debits, rounding, deposit_ratio, instalments
):
    settings_ = AccountingSettings(vat_on_debits=on_debits)
    direction = Direction.IN if flow is Flow.SALE else Direction.OUT
    order = invoice("CMD-1", date(2026, 1, 1), *lines, flow=flow, kind=Kind.ORDER, rounding=rounding)
    final = invoice("FA-1", date(2026, 2, 1), *lines, flow=flow, rounding=rounding)
    entries: list[JournalEntry] = []
    deposit_amount = final.gross.times(D(deposit_ratio) / 100)
    deducted: tuple[VatPart, ...] = ()
    if deposit_amount.is_positive:
        alloc = deposit_allocation("doc:CMD-1", "CMD-1", deposit_amount, order.parts)
        entries += payment_entries(
            received("P-0", date(2026, 1, 5), str(deposit_amount.amount), alloc, flow=flow, direction=direction),
            settings_,
        )
        deducted = alloc.content
        entries.append(
            deduction_entry(
                DeductionFact("ded", "FA-1", final.key, "doc:CMD-1", date(2026, 2, 1), flow, order.party, deducted),
                settings_,
            )
        )
    entries += document_entries(final, settings_)
    open_parts = subtract_parts(final.parts, deducted)
    due = final.gross - deposit_amount
    paid = Money.zero("EUR")
    weights = instalments
    for n, part in enumerate(due.split(weights) if due.is_positive else ()):
        if part.is_zero:
            continue
        alloc = receivable_allocation(
            final.key, "FA-1", part, open_parts=open_parts, paid_before=paid, settings=settings_, flow=flow
        )
        entries += payment_entries(
            received(f"P-{n + 1}", date(2026, 3, 1), str(part.amount), alloc, flow=flow, direction=direction), settings_
        )
        paid = paid + part
    for entry in entries:
        assert entry.debit == entry.credit
        assert all(line.debit.is_zero != line.credit.is_zero for line in entry.lines)
    result = balances(entries, "EUR")
    zero = Money.zero("EUR")
    for account in ("411", "401", "4191", "4091", "44574"):
        assert result.get(account, zero) == zero
    vat_account = "44571" if flow is Flow.SALE else "44566"
    expected_vat = sum((p.vat for p in final.parts), zero)
    assert result.get(vat_account, zero) == (-expected_vat if flow is Flow.SALE else expected_vat)


def test_a_bank_fee_is_a_charge_paid_from_the_bank():
    from acompte.domain.accounting import AccountingSettings, BankFeeFact, bank_fee_entry

    entry = bank_fee_entry(
        BankFeeFact("fee:1", "REMISE CB", date(2026, 3, 2), Money.of("1.50", "EUR")), AccountingSettings()
    )
    assert entry.journal.value == "BQ" and entry.source == "fee:1"
    assert [(x.account, x.debit.amount, x.credit.amount) for x in entry.lines] == [
        ("627", Decimal("1.50"), Decimal("0.00")),
        ("512", Decimal("0.00"), Decimal("1.50")),
    ]
