"""Every company setting through the API: `GET` / `PATCH /api/v1/company`, administrators only, versioned
(If-Match → 412), each change in the company's history, a partial change checked as a whole."""

from __future__ import annotations

import re

from tests.web.conftest import web, web_app  # noqa: F401  (the settings page, as an administrator)


def history_kinds(api) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["kind"] for e in api.get("company/history").json()["items"]]


def test_every_setting_is_read_with_its_version_as_etag(reader):
    got = reader.get("company")
    assert got.status_code == 200
    company = got.json()
    assert got.headers["etag"] == f'"{company["version"]}"'
    assert (company["siren"], company["vat_number"], company["vat_rounding"]) == ("123456782", None, "per_rate")
    assert company["accounting"] == {
        "accounts": company["accounting"]["accounts"],
        "vat_on_debits": False,
        "imputation_journal": "OD",
        "default_nature": "goods",
    }
    assert company["accounting"]["accounts"]["customers"] == "411"
    assert company["prefixes"]["invoice/sale"] == "FA"
    assert company["deposits"]["deduct_all"] is True
    assert company["deposits"]["default_percent"] is None
    assert company["einvoicing"] == {"deduction_encoding": "paid_amount"}
    assert company["write_off_threshold"] == "0"
    assert set(company["legal"]) >= {"PMT", "PMD", "AAB"}
    assert history_kinds(reader) == ["CompanyCreated"]


def test_an_administrator_changes_every_setting_in_one_patch_recorded_in_the_history(api):
    version = api.get("company").json()["version"]
    changed = api.patch(
        "company",
        headers={"If-Match": f'"{version}"'},
        json={
            "name": "Atelier Martin SARL",
            "vat_number": "fr 11 123456782",
            "address": "12 rue des Lilas\n69003 Lyon",
            "legal": {"payment_terms": "30 jours fin de mois", "PMD": "Pénalités : 3 fois le taux légal."},
            "vat_rounding": "per_line",
            "vat_rates": ["20", "10", "5.5"],
            "accounting": {"vat_on_debits": True, "accounts": {"customers": "41100000"}, "default_nature": "services"},
            "prefixes": {"invoice/sale": "FAC-", "deposit_invoice/sale": "AC-"},
            "deposits": {"default_percent": "30", "deduct_all": False, "payment_method": "transfer"},
            "einvoicing": {"deduction_encoding": "deduction_line"},
            "write_off_threshold": "0.5",
        },
    )
    assert changed.status_code == 200, changed.json()
    company = changed.json()
    assert company["version"] == version + 1
    assert changed.headers["etag"] == f'"{version + 1}"'
    assert (company["name"], company["vat_number"], company["address"]) == (
        "Atelier Martin SARL",
        "FR11123456782",
        "12 rue des Lilas\n69003 Lyon",
    )
    assert company["legal"]["payment_terms"] == "30 jours fin de mois"
    assert company["legal"]["AAB"]  # a mention not sent keeps its value
    assert (company["vat_rounding"], company["vat_rates"]) == ("per_line", ["20", "10", "5.5"])
    assert company["accounting"]["vat_on_debits"] is True
    assert company["accounting"]["default_nature"] == "services"
    assert company["accounting"]["accounts"]["customers"] == "41100000"
    assert company["accounting"]["accounts"]["bank"] == "512"
    assert (company["prefixes"]["invoice/sale"], company["prefixes"]["quote/sale"]) == ("FAC-", "DE")
    assert company["deposits"]["default_percent"] == "30"
    assert (company["deposits"]["deduct_all"], company["deposits"]["payment_method"]) == (False, "transfer")
    assert company["einvoicing"]["deduction_encoding"] == "deduction_line"
    assert company["write_off_threshold"] == "0.50"
    assert api.get("company").json() == company
    kinds = history_kinds(api)
    assert kinds[0] == "CompanyCreated"
    assert sorted(kinds[1:]) == ["CompanyIdentityChanged", "SettingsChanged", "VatRatesChanged"]
    identity = next(e for e in api.get("company/history").json()["items"] if e["kind"] == "CompanyIdentityChanged")
    assert identity["data"]["before"]["vat_rounding"] == "per_rate"
    assert identity["data"]["after"]["vat_number"] == "FR11123456782"


def test_a_partial_change_keeps_the_other_settings_and_a_null_removes_an_identifier(api):
    api.patch("company", json={"vat_number": "FR11123456782", "deposits": {"default_percent": "40"}})
    changed = api.patch("company", json={"vat_number": None, "deposits": {"default_percent": None}})
    assert changed.status_code == 200
    company = changed.json()
    assert (company["vat_number"], company["siren"], company["name"]) == (None, "123456782", "Test SARL")
    assert company["deposits"]["default_percent"] is None


def test_only_an_administrator_changes_the_settings(clerk, reader, api):
    before = api.get("company").json()
    for who in (clerk, reader):
        refused = who.patch("company", json={"accounting": {"vat_on_debits": True}})
        assert refused.status_code == 403
    assert api.get("company").json() == before
    assert history_kinds(api) == ["CompanyCreated"]


def test_a_stale_if_match_is_refused_and_writes_nothing(api):
    first = api.get("company")
    stale = first.headers["etag"]
    assert api.patch("company", json={"name": "Nouveau nom"}, headers={"If-Match": stale}).status_code == 200
    after = api.get("company").json()

    refused = api.patch("company", json={"name": "Encore"}, headers={"If-Match": stale})
    assert refused.status_code == 412
    problem = refused.json()
    assert problem["type"] == "/api/v1/errors/stale-version"
    assert (problem["expected"], problem["actual"]) == (first.json()["version"], after["version"])
    assert api.get("company").json() == after
    assert api.patch("company", json={"name": "Encore"}, headers={"If-Match": "garbage"}).status_code == 412
    assert (
        api.patch("company", json={"name": "Encore"}, headers={"If-Match": f'"{after["version"]}"'}).status_code == 200
    )


def test_one_refused_value_names_its_field_and_nothing_of_the_change_is_written(api):
    before = api.get("company").json()
    cases = [
        ({"name": "Bon nom", "prefixes": {"invoice/sale": "F A"}}, "prefixes.invoice/sale"),
        ({"name": "Bon nom", "prefixes": {"facture": "FA"}}, "prefixes"),
        ({"name": "Bon nom", "deposits": {"payment_method": "bitcoin"}}, "deposits.payment_method"),
        ({"name": "Bon nom", "accounting": {"accounts": {"customers": "ABC"}}}, "accounting.accounts.customers"),
        ({"name": "Bon nom", "accounting": {"accounts": {"nowhere": "411"}}}, "accounting.accounts.nowhere"),
        ({"name": "Bon nom", "write_off_threshold": "-1"}, "write_off_threshold"),
        ({"name": "Bon nom", "write_off_threshold": "0.001"}, "write_off_threshold"),
        ({"name": "   ", "address": "ailleurs"}, "name"),
        ({"name": "Bon nom", "siren": "12345"}, "siren"),
    ]
    for body, field in cases:
        refused = api.patch("company", json=body, headers={"Accept-Language": "en"})
        assert refused.status_code == 422, (body, refused.json())
        assert refused.json()["field"] == field, (body, refused.json())
        assert refused.json()["code"] in {"invalid-setting", "invalid-identifier", "invalid-amount"}
    assert api.get("company").json() == before
    assert history_kinds(api) == ["CompanyCreated"]


def test_a_value_of_the_wrong_kind_is_a_validation_problem_naming_the_field(api):
    before = api.get("company").json()
    for body, field in [
        ({"vat_rounding": "per_invoice"}, "vat_rounding"),
        ({"einvoicing": {"deduction_encoding": "both"}}, "einvoicing.deduction_encoding"),
        ({"accounting": {"vat_on_debits": "yes"}}, "accounting.vat_on_debits"),
        ({"currency": "USD"}, "currency"),
    ]:
        refused = api.patch("company", json=body)
        assert refused.status_code == 422
        assert field in [e["field"] for e in refused.json()["errors"]], refused.json()
    assert api.get("company").json() == before


def test_the_settings_page_and_the_api_change_the_same_settings(api, web):  # noqa: F811
    """The web page's sections go through the same service: a change there is checked the same way, versioned
    and recorded in the history."""
    version = api.get("company").json()["version"]
    page = web.get("/settings")
    form = dict(re.findall(r'name="(prefix_[^"]+)" value="([^"]*)"', page.text)) | {"prefix_invoice/sale": "F-"}
    assert web.post("/settings/prefixes", form).status_code == 303
    assert web.post("/settings/deposits", {"payment_method": "transfer", "default_percent": "25"}).status_code == 303
    company = api.get("company").json()
    assert (company["prefixes"]["invoice/sale"], company["deposits"]["default_percent"]) == ("F-", "25")
    assert company["version"] == version + 2
    assert history_kinds(api) == ["CompanyCreated", "SettingsChanged", "SettingsChanged"]

    api.patch("company", json={"vat_number": "FR11123456782"})
    assert 'value="FR11123456782"' in web.get("/settings").text
