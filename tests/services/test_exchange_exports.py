"""Foreign currency through to the books, on SQLite and PostgreSQL: exchange rates on documents and payments, a
USD invoice and its payments exported in euros with the realised exchange difference (756 / 656), the FEC's
Montantdevise / Idevise, and the Factur-X of a USD invoice (BT-6, BT-111 equal to the VAT the entry books)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from acompte.adapters.exports.facturx import NSMAP, check_xsd, cii_xml
from acompte.adapters.exports.fec import check_fec, read_fec, write_fec
from acompte.adapters.i18n import message as rendered
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.errors import (
    ExchangeRateNotAllowed,
    ExchangeRateRequired,
    ForeignCurrencyNotSupported,
    InvalidExchangeRate,
)
from acompte.domain.money import Money
from acompte.domain.parties import ItemKind
from acompte.domain.payments import Direction
from acompte.services import credits, deposits, documents, exports, parties, payments
from acompte.services.exports import einvoicing
from tests.exports.validation import fatal_failures
from tests.helpers import snapshot

D = Decimal
RATE = D("0.921537")


def usd(text: str) -> Money:
    return Money.of(text, "USD")


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def table(price: str = "1000.00") -> LineInput:
    return LineInput("Table en chêne", D(1), D(price), D("20"))


def dollar_invoice(uow, ctx, party_id: int, day: date, *, flow: Flow = Flow.SALE, rate: Decimal = RATE):
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=flow, party_id=party_id, currency="USD", lines=[table()], exchange_rate=rate
    )
    return documents.validate_document(uow, ctx, draft.id, today=day)


def dollar_payment(uow, ctx, party_id: int, amount: str, day: date, rate: str, *to: int, direction=Direction.IN):
    return payments.record_payment(
        uow,
        ctx,
        party_id=party_id,
        amount=usd(amount),
        method="transfer",
        direction=direction,
        payment_date=day,
        allocations=[(doc_id, usd(amount)) for doc_id in to],
        exchange_rate=rate,
        inherit_rate=False,
    )


def rows(posted) -> list[tuple[str, str, str]]:
    return [
        (
            line.account,
            str(line.debit.amount) if line.debit.is_positive else "",
            str(line.credit.amount) if line.credit.is_positive else "",
        )
        for line in posted.entry.lines
    ]


def test_a_dollar_invoice_paid_in_two_parts_at_other_rates_books_its_exchange_differences(uow, ctx, customer):
    invoice = dollar_invoice(uow, ctx, customer.id, date(2026, 3, 16))
    assert invoice.document.exchange_rate == RATE
    first = dollar_payment(uow, ctx, customer.id, "500.00", date(2026, 4, 10), "0.95", invoice.id)
    second = dollar_payment(uow, ctx, customer.id, "700.00", date(2026, 4, 20), "0.90", invoice.id)
    assert (first.payment.exchange_rate, second.payment.exchange_rate) == (D("0.95"), D("0.90"))

    result = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 4, 30), today=date(2026, 5, 2))
    entries = [(p.entry.journal.value, rows(p)) for p in result.posted]
    assert entries == [
        # 1 200.00 USD at 0.921537: 1 105.84 on 411 and 184.31 of VAT exact, revenue takes the cent (921.53)
        ("VE", [("411", "1105.84", ""), ("707", "", "921.53"), ("44571", "", "184.31")]),
        # 500.00 USD at 0.95 = 475.00, which clears 460.77 of the invoice (500 × 0.921537, half-up): gain 14.23
        ("BQ", [("512", "475.00", ""), ("411", "", "475.00")]),
        ("OD", [("411", "14.23", ""), ("756", "", "14.23")]),
        # 700.00 USD at 0.90 = 630.00, which clears the rest, 1 105.84 − 460.77 = 645.07: loss 15.07
        ("BQ", [("512", "630.00", ""), ("411", "", "630.00")]),
        ("OD", [("656", "15.07", ""), ("411", "", "15.07")]),
    ]
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    # the customer's account is settled in euros, and the invoice, its payments and differences are lettered
    on_411 = [
        (i, j) for i, p in enumerate(ledger.entries) for j, line in enumerate(p.entry.lines) if line.account == "411"
    ]
    assert len(on_411) == 5 and all(key in ledger.matches for key in on_411)
    assert len({ledger.matches[key].letter for key in on_411}) == 1

    content = write_fec(ledger)
    assert check_fec(content, date_from=date(2026, 3, 1), date_to=date(2026, 4, 30)) == []
    _, lines = read_fec(content)
    foreign = [(v.values["CompteNum"], v.values["Montantdevise"], v.values["Idevise"]) for v in lines]
    assert foreign == [
        ("411", "1200,00", "USD"),
        ("707", "1000,00", "USD"),
        ("44571", "200,00", "USD"),
        ("512", "500,00", "USD"),
        ("411", "500,00", "USD"),
        ("411", "", ""),  # the difference exists only in euros
        ("756", "", ""),
        ("512", "700,00", "USD"),
        ("411", "700,00", "USD"),
        ("656", "", ""),
        ("411", "", ""),
    ]


def test_paying_a_dollar_supplier_invoice_at_a_higher_rate_is_a_loss_on_656(uow, ctx, supplier):
    bill = dollar_invoice(uow, ctx, supplier.id, date(2026, 3, 16), flow=Flow.PURCHASE)
    dollar_payment(uow, ctx, supplier.id, "1200.00", date(2026, 4, 10), "0.95", bill.id, direction=Direction.OUT)
    result = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 4, 30))
    assert [rows(p) for p in result.posted] == [
        [("607", "921.53", ""), ("44566", "184.31", ""), ("401", "", "1105.84")],
        [("401", "1140.00", ""), ("512", "", "1140.00")],
        [("656", "34.16", ""), ("401", "", "34.16")],
    ]
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    assert check_fec(write_fec(ledger), date_from=date(2026, 3, 1), date_to=date(2026, 4, 30)) == []


def test_a_payment_at_the_invoice_rate_makes_no_difference_and_euro_lines_stay_without_currency(uow, ctx, customer):
    invoice = dollar_invoice(uow, ctx, customer.id, date(2026, 3, 16))
    dollar_payment(uow, ctx, customer.id, "1200.00", date(2026, 4, 10), str(RATE), invoice.id)
    euro = documents.validate_document(
        uow,
        ctx,
        documents.create_document(
            uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[table()]
        ).id,
        today=date(2026, 4, 12),
    )
    result = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 4, 30))
    assert [p.entry.journal.value for p in result.posted] == ["VE", "BQ", "VE"]  # no OD
    _, lines = read_fec(write_fec(exports.ledger(uow, ctx, run_id=result.run_id)))
    euro_lines = [v.values for v in lines if v.values["PieceRef"] == euro.document.number]
    assert euro_lines and all(v["Montantdevise"] == v["Idevise"] == "" for v in euro_lines)


def test_an_invoice_in_another_currency_is_issued_only_with_its_rate(uow, ctx, customer):
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, currency="USD", lines=[table()]
    )
    before = snapshot(uow, ctx)
    with pytest.raises(ExchangeRateRequired) as refused:
        documents.validate_document(uow, ctx, draft.id)
    assert rendered(refused.value, "fr") == (
        f"Brouillon n° {draft.id} est en USD : indiquez son taux de change (combien de EUR pour 1 USD)."
    )
    assert rendered(refused.value, "en").endswith("is in USD: give its exchange rate (how many EUR for 1 USD).")
    assert snapshot(uow, ctx) == before  # not numbered
    deposits.set_exchange_rate(uow, ctx, draft.id, "0.921537")
    assert documents.validate_document(uow, ctx, draft.id).document.exchange_rate == RATE


def test_bad_rates_on_documents_and_payments_are_refused_and_write_nothing(uow, ctx, customer):
    invoice = dollar_invoice(uow, ctx, customer.id, date(2026, 3, 16))
    before = snapshot(uow, ctx)
    with pytest.raises(ExchangeRateNotAllowed):
        documents.create_document(
            uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[table()], exchange_rate="1.1"
        )
    with pytest.raises(InvalidExchangeRate):
        documents.create_document(
            uow,
            ctx,
            kind=Kind.INVOICE,
            flow=Flow.SALE,
            party_id=customer.id,
            currency="USD",
            lines=[table()],
            exchange_rate="-1",
        )
    with pytest.raises(ExchangeRateRequired):  # a clerk's payment gives its own rate
        dollar_payment(uow, ctx, customer.id, "10.00", date(2026, 4, 1), None, invoice.id)
    with pytest.raises(ExchangeRateNotAllowed):
        payments.record_payment(
            uow, ctx, party_id=customer.id, amount=eur("10.00"), method="transfer", exchange_rate="1.0"
        )
    with pytest.raises(InvalidExchangeRate):
        dollar_payment(uow, ctx, customer.id, "10.00", date(2026, 4, 1), "0", invoice.id)
    assert snapshot(uow, ctx) == before


def test_a_payment_generated_by_the_application_takes_the_rate_of_the_document_it_settles(uow, ctx, customer):
    invoice = dollar_invoice(uow, ctx, customer.id, date(2026, 3, 16))
    payment = payments.record_payment(
        uow,
        ctx,
        party_id=customer.id,
        amount=usd("100.00"),
        method="transfer",
        allocations=[(invoice.id, usd("100.00"))],
    )
    assert payment.payment.exchange_rate == RATE


def test_a_credit_note_cancelling_a_dollar_invoice_reverses_it_at_the_invoice_rate(uow, ctx, customer):
    invoice = dollar_invoice(uow, ctx, customer.id, date(2026, 3, 16))
    note = credits.credit_invoice(uow, ctx, invoice.id, today=date(2026, 3, 20))
    assert documents.get_document(uow, ctx, note.id).document.exchange_rate == RATE
    result = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    _, note_entry = result.posted
    assert rows(note_entry) == [("707", "921.53", ""), ("44571", "184.31", ""), ("411", "", "1105.84")]
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    assert check_fec(write_fec(ledger), date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)) == []


def test_a_dollar_deposit_is_not_exported_yet_and_nothing_is_written(uow, ctx, customer):
    order = documents.create_document(
        uow, ctx, kind=Kind.ORDER, flow=Flow.SALE, party_id=customer.id, currency="USD", lines=[table()]
    )
    deposits.set_exchange_rate(uow, ctx, order.id, "0.92")
    order = documents.validate_document(uow, ctx, order.id)
    deposits.record_deposit_payment(uow, ctx, order.id, amount=usd("360.00"), method="transfer")
    before = snapshot(uow, ctx)
    with pytest.raises(ForeignCurrencyNotSupported):
        exports.run_export(uow, ctx, date_from=date(order.document.issue_date.year, 1, 1), date_to=date.today())
    assert snapshot(uow, ctx) == before


def test_the_factur_x_of_a_dollar_invoice_gives_its_vat_in_euros_as_booked(uow, ctx, customer):
    with uow:
        uow.companies.update(ctx.company_id, vat_number="FR11123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    party = parties.update_party(uow, ctx, customer.id, siren="552100554", address="3 place du Marché, 75011 Paris")
    invoice = dollar_invoice(uow, ctx, party.id, date(2026, 3, 16))
    xml = cii_xml(einvoicing.einvoice_for(uow, ctx, invoice.id))
    assert check_xsd(xml)
    assert all(not failures for failures in fatal_failures(xml).values())
    from lxml import etree

    root = etree.fromstring(xml)
    assert root.xpath("//ram:TaxCurrencyCode/text()", namespaces=NSMAP) == ["EUR"]
    assert root.xpath("//ram:TaxTotalAmount[@currencyID='EUR']/text()", namespaces=NSMAP) == ["184.31"]
    result = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert ("44571", "", "184.31") in rows(result.posted[0])


def test_vat_due_on_receipt_moves_out_of_44574_at_the_invoice_rate(uow, ctx, customer):
    service = parties.create_item(
        uow, ctx, name="Montage", unit_price=D("1000.00"), vat_rate=D("20"), kind=ItemKind.SERVICE
    )
    draft = documents.create_document(
        uow,
        ctx,
        kind=Kind.INVOICE,
        flow=Flow.SALE,
        party_id=customer.id,
        currency="USD",
        lines=[LineInput("Montage", D(1), D("1000.00"), D("20"), item_id=service.id)],
        exchange_rate=RATE,
    )
    invoice = documents.validate_document(uow, ctx, draft.id, today=date(2026, 3, 16))
    dollar_payment(uow, ctx, customer.id, "1200.00", date(2026, 4, 10), "0.95", invoice.id)
    result = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 4, 30))
    assert [rows(p) for p in result.posted] == [
        [("411", "1105.84", ""), ("706", "", "921.53"), ("44574", "", "184.31")],
        [("512", "1140.00", ""), ("411", "", "1140.00")],
        [("44574", "184.31", ""), ("44571", "", "184.31")],  # the VAT booked, at the invoice's rate
        [("411", "34.16", ""), ("756", "", "34.16")],
    ]
