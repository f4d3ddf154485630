"""Parties and items through the API: create, read, change, list with paging and filters."""

from acompte.services import parties
from tests.helpers import snapshot


def test_a_party_is_created_read_and_changed(api):
    created = api.post("parties", json={"name": "Claire Martin", "email": "claire@example.fr"})
    assert created.status_code == 201
    party = created.json()
    assert created.headers["location"] == f"/api/v1/parties/{party['id']}"
    assert party == {
        "id": party["id"],
        "name": "Claire Martin",
        "customer": True,
        "supplier": False,
        "email": "claire@example.fr",
        "siren": "",
        "vat_number": "",
        "street": "",
        "street2": "",
        "postcode": "",
        "city": "",
        "country": "FR",
        "address": "",
        "vat_regime": "",
        "vat_regime_applied": "domestic",
        "vat_exemption_code": "",
        "vat_exemption_reason": "",
        "deposit_percent": None,
        "deposit_percent_by_item": {},
        "payment_terms": None,
        "bank_accounts": [],
    }
    assert api.get(f"parties/{party['id']}").json() == party

    changed = api.patch(f"parties/{party['id']}", json={"supplier": True, "siren": "552100554"})
    assert changed.status_code == 200
    assert (changed.json()["supplier"], changed.json()["siren"], changed.json()["name"]) == (
        True,
        "552100554",
        "Claire Martin",
    )
    kinds = [e["kind"] for e in api.get(f"parties/{party['id']}/history").json()["items"]]
    assert kinds == ["PartyCreated", "PartyUpdated"]


def test_parties_are_listed_page_by_page_with_an_opaque_cursor(api, app):
    for i in range(5):
        parties.create_party(app.uow(), api.ctx, name=f"Client {i}", supplier=i % 2 == 0)
    first = api.get("parties", params={"limit": 2}).json()
    assert [p["name"] for p in first["items"]] == ["Client 0", "Client 1"]
    second = api.get("parties", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [p["name"] for p in second["items"]] == ["Client 2", "Client 3"]
    last = api.get("parties", params={"limit": 2, "cursor": second["next_cursor"]}).json()
    assert [p["name"] for p in last["items"]] == ["Client 4"]
    assert last["next_cursor"] is None
    suppliers = api.get("parties", params={"role": "supplier"}).json()["items"]
    assert [p["name"] for p in suppliers] == ["Client 0", "Client 2", "Client 4"]
    assert [p["name"] for p in api.get("parties", params={"search": "t 3"}).json()["items"]] == ["Client 3"]


def test_an_item_keeps_its_exact_price_and_rate(api):
    created = api.post("items", json={"name": "Chaise", "unit_price": "85.5", "vat_rate": "5.5", "kind": "goods"})
    assert created.status_code == 201
    item = created.json()
    assert (item["unit_price"], item["vat_rate"]) == ("85.5", "5.5")
    assert api.get(f"items/{item['id']}").json() == item
    assert [i["id"] for i in api.get("items").json()["items"]] == [item["id"]]


def test_an_item_with_a_vat_rate_the_company_does_not_have_is_refused(api, uow):
    before = snapshot(uow, api.ctx)
    refused = api.post("items", json={"name": "Chaise", "unit_price": "85.50", "vat_rate": "7"})
    assert refused.status_code == 422
    assert refused.json()["type"] == "/api/v1/errors/invalid-vat-rate"
    assert refused.json()["rate"] == "7"
    assert snapshot(uow, api.ctx) == before
    assert api.get("items").json()["items"] == []


def test_the_company_settings_and_the_token_identity_are_readable(api, reader):
    company = reader.get("company").json()
    assert company["currency"] == "EUR"
    assert company["vat_rates"] == ["20", "10", "5.5", "2.1", "0"]
    assert {"code": "card", "label": "Carte bancaire", "digital": True} in company["payment_methods"]
    assert [a["kind"] for a in company["accounts"]] == ["bank", "cash"]
    me = reader.get("me").json()
    assert (me["role"], me["permissions"], me["company_id"]) == ("read-only", ["read"], str(reader.ctx.company_id))
    assert api.get("me").json()["permissions"] == ["accounting", "admin", "read", "write"]
