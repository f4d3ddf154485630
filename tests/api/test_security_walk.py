"""The security walk: EVERY API operation, found by walking the application's routes.

- without a token, or with a wrong one: 401;
- with another company's ids (in the path or in the body, one at a time or all together): 404, nothing written;
- with a read-only token: 403 on every write (POST, PATCH, PUT, DELETE), nothing written;
- no read shows anything of another company.

A new route module is picked up by itself. If its paths or bodies use a new kind of id (`{credit_id}`,
`"export_id"`), add it to ID_KINDS and build one such object in `world()`; if its body model has no example,
give it one (`json_schema_extra={"examples": [...]}`): the walk sends it.
"""

from __future__ import annotations

import copy
import re
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi import params

from acompte.adapters.api.routes import PUBLIC_PATHS
from acompte.adapters.api.routing import ApiRoute, Operation, operations
from acompte.adapters.bank_formats.upload import import_file
from acompte.domain.banking.confirmation import Confirmation
from acompte.domain.banking.statements import LineFilter
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.services import companies, credits, deposits, documents, exports, parties, payments
from acompte.services.banking import csv_mappings, imports, party_accounts, reconciliation
from acompte.services.credits import CreditRef
from acompte.services.ports import Ctx
from tests.bank_helpers import bank_line as stored_line
from tests.helpers import snapshot

#: Which object an id names, by the name of the path parameter or body field that carries it.
ID_KINDS = {
    "party_id": "party",
    "item_id": "item",
    "document_id": "document",
    "origin_document_id": "document",
    "payment_id": "payment",
    "allocation_id": "allocation",
    "account_id": "account",
    "invoice_id": "invoice",
    "origin_id": "invoice",
    "corrected_invoice_ids": "invoice",
    "deposit_invoice_id": "deposit_invoice",
    "credit_id": "credit",
    "refund_id": "refund",
    "run_id": "run",
    "line_id": "bank_line",
    "match_id": "bank_match",
    "payment_ids": "payment",
    "refund_payment_id": "payment",
    "mapping_id": "csv_mapping",
    "bank_account_id": "party_bank_account",
}


def world(app, ctx: Ctx, mark: str) -> dict[str, str]:
    """One object of each kind in a company, each carrying `mark` in a name or text: a validated order with a
    payment, an issued deposit invoice on it, its issued final invoice (deposit deducted), a credit note on that
    invoice, a refund of part of it, and an accounting export run."""
    uow = app.uow()
    with uow:  # what Factur-X needs of the seller
        uow.companies.update(ctx.company_id, vat_number="FR11123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    party = parties.create_party(
        uow, ctx, name=f"{mark} client", siren="552100554", address="3 place du Marché, 75011 Paris"
    )
    item = parties.create_item(uow, ctx, name=f"{mark} item", unit_price=Decimal("10.00"), vat_rate=Decimal("20"))
    line = LineInput(f"{mark} line", Decimal("2"), Decimal("10.00"), Decimal("20"), item_id=item.id)
    order = documents.create_document(uow, ctx, kind=Kind.ORDER, flow=Flow.SALE, party_id=party.id, lines=[line])
    documents.validate_document(uow, ctx, order.id)
    payment = payments.record_payment(
        uow,
        ctx,
        party_id=party.id,
        amount=Money.of("50.00", "EUR"),
        method="transfer",
        reference=f"{mark} ref",
        allocations=[(order.id, Money.of("10.00", "EUR"))],
    )
    deposit = deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, amount=Money.of("6.00", "EUR"))
    deposits.issue_deposit_invoice(uow, ctx, deposit.id, generate_payment=False)
    invoice = deposits.create_final_invoice(uow, ctx, order.id).invoice
    documents.validate_document(uow, ctx, invoice.id)
    credit = credits.credit_invoice(uow, ctx, invoice.id, lines=[(1, Decimal("1"))], comment=f"{mark} credit")
    refund = credits.refund(
        uow, ctx, source=CreditRef.credit_note(credit.id), method="transfer", amount=Money.of("1.00", "EUR")
    )
    run = exports.run_export(uow, ctx, date_from=date.today(), date_to=date.today())
    bank_account = next(a for a, _name, kind in companies.accounts(uow, ctx) if kind == "bank")
    mapping = csv_mappings.create_mapping(
        uow, ctx, name=f"{mark} bank", columns={"date": "1", "amount": "2", "label": "3"}, delimiter=",", header=False
    )
    import_file(uow, ctx, bank_account, STATEMENT.replace(b"MARK", mark.encode()), mapping_id=mapping.id)
    (bank_line,) = imports.list_lines(uow, ctx, LineFilter(account_id=bank_account))
    matched = stored_line(uow, ctx, "5.00", label=f"{mark} matched line")
    match = reconciliation.confirm(uow, ctx, matched.id, Confirmation(party_id=party.id))
    held = party_accounts.add_party_account(uow, ctx, party.id, "DE89 3704 0044 0532 0130 00", label=f"{mark} iban")
    return {
        "party": str(party.id),
        "item": str(item.id),
        "document": str(order.id),
        "payment": str(payment.id),
        "allocation": str(payments.get_payment(uow, ctx, payment.id).allocations[0].id),
        "account": str(companies.accounts(uow, ctx)[0][0]),
        "invoice": str(invoice.id),
        "deposit_invoice": str(deposit.id),
        "credit": str(credit.id),
        "refund": str(refund.id),
        "run": str(run.run_id),
        "bank_line": str(bank_line.id),
        "csv_mapping": str(mapping.id),
        "bank_match": str(match.match_id),
        "party_bank_account": str(held.id),
    }


#: A one-line bank CSV (the world's mapping reads it), its label carrying the company's mark.
STATEMENT = b'04/12/2026,"1440,00",VIR MARK client\n'


def is_upload(op: Operation) -> bool:
    """An operation taking a file (multipart form), not a JSON body."""
    return any(isinstance(p.field_info, params.File) for p in op.route.dependant.body_params)


@pytest.fixture(scope="module")
def walked(api_app) -> list[Operation]:  # type: ignore[no-untyped-def]
    ops = [op for op in operations(api_app) if not op.path.startswith(PUBLIC_PATHS)]
    assert len(ops) >= 27, "the walk lost operations"
    return ops


@pytest.fixture
def mark() -> str:
    return f"SECRET-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def own(app, api) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return world(app, api.ctx, "own")


@pytest.fixture
def foreign(app, intruder, mark) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return world(app, intruder.ctx, mark)


def path_params(op: Operation) -> list[str]:
    return re.findall(r"{(\w+)}", op.path)


def example_body(op: Operation) -> Any:
    field = op.route.body_field
    if field is None or is_upload(op):
        return None
    model = field.field_info.annotation
    examples = (model.model_config.get("json_schema_extra") or {}).get("examples")
    assert examples, f"{op.method} {op.path}: give {model.__name__} an example (json_schema_extra)"
    return copy.deepcopy(examples[0])


def body_slots(body: Any, where: tuple = ()) -> list[tuple]:
    """Paths (tuples of keys/indexes) of every id field in a body."""
    slots = []
    if isinstance(body, dict):
        for key, value in body.items():
            if key in ID_KINDS and isinstance(value, list):
                slots.extend((*where, key, index) for index in range(len(value)))
            elif key in ID_KINDS:
                slots.append((*where, key))
            elif key.endswith(("_id", "_ids")):
                pytest.fail(f"unknown id field {key!r}: add it to ID_KINDS")
            else:
                slots.extend(body_slots(value, (*where, key)))
    elif isinstance(body, list):
        for index, value in enumerate(body):
            slots.extend(body_slots(value, (*where, index)))
    return slots


def fill(op: Operation, ids_for_slot) -> tuple[str, Any]:  # type: ignore[no-untyped-def]
    """The URL and body of an operation, each id slot filled by `ids_for_slot(slot)` (a world dict)."""
    url = op.path
    for name in path_params(op):
        assert name in ID_KINDS, f"{op.method} {op.path}: unknown path parameter {{{name}}}: add it to ID_KINDS"
        url = url.replace(f"{{{name}}}", ids_for_slot(("path", name))[ID_KINDS[name]])
    body = example_body(op)
    for slot in body_slots(body):
        target = body
        for part in slot[:-1]:
            target = target[part]
        target[slot[-1]] = ids_for_slot(("body", *slot))[ID_KINDS[kind_of(slot)]]
    return url, body


def kind_of(slot: tuple) -> str:
    """The id field a slot fills: its last key (a list of ids is filled item by item)."""
    return next(part for part in reversed(slot) if isinstance(part, str))


def slots_of(op: Operation) -> list[tuple]:
    return [("path", name) for name in path_params(op)] + [("body", *s) for s in body_slots(example_body(op))]


def call(api, op: Operation, url: str, body: Any):  # type: ignore[no-untyped-def]
    if is_upload(op):
        return api.request(op.method, url, files={"file": ("statement.csv", STATEMENT)})
    return api.request(op.method, url, json=body) if body is not None else api.request(op.method, url)


def test_every_operation_is_an_authenticated_api_route(client, walked, own):
    for op in walked:
        assert isinstance(op.original, ApiRoute), f"{op.method} {op.path}: make its router with capability_router()"
        url, body = fill(op, lambda _slot: own)
        for headers in [{}, {"Authorization": "Bearer acp_not-a-token"}, {"Authorization": "Basic eDp5"}]:
            upload = {"files": {"file": ("statement.csv", STATEMENT)}} if is_upload(op) else {"json": body}
            response = client.request(op.method, url, headers=headers, **upload)
            assert response.status_code == 401, f"{op.method} {op.path} {headers}: {response.status_code}"


def test_another_companys_ids_are_not_found_anywhere(api, intruder, uow, walked, own, foreign):
    before = (snapshot(uow, api.ctx), snapshot(uow, intruder.ctx))
    checked = 0
    for op in walked:
        slots = slots_of(op)
        variants = [lambda _slot: foreign] if slots else []
        variants += [lambda slot, target=target: foreign if slot == target else own for target in slots]
        for ids_for_slot in variants:
            url, body = fill(op, ids_for_slot)
            response = call(api, op, url, body)
            assert response.status_code == 404, f"{op.method} {url} {body}: {response.status_code} {response.text}"
            assert response.json()["code"] in {
                "not-found",
                "allocation-not-found",
                "refund-not-found",
                "bank-match-not-found",
            }
            checked += 1
    assert checked >= 30
    assert (snapshot(uow, api.ctx), snapshot(uow, intruder.ctx)) == before


def test_a_read_only_token_may_change_nothing(reader, uow, walked, own):
    before = snapshot(uow, reader.ctx)
    writes = [op for op in walked if op.is_write]
    assert len(writes) >= 12
    for op in writes:
        url, body = fill(op, lambda _slot: own)
        response = call(reader, op, url, body)
        assert response.status_code == 403, f"{op.method} {url}: {response.status_code} {response.text}"
        assert response.json()["code"] == "permission-denied"
    assert snapshot(uow, reader.ctx) == before


def test_a_read_only_token_reads_everything_of_its_company_and_nothing_of_another(reader, walked, own, foreign, mark):
    for op in walked:
        if op.is_write:
            continue
        url, _ = fill(op, lambda _slot: own)
        response = reader.get(url)
        assert response.status_code == 200, f"GET {url}: {response.status_code} {response.text}"
        assert mark not in response.text, f"GET {url} shows another company's data"
