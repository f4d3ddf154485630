"""Factur-X: the CII XML of an `EInvoice` at the EN 16931 profile, and its embedding in a PDF/A-3.

The XML follows the element order of the Factur-X 1.0 EN16931 XSD (which `facturx.xml_check_xsd` checks); the
figures come from domain/einvoicing.py so the PDF, the XML and the accounting entry say the same amounts.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache

from lxml import etree

from acompte.domain.einvoicing import PROFILE_EN16931, EInvoice, EParty, check_einvoice
from acompte.domain.money import Money
from acompte.domain.vat import VatCategory

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}


def _el(parent: etree._Element, ns: str, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", attrib=attrs)
    if text is not None:
        element.text = text
    return element


def _ram(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    return _el(parent, RAM, tag, text, **attrs)


def _amount(money: Money) -> str:
    return f"{money.amount:f}"


def _decimal(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value != 0 else "0"
    return text


def _date(parent: etree._Element, tag: str, day: date, qualified: bool = False) -> None:
    holder = _ram(parent, tag)
    _el(holder, QDT if qualified else UDT, "DateTimeString", f"{day:%Y%m%d}", format="102")


def _address(node: etree._Element, party: EParty) -> None:
    """BG-5 / BG-8 (and BG-15 deliver-to): postcode, street lines, city, country (BT-38, 35, 36, 37, 40...)."""
    address = _ram(node, "PostalTradeAddress")
    if party.address.postcode:
        _ram(address, "PostcodeCode", party.address.postcode)
    if party.address.street:
        _ram(address, "LineOne", party.address.street)
    if party.address.street2:
        _ram(address, "LineTwo", party.address.street2)
    if party.address.city:
        _ram(address, "CityName", party.address.city)
    _ram(address, "CountryID", party.address.country or "FR")


def _party(parent: etree._Element, tag: str, party: EParty) -> None:
    node = _ram(parent, tag)
    _ram(node, "Name", party.name)
    if party.siren:
        legal = _ram(node, "SpecifiedLegalOrganization")
        _ram(legal, "ID", party.siren, schemeID="0002")
    _address(node, party)
    uri = _ram(node, "URIUniversalCommunication")
    if party.siren:
        _ram(uri, "URIID", party.siren, schemeID="0225")
    else:
        _ram(uri, "URIID", party.email, schemeID="EM")
    if party.vat_number:
        tax = _ram(node, "SpecifiedTaxRegistration")
        _ram(tax, "ID", party.vat_number, schemeID="VA")


def cii_xml(invoice: EInvoice) -> bytes:
    """The CII XML (UTF-8) of an e-invoice; refuses what would fail (check_einvoice)."""
    check_einvoice(invoice)
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)

    context = _el(root, RSM, "ExchangedDocumentContext")
    _ram(_ram(context, "BusinessProcessSpecifiedDocumentContextParameter"), "ID", invoice.business_process)
    _ram(_ram(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", PROFILE_EN16931)

    header = _el(root, RSM, "ExchangedDocument")
    _ram(header, "ID", invoice.number)
    _ram(header, "TypeCode", invoice.type_code)
    _date(header, "IssueDateTime", invoice.issue_date)
    for subject, content in invoice.notes:
        note = _ram(header, "IncludedNote")
        _ram(note, "Content", content)
        _ram(note, "SubjectCode", subject)

    transaction = _el(root, RSM, "SupplyChainTradeTransaction")
    for line in invoice.lines:
        item = _ram(transaction, "IncludedSupplyChainTradeLineItem")
        _ram(_ram(item, "AssociatedDocumentLineDocument"), "LineID", line.line_id)
        _ram(_ram(item, "SpecifiedTradeProduct"), "Name", line.name)
        agreement = _ram(item, "SpecifiedLineTradeAgreement")
        if line.gross_price is not None:
            gross = _ram(agreement, "GrossPriceProductTradePrice")
            _ram(gross, "ChargeAmount", _decimal(line.gross_price))
            discount = _ram(gross, "AppliedTradeAllowanceCharge")
            _el(_ram(discount, "ChargeIndicator"), UDT, "Indicator", "false")
            _ram(discount, "ActualAmount", _decimal(line.gross_price - line.price))
        _ram(_ram(agreement, "NetPriceProductTradePrice"), "ChargeAmount", _decimal(line.price))
        _ram(_ram(item, "SpecifiedLineTradeDelivery"), "BilledQuantity", _decimal(line.quantity), unitCode="C62")
        settlement = _ram(item, "SpecifiedLineTradeSettlement")
        tax = _ram(settlement, "ApplicableTradeTax")
        _ram(tax, "TypeCode", "VAT")
        _ram(tax, "CategoryCode", invoice.treatment(line.rate, line.nature).category)
        _ram(tax, "RateApplicablePercent", _decimal(line.rate))
        _ram(_ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation"), "LineTotalAmount", _amount(line.net))

    agreement = _ram(transaction, "ApplicableHeaderTradeAgreement")
    _party(agreement, "SellerTradeParty", invoice.seller)
    _party(agreement, "BuyerTradeParty", invoice.buyer)
    if invoice.order_reference:
        _ram(_ram(agreement, "BuyerOrderReferencedDocument"), "IssuerAssignedID", invoice.order_reference)

    delivery = _ram(transaction, "ApplicableHeaderTradeDelivery")
    if any(invoice.treatment(p.rate, p.nature).category is VatCategory.INTRA_EU for p in invoice.vat):
        # BR-IC-12: an intra-community supply names the country it is delivered to (BT-80): the buyer's.
        ship_to = _ram(delivery, "ShipToTradeParty")
        _ram(ship_to, "Name", invoice.buyer.name)
        _address(ship_to, invoice.buyer)
    if invoice.delivery_date:
        event = _ram(delivery, "ActualDeliverySupplyChainEvent")
        _date(event, "OccurrenceDateTime", invoice.delivery_date)

    settlement = _ram(transaction, "ApplicableHeaderTradeSettlement")
    accounting_vat = invoice.vat_in_accounting_currency
    if accounting_vat is not None:
        _ram(settlement, "TaxCurrencyCode", accounting_vat.currency)  # BT-6
    _ram(settlement, "InvoiceCurrencyCode", invoice.currency)
    for part in invoice.vat:
        treatment = invoice.treatment(part.rate, part.nature)
        tax = _ram(settlement, "ApplicableTradeTax")
        _ram(tax, "CalculatedAmount", _amount(part.vat))
        _ram(tax, "TypeCode", "VAT")
        if treatment.reason:
            _ram(tax, "ExemptionReason", treatment.reason)  # BT-120
        _ram(tax, "BasisAmount", _amount(part.net))
        _ram(tax, "CategoryCode", treatment.category)
        if treatment.reason_code:
            _ram(tax, "ExemptionReasonCode", treatment.reason_code)  # BT-121
        if invoice.vat_on_debits:
            _ram(tax, "DueDateTypeCode", "5")  # BT-8: VAT on debits (invoice date)
        _ram(tax, "RateApplicablePercent", _decimal(part.rate))
    if invoice.payment_terms or invoice.due_date:
        terms = _ram(settlement, "SpecifiedTradePaymentTerms")
        if invoice.payment_terms:
            _ram(terms, "Description", invoice.payment_terms)
        if invoice.due_date:
            _date(terms, "DueDateDateTime", invoice.due_date)
    totals = _ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _ram(totals, "LineTotalAmount", _amount(invoice.line_total))
    _ram(totals, "TaxBasisTotalAmount", _amount(invoice.tax_basis))
    _ram(totals, "TaxTotalAmount", _amount(invoice.tax_total), currencyID=invoice.currency)
    if accounting_vat is not None:  # BT-111
        _ram(totals, "TaxTotalAmount", _amount(accounting_vat), currencyID=accounting_vat.currency)
    _ram(totals, "GrandTotalAmount", _amount(invoice.grand_total))
    if invoice.paid.is_positive:
        _ram(totals, "TotalPrepaidAmount", _amount(invoice.paid))
    _ram(totals, "DuePayableAmount", _amount(invoice.due))
    for reference in invoice.preceding:
        document = _ram(settlement, "InvoiceReferencedDocument")
        _ram(document, "IssuerAssignedID", reference.number)
        _date(document, "FormattedIssueDateTime", reference.issue_date, qualified=True)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


#: The instant the factur-x library writes as the file's dates (creation, modification, XMP, attachment), for
#: the rendering running in this context; None: the library's own, now.
_DATED: ContextVar[datetime | None] = ContextVar("facturx_dated", default=None)


@cache
def _dates_from_context() -> None:
    """The factur-x library dates a file with `datetime.now()` in two helpers and takes no date of its own: they
    are wrapped, once, to read the instant of the rendering in progress (a context variable: threads rendering
    at once each keep theirs). An issued document's Factur-X is dated by its issue, so that rendering it again
    gives the same bytes (tests/exports/test_facturx.py checks it against the library in use)."""
    from facturx import facturx as library

    pdf_timestamp = library._get_pdf_timestamp
    metadata_timestamp = library._get_metadata_timestamp

    def dated_pdf_timestamp(date: datetime | None = None) -> str:
        return str(pdf_timestamp(date if date is not None else _DATED.get()))

    def dated_metadata_timestamp() -> str:
        at = _DATED.get()
        if at is None:
            return str(metadata_timestamp())
        return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")

    library._get_pdf_timestamp = dated_pdf_timestamp
    library._get_metadata_timestamp = dated_metadata_timestamp


def facturx_pdf(
    pdf: bytes, xml: bytes, *, title: str = "", author: str = "", subject: str = "", dated: datetime | None = None
) -> bytes:
    """Embed the XML in a PDF/A-3 (factur-x library: XMP metadata, `factur-x.xml` attachment, AFRelationship),
    dated `dated` (an aware instant; None: now)."""
    from facturx import generate_from_binary

    _dates_from_context()
    metadata = {"author": author, "keywords": "Factur-X", "title": title, "subject": subject or title}
    if dated is not None and dated.tzinfo is None:
        dated = dated.replace(tzinfo=UTC)  # SQLite hands instants back without their offset: they are UTC
    token = _DATED.set(dated)
    try:
        return bytes(
            generate_from_binary(
                pdf, xml, flavor="factur-x", level="en16931", check_xsd=True, pdf_metadata=metadata, lang="fr-FR"
            )
        )
    finally:
        _DATED.reset(token)


def check_xsd(xml: bytes) -> bool:
    """The XSD check the factur-x library ships (raises when the XML is invalid)."""
    from facturx import xml_check_xsd

    return bool(xml_check_xsd(xml, flavor="factur-x", level="en16931"))
