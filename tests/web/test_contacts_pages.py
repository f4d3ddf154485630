"""Contacts pages: list, create, identity, edit, statement (and its PDF), aged balances."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from acompte.services import parties
from tests.helpers import line, pay, validated
from tests.web.conftest import FORM_KEY

D = Decimal


def _customer(app, ctx, name="Client Dupont", **fields):
    return parties.create_party(app.uow(), ctx, name=name, **fields)


def _named(app, ctx, name):
    return [p for p in parties.list_parties(app.uow(), ctx) if p.name == name]


def test_the_list_searches_filters_and_shows_the_balance_french_formatted(app, web):
    dupont = _customer(app, web.ctx)
    parties.create_party(app.uow(), web.ctx, name="Fournisseur Bois", customer=False, supplier=True)
    validated(app.uow(), web.ctx, dupont.id, line("1000.00"))
    page = web.get("/contacts")
    assert page.status_code == 200 and "Client Dupont" in page.text and "Fournisseur Bois" in page.text
    assert "1\u202f200,00\u00a0€" in page.text
    assert "Fournisseur Bois" not in web.get("/contacts?role=customer").text
    assert "Client Dupont" not in web.get("/contacts?q=bois").text
    csv = web.get("/contacts?format=csv")
    assert csv.status_code == 200 and "Client Dupont" in csv.text and "1200,00" in csv.text


def test_a_contact_is_created_with_what_was_typed_and_once(app, web):
    form = web.get("/contacts/new")
    data = {
        "name": "Atelier Martin",
        "customer": "on",
        "email": "martin@example.fr",
        "siren": "123 456 782",
        "vat_number": "FR11123456782",
        "street": "1 rue des Lilas",
        "postcode": "75001",
        "city": "Paris",
        "country": "FR",
        "deposit_percent": "30",
        "term_days": "30",
        "term_end_of_month": "on",
        "form_key": FORM_KEY.search(form.text).group(1),
    }
    first = web.post("/contacts/new", data)
    assert first.status_code == 303
    assert web.post("/contacts/new", data).headers["location"] == first.headers["location"]
    [party] = _named(app, web.ctx, "Atelier Martin")
    assert (party.siren, party.vat_number, party.email, party.is_customer) == (
        "123456782",
        "FR11123456782",
        "martin@example.fr",
        True,
    )
    assert party.settings["deposit_percent"] == "30"
    assert party.settings["payment_terms"][0]["days"] == 30 and party.settings["payment_terms"][0]["end_of_month"]
    page = web.get(first.headers["location"])
    assert page.status_code == 200 and "123456782" in page.text and "30\u00a0%" in page.text
    assert "75001 Paris" in page.text and 'aria-current="page"' in page.text


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_written(app, web):
    data = {"name": "", "siren": "12345", "deposit_percent": "cent vingt", "term_days": "-3", "email": "x@y.fr"}
    response = web.post("/contacts/new", data)
    assert response.status_code == 422
    for field in ("name", "siren", "customer", "deposit_percent", "term_days"):
        assert f'id="e-{field}"' in response.text, field
    assert 'value="cent vingt"' in response.text and 'value="x@y.fr"' in response.text
    assert parties.list_parties(app.uow(), web.ctx) == []


def test_a_contact_is_edited(app, web):
    party = _customer(app, web.ctx)
    page = web.get(f"/contacts/{party.id}/edit")
    assert page.status_code == 200 and 'value="Client Dupont"' in page.text
    data = {"name": "Client Dupont SA", "customer": "on", "supplier": "on", "siren": "", "deposit_percent": "25,5"}
    assert web.post(f"/contacts/{party.id}/edit", data).status_code == 303
    after = parties.get_party(app.uow(), web.ctx, party.id)
    assert (after.name, after.is_supplier, after.settings["deposit_percent"]) == ("Client Dupont SA", True, "25.5")
    bad = web.post(f"/contacts/{party.id}/edit", {**data, "siren": "abc"})
    assert bad.status_code == 422 and 'id="e-siren"' in bad.text


def test_the_statement_shows_the_period_and_its_pdf_downloads(app, web):
    party = _customer(app, web.ctx)
    invoice = validated(app.uow(), web.ctx, party.id, line("1000.00"))
    pay(app.uow(), web.ctx, party.id, "200.00", (invoice.id, "200.00"))
    page = web.get(f"/contacts/{party.id}/statement")
    assert page.status_code == 200 and invoice.document.number in page.text
    assert "1\u202f200,00\u00a0€" in page.text and "1\u202f000,00\u00a0€" in page.text
    pdf_url = re.search(r'href="(/contacts/\d+/statement/pdf[^"]*)"', page.text).group(1).replace("&amp;", "&")
    pdf = web.get(pdf_url)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    assert web.get(f"/contacts/{party.id}/statement?from=hier").status_code == 422


def test_the_aged_balances_show_what_is_overdue(app, web):
    party = _customer(app, web.ctx)
    validated(app.uow(), web.ctx, party.id, line("500.00"), today=date.today() - timedelta(days=45))
    page = web.get(f"/contacts/{party.id}/aged")
    assert page.status_code == 200 and "600,00\u00a0€" in page.text and "31 à 60 jours" in page.text
    everyone = web.get("/accounting/aged-balance")
    assert everyone.status_code == 200 and "Client Dupont" in everyone.text and "600,00\u00a0€" in everyone.text
    assert "600,00" in web.get("/accounting/aged-balance?format=csv").text


def test_read_only_users_cannot_post_and_intruders_see_nothing(app, web, web_reader, web_intruder):
    party = _customer(app, web.ctx)
    assert web_reader.get("/contacts").status_code == 200
    assert web_reader.post("/contacts/new", {"name": "X", "customer": "on"}).status_code == 403
    assert web_reader.post(f"/contacts/{party.id}/edit", {"name": "X", "customer": "on"}).status_code == 403
    assert parties.get_party(app.uow(), web.ctx, party.id).name == "Client Dupont"
    for suffix in ("", "/edit", "/statement", "/statement/pdf", "/aged"):
        assert web_intruder.get(f"/contacts/{party.id}{suffix}").status_code == 404, suffix
    assert web_intruder.post(f"/contacts/{party.id}/edit", {"name": "X", "customer": "on"}).status_code == 404
    assert "Client Dupont" not in web_intruder.get("/contacts").text


def test_the_contact_page_in_english(app, web):
    party = _customer(app, web.ctx, siren="123456782")
    web.post("/language", {"lang": "en", "back": "/"})
    page = web.get(f"/contacts/{party.id}")
    assert "Customer" in page.text and "Statement" in page.text and "Aged balance" in page.text


def test_items_are_listed_and_created_once_with_errors_next_to_the_field(app, web, web_reader):
    form = web.get("/items/new")
    assert form.status_code == 200
    bad = web.post("/items/new", {"name": "Chaise", "unit_price": "douze", "vat_rate": "20"})
    assert bad.status_code == 422 and 'id="e-unit_price"' in bad.text and 'value="Chaise"' in bad.text
    assert parties.list_items(app.uow(), web.ctx) == []
    data = {
        "name": "Chaise paillée",
        "kind": "goods",
        "unit_price": "1 085,50",
        "vat_rate": "20",
        "deposit_percent": "30",
        "form_key": FORM_KEY.search(form.text).group(1),
    }
    assert web.post("/items/new", data).status_code == 303
    assert web.post("/items/new", data).status_code == 303
    [item] = parties.list_items(app.uow(), web.ctx)
    assert (item.name, item.unit_price, item.settings["deposit_percent"]) == ("Chaise paillée", D("1085.50"), "30")
    page = web.get("/items")
    assert "1\u202f085,50" in page.text and "20\u00a0%" in page.text
    assert web_reader.post("/items/new", {**data, "form_key": "autre"}).status_code == 403
