"""A party and an item read through the API return the defaults a PUT set: deposit percentages and payment
terms."""

from __future__ import annotations


def test_a_party_returns_its_default_deposit_percentages_and_payment_terms(api):
    party = api.post("parties", json={"name": "Bistrot du Parc"}).json()
    assert (party["deposit_percent"], party["deposit_percent_by_item"], party["payment_terms"]) == (None, {}, None)
    item = api.post("items", json={"name": "Table", "unit_price": "1000", "vat_rate": "20"}).json()

    assert api.put(f"parties/{party['id']}/deposit-percent", json={"percent": "30"}).status_code == 204
    body = {"percent": "40", "item_id": item["id"]}
    assert api.put(f"parties/{party['id']}/deposit-percent", json=body).status_code == 204
    terms = {"terms": [{"percent": "30"}, {"percent": "70", "days": 30, "end_of_month": True}]}
    put = api.put(f"parties/{party['id']}/payment-terms", json=terms)
    assert put.status_code == 200
    expected_terms = [
        {"percent": "30", "days": 0, "end_of_month": False, "basis": "invoice"},
        {"percent": "70", "days": 30, "end_of_month": True, "basis": "invoice"},
    ]
    assert put.json()["payment_terms"] == expected_terms

    got = api.get(f"parties/{party['id']}").json()
    assert got["deposit_percent"] == "30"
    assert got["deposit_percent_by_item"] == {item["id"]: "40"}
    assert got["payment_terms"] == expected_terms
    listed = next(p for p in api.get("parties").json()["items"] if p["id"] == party["id"])
    assert listed == got

    assert api.put(f"parties/{party['id']}/deposit-percent", json={"percent": None}).status_code == 204
    assert api.get(f"parties/{party['id']}").json()["deposit_percent"] is None


def test_an_item_returns_its_default_deposit_percentage(api):
    item = api.post("items", json={"name": "Chaise", "unit_price": "85.5", "vat_rate": "20"}).json()
    assert item["deposit_percent"] is None
    assert api.put(f"items/{item['id']}/deposit-percent", json={"percent": "33.33"}).status_code == 204
    got = api.get(f"items/{item['id']}").json()
    assert got["deposit_percent"] == "33.33"
    assert next(i for i in api.get("items").json()["items"] if i["id"] == item["id"]) == got
