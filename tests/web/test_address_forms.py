"""The contact form and the settings page take an address field by field, with a country list, and a contact's
VAT regime; a refused value is shown at its field and nothing is written."""

from __future__ import annotations

from acompte.services import companies, parties
from tests.web.conftest import FORM_KEY


def test_a_contact_abroad_is_created_with_its_country_and_regime(app, web):
    form = web.get("/contacts/new")
    assert '<option value="US"' in form.text and "Régime de TVA" in form.text
    data = {
        "name": "Brooklyn Furniture Inc.",
        "customer": "on",
        "email": "orders@bf.example",
        "street": "350 Fifth Avenue",
        "postcode": "10118",
        "city": "New York",
        "country": "US",
        "vat_regime": "export",
        "form_key": FORM_KEY.search(form.text).group(1),
    }
    created = web.post("/contacts/new", data)
    assert created.status_code == 303, created.text
    [party] = [p for p in parties.list_parties(app.uow(), web.ctx) if p.name == "Brooklyn Furniture Inc."]
    assert (party.street, party.postcode, party.city, party.country, party.vat_regime) == (
        "350 Fifth Avenue",
        "10118",
        "New York",
        "US",
        "export",
    )
    page = web.get(created.headers["location"])
    assert "10118 New York" in page.text


def test_an_exempt_contact_without_its_reason_is_refused_at_that_field(app, web):
    form = web.get("/contacts/new")
    data = {
        "name": "Centre de formation",
        "customer": "on",
        "vat_regime": "exempt",
        "form_key": FORM_KEY.search(form.text).group(1),
    }
    refused = web.post("/contacts/new", data)
    assert refused.status_code == 422
    assert 'id="e-vat_exemption_reason"' in refused.text
    assert not [p for p in parties.list_parties(app.uow(), web.ctx) if p.name == "Centre de formation"]


def test_the_company_address_is_saved_field_by_field_and_a_bad_country_refused(app, ctx, web):
    identity = {"name": "Test SARL", "siren": "123456782", "vat_number": ""}
    address = {"street": "12 rue des Artisans", "street2": "", "postcode": "69003", "city": "Lyon", "country": "FR"}
    saved = web.post("/settings/identity", {**identity, **address})
    assert saved.status_code == 303
    stored = companies.get_company(app.uow(), ctx)
    assert (stored.street, stored.postcode, stored.city, stored.country) == (
        "12 rue des Artisans",
        "69003",
        "Lyon",
        "FR",
    )
    refused = web.post("/settings/identity", {**identity, **address, "city": "Genève", "country": "QQ"})
    assert refused.status_code == 422 and 'id="e-country"' in refused.text
    assert companies.get_company(app.uow(), ctx).city == "Lyon"
