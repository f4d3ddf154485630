"""`/bank-accounts` and `/parties/{id}/bank-accounts`: created, read, changed under If-Match, refused with a
problem naming the field and the rule; another company's party answers 404."""

from __future__ import annotations

IBAN = "FR76 3000 6000 0112 3456 7890 189"
PARTY_IBAN = "DE89 3704 0044 0532 0130 00"


def test_a_bank_account_is_created_read_and_changed_under_its_version(api):
    created = api.post(
        "bank-accounts",
        json={"name": "BNP", "iban": IBAN, "bic": "bnpafrpp", "ledger_account": "5121", "opening_balance": "150.5"},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["iban"], body["bic"], body["ledger_account"]) == ("FR7630006000011234567890189", "BNPAFRPP", "5121")
    assert body["opening_balance"] == {"amount": "150.50", "currency": "EUR"} and body["version"] == 1
    assert created.headers["ETag"] == '"1"'
    account = f"bank-accounts/{body['id']}"
    assert api.get(account).json() == body
    assert body["id"] in [a["id"] for a in api.get("bank-accounts").json()["items"]]

    changed = api.patch(account, json={"ledger_account": "5122"}, headers={"If-Match": '"1"'})
    assert (changed.status_code, changed.json()["ledger_account"], changed.json()["version"]) == (200, "5122", 2)
    stale = api.patch(account, json={"name": "Autre"}, headers={"If-Match": '"1"'})
    assert (stale.status_code, stale.json()["code"]) == (412, "stale-version")
    closed = api.patch(account, json={"active": False}, headers={"If-Match": '"2"'})
    assert closed.json()["active"] is False
    assert body["id"] not in [a["id"] for a in api.get("bank-accounts").json()["items"]]
    assert body["id"] in [a["id"] for a in api.get("bank-accounts?include_inactive=true").json()["items"]]


def test_bad_details_are_problems_naming_the_field_and_nothing_is_written(api):
    before = api.get("bank-accounts").json()["items"]
    bad_iban = api.post("bank-accounts", json={"name": "X", "iban": "FR76 3000 6000 0112 3456 7890 188"})
    assert (bad_iban.status_code, bad_iban.json()["code"], bad_iban.json()["field"]) == (
        422,
        "invalid-identifier",
        "iban",
    )
    bad_bic = api.post("bank-accounts", json={"name": "X", "bic": "BNPAXXPP"}, headers={"Accept-Language": "en"})
    assert (bad_bic.json()["code"], bad_bic.json()["field"]) == ("invalid-identifier", "bic")
    assert "BIC" in bad_bic.json()["detail"]
    account = api.post("bank-accounts", json={"name": "X", "ledger_account": "411"})
    assert (account.status_code, account.json()["code"], account.json()["field"]) == (
        422,
        "invalid-bank-account",
        "ledger_account",
    )
    assert "512" in account.json()["detail"]
    assert api.get("/api/v1/errors/invalid-bank-account").status_code == 200
    currency = api.post("bank-accounts", json={"name": "X", "currency": "XYZ"})
    assert (currency.status_code, currency.json()["code"]) == (422, "unknown-currency")
    assert api.get("bank-accounts").json()["items"] == before


def test_a_cash_register_is_not_a_bank_account(api):
    cash = [a for a in api.get("company").json()["accounts"] if a["kind"] == "cash"]
    assert cash
    for till in cash:
        assert api.get(f"bank-accounts/{till['id']}").status_code == 404
        assert api.patch(f"bank-accounts/{till['id']}", json={"name": "X"}).status_code == 404


def test_a_clerk_reads_but_does_not_change_bank_accounts(api, clerk):
    assert clerk.get("bank-accounts").status_code == 200
    assert clerk.post("bank-accounts", json={"name": "X"}).status_code == 403


def test_a_party_holds_ibans_through_the_api(api, clerk, intruder):
    party = api.post("parties", json={"name": "Martin"}).json()["id"]
    added = clerk.post(f"parties/{party}/bank-accounts", json={"iban": PARTY_IBAN.lower(), "label": "Principal"})
    assert added.status_code == 201, added.json()
    assert (added.json()["iban"], added.json()["source"]) == ("DE89370400440532013000", "user")
    again = clerk.post(f"parties/{party}/bank-accounts", json={"iban": PARTY_IBAN})
    assert again.json()["id"] == added.json()["id"]
    assert [a["iban"] for a in api.get(f"parties/{party}").json()["bank_accounts"]] == ["DE89370400440532013000"]
    listed = api.get("parties").json()["items"]
    assert next(p for p in listed if p["id"] == party)["bank_accounts"][0]["label"] == "Principal"
    assert [a["id"] for a in api.get(f"parties/{party}/bank-accounts").json()["items"]] == [added.json()["id"]]

    bad = clerk.post(f"parties/{party}/bank-accounts", json={"iban": "DE89 3704 0044 0532 0130 01"})
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (422, "invalid-identifier", "iban")

    assert intruder.get(f"parties/{party}/bank-accounts").status_code == 404
    assert intruder.post(f"parties/{party}/bank-accounts", json={"iban": PARTY_IBAN}).status_code == 404
    assert intruder.delete(f"parties/{party}/bank-accounts/{added.json()['id']}").status_code == 404

    assert clerk.delete(f"parties/{party}/bank-accounts/{added.json()['id']}").status_code == 204
    assert api.get(f"parties/{party}").json()["bank_accounts"] == []
    assert clerk.delete(f"parties/{party}/bank-accounts/{added.json()['id']}").status_code == 404
