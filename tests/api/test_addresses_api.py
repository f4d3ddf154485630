"""Structured addresses and VAT regimes through the API: a party and the company take street, postcode, city and
an ISO country (checked); an older client's one-box address is still read; a sale at 0 % to a New York customer
is an export (G) with the buyer's real country in its Factur-X, which passes the validators, and its PDF prints
the exemption mention."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.api.conftest import line
from tests.exports.validation import fatal_failures

NEW_YORK = {"street": "350 Fifth Avenue", "postcode": "10118", "city": "New York", "country": "us"}


def test_a_party_has_a_structured_address_read_back_with_its_one_box_form(api):
    created = api.post("parties", json={"name": "Brooklyn Furniture Inc.", "email": "orders@bf.example", **NEW_YORK})
    assert created.status_code == 201, created.text
    party = created.json()
    assert (party["street"], party["postcode"], party["city"], party["country"]) == (
        "350 Fifth Avenue",
        "10118",
        "New York",
        "US",
    )
    assert party["address"] == "350 Fifth Avenue\n10118 New York\nUS"
    assert (party["vat_regime"], party["vat_regime_applied"]) == ("", "export")

    moved = api.patch(f"parties/{party['id']}", json={"street2": "Suite 1200", "city": "New York City"}).json()
    assert (moved["street"], moved["street2"], moved["city"]) == ("350 Fifth Avenue", "Suite 1200", "New York City")


def test_an_unknown_country_is_refused_naming_the_field(api):
    refused = api.post("parties", json={"name": "Nulle part", "country": "XK"})
    assert refused.status_code == 422
    assert (refused.json()["code"], refused.json()["field"]) == ("invalid-setting", "country")
    party = api.post("parties", json={"name": "Quelque part"}).json()
    assert api.patch(f"parties/{party['id']}", json={"country": "ZZ"}).status_code == 422
    assert api.get(f"parties/{party['id']}").json()["country"] == "FR"


def test_an_older_client_sending_one_address_box_gets_it_read_into_the_fields(api):
    party = api.post(
        "parties", json={"name": "Bistrot", "address": "Bâtiment B\n3 place du Marché\n75011 Paris"}
    ).json()
    assert (party["street"], party["street2"], party["postcode"], party["city"]) == (
        "Bâtiment B",
        "3 place du Marché",
        "75011",
        "Paris",
    )


def test_a_business_in_germany_is_intra_community_and_an_exempt_party_must_say_why(api):
    german = api.post(
        "parties",
        json={"name": "Möbelhaus GmbH", "vat_number": "DE136695976", "country": "DE", "city": "Berlin"},
    ).json()
    assert german["vat_regime_applied"] == "intra_eu"
    refused = api.post("parties", json={"name": "Centre de formation", "vat_regime": "exempt"})
    assert refused.status_code == 422 and refused.json()["field"] == "vat_exemption_reason"
    exempt = api.post(
        "parties",
        json={
            "name": "Centre de formation",
            "vat_regime": "exempt",
            "vat_exemption_code": "vatex-fr-cgi261-4",
            "vat_exemption_reason": "Exonération de TVA, article 261-4-4° du CGI",
        },
    )
    assert exempt.status_code == 201, exempt.text
    assert (exempt.json()["vat_regime_applied"], exempt.json()["vat_exemption_code"]) == (
        "exempt",
        "VATEX-FR-CGI261-4",
    )
    unknown = api.patch(f"parties/{exempt.json()['id']}", json={"vat_exemption_code": "VATEX-FR-NOPE"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "vat_exemption_code"


def test_the_company_address_is_changed_field_by_field(api):
    version = api.get("company").json()["version"]
    changed = api.patch(
        "company",
        headers={"If-Match": f'"{version}"'},
        json={"street": "12 rue des Artisans", "postcode": "69003", "city": "Lyon", "country": "FR"},
    )
    assert changed.status_code == 200, changed.text
    company = changed.json()
    assert (company["street"], company["postcode"], company["city"], company["country"]) == (
        "12 rue des Artisans",
        "69003",
        "Lyon",
        "FR",
    )
    assert company["address"] == "12 rue des Artisans\n69003 Lyon"
    refused = api.patch("company", json={"country": "QQ"})
    assert refused.status_code == 422 and refused.json()["field"] == "country"


def test_an_export_invoice_to_new_york_is_category_g_with_the_buyers_country_and_its_mention(api):
    api.patch(
        "company",
        json={"vat_number": "FR11123456782", "street": "12 rue des Artisans", "postcode": "69003", "city": "Lyon"},
    )
    party = api.post("parties", json={"name": "Brooklyn Furniture Inc.", "email": "orders@bf.example", **NEW_YORK})
    draft = api.post(
        "documents",
        json={"kind": "invoice", "party_id": party.json()["id"], "lines": [line("1000.00", rate="0")]},
    ).json()
    invoice = api.post(f"documents/{draft['id']}/validate")
    assert invoice.status_code == 200, invoice.text
    xml = api.get(f"documents/{draft['id']}/facturx/xml").content
    assert b"<ram:CountryID>US</ram:CountryID>" in xml and b"<ram:CityName>New York</ram:CityName>" in xml
    assert b"<ram:CategoryCode>G</ram:CategoryCode>" in xml
    assert b"<ram:ExemptionReasonCode>VATEX-EU-G</ram:ExemptionReasonCode>" in xml
    failures = fatal_failures(xml)
    assert failures == {name: [] for name in failures}
    pdf = api.get(f"documents/{draft['id']}/pdf").content
    words = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Exonération de TVA, article 262 I du CGI" in words
    assert "New York" in words and "États-Unis" in words
