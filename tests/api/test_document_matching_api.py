"""What a matcher reads through the API: the supplier's own number on purchase documents (created, changed on
the draft, frozen once validated: 409, searched) and the list's exact amount, range and open filters."""

from __future__ import annotations

from tests.api.conftest import eur, line


def ids(response) -> set[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.json()
    return {d["id"] for d in response.json()["items"]}


def test_the_supplier_number_through_the_api(api, supplier):
    created = api.post(
        "documents",
        json={
            "kind": "invoice",
            "flow": "purchase",
            "party_id": str(supplier.id),
            "lines": [line("500.00")],
            "supplier_reference": "FAC 2026/77",
        },
    )
    assert created.status_code == 201 and created.json()["supplier_reference"] == "FAC 2026/77"
    doc = created.json()["id"]
    changed = api.patch(f"documents/{doc}", json={"supplier_reference": "FAC-2026-78"})
    assert changed.status_code == 200 and changed.json()["supplier_reference"] == "FAC-2026-78"
    assert api.post(f"documents/{doc}/validate").status_code == 200
    frozen = api.patch(
        f"documents/{doc}", json={"supplier_reference": "FAC-2026-79"}, headers={"Accept-Language": "en"}
    )
    assert (frozen.status_code, frozen.json()["code"]) == (409, "supplier-reference-frozen")
    assert "supplier" in frozen.json()["detail"]
    assert api.get(f"documents/{doc}").json()["supplier_reference"] == "FAC-2026-78"
    found = api.get("documents", params={"search": "fac-2026-78"})
    assert ids(found) == {doc} and found.json()["items"][0]["supplier_reference"] == "FAC-2026-78"

    sale = api.post("documents", json={"kind": "invoice", "party_id": str(supplier.id), "supplier_reference": "X"})
    assert sale.status_code == 422


def test_amount_and_open_filters(api, customer):
    party = str(customer.id)

    def issued(price: str, kind: str = "invoice") -> str:
        doc = api.post("documents", json={"kind": kind, "party_id": party, "lines": [line(price)]}).json()["id"]
        assert api.post(f"documents/{doc}/validate").status_code == 200
        return doc

    open_invoice, paid = issued("100.00"), issued("50.00")  # 120.00, 60.00
    payment = {"party_id": party, "amount": eur("60.00"), "method": "cheque"}
    api.post("payments", json=payment | {"allocations": [{"document_id": paid, "amount": eur("60.00")}]})
    credited = issued("80.00")  # 96.00, credited in full: neither it nor its credit note is open
    assert api.post(f"documents/{credited}/credit-notes", json={}).status_code in (200, 201)

    mine = ids(api.get("documents", params={"limit": 500}))
    assert ids(api.get("documents", params={"open": "true", "limit": 500})) & mine == {open_invoice}
    assert ids(api.get("documents", params={"amount": "120.00"})) == {open_invoice}
    assert ids(api.get("documents", params={"amount": "120"})) == {open_invoice}
    assert ids(api.get("documents", params={"amount_min": "60", "amount_max": "96.00"})) >= {paid, credited}
    assert open_invoice not in ids(api.get("documents", params={"amount_min": "60", "amount_max": "96.00"}))
    assert api.get("documents", params={"amount": "12,5"}).status_code == 422
