"""Documents through the API: drafts, If-Match, validation, conversion, cancellation, deletion, history."""

from tests.api.conftest import line
from tests.helpers import snapshot


def draft(api, party_id, kind="invoice", *lines):
    response = api.post(
        "documents", json={"kind": kind, "flow": "sale", "party_id": party_id, "lines": list(lines) or [line("100.00")]}
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_draft_has_exact_totals_and_no_number_until_validated(api, customer):
    doc = draft(api, str(customer.id), "invoice", line("1000.00"), line("85.50", qty="4"), line("120.00", rate="10"))
    assert doc["number"] is None and doc["state"] == "draft"
    assert (doc["net"], doc["vat"], doc["gross"]) == (
        {"amount": "1462.00", "currency": "EUR"},
        {"amount": "280.40", "currency": "EUR"},
        {"amount": "1742.40", "currency": "EUR"},
    )
    assert doc["balance_due"] == {"amount": "1742.40", "currency": "EUR"}
    assert (doc["status"], doc["payment_status"]) == ("draft", None)
    assert [ln["net"]["amount"] for ln in doc["lines"]] == ["1000.00", "342.00", "120.00"]

    validated = api.post(f"documents/{doc['id']}/validate")
    assert validated.status_code == 200
    assert validated.json()["number"].startswith("FA-")
    assert validated.headers["etag"] == f'"{validated.json()["version"]}"'


def test_if_match_refuses_a_stale_change_and_writes_nothing(api, customer, uow):
    doc = draft(api, str(customer.id))
    stale = doc["version"]
    changed = api.patch(f"documents/{doc['id']}", json={"lines": [line("50.00")]}, headers={"If-Match": f'"{stale}"'})
    assert changed.status_code == 200
    assert changed.json()["gross"]["amount"] == "60.00"
    before = snapshot(uow, api.ctx)

    refused = api.patch(f"documents/{doc['id']}", json={"lines": [line("10.00")]}, headers={"If-Match": f'"{stale}"'})
    assert refused.status_code == 412
    problem = refused.json()
    assert problem["type"] == "/api/v1/errors/stale-version"
    assert (problem["expected"], problem["actual"]) == (stale, changed.json()["version"])
    assert api.post(f"documents/{doc['id']}/validate", headers={"If-Match": 'W/"1"'}).status_code == 412
    assert api.delete(f"documents/{doc['id']}", headers={"If-Match": "garbage"}).status_code == 412
    assert snapshot(uow, api.ctx) == before
    assert api.get(f"documents/{doc['id']}").json()["gross"]["amount"] == "60.00"

    current = changed.headers["etag"]
    assert api.post(f"documents/{doc['id']}/validate", headers={"If-Match": current}).status_code == 200


def test_a_validated_invoice_is_frozen_and_the_problem_says_so_in_french_or_english(api, customer, uow):
    doc = draft(api, str(customer.id))
    number = api.post(f"documents/{doc['id']}/validate").json()["number"]
    before = snapshot(uow, api.ctx)
    refused = api.patch(f"documents/{doc['id']}", json={"lines": [line("1.00")]})
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert (
        refused.json()["detail"]
        == f"{number} est validé(e) et ne peut plus être modifié(e) ; corrigez-le par un avoir."
    )
    english = api.patch(
        f"documents/{doc['id']}", json={"lines": [line("1.00")]}, headers={"Accept-Language": "en-GB,en;q=0.9"}
    )
    assert english.json()["detail"] == f"{number} is validated and can no longer change; correct it with a credit note."
    assert english.json()["title"] == "Document frozen"
    assert english.headers["content-language"] == "en"
    assert snapshot(uow, api.ctx) == before


def test_an_order_is_converted_into_an_invoice_then_cancelled_orders_keep_history(api, customer):
    order = draft(api, str(customer.id), "order", line("200.00"))
    api.post(f"documents/{order['id']}/validate")
    converted = api.post(f"documents/{order['id']}/convert", json={"target": "invoice"})
    assert converted.status_code == 201
    invoice = converted.json()
    assert (invoice["kind"], invoice["origin_id"], invoice["gross"]["amount"]) == ("invoice", order["id"], "240.00")
    assert converted.headers["location"] == f"/api/v1/documents/{invoice['id']}"

    cancelled = api.post(f"documents/{order['id']}/cancel")
    assert cancelled.json()["state"] == "cancelled"
    kinds = [e["kind"] for e in api.get(f"documents/{order['id']}/history").json()["items"]]
    assert kinds == ["DocumentCreated", "DocumentValidated", "DocumentConverted", "DocumentCancelled"]


def test_a_draft_is_deleted_but_a_validated_invoice_is_not(api, customer, uow):
    doc = draft(api, str(customer.id))
    assert api.delete(f"documents/{doc['id']}").status_code == 204
    assert api.get(f"documents/{doc['id']}").status_code == 404
    issued = draft(api, str(customer.id))
    api.post(f"documents/{issued['id']}/validate")
    before = snapshot(uow, api.ctx)
    refused = api.delete(f"documents/{issued['id']}")
    assert refused.status_code == 409
    assert refused.json()["code"] == "invalid-transition"
    assert snapshot(uow, api.ctx) == before


def test_documents_are_filtered_and_paged(api, customer):
    ids = [draft(api, str(customer.id), kind)["id"] for kind in ("quote", "order", "invoice", "invoice")]
    invoices = api.get("documents", params={"kind": "invoice"}).json()
    assert [d["id"] for d in invoices["items"]] == ids[2:]
    page = api.get("documents", params={"limit": 3}).json()
    assert [d["id"] for d in page["items"]] == ids[:3]
    rest = api.get("documents", params={"limit": 3, "cursor": page["next_cursor"]}).json()
    assert ([d["id"] for d in rest["items"]], rest["next_cursor"]) == (ids[3:], None)
    assert api.get("documents", params={"party_id": str(customer.id), "state": "validated"}).json()["items"] == []


def test_a_sale_to_a_supplier_only_party_is_refused(api, supplier, uow):
    before = snapshot(uow, api.ctx)
    refused = api.post("documents", json={"kind": "invoice", "party_id": str(supplier.id), "lines": [line("1.00")]})
    assert refused.status_code == 422
    assert refused.json()["code"] == "party-role-mismatch"
    assert snapshot(uow, api.ctx) == before


def test_a_document_says_what_it_allows_now_the_next_step_first(api, customer):
    doc = draft(api, str(customer.id), "order", line("200.00"))
    assert doc["actions"][0] == "validate" and "edit" in doc["actions"] and "settle" not in doc["actions"]
    order = api.post(f"documents/{doc['id']}/validate").json()
    assert order["actions"][0] == "invoice"
    assert {"deposit", "deposit_invoice", "delivery", "cancel", "edit"} <= set(order["actions"])

    invoice = api.post(f"documents/{order['id']}/convert", json={"target": "invoice"}).json()
    issued = api.post(f"documents/{invoice['id']}/validate").json()
    assert issued["actions"][0] == "settle"
    assert "credit_note" in issued["actions"] and not {"cancel", "edit", "validate"} & set(issued["actions"])
    paid = api.post(
        "payments",
        json={
            "party_id": str(customer.id),
            "amount": issued["gross"],
            "method": "transfer",
            "payment_date": issued["issue_date"],
            "allocations": [{"document_id": issued["id"], "amount": issued["gross"]}],
        },
    )
    assert paid.status_code == 201, paid.text
    assert "settle" not in api.get(f"documents/{issued['id']}").json()["actions"]
    assert "invoice" not in api.get(f"documents/{order['id']}").json()["actions"]  # wholly invoiced already
