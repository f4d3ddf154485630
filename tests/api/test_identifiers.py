"""SIREN, SIRET, VAT numbers and IBANs are checked for their check digits wherever they are typed: a typo is refused
with a problem naming the field and the rule, and nothing is written."""

from __future__ import annotations

import re

import pytest

from acompte.domain.errors import InvalidIdentifier
from acompte.services import companies, identifiers
from tests.web.conftest import web, web_app  # noqa: F401  (the settings page, as an administrator)


def refusal(response, field: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.json()
    problem = response.json()
    assert (problem["code"], problem["field"]) == ("invalid-identifier", field)
    return problem


def test_a_company_siren_or_vat_number_with_a_wrong_key_is_refused(api):
    before = api.get("company").json()
    problem = refusal(api.patch("company", json={"name": "Autre", "siren": "123456789"}), "siren")
    assert problem["detail"] == (
        "SIREN invalide : '123456789' (sa clé de contrôle ne correspond pas : un chiffre est faux ou inversé)."
    )
    english = api.patch("company", json={"vat_number": "FR12345678901"}, headers={"Accept-Language": "en"})
    assert "FR, a 2-digit key computed from the SIREN, then the SIREN" in refusal(english, "vat_number")["detail"]
    # the right key, but another company's SIREN
    other = refusal(api.patch("company", json={"vat_number": "FR44732829320"}), "vat_number")
    assert other["detail"].endswith("(il ne porte pas le SIREN 123456782).")
    # a new SIREN checked against the VAT number kept
    assert api.patch("company", json={"vat_number": "FR11123456782"}).status_code == 200
    refusal(api.patch("company", json={"siren": "732829320"}), "vat_number")
    assert api.get("company").json()["siren"] == before["siren"]

    both = api.patch("company", json={"siren": "732 829 320", "vat_number": "FR 44 732829320"})
    assert both.status_code == 200
    assert (both.json()["siren"], both.json()["vat_number"]) == ("732829320", "FR44732829320")


def test_a_party_siren_or_vat_number_with_a_wrong_key_is_refused(api):
    refusal(api.post("parties", json={"name": "Client", "siren": "123456789"}), "siren")
    refusal(api.post("parties", json={"name": "Client", "vat_number": "FR12345678901"}), "vat_number")
    refusal(
        api.post("parties", json={"name": "Client", "siren": "552100554", "vat_number": "FR11123456782"}), "vat_number"
    )
    assert [p["name"] for p in api.get("parties").json()["items"]] == []

    created = api.post("parties", json={"name": "Bistrot", "siren": "552100554", "vat_number": "fr96 552100554"})
    assert created.status_code == 201
    assert (created.json()["siren"], created.json()["vat_number"]) == ("552100554", "FR96552100554")
    party_id = created.json()["id"]
    refusal(api.patch(f"parties/{party_id}", json={"siren": "552100555"}), "siren")
    refusal(api.patch(f"parties/{party_id}", json={"siren": "732829320"}), "vat_number")  # the VAT number kept
    assert api.get(f"parties/{party_id}").json()["siren"] == "552100554"
    # a number of another country is checked for its shape only
    abroad = api.post("parties", json={"name": "Kunde", "vat_number": "DE 136695976"})
    assert (abroad.status_code, abroad.json()["vat_number"]) == (201, "DE136695976")


def test_the_settings_page_refuses_a_siren_with_a_wrong_key_next_to_the_field(api, web):  # noqa: F811
    form = {"name": "Test SARL", "siren": "123456789", "vat_number": "", "address": ""}
    refused = web.post("/settings/identity", form)
    assert refused.status_code == 422
    assert re.search(r'id="e-siren"[^>]*>SIREN invalide : &#39;123456789&#39; \(sa clé de contrôle', refused.text)
    assert api.get("company").json()["siren"] == "123456782"


def test_a_siret_is_fourteen_digits_with_its_luhn_key():
    assert identifiers.siret("732 829 320 00074") == "73282932000074"
    assert identifiers.siret("") is None
    for bad, rule in (("7328293200007", "siret-digits"), ("73282932000075", "identifier-checksum")):
        with pytest.raises(InvalidIdentifier) as refused:
            identifiers.siret(bad)
        assert refused.value.params["rule"].value == rule


def test_an_iban_has_its_country_format_and_its_mod_97_key():
    assert identifiers.iban("fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    assert identifiers.iban(" ") is None
    for bad, rule in (
        ("FR7630006000011234567890188", "identifier-checksum"),  # one digit wrong
        ("FR76300060000112345678901", "iban-shape"),  # too short for France
        ("ZZ7630006000011234567890189", "iban-shape"),  # no such country
    ):
        with pytest.raises(InvalidIdentifier) as refused:
            identifiers.iban(bad)
        assert refused.value.params["rule"].value == rule


def test_the_settings_page_refuses_a_bank_account_whose_iban_key_is_wrong(app, ctx, api, web):  # noqa: F811
    form = {
        "account_name": "Crédit Agricole",
        "account_kind": "bank",
        "account_iban": "FR76 3000 6000 0112 3456 7890 188",
    }
    refused = web.post("/settings/accounts", form)
    assert refused.status_code == 422
    assert re.search(r'id="e-account_iban"[^>]*>IBAN invalide : .*sa clé de contrôle', refused.text)
    assert "Crédit Agricole" not in [name for _id, name, _kind in companies.accounts(app.uow(), ctx)]
    assert (
        web.post("/settings/accounts", form | {"account_iban": "FR76 3000 6000 0112 3456 7890 189"}).status_code == 303
    )
    assert "Crédit Agricole" in [name for _id, name, _kind in companies.accounts(app.uow(), ctx)]
