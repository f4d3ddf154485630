"""The web pages of bank accounts: the settings list and the page of one account (bank details, ledger account,
opening balance, changed under its version), and the « Comptes bancaires » section of a contact."""

from __future__ import annotations

import re

from acompte.domain.money import Money
from acompte.services import parties
from acompte.services.banking import accounts, party_accounts

IBAN = "FR76 3000 6000 0112 3456 7890 189"
PARTY_IBAN = "DE89 3704 0044 0532 0130 00"


def _form(page_text: str) -> dict[str, str]:
    return dict(re.findall(r'name="([a-z_]+)"[^>]*value="([^"]*)"', page_text))


def test_a_bank_account_is_added_with_its_details_then_changed_on_its_page(app, ctx, web):
    added = web.post(
        "/settings/accounts",
        {
            "account_name": "BNP",
            "account_kind": "bank",
            "account_iban": IBAN,
            "account_bic": "BNPAFRPP",
            "account_ledger_account": "5121",
            "account_currency": "",
            "account_opening_balance": "1 500,25",
            "account_opening_date": "2026-01-01",
        },
    )
    assert added.status_code == 303
    account = next(a for a in accounts.list_accounts(app.uow(), ctx) if a.name == "BNP")
    assert (account.iban, account.ledger_account, account.opening_balance) == (
        "FR7630006000011234567890189",
        "5121",
        Money.of("1500.25", "EUR"),
    )
    settings = web.get("/settings")
    assert "FR7630006000011234567890189" in settings.text and f"/settings/accounts/{account.id}" in settings.text

    refused = web.post(
        "/settings/accounts", {"account_name": "X", "account_kind": "bank", "account_ledger_account": "411"}
    )
    assert refused.status_code == 422 and 'id="e-account_ledger_account"' in refused.text and "512" in refused.text
    assert not [a for a in accounts.list_accounts(app.uow(), ctx) if a.name == "X"]

    page = web.get(f"/settings/accounts/{account.id}")
    assert page.status_code == 200 and "5121" in page.text
    form = _form(page.text) | {"ledger_account": "5122", "active": "on"}
    assert web.post(f"/settings/accounts/{account.id}", form).status_code == 303
    assert accounts.get_account(app.uow(), ctx, account.id).ledger_account == "5122"
    stale = web.post(f"/settings/accounts/{account.id}", form | {"name": "Autre"})
    assert stale.status_code == 409 and accounts.get_account(app.uow(), ctx, account.id).name == "BNP"
    fresh = _form(web.get(f"/settings/accounts/{account.id}").text)
    bad = web.post(f"/settings/accounts/{account.id}", fresh | {"bic": "BNPAXXPP", "active": "on"})
    assert bad.status_code == 422 and 'id="e-bic"' in bad.text


def test_only_an_administrator_changes_a_bank_account(app, ctx, web_clerk):
    account = accounts.list_accounts(app.uow(), ctx)[0]
    assert web_clerk.get(f"/settings/accounts/{account.id}").status_code == 200
    assert web_clerk.post(f"/settings/accounts/{account.id}", {"name": "x"}).status_code == 403


def test_a_contact_holds_ibans_added_and_removed_on_its_page(app, ctx, web_clerk, web_reader):
    party = parties.create_party(app.uow(), ctx, name="Martin")
    page = web_clerk.get(f"/contacts/{party.id}")
    assert "Comptes bancaires" in page.text and "Ajouter un IBAN" in page.text
    added = web_clerk.post(f"/contacts/{party.id}/bank-accounts", {"bank_iban": PARTY_IBAN, "bank_label": "Pro"})
    assert added.status_code == 303
    held = party_accounts.party_accounts(app.uow(), ctx, party.id)
    assert [(a.iban, a.label) for a in held] == [("DE89370400440532013000", "Pro")]
    assert "DE89370400440532013000" in web_clerk.get(f"/contacts/{party.id}").text

    bad = web_clerk.post(f"/contacts/{party.id}/bank-accounts", {"bank_iban": "DE89 3704 0044 0532 0130 01"})
    assert bad.status_code == 422 and 'id="e-bank_iban"' in bad.text and "DE89 3704 0044 0532 0130 01" in bad.text
    assert len(party_accounts.party_accounts(app.uow(), ctx, party.id)) == 1

    reading = web_reader.get(f"/contacts/{party.id}")
    assert "DE89370400440532013000" in reading.text and "Ajouter un IBAN" not in reading.text
    assert web_reader.post(f"/contacts/{party.id}/bank-accounts/{held[0].id}/remove", {}).status_code == 403

    removed = web_clerk.post(f"/contacts/{party.id}/bank-accounts/{held[0].id}/remove", {})
    assert removed.status_code == 303 and party_accounts.party_accounts(app.uow(), ctx, party.id) == []
