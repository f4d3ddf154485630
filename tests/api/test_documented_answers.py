"""Every answer the API gives is in its OpenAPI document: this test walks the route table and calls every read
operation on every object of a company that holds one of each kind and state (drafts, issued invoices, an order
and its deposit invoice, credit notes, payments, an allocation, a refund, an export run), and checks that each
status answered is documented for that operation — e.g. 409 for the Factur-X of a draft. Write operations are
walked too, with the smallest bodies, on objects in every state, on a throwaway company (they change it)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tests.api.conftest import Api, eur, line
from tests.bank_helpers import bank_line

TODAY = date.today()
ID_PARAM = re.compile(r"\{(\w+)\}")


def documented(api: Api) -> dict[tuple[str, str], set[str]]:
    schema = api.client.get("/api/v1/openapi.json").json()
    return {
        (method.upper(), path): set(operation["responses"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def ok(response) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    assert response.status_code in (200, 201), response.text
    return response.json()  # type: ignore[no-any-return]


def zoo(api: Api, app: Any = None) -> dict[str, list[int]]:
    """One object of each kind and state, by the path parameter that names it."""
    customer = ok(api.post("parties", json={"name": "Zoo Client", "siren": "552100554"}))
    supplier = ok(api.post("parties", json={"name": "Zoo Fournisseur", "customer": False, "supplier": True}))
    item = ok(api.post("items", json={"name": "Pose", "kind": "service", "unit_price": "50.00", "vat_rate": "20"}))

    def document(kind: str, *, issue: bool, party: dict[str, Any] = customer, flow: str = "sale") -> dict[str, Any]:
        draft = ok(api.post("documents", json={"kind": kind, "flow": flow, "party_id": party["id"],
                                               "lines": [line("100.00")]}))  # fmt: skip
        return ok(api.post(f"documents/{draft['id']}/validate")) if issue else draft

    draft_invoice = document("invoice", issue=False)
    invoice = document("invoice", issue=True)
    paid_invoice = document("invoice", issue=True)
    purchase = document("invoice", issue=True, party=supplier, flow="purchase")
    quote = document("quote", issue=True)
    draft_order = document("order", issue=False)
    order = document("order", issue=True)
    deposit_draft = ok(api.post(f"documents/{order['id']}/deposit-invoices", json={"percent": "30"}))["document"]
    deposit = ok(api.post(f"documents/{deposit_draft['id']}/validate"))
    order2 = document("order", issue=True)
    deposit_draft2 = ok(api.post(f"documents/{order2['id']}/deposit-invoices", json={"percent": "10"}))["document"]
    credit_note = ok(api.post(f"documents/{invoice['id']}/credit-notes", json={}))
    credit_note = (
        ok(api.post(f"documents/{credit_note['id']}/validate")) if credit_note["state"] == "draft" else credit_note
    )
    payment = ok(api.post("payments", json={"party_id": customer["id"], "amount": eur("150.00"), "method": "transfer",
                                            "allocations": [{"document_id": paid_invoice["id"],
                                                             "amount": eur("120.00")}]}))  # fmt: skip
    allocation_ids = [a["id"] for a in payment.get("allocations", [])]
    loose = ok(api.post("payments", json={"party_id": customer["id"], "amount": eur("30.00"), "method": "cheque"}))
    refund = ok(api.post(f"payments/{loose['id']}/excess", json={"choice": "refund", "refund_method": "transfer"}))
    run = ok(api.post("exports", json={"date_from": f"{TODAY.year}-01-01", "date_to": TODAY.isoformat()}))

    banking: dict[str, list[int]] = {}
    if app is not None:  # bank lines come from statements: written straight into the store here
        lines = [bank_line(app.uow(), api.ctx, amount) for amount in ("15.00", "-4.00", "7.00")]
        match = ok(api.post(f"bank-lines/{lines[2].id}/match", json={"party_id": customer["id"]}))
        ok(api.post(f"bank-lines/{lines[1].id}/ignore", json={}))
        mapping = ok(
            api.post("bank-csv-mappings", json={"name": "Zoo banque", "columns": {"date": "1", "amount": "2"}})
        )
        banking = {
            "mapping_id": [int(mapping["id"]), 999_999_999],
            "line_id": [line.id for line in lines] + [999_999_999],
            "match_id": [int(match["match_id"]), 999_999_999],
            "account_id": [lines[0].account_id, 999_999_999],
        }
    held = ok(api.post(f"parties/{customer['id']}/bank-accounts", json={"iban": "DE89370400440532013000"}))
    treasury = [a["id"] for a in api.get("company").json()["accounts"]]
    documents = [draft_invoice, invoice, paid_invoice, purchase, quote, draft_order, order, deposit_draft, deposit,
                 order2, deposit_draft2, credit_note]  # fmt: skip
    document_ids = [d["id"] for d in documents] + [999_999_999]
    return {
        "party_id": [customer["id"], supplier["id"], 999_999_999],
        "item_id": [item["id"], 999_999_999],
        "document_id": document_ids,
        "invoice_id": document_ids,
        "deposit_invoice_id": document_ids,
        "credit_id": [*document_ids, payment["id"], loose["id"]],
        "payment_id": [payment["id"], loose["id"], refund["refund"]["payment_id"], 999_999_999],
        "allocation_id": [*allocation_ids, 999_999_999],
        "refund_id": [refund["refund"]["id"], 999_999_999],
        "run_id": [run["id"], 999_999_999],
        **banking,
        "account_id": [*treasury, 999_999_999],
        "bank_account_id": [held["id"], 999_999_999],
    }


def urls(path: str, ids: dict[str, list[int]]) -> list[str]:
    """The path with its parameters replaced by every combination of known ids (at most a few hundred)."""
    found = [path]
    for name in ID_PARAM.findall(path):
        found = [url.replace("{" + name + "}", str(value), 1) for url in found for value in ids[name]]
    return found


def test_every_status_an_operation_answers_is_documented(api, app):
    table = documented(api)
    ids = zoo(api, app)
    undocumented: set[str] = set()
    # reads first, on the objects as made; then writes, with an empty body and with none
    for (method, path), statuses in sorted(table.items(), key=lambda op: (op[0][0] != "GET", op[0])):
        for body in [None] if method == "GET" else [{}, None]:
            for url in urls(path, ids):
                response = api.client.request(method, url, headers=api.headers, json=body)
                status = str(response.status_code)
                assert not status.startswith("5"), (method, url, response.text)
                if status not in statuses:
                    undocumented.add(f"{method} {path} -> {status}")
    assert sorted(undocumented) == [], "\n".join(sorted(undocumented))
