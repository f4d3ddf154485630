"""OpenAPI links between operations: what a client (or Schemathesis' stateful phase) can do next with the object
an operation answered — create a party, then read it, change it, invoice it; issue an invoice, then pay it.

They are derived from the document itself rather than written on each route, so a new route gets its links:
- **by path**: an answer whose schema is one of `ANSWERS` holds an object of a kind (a party, a document …) at a
  JSON pointer; it links to every operation whose path parameters all name that kind (`PARAMETERS`), with the
  parameters taken from the answer (`$response.body#/id`);
- **by body**: the few links in `BODY_LINKS` fill part of the next request's body (the party of a new document,
  the document a payment settles).

Only writes link (a read's answer is already what the next read would fetch).
"""

from __future__ import annotations

import re
from typing import Any

from acompte.adapters.api.routes import API_PREFIX

#: What each path parameter names.
PARAMETERS = {
    "party_id": "party",
    "item_id": "item",
    "document_id": "document",
    "invoice_id": "document",
    "deposit_invoice_id": "document",
    "credit_id": "document",
    "payment_id": "payment",
    "allocation_id": "allocation",
    "refund_id": "refund",
    "run_id": "run",
}

#: The object an answer holds, by the answer's schema: its kind and the JSON pointer of its id.
ANSWERS = {
    "PartyOut": ("party", "/id"),
    "ItemOut": ("item", "/id"),
    "DocumentOut": ("document", "/id"),
    "ValidatedDocumentOut": ("document", "/id"),
    "DepositInvoiceOut": ("document", "/document/id"),
    "IssuedDepositOut": ("document", "/deposit_invoice/document/id"),
    "PaymentOut": ("payment", "/id"),
    "AllocationOut": ("allocation", "/id"),
    "RefundOut": ("refund", "/id"),
    "ExportResultOut": ("run", "/id"),
}

#: Links that fill the next request's body: (answer schema, target method, target path, link name, body).
BODY_LINKS: tuple[tuple[str, str, str, str, dict[str, Any]], ...] = (
    ("PartyOut", "POST", "/documents", "DocumentOfParty", {"party_id": "$response.body#/id"}),
    ("PartyOut", "POST", "/payments", "PaymentOfParty", {"party_id": "$response.body#/id"}),
    ("PartyOut", "POST", "/credit-notes", "CreditNoteOfParty", {"party_id": "$response.body#/id"}),
    ("PartyOut", "POST", "/deposit-invoices", "DepositInvoiceOfParty", {"party_id": "$response.body#/id"}),
    (
        "ValidatedDocumentOut",
        "POST",
        "/payments",
        "PayInFull",
        {
            "party_id": "$response.body#/party_id",
            "amount": "$response.body#/balance_due",
            "allocations": [{"document_id": "$response.body#/id", "amount": "$response.body#/balance_due"}],
        },
    ),
)

_PARAMETER = re.compile(r"\{(\w+)\}")
_SCHEMA_REF = "#/components/schemas/"


def _answer(operation: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The operation's success answer: (schema name, the response object), if it is a JSON object of a schema."""
    for status, response in operation.get("responses", {}).items():
        if status.startswith("2"):
            ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
            if ref.startswith(_SCHEMA_REF):
                return ref.removeprefix(_SCHEMA_REF), response
    return None


def add_links(schema: dict[str, Any]) -> None:
    """Add the links to an OpenAPI document (in place)."""
    operations = {
        (method.upper(), path): operation
        for path, by_method in schema.get("paths", {}).items()
        for method, operation in by_method.items()
    }
    by_kind: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for (_method, path), operation in operations.items():
        names = _PARAMETER.findall(path)
        kinds = {PARAMETERS.get(name) for name in names}
        if names and len(kinds) == 1 and None not in kinds:
            by_kind.setdefault(kinds.pop() or "", []).append((path, operation))

    for (method, _path), operation in operations.items():
        answer = _answer(operation) if method != "GET" else None
        if answer is None or answer[0] not in ANSWERS:
            continue
        name, response = answer
        kind, pointer = ANSWERS[name]
        links = response.setdefault("links", {})
        for target_path, target in by_kind.get(kind, []):
            links[target["operationId"]] = {
                "operationId": target["operationId"],
                "parameters": {f"path.{p}": f"$response.body#{pointer}" for p in _PARAMETER.findall(target_path)},
            }
        for source, target_method, target_path, link_name, body in BODY_LINKS:
            if source == name:
                target = operations[(target_method, API_PREFIX + target_path)]
                links[link_name] = {"operationId": target["operationId"], "requestBody": body}
