"""Settings pages: company identity, VAT, series, deposit options, methods, accounts, accounting, users, tokens."""

from __future__ import annotations

import re
from decimal import Decimal

from fastapi.testclient import TestClient

from acompte.domain.deposits import DepositSettings
from acompte.domain.users import Role
from acompte.services import companies, users
from tests.api.conftest import PASSWORD


def company(app, ctx):  # type: ignore[no-untyped-def]
    return companies.get_company(app.uow(), ctx)


def identity(**changes: str) -> dict[str, str]:
    return {"name": "Test SARL", "siren": "123456782", "vat_number": "", "address": "", **changes}


def test_everyone_reads_the_settings_admin_sees_forms(web, web_reader):
    page = web.get("/settings")
    assert page.status_code == 200
    assert "Raison sociale" in page.text and "123456782" in page.text and 'action="/settings/identity"' in page.text
    assert "Enregistrer" in page.text
    read_only = web_reader.get("/settings")
    assert read_only.status_code == 200 and "Seul un administrateur" in read_only.text


def test_admin_changes_the_identity_and_legal_mentions(app, ctx, web):
    response = web.post(
        "/settings/identity",
        identity(name="Menuiserie Martin", vat_number="fr 11 123456782", legal_payment_terms="30 jours fin de mois"),
    )
    assert response.status_code == 303 and response.headers["location"] == "/settings"
    stored = company(app, ctx)
    assert stored.name == "Menuiserie Martin" and stored.vat_number == "FR11123456782"
    assert stored.settings["legal"]["payment_terms"] == "30 jours fin de mois"
    page = web.get("/settings")
    assert "Identité de la société enregistrée" in page.text and "Menuiserie Martin" in page.text


def test_a_bad_siren_is_shown_next_to_the_field_and_nothing_is_written(app, ctx, web):
    response = web.post("/settings/identity", identity(name="Nouveau nom", siren="12345"))
    assert response.status_code == 422
    assert re.search(r'id="e-siren"[^>]*>SIREN invalide : &#39;12345&#39; \(un SIREN a 9 chiffres\)\.', response.text)
    assert 'value="Nouveau nom"' in response.text  # what was typed is kept
    assert company(app, ctx).name == "Test SARL" and company(app, ctx).siren == "123456782"


def test_vat_rates_are_parsed_the_french_way(app, ctx, web):
    assert web.post("/settings/vat", {"vat_rates": "20 ; 8,5 ; 0"}).status_code == 303
    assert company(app, ctx).vat_rates == (Decimal("20"), Decimal("8.5"), Decimal("0"))
    refused = web.post("/settings/vat", {"vat_rates": "20 ; cent"})
    assert refused.status_code == 422 and "Taux de TVA invalide : cent" in refused.text
    refused = web.post("/settings/vat", {"vat_rates": "150"})
    assert refused.status_code == 422 and 'id="e-vat_rates"' in refused.text
    assert company(app, ctx).vat_rates == (Decimal("20"), Decimal("8.5"), Decimal("0"))


def test_number_series_prefixes(app, ctx, web):
    page = web.get("/settings")
    fields = dict(re.findall(r'name="(prefix_[^"]+)" value="([^"]*)"', page.text))
    assert fields["prefix_invoice/sale"] == "FA"
    fields["prefix_invoice/sale"] = "FACT-"
    assert web.post("/settings/prefixes", fields).status_code == 303
    assert company(app, ctx).prefix("invoice/sale", "FA") == "FACT-"
    fields["prefix_order/sale"] = "avec espace"
    refused = web.post("/settings/prefixes", fields)
    assert refused.status_code == 422 and "sans espace" in refused.text
    assert company(app, ctx).prefix("order/sale", "CO") == "CO"


def test_deposit_options(app, ctx, web):
    response = web.post(
        "/settings/deposits",
        {"generate_payment_sale": "on", "block_delivery": "on", "payment_method": "transfer", "default_percent": "30"},
    )
    assert response.status_code == 303
    options = DepositSettings.from_settings(company(app, ctx).settings)
    assert options.generate_payment_sale and options.block_delivery and not options.deduct_all
    assert options.payment_method == "transfer" and options.default_percent == Decimal("30")
    refused = web.post("/settings/deposits", {"deduct_all": "on", "payment_method": "cash", "default_percent": "130"})
    assert refused.status_code == 422 and 'id="e-default_percent"' in refused.text
    assert DepositSettings.from_settings(company(app, ctx).settings) == options


def test_payment_methods_and_treasury_accounts(app, ctx, web):
    form = {f"active_{code}": "on" for code in ("cash", "cheque", "transfer", "card", "other")}
    form |= {"digital_card": "on", "label_cheque": "Chèque bancaire"}
    form |= {"method_code": "lcr", "method_label": "Lettre de change", "method_digital": ""}
    assert web.post("/settings/methods", form).status_code == 303
    methods = {m.code: m for m in company(app, ctx).methods}
    assert "paypal" not in methods and methods["cheque"].label == "Chèque bancaire" and "lcr" in methods
    assert not methods["lcr"].digital and methods["card"].digital
    added = web.post("/settings/accounts", {"account_name": "Crédit Agricole", "account_kind": "bank"})
    assert added.status_code == 303
    assert "Crédit Agricole" in [name for _, name, _ in companies.accounts(app.uow(), ctx)]
    refused = web.post("/settings/accounts", {"account_name": "", "account_kind": "bank"})
    assert refused.status_code == 422 and 'id="e-account_name"' in refused.text


def test_accounting_settings_and_write_off_threshold(app, ctx, web):
    page = web.get("/settings")
    form = dict(re.findall(r'name="(account_[a-z_]+)" value="([^"]*)"', page.text))
    form = {k: v for k, v in form.items() if k not in ("account_name", "account_iban")}
    form |= {"write_off_threshold": "1,50", "vat_on_debits": "on", "imputation_journal": "OD", "account_bank": "5121"}
    assert web.post("/settings/accounting", form).status_code == 303
    settings = company(app, ctx).settings
    assert settings["write_off_threshold"] == "1.50" and settings["accounting"]["vat_on_debits"] is True
    assert settings["accounting"]["accounts"]["bank"] == "5121"
    assert "1,50" in web.get("/settings").text
    refused = web.post("/settings/accounting", form | {"account_customers": "abc"})
    assert refused.status_code == 422 and 'id="f-account_customers"' in refused.text
    assert "Numéro de compte invalide." in refused.text
    assert company(app, ctx).settings["accounting"]["accounts"]["customers"] == "411"


def test_clerk_and_reader_cannot_change_settings(app, ctx, web_clerk, web_reader):
    for browser in (web_clerk, web_reader):
        for path, data in [
            ("/settings/identity", identity(name="Pirate")),
            ("/settings/vat", {"vat_rates": "1"}),
            ("/settings/accounting", {"write_off_threshold": "1000"}),
            ("/settings/users", {"email": browser.email, "role": "admin"}),
            ("/settings/tokens", {"email": browser.email}),
        ]:
            assert browser.post(path, data).status_code == 403, path
        assert browser.get("/settings/users").status_code == 403
        assert browser.get("/settings/tokens").status_code == 403
    assert company(app, ctx).name == "Test SARL" and Decimal("1") not in company(app, ctx).vat_rates


def test_admin_grants_a_role_to_an_existing_user(app, ctx, web):
    email = f"nouveau-{ctx.company_id}@web.example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD, name="Nouveau")
    assert web.post("/settings/users", {"email": email, "role": "accountant"}).status_code == 303
    assert (users.get_user(app.uow(), email=email).id, Role.ACCOUNTANT) in [
        (u.id, r) for u, r in users.members(app.uow(), ctx)
    ]
    page = web.get("/settings/users")
    assert email in page.text and "comptable" in page.text
    refused = web.post("/settings/users", {"email": "personne@example.fr", "role": "clerk"})
    assert refused.status_code == 422 and "aucun utilisateur personne@example.fr" in refused.text


def test_a_token_is_shown_once_works_and_can_be_revoked(web_app, web):
    created = web.post("/settings/tokens", {"email": web.email, "role": "read-only", "name": "Caisse"})
    assert created.status_code == 200 and "il ne sera plus jamais affiché" in created.text
    secret = re.search(r'<code class="secret">([^<]+)</code>', created.text).group(1)
    api = TestClient(web_app)
    answer = api.get("/api/v1/company", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200 and answer.json()["name"] == "Test SARL"
    listing = web.get("/settings/tokens")
    assert "Caisse" in listing.text and secret not in listing.text
    token_id = re.search(r'action="/settings/tokens/(\d+)/revoke"', listing.text).group(1)
    assert web.post(f"/settings/tokens/{token_id}/revoke").status_code == 303
    assert api.get("/api/v1/company", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert "Révoqué le" in web.get("/settings/tokens").text


def test_a_token_cannot_exceed_the_users_role(app, ctx, web, web_clerk):
    refused = web.post("/settings/tokens", {"email": web_clerk.email, "role": "admin"})
    assert refused.status_code == 422 and 'id="e-role"' in refused.text
    assert users.list_tokens(app.uow(), ctx) == []


def test_settings_in_english(web):
    web.post("/language", {"lang": "en", "back": "/"})
    page = web.get("/settings")
    assert page.status_code == 200 and page.headers["content-language"] == "en"
    assert "Company name" in page.text and "Number series" in page.text and "Raison sociale" not in page.text
    refused = web.post("/settings/identity", identity(siren="12"))
    assert refused.status_code == 422 and "Invalid SIREN: &#39;12&#39; (a SIREN has 9 digits)." in refused.text
    assert "API tokens" in web.get("/settings/tokens").text


def test_a_custom_method_turned_off_stays_listed_and_can_be_turned_back_on(app, ctx, web):
    defaults = {f"active_{m.code}": "on" for m in company(app, ctx).methods}
    assert (
        web.post("/settings/methods", defaults | {"method_code": "lcr", "method_label": "Lettre de change"}).status_code
        == 303
    )
    assert web.post("/settings/methods", defaults).status_code == 303  # lcr not ticked: turned off
    assert "lcr" not in {m.code for m in company(app, ctx).methods}
    page = web.get("/settings").text
    assert 'name="label_lcr" value="Lettre de change"' in page
    assert re.search(r'name="active_lcr" value="on"\s*>', page)  # listed, unticked
    assert web.post("/settings/methods", defaults | {"active_lcr": "on"}).status_code == 303
    assert "lcr" in {m.code for m in company(app, ctx).methods}


def test_a_refused_method_form_changes_no_method(app, ctx, web):
    form = {f"active_{code}": "on" for code in ("cash", "cheque")}  # would turn the others off…
    form |= {"method_code": "cash", "method_label": "Doublon"}  # …but the new code is refused
    refused = web.post("/settings/methods", form)
    assert refused.status_code == 422 and 'id="e-method_code"' in refused.text
    assert len(company(app, ctx).methods) == 7
