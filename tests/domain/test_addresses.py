"""Addresses read from the free text people typed, and the VAT regime a customer's country and VAT number give."""

from __future__ import annotations

from decimal import Decimal

import pytest

from acompte.domain.addresses import PostalAddress, parse_address
from acompte.domain.vat import VatCategory, VatRegime, default_regime, treatment


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 rue des Artisans\n69003 Lyon", PostalAddress("12 rue des Artisans", "", "69003", "Lyon")),
        ("12 rue des Artisans, 69003 Lyon", PostalAddress("12 rue des Artisans", "", "69003", "Lyon")),
        (
            "Bâtiment B\r\n3 place du Marché\n75011 PARIS CEDEX 11\nFrance",
            PostalAddress("Bâtiment B", "3 place du Marché", "75011", "PARIS CEDEX 11"),
        ),
        ("ZA des Prés, lot 4, F-38000 Grenoble", PostalAddress("ZA des Prés", "lot 4", "38000", "Grenoble")),
        ("chez M. Durand, lieu-dit La Combe", PostalAddress("chez M. Durand", "lieu-dit La Combe")),
        ("", PostalAddress()),
    ],
)
def test_a_typed_address_is_read_into_its_fields(text, expected):
    assert parse_address(text) == expected


def test_what_cannot_be_read_stays_in_the_street_lines_word_for_word():
    text = "Unit 5, 221B Baker Street\nLondon NW1 6XE\nUnited Kingdom"
    address = parse_address(text)
    assert (address.postcode, address.city) == ("", "")
    assert address.street == "Unit 5, 221B Baker Street"
    assert address.street2 == "London NW1 6XE, United Kingdom"


def test_an_address_prints_its_lines_and_its_country_when_abroad():
    address = PostalAddress("350 Fifth Avenue", postcode="10118", city="New York", country="US")
    assert address.lines("États-Unis") == ("350 Fifth Avenue", "10118 New York", "États-Unis")
    assert address.text() == "350 Fifth Avenue\n10118 New York\nUS"
    assert PostalAddress("1 rue X", postcode="75001", city="Paris").text() == "1 rue X\n75001 Paris"


@pytest.mark.parametrize(
    ("country", "vat_number", "regime"),
    [
        ("FR", "FR96552100554", VatRegime.DOMESTIC),
        ("", "", VatRegime.DOMESTIC),
        ("DE", "DE136695976", VatRegime.INTRA_EU),
        ("DE", "", VatRegime.DOMESTIC),  # a consumer elsewhere in the EU pays French VAT (below the thresholds)
        ("US", "", VatRegime.EXPORT),
        ("CH", "CHE123456789", VatRegime.EXPORT),
    ],
)
def test_the_regime_follows_the_country_and_the_vat_number(country, vat_number, regime):
    assert default_regime(country, vat_number) is regime


def test_a_line_at_a_positive_rate_is_taxed_whatever_the_regime():
    for regime in VatRegime:
        assert treatment(regime, Decimal(20), services=False).category is VatCategory.STANDARD


def test_each_regime_gives_its_category_and_mention_at_zero():
    zero = Decimal(0)
    assert treatment(VatRegime.EXPORT, zero, services=False).reason == "Exonération de TVA, article 262 I du CGI"
    intra = treatment(VatRegime.INTRA_EU, zero, services=False)
    assert (intra.category, intra.reason_code) == (VatCategory.INTRA_EU, "VATEX-EU-IC")
    assert intra.reason == "Exonération de TVA, article 262 ter I du CGI"
    assert treatment(VatRegime.INTRA_EU, zero, services=True).category is VatCategory.REVERSE_CHARGE
    assert treatment(VatRegime.REVERSE_CHARGE, zero, services=False).reason == "Autoliquidation"
    assert treatment(VatRegime.DOMESTIC, zero, services=False).category is VatCategory.ZERO
