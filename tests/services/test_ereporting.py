"""E-reporting payment data (CGI art. 290 A): services with VAT due on receipt, worked example AC-02; nothing
under the debits option (AC-03) or for goods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from acompte.adapters.exports.ereporting import write_payment_reports_csv
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.errors import InvalidExportPeriod
from acompte.domain.money import Money
from acompte.domain.parties import ItemKind
from acompte.services import companies, documents, parties, payments
from acompte.services.exports import ereporting

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def issued(uow, ctx, party_id, kind, day, *items_qty):
    draft = documents.create_document(
        uow, ctx, kind=kind, flow=Flow.SALE, party_id=party_id, issue_date=day,
        lines=[LineInput(it.name, D(q), it.unit_price, it.vat_rate, item_id=it.id) for it, q in items_qty],
    )  # fmt: skip
    return documents.validate_document(uow, ctx, draft.id, today=day)


def paid(uow, ctx, party_id, amount, day, document_id):
    return payments.record_payment(
        uow,
        ctx,
        party_id=party_id,
        amount=eur(amount),
        method="transfer",
        payment_date=day,
        allocations=[(document_id, eur(amount))],
    )


def ac02(uow, ctx, customer):
    mission = parties.create_item(
        uow, ctx, name="Mission de conseil", unit_price=D("1000.00"), vat_rate=D(20), kind=ItemKind.SERVICE
    )
    quote = issued(uow, ctx, customer.id, Kind.QUOTE, date(2026, 1, 5), (mission, "1"))
    paid(uow, ctx, customer.id, "180.00", date(2026, 1, 12), quote.id)
    final = issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 2, 27), (mission, "1"))
    with uow:  # the quote's deposit follows it to the invoice (wired by the deposits capability)
        for allocation in uow.allocations.for_document(ctx.company_id, quote.id):
            uow.allocations.move(ctx.company_id, allocation.id, document_id=final.id)
        uow.commit()
    paid(uow, ctx, customer.id, "1020.00", date(2026, 3, 20), final.id)
    return final


def test_ac02_each_payment_on_services_reports_the_amount_received_and_its_vat(uow, ctx, customer):
    final = ac02(uow, ctx, customer)
    reports = ereporting.payment_reports(uow, ctx, date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))
    assert [
        (r.payment_date, str(r.received.amount), [(format(rate, "f"), str(v.amount)) for rate, v in r.vat])
        for r in reports
    ] == [
        (date(2026, 1, 12), "180.00", [("20", "30.00")]),
        (date(2026, 3, 20), "1020.00", [("20", "170.00")]),
    ]
    assert reports[1].documents == (final.document.number,)
    january = ereporting.payment_reports(uow, ctx, date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
    assert [r.payment_number for r in january] == [reports[0].payment_number]
    csv = write_payment_reports_csv(reports).decode("utf-8-sig").splitlines()
    assert csv[0] == "DatePaiement;NumeroReglement;Client;Factures;MontantEncaisse;TauxTVA;MontantTVA"
    assert csv[2].split(";")[4:] == ["1020,00", "20", "170,00"]


def test_ac03_nothing_is_reported_under_the_debits_option(uow, ctx, customer):
    companies.update_settings(uow, ctx, {"accounting": {"vat_on_debits": True}})
    ac02(uow, ctx, customer)
    assert ereporting.payment_reports(uow, ctx, date_from=date(2026, 1, 1), date_to=date(2026, 3, 31)) == []


def test_goods_are_not_reported_and_mixed_invoices_report_their_services_part_only(uow, ctx, customer):
    table = parties.create_item(uow, ctx, name="Table", unit_price=D("1000.00"), vat_rate=D(20))
    fitting = parties.create_item(
        uow, ctx, name="Montage", unit_price=D("100.00"), vat_rate=D(10), kind=ItemKind.SERVICE
    )
    goods = issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 4, 1), (table, "1"))
    paid(uow, ctx, customer.id, "1200.00", date(2026, 4, 2), goods.id)
    mixed = issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 4, 3), (table, "1"), (fitting, "1"))
    assert mixed.document.gross == eur("1310.00")
    paid(uow, ctx, customer.id, "655.00", date(2026, 4, 4), mixed.id)  # half
    paid(uow, ctx, customer.id, "655.00", date(2026, 4, 5), mixed.id)  # the rest
    reports = ereporting.payment_reports(uow, ctx, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30))
    assert [(str(r.received.amount), str(r.vat_total.amount)) for r in reports] == [
        ("55.00", "5.00"),
        ("55.00", "5.00"),
    ]


def test_a_backwards_period_is_refused(uow, ctx):
    with pytest.raises(InvalidExportPeriod):
        ereporting.payment_reports(uow, ctx, date_from=date(2026, 2, 1), date_to=date(2026, 1, 1))
