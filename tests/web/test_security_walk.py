"""The security walk: EVERY web page of the application, found generically in `web_app.routes`.

Each `{parameter}` of a path is filled with the id of a real object of the test's company (one of each kind is
made with the services). Then:

- an anonymous visitor is sent to the login page, on every route (GET and POST);
- a read-only user gets 403 on every POST;
- an intruder (an administrator of ANOTHER company) gets 404 on every GET and POST carrying this company's ids
  (a POST may also stop at the 400 page of a form it cannot read), and writes nothing;
- the company's own administrator opens every GET page with those ids without a 404 or an error (so the ids
  are the right kind and the intruder's 404 means something).

A route whose parameter this file does not know how to fill fails the walk with its name: add the parameter to
`NAMED` (by parameter name) or `BY_SEGMENT` (for a bare `{id}`, by the path segment before it).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from fastapi import routing
from fastapi.testclient import TestClient

from acompte.domain.banking.confirmation import Confirmation
from acompte.domain.documents import Flow, Kind
from acompte.domain.money import Money
from acompte.services import companies, exports, parties, payments, users
from acompte.services.banking import csv_mappings, party_accounts, reconciliation
from acompte.services.exports import issued_files
from tests.bank_helpers import bank_line
from tests.helpers import gesture, line, snapshot, validated

#: Paths the walk leaves out: the API (tested by tests/api), static files, and the session pages.
SKIPPED_PREFIXES = ("/api", "/static", "/docs", "/redoc", "/openapi")
SKIPPED_PATHS = {"/login", "/logout", "/language"}
#: The signed-in user's own account (the second factor): every role may change it, it holds no company data.
OWN_ACCOUNT_PREFIX = "/account/"

#: Kind of object a parameter names, by parameter name.
NAMED = {
    "document_id": "document",
    "invoice_id": "document",
    "order_id": "document",
    "doc_id": "document",
    "payment_id": "payment",
    "party_id": "party",
    "contact_id": "party",
    "customer_id": "party",
    "supplier_id": "party",
    "credit_id": "credit",
    "credit_note_id": "credit",
    "run_id": "run",
    "export_id": "run",
    "token_id": "token",
    "item_id": "item",
    "line_id": "bank_line",
    "match_id": "bank_match",
    "mapping_id": "csv_mapping",
    "account_id": "treasury",
    "bank_account_id": "party_bank_account",
}
#: Segments whose id is of a narrower kind than its parameter's name says (`/overpayments/{payment_id}`).
OVERRIDES = {"overpayments": "overpayment"}
#: Kind of object a bare `{id}` names, by the path segment before it (`/payments/{id}` → payment).
BY_SEGMENT = {
    "documents": "document",
    "payments": "payment",
    "contacts": "party",
    "parties": "party",
    "credits": "credit",
    "credit-notes": "credit",
    "overpayments": "overpayment",
    "items": "item",
    "tokens": "token",
    "exports": "run",
}


def _all_routes(web_app):  # type: ignore[no-untyped-def]
    """Every route of the application, included routers flattened (FastAPI ≥ 0.13x includes them lazily)."""
    flatten = getattr(routing, "iter_route_contexts", None)
    return list(flatten(web_app.routes)) if flatten else list(web_app.routes)


def web_routes(web_app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(method, path) of every web page: every route but the API, static files and the session pages."""
    found = set()
    for route in _all_routes(web_app):
        path, methods = getattr(route, "path", None), getattr(route, "methods", None)
        if not path or not methods or path.startswith(SKIPPED_PREFIXES) or path in SKIPPED_PATHS:
            continue
        found |= {(method, path) for method in methods if method in ("GET", "POST")}
    return sorted(found)


def fill(path: str, ids: dict[str, int]) -> str:
    """The path with each `{parameter}` replaced by the id of an object of the right kind (fails if unknown)."""
    parts = path.split("/")
    for i, part in enumerate(parts):
        if not (part.startswith("{") and part.endswith("}")):
            continue
        name = part[1:-1].split(":")[0]
        kind = (
            OVERRIDES.get(parts[i - 1]) or NAMED.get(name) or (BY_SEGMENT.get(parts[i - 1]) if name == "id" else None)
        )
        if kind is None:
            pytest.fail(
                f"security walk: route {path} has a parameter {{{name}}} the walk cannot fill; "
                "map it in NAMED or BY_SEGMENT of tests/web/test_security_walk.py"
            )
        parts[i] = str(ids[kind])
    return "/".join(parts)


@pytest.fixture
def ids(app, ctx, customer, web_reader) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """One object of each kind, all of the test's company."""
    uow = app.uow()
    item = parties.create_item(uow, ctx, name="Table", unit_price=Decimal("100.00"), vat_rate=Decimal("20"))
    invoice = validated(uow, ctx, customer.id, line("1000.00"), today=date.today())
    payment = payments.record_payment(
        uow,
        ctx,
        party_id=customer.id,
        amount=Money.of("500.00", "EUR"),
        method="cheque",
        allocations=[(invoice.id, Money.of("500.00", "EUR"))],
    )
    overpaid = validated(uow, ctx, customer.id, line("100.00"), today=date.today())  # 120,00 € TTC
    overpayment = payments.record_payment(
        uow,
        ctx,
        party_id=customer.id,
        amount=Money.of("150.00", "EUR"),
        method="transfer",
        allocations=[(overpaid.id, Money.of("120.00", "EUR"))],
    )
    credit = gesture(uow, ctx, customer.id, today=date.today())
    validated(uow, ctx, customer.id, line("300.00"), kind=Kind.ORDER, flow=Flow.SALE)
    run = exports.run_export(uow, ctx, date_from=date.today().replace(day=1), date_to=date.today())
    token, _secret = users.create_token(uow, ctx, email=web_reader.email, name="walk")
    open_line = bank_line(uow, ctx, "10.00")
    matched = bank_line(uow, ctx, "5.00")
    match = reconciliation.confirm(uow, ctx, matched.id, Confirmation(party_id=customer.id))
    mapping = csv_mappings.create_mapping(uow, ctx, name="Banque walk", columns={"date": "1", "amount": "2"})
    held = party_accounts.add_party_account(uow, ctx, customer.id, "DE89 3704 0044 0532 0130 00")
    return {
        "bank_line": open_line.id,
        "bank_match": match.match_id,
        "document": invoice.id,
        "payment": payment.id,
        "overpayment": overpayment.id,
        "party": customer.id,
        "credit": credit.id,
        "run": run.run_id,
        "token": token.id,
        "item": item.id,
        "csv_mapping": mapping.id or 0,
        "treasury": companies.accounts(uow, ctx)[0][0],
        "party_bank_account": held.id,
    }


def test_the_walk_finds_the_pages_of_this_branch(web_app):
    paths = {path for _, path in web_routes(web_app)}
    assert {"/", "/settings", "/settings/tokens/{token_id}/revoke", "/accounting/exports/{run_id}/fec"} <= paths
    assert not any(path.startswith(("/api", "/login")) for path in paths)


def test_anonymous_visitors_are_sent_to_the_login_page_everywhere(web_app, ids):
    anonymous = TestClient(web_app, base_url="https://testserver")
    wrong = []
    for method, path in web_routes(web_app):
        url = fill(path, ids)
        response = anonymous.request(method, url, follow_redirects=False)
        if response.status_code != 303 or not response.headers.get("location", "").startswith("/login"):
            wrong.append(f"{method} {url}: {response.status_code}")
    assert not wrong, "anonymous access not sent to /login:\n" + "\n".join(wrong)


def test_a_read_only_user_gets_403_on_every_post(app, ctx, web_app, web_reader, ids):
    before = snapshot(app.uow(), ctx)
    wrong = []
    for method, path in web_routes(web_app):
        if method != "POST" or path.startswith(OWN_ACCOUNT_PREFIX):
            continue
        url = fill(path, ids)
        response = web_reader.post(url, {})
        if response.status_code != 403:
            wrong.append(f"POST {url}: {response.status_code}")
    assert not wrong, "read-only user not refused:\n" + "\n".join(wrong)
    assert snapshot(app.uow(), ctx) == before


def test_an_intruder_gets_404_with_this_companys_ids_and_writes_nothing(app, ctx, web_app, web, web_intruder, ids):
    # The company's own admin opens every page below, its issued documents' files too: a file still due would be
    # rendered by that first download and its hashes written to the history — the admin's write, not the
    # intruder's. Rendered first, as the file worker would have by then.
    while issued_files.render_due(app.uow(), company_id=ctx.company_id):
        pass
    before = snapshot(app.uow(), ctx)
    wrong = []
    walked = 0
    for method, path in web_routes(web_app):
        if "{" not in path:
            continue  # no id of this company in it: the intruder sees its own company's page
        walked += 1
        url = fill(path, ids)
        if method == "GET":
            response = web_intruder.get(url)
            if response.status_code != 404:
                wrong.append(f"GET {url}: {response.status_code}")
            own = web.get(url)
            if own.status_code == 404 or own.status_code >= 500:
                wrong.append(f"GET {url} by this company's admin: {own.status_code} (is the id of the right kind?)")
        else:
            response = web_intruder.post(url, {})
            refused = response.status_code == 404 or (
                response.status_code == 400 and "Requête invalide" in response.text
            )
            if not refused:
                wrong.append(f"POST {url}: {response.status_code}")
    assert walked > 0
    assert not wrong, "routes that do not hide this company's objects from another company:\n" + "\n".join(wrong)
    assert snapshot(app.uow(), ctx) == before


def test_a_parameter_the_walk_cannot_fill_fails_with_the_routes_name():
    with pytest.raises(pytest.fail.Exception, match=r"/mystery/\{thing_id\}"):
        fill("/mystery/{thing_id}", {})
    assert fill("/payments/{id}/edit", {"payment": 7}) == "/payments/7/edit"
    assert fill("/contacts/{party_id}/aged", {"party": 3}) == "/contacts/3/aged"
