"""Payments and allocations through the API, with exact amounts."""

from tests.api.conftest import eur
from tests.helpers import line as line_input
from tests.helpers import snapshot, validated


def test_a_payment_is_recorded_and_allocated_at_once(api, uow, customer):
    invoice = validated(uow, api.ctx, customer.id)  # 100.00 HT + 20 % = 120.00
    response = api.post(
        "payments",
        json={
            "party_id": str(customer.id),
            "amount": eur("150.00"),
            "method": "transfer",
            "reference": "VIR 42",
            "payment_date": "2026-03-16",
            "allocations": [{"document_id": str(invoice.id), "amount": eur("120.00")}],
        },
    )
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["number"] == "RC-2026-00001"
    assert (payment["amount"], payment["allocated"], payment["unallocated"]) == (
        eur("150.00"),
        eur("120.00"),
        eur("30.00"),
    )
    assert [(a["document_id"], a["amount"]) for a in payment["allocations"]] == [(str(invoice.id), eur("120.00"))]
    doc = api.get(f"documents/{invoice.id}").json()
    assert (doc["payment_status"], doc["balance_due"]) == ("paid", eur("0.00"))

    account = api.get(f"parties/{customer.id}/account").json()
    assert (account["owed"], account["held"], account["balance"]) == (eur("0.00"), eur("30.00"), eur("-30.00"))
    assert [p["id"] for p in account["unallocated_payments"]] == [payment["id"]]
    kinds = [e["kind"] for e in api.get(f"payments/{payment['id']}/history").json()["items"]]
    assert kinds == ["PaymentRecorded", "PaymentAllocated"]


def test_an_over_allocation_is_refused_with_the_figures_and_nothing_is_written(api, uow, customer):
    first = validated(uow, api.ctx, customer.id)
    second = validated(uow, api.ctx, customer.id)
    payment = api.post(
        "payments", json={"party_id": str(customer.id), "amount": eur("150.00"), "method": "cheque"}
    ).json()
    assert api.post(f"payments/{payment['id']}/allocations", json={"document_id": str(first.id)}).status_code == 201
    before = snapshot(uow, api.ctx)

    refused = api.post(
        f"payments/{payment['id']}/allocations", json={"document_id": str(second.id), "amount": eur("40.00")}
    )
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["type"] == "/api/v1/errors/over-allocation"
    assert (problem["requested"], problem["available"], problem["source"]) == (
        "40.00 EUR",
        "30.00 EUR",
        payment["number"],
    )
    assert (
        problem["detail"]
        == f"Affectation de 40,00\u00a0€ impossible : il reste 30,00\u00a0€ disponible sur {payment['number']}."
    )
    assert snapshot(uow, api.ctx) == before

    english = api.post(
        f"payments/{payment['id']}/allocations",
        json={"document_id": str(second.id), "amount": eur("40.00")},
        headers={"Accept-Language": "en"},
    )
    assert english.json()["detail"] == f"Cannot allocate €40.00: only €30.00 is left on {payment['number']}."


def test_an_allocation_is_undone_and_both_sides_get_the_amount_back(api, uow, customer):
    invoice = validated(uow, api.ctx, customer.id)
    payment = api.post(
        "payments",
        json={
            "party_id": str(customer.id),
            "amount": eur("120.00"),
            "method": "cash",
            "allocations": [{"document_id": str(invoice.id), "amount": eur("100.00")}],
        },
    ).json()
    allocation_id = payment["allocations"][0]["id"]
    assert api.get(f"allocations/{allocation_id}").json()["amount"] == eur("100.00")
    removed = api.delete(f"allocations/{allocation_id}", params={"reason": "erreur de saisie"})
    assert removed.status_code == 200
    assert api.get(f"payments/{payment['id']}").json()["unallocated"] == eur("120.00")
    assert api.get(f"documents/{invoice.id}").json()["balance_due"] == eur("120.00")
    assert api.get(f"allocations/{allocation_id}").status_code == 404


def test_if_match_on_a_payment(api, uow, customer):
    invoice = validated(uow, api.ctx, customer.id)
    created = api.post("payments", json={"party_id": str(customer.id), "amount": eur("10.00"), "method": "cheque"})
    path = f"payments/{created.json()['id']}/allocations"
    before = snapshot(uow, api.ctx)
    assert api.post(path, json={"document_id": str(invoice.id)}, headers={"If-Match": '"7"'}).status_code == 412
    assert snapshot(uow, api.ctx) == before
    allocated = api.post(path, json={"document_id": str(invoice.id)}, headers={"If-Match": created.headers["etag"]})
    assert allocated.status_code == 201
    assert allocated.json()["amount"] == eur("10.00")


def test_payments_are_filtered_and_paged(api, uow, customer, supplier):
    ids = [
        api.post("payments", json={"party_id": str(customer.id), "amount": eur(f"{n}.00"), "method": "cheque"}).json()[
            "id"
        ]
        for n in (1, 2, 3)
    ]
    out = api.post(
        "payments", json={"party_id": str(supplier.id), "amount": eur("9.99"), "method": "transfer", "direction": "out"}
    ).json()
    page = api.get("payments", params={"limit": 2}).json()
    assert [p["id"] for p in page["items"]] == ids[:2]
    rest = api.get("payments", params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [p["id"] for p in rest["items"]] == [ids[2], out["id"]]
    assert [p["id"] for p in api.get("payments", params={"direction": "out"}).json()["items"]] == [out["id"]]
    assert [p["id"] for p in api.get("payments", params={"method": "cheque"}).json()["items"]] == ids
    assert (
        api.get("payments", params={"party_id": str(customer.id), "unallocated_only": True}).json()["items"][0]["id"]
        == ids[0]
    )


def test_a_payment_in_a_currency_with_other_decimals(api, customer, uow):
    refused = api.post(
        "payments",
        json={"party_id": str(customer.id), "amount": {"amount": "10.5", "currency": "JPY"}, "method": "cash"},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["type"] == "too_many_decimals"
    ok = api.post(
        "payments",
        json={
            "party_id": str(customer.id),
            "amount": {"amount": "1.5", "currency": "TND"},
            "method": "cash",
            "exchange_rate": "0.29",  # a payment in another currency than the company's gives its rate
        },
    )
    assert ok.status_code == 201
    assert ok.json()["amount"] == {"amount": "1.500", "currency": "TND"}


def test_a_document_list_shows_what_is_paid_and_due(api, uow, customer):
    invoice = validated(uow, api.ctx, customer.id, line_input("50.00"), line_input("50.00"))
    paid = {"party_id": str(customer.id), "amount": eur("20.00"), "method": "cheque"}
    api.post("payments", json={**paid, "allocations": [{"document_id": str(invoice.id), "amount": eur("20.00")}]})
    row = api.get("documents", params={"open_only": True}).json()["items"][0]
    assert (row["id"], row["payment_status"], row["settled"], row["balance_due"]) == (
        str(invoice.id),
        "partial",
        eur("20.00"),
        eur("100.00"),
    )
