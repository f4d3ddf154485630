"""E-invoicing from stored documents (SQLite and PostgreSQL): the Factur-X of issued documents, the refusals at
issue and at generation (nothing written), and the « Encaissée » status."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from acompte.adapters.exports.facturx import NSMAP, check_xsd, cii_xml
from acompte.adapters.i18n import message as rendered
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.errors import InvalidDocumentNumber, MissingCorrectedInvoice, MissingLegalIdentifier, NotFullyPaid
from acompte.domain.money import Money
from acompte.services import companies, documents, parties, payments
from acompte.services.exports import einvoicing
from tests.exports.validation import fatal_failures
from tests.helpers import snapshot

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


@pytest.fixture
def legal(uow, ctx, customer):
    """The company's VAT number and address, the customer's SIREN and address: what Factur-X needs."""
    with uow:
        uow.companies.update(ctx.company_id, vat_number="FR11123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    return parties.update_party(uow, ctx, customer.id, siren="552100554", address="3 place du Marché, 75011 Paris")


def issue(uow, ctx, party_id, kind, day, *lines, origin_id=None):
    draft = documents.create_document(
        uow, ctx, kind=kind, flow=Flow.SALE, party_id=party_id, lines=list(lines), origin_id=origin_id
    )
    return documents.validate_document(uow, ctx, draft.id, today=day)


def table(qty: str = "1", price: str = "1000.00") -> LineInput:
    return LineInput("Table en chêne", D(qty), D(price), D("20"))


def text(xml: bytes, path: str) -> list[str]:
    from lxml import etree

    return [e.text for e in etree.fromstring(xml).xpath(path, namespaces=NSMAP)]


def test_an_issued_invoice_and_its_credit_note_give_valid_factur_x(uow, ctx, legal):
    invoice = issue(uow, ctx, legal.id, Kind.INVOICE, date(2026, 3, 16), table())
    xml = cii_xml(einvoicing.einvoice_for(uow, ctx, invoice.id))
    assert check_xsd(xml)
    assert all(not failures for failures in fatal_failures(xml).values())
    assert text(xml, "//rsm:ExchangedDocument/ram:ID") == [invoice.document.number]
    assert text(xml, "//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == ["123456782"]
    assert text(xml, "//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID") == ["552100554"]
    assert text(xml, "//ram:SellerTradeParty/ram:PostalTradeAddress/ram:CityName") == ["Lyon"]

    credit = issue(uow, ctx, legal.id, Kind.CREDIT_NOTE, date(2026, 3, 20), table("0.1"), origin_id=invoice.id)
    xml = cii_xml(einvoicing.einvoice_for(uow, ctx, credit.id))
    assert all(not failures for failures in fatal_failures(xml).values())
    assert text(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert text(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [invoice.document.number]
    assert text(xml, "//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString") == ["20260316"]
    assert text(xml, "//ram:DuePayableAmount") == ["120.00"]


def test_a_deposit_paid_on_the_order_before_the_invoice_is_its_paid_amount(uow, ctx, legal):
    order = issue(uow, ctx, legal.id, Kind.ORDER, date(2026, 2, 1), table())
    payments.record_payment(
        uow,
        ctx,
        party_id=legal.id,
        amount=eur("360.00"),
        method="transfer",
        payment_date=date(2026, 2, 5),
        allocations=[(order.id, eur("360.00"))],
    )
    final = documents.convert_document(uow, ctx, order.id, Kind.INVOICE)
    with uow:  # the order's payment follows it to the invoice (wired by the deposits capability)
        for allocation in uow.allocations.for_document(ctx.company_id, order.id):
            uow.allocations.move(ctx.company_id, allocation.id, document_id=final.id)
        uow.commit()
    final = documents.validate_document(uow, ctx, final.id, today=date(2026, 3, 16))
    xml = cii_xml(einvoicing.einvoice_for(uow, ctx, final.id))
    assert all(not failures for failures in fatal_failures(xml).values())
    assert text(xml, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == ["B4"]
    assert text(xml, "//ram:TotalPrepaidAmount") == ["360.00"]
    assert text(xml, "//ram:DuePayableAmount") == ["840.00"]
    assert text(xml, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == [order.document.number]


def test_a_credit_note_that_names_no_invoice_is_not_issued(uow, ctx, customer):
    draft = documents.create_document(
        uow, ctx, kind=Kind.CREDIT_NOTE, flow=Flow.SALE, party_id=customer.id, lines=[table()]
    )
    before = snapshot(uow, ctx)
    with pytest.raises(MissingCorrectedInvoice):
        documents.validate_document(uow, ctx, draft.id)
    assert snapshot(uow, ctx) == before  # no number taken, nothing written


def test_a_number_the_e_invoicing_rules_reject_is_not_issued(uow, ctx, customer):
    companies.set_prefix(uow, ctx, "invoice/sale", "FA#")
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[table()]
    )
    before = snapshot(uow, ctx)
    with pytest.raises(InvalidDocumentNumber):
        documents.validate_document(uow, ctx, draft.id)
    assert snapshot(uow, ctx) == before


def test_factur_x_needs_the_company_siren_and_vat_number(uow, ctx, customer):
    parties.update_party(uow, ctx, customer.id, siren="552100554")
    invoice = issue(uow, ctx, customer.id, Kind.INVOICE, date(2026, 3, 16), table())
    before = snapshot(uow, ctx)
    with pytest.raises(MissingLegalIdentifier) as error:
        einvoicing.einvoice_for(uow, ctx, invoice.id)
    assert "numéro de TVA" in rendered(error.value, "fr") and "Test SARL" in rendered(error.value, "fr")
    assert snapshot(uow, ctx) == before


def test_an_invoice_is_marked_encaissee_only_once_fully_paid(uow, ctx, customer):
    invoice = issue(uow, ctx, customer.id, Kind.INVOICE, date(2026, 3, 16), table("1", "100.00"))
    payments.record_payment(
        uow, ctx, party_id=customer.id, amount=eur("100.00"), method="cheque", allocations=[(invoice.id, eur("100.00"))]
    )
    before = snapshot(uow, ctx)
    with pytest.raises(NotFullyPaid) as error:
        einvoicing.mark_collected(uow, ctx, invoice.id)
    assert "20,00\u00a0€" in rendered(error.value, "fr")
    assert snapshot(uow, ctx) == before
    payments.record_payment(
        uow, ctx, party_id=customer.id, amount=eur("20.00"), method="cheque", allocations=[(invoice.id, eur("20.00"))]
    )
    einvoicing.mark_collected(uow, ctx, invoice.id, on=date(2026, 4, 2))
    einvoicing.mark_collected(uow, ctx, invoice.id, on=date(2026, 4, 3))  # once is enough
    (status,) = einvoicing.statuses(uow, ctx, invoice.id)
    assert (status["label"], status["date"], status["amount"]) == ("Encaissée", date(2026, 4, 2), eur("120.00"))
