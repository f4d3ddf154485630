"""Bad input gets a clear 4xx problem, never a 500, and writes nothing."""

import pytest

from tests.api.conftest import eur, line
from tests.helpers import snapshot


def fields(response):
    return {(e["location"], e["field"], e["type"]) for e in response.json()["errors"]}


def test_malformed_json_is_a_400_problem(api, uow):
    before = snapshot(uow, api.ctx)
    for body in [b"{", b'{"name": "x",}', b"\xff\xfe", b"nan"]:
        response = api.post("parties", content=body, headers={"Content-Type": "application/json"})
        assert response.status_code in (400, 422), body
        assert response.headers["content-type"] == "application/problem+json"
    assert (
        api.post("parties", content=b"{", headers={"Content-Type": "application/json"}).json()["code"]
        == "malformed-json"
    )
    assert snapshot(uow, api.ctx) == before


def test_every_invalid_field_is_listed(api, uow, customer):
    before = snapshot(uow, api.ctx)
    response = api.post(
        "payments",
        json={
            "party_id": customer.id,  # a number, not an opaque string
            "amount": {"amount": 12.5, "currency": "EUR"},  # a number, not a decimal string
            "method": "Chèque",
            "payment_date": 20260316,
            "surprise": True,
        },
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "/api/v1/errors/validation-error"
    assert fields(response) == {
        ("body", "party_id", "string_type"),
        ("body", "amount.amount", "string_type"),
        ("body", "method", "string_pattern_mismatch"),
        ("body", "payment_date", "date_format"),
        ("body", "surprise", "extra_forbidden"),
    }
    assert problem["detail"] == "La requête contient 5 champs invalides : voir `errors`."
    assert snapshot(uow, api.ctx) == before


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ({"amount": "10.001", "currency": "EUR"}, "too_many_decimals"),
        ({"amount": "10", "currency": "XYZ"}, "unknown_currency"),
        ({"amount": "1e3", "currency": "EUR"}, "string_pattern_mismatch"),
        ({"amount": "10,50", "currency": "EUR"}, "string_pattern_mismatch"),
        ({"amount": 10, "currency": "EUR"}, "string_type"),
        ({"amount": "10.00"}, "missing"),
        ({"amount": "10.00", "currency": "EUR", "rate": "1"}, "extra_forbidden"),
        ("10.00 EUR", "model_attributes_type"),
        ({"amount": "9999999999999999.00", "currency": "EUR"}, "string_pattern_mismatch"),
    ],
)
def test_bad_money_is_refused(api, uow, customer, amount, error):
    before = snapshot(uow, api.ctx)
    response = api.post("payments", json={"party_id": str(customer.id), "amount": amount, "method": "cash"})
    assert response.status_code == 422
    assert error in {e["type"] for e in response.json()["errors"]}
    assert snapshot(uow, api.ctx) == before


def test_money_errors_in_english(api, customer):
    response = api.post(
        "payments",
        json={"party_id": str(customer.id), "amount": {"amount": "1.001", "currency": "EUR"}, "method": "cash"},
        headers={"Accept-Language": "en"},
    )
    assert response.json()["errors"][0]["message"] == "At most 2 decimals in EUR"
    assert response.json()["detail"] == "The request has 1 invalid field: see `errors`."


@pytest.mark.parametrize(
    "bad_line",
    [
        {**line("10.00"), "quantity": 2},
        {**line("10.00"), "quantity": "1.0001"},
        {**line("10.00"), "unit_price": "10.00001"},
        {**line("10.00"), "unit_price": "-1"},
        {**line("10.00"), "vat_rate": "20.001"},
        {**line("10.00"), "discount_percent": "101"},
        {**line("10.00"), "designation": ""},
        {**line("10.00"), "designation": "nul \x00 byte"},
        {**line("10.00"), "item_id": "abc"},
        {**line("10.00"), "unit_price": "99999999"},
        {**line("10.00"), "colour": "red"},
    ],
)
def test_bad_lines_are_refused(api, uow, customer, bad_line):
    before = snapshot(uow, api.ctx)
    response = api.post("documents", json={"kind": "invoice", "party_id": str(customer.id), "lines": [bad_line]})
    assert response.status_code == 422, response.text
    assert snapshot(uow, api.ctx) == before


def test_wrong_kinds_dates_and_too_many_lines(api, uow, customer):
    before = snapshot(uow, api.ctx)
    base = {"kind": "invoice", "party_id": str(customer.id)}
    assert api.post("documents", json={**base, "kind": "receipt"}).status_code == 422
    assert api.post("documents", json={**base, "issue_date": "16/03/2026"}).status_code == 422
    assert api.post("documents", json={**base, "issue_date": "2026-02-30"}).status_code == 422
    assert api.post("documents", json={**base, "currency": "EURO"}).status_code == 422
    assert api.post("documents", json={**base, "lines": [line("1.00")] * 201}).status_code == 422
    assert api.post("documents", json=[base]).status_code == 422
    assert snapshot(uow, api.ctx) == before


def test_bad_query_parameters(api):
    for params in [
        {"limit": 0},
        {"limit": 501},
        {"limit": "ten"},
        {"cursor": "not-a-cursor"},
        {"cursor": "!!"},
        {"kind": "receipt"},
        {"date_from": "yesterday"},
        {"party_id": "abc"},
        {"search": "a\x00b"},
    ]:
        response = api.get("documents", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"


def test_ids_that_are_not_ours_are_simply_not_found(api):
    for raw in ["abc", "0", "-1", "99999999999999999999999", "1.5", "%00"]:
        response = api.get(f"documents/{raw}")
        assert response.status_code == 404, raw
        assert response.json()["type"] == "/api/v1/errors/not-found"


def test_an_unknown_address_or_method_is_a_problem_too(api):
    assert api.get("nowhere").json()["code"] == "route-not-found"
    response = api.request("PUT", "parties")
    assert (response.status_code, response.json()["code"]) == (405, "method-not-allowed")


def test_a_body_too_large_is_refused(api, uow):
    before = snapshot(uow, api.ctx)
    response = api.post(
        "parties", content=b'{"name": "' + b"x" * 1_100_000 + b'"}', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload-too-large"
    assert snapshot(uow, api.ctx) == before


def test_text_fields_are_bounded(api, uow):
    before = snapshot(uow, api.ctx)
    assert api.post("parties", json={"name": "x" * 201}).status_code == 422
    assert api.post("parties", json={"name": "ok", "siren": "12345"}).status_code == 422
    assert api.post("parties", json={"name": "a\u0000b"}).status_code == 422
    assert api.post("parties", json={"name": "   "}).json()["code"] == "invalid-setting"
    assert snapshot(uow, api.ctx) == before


def test_missing_wrong_or_revoked_tokens_are_401(api, client, app, uow, customer):
    from acompte.services import users

    body = {"party_id": str(customer.id), "amount": eur("1.00"), "method": "cash"}
    before = snapshot(uow, api.ctx)
    missing = client.post("/api/v1/payments", json=body)
    assert missing.status_code == 401
    assert missing.json()["code"] == "authentication-required"
    assert missing.headers["www-authenticate"] == "Bearer"
    for header in [f"Bearer {api.token}x", f"Basic {api.token}", "Bearer", f"Token {api.token}", "Bearer acp_"]:
        response = client.post("/api/v1/payments", json=body, headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.json()["code"] == "invalid-credentials"
    # a token is checked before the body is even read
    assert (
        client.post("/api/v1/payments", content=b"{", headers={"Content-Type": "application/json"}).status_code == 401
    )

    token_id = users.list_tokens(app.uow(), api.ctx)[0].id
    users.revoke_token(app.uow(), api.ctx, token_id)
    assert api.get("me").status_code == 401
    assert snapshot(uow, api.ctx)[1:] == before[1:]  # only the TokenRevoked event was added


def test_unknown_query_parameters_are_refused_rather_than_ignored(api):
    response = api.get("documents", params={"kinds": "invoice", "": "x"})
    assert response.status_code == 422
    assert fields(response) == {("query", "kinds", "extra_forbidden"), ("query", "", "extra_forbidden")}
    assert api.get("documents", params={"kind": "invoice", "limit": 5}).status_code == 200
