"""Dates through the API: outside 1900-01-01 … 2999-12-31 every body field and query parameter is refused at
once with a problem naming the field (a date in year 1 used to make the financial-year arithmetic loop for ever;
a due date after 9999-12-31 answered 500), and the OpenAPI document shows the bounds."""

from __future__ import annotations

import time

import pytest

from tests.api.conftest import line
from tests.helpers import snapshot

FAST = 5.0  # seconds: generous for a loaded machine; the bug was an endless loop


def _refused(response, field: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation-error"
    found = [e for e in body["errors"] if e["field"] == field]
    assert found and found[0]["type"] == "date_out_of_range", body
    return found[0]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "path",
    [
        "documents?date_from=0001-01-01",
        "documents?date_to=9999-12-31",
        "payments?date_from=0001-01-01",
        "ereporting/payments?from=0001-01-01&to=0001-12-31",
        "statements?from=0001-01-01&to=0001-12-31",
        "aged-balance?as_of=0001-01-01",
    ],
)
def test_a_read_only_user_filtering_on_year_1_is_answered_at_once(reader, path) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    response = reader.get(path)
    assert time.monotonic() - started < FAST
    field = path.split("?")[1].split("=")[0]
    error = _refused(response, field)
    assert error["message"] == "Date entre le 1900-01-01 et le 2999-12-31 attendue"


def test_the_message_speaks_the_readers_language(reader) -> None:  # type: ignore[no-untyped-def]
    response = reader.get("documents?date_from=0001-01-01", headers={"Accept-Language": "en"})
    assert _refused(response, "date_from")["message"] == "A date between 1900-01-01 and 2999-12-31 is expected"


def test_an_export_of_year_1_is_refused_and_writes_nothing(api, uow) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(uow, api.ctx)
    started = time.monotonic()
    response = api.post("exports", json={"date_from": "0001-01-01", "date_to": "0001-12-31"})
    assert time.monotonic() - started < FAST
    _refused(response, "date_from")
    assert api.post("exports", json={"date_from": "2999-01-01", "date_to": "3000-01-01"}).status_code == 422
    assert snapshot(uow, api.ctx) == before


def test_a_document_dated_outside_the_range_is_refused(api) -> None:  # type: ignore[no-untyped-def]
    party = api.post("parties", json={"name": "Client"}).json()
    for day in ("0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"):
        response = api.post(
            "documents", json={"kind": "invoice", "party_id": party["id"], "issue_date": day, "lines": [line("10")]}
        )
        _refused(response, "issue_date")
    edge = api.post(
        "documents",
        json={"kind": "invoice", "party_id": party["id"], "issue_date": "2999-12-31", "lines": [line("10")]},
    )
    assert edge.status_code == 201, edge.text


def test_payment_terms_whose_due_date_would_pass_2999_are_refused_with_a_problem(api, uow) -> None:  # type: ignore[no-untyped-def]
    party = api.post("parties", json={"name": "Client"}).json()
    draft = api.post(
        "documents",
        json={"kind": "invoice", "party_id": party["id"], "issue_date": "2999-12-31", "lines": [line("10")]},
    ).json()
    before = snapshot(uow, api.ctx)
    response = api.put(f"documents/{draft['id']}/payment-terms", json={"terms": [{"percent": "100", "days": 30}]})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/invalid-date")
    assert (problem["reason"], problem["field"]) == ("date-out-of-range", "due_date")
    assert (problem["minimum"], problem["maximum"]) == ("1900-01-01", "2999-12-31")
    assert problem["detail"] == (
        "Date invalide : la date d'échéance doit être comprise entre le 01/01/1900 et le 31/12/2999."
    )
    assert snapshot(uow, api.ctx) == before
    same_day = api.put(f"documents/{draft['id']}/payment-terms", json={"terms": [{"percent": "100", "days": 0}]})
    assert same_day.status_code == 200, same_day.text


def test_the_openapi_document_shows_the_bounds_and_the_problem(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/api/v1/openapi.json").json()
    listing = spec["paths"]["/api/v1/documents"]["get"]
    date_from = next(p for p in listing["parameters"] if p["name"] == "date_from")
    schema = date_from["schema"]["anyOf"][0] if "anyOf" in date_from["schema"] else date_from["schema"]
    assert schema["format"] == "date"
    assert (schema["formatMinimum"], schema["formatMaximum"]) == ("1900-01-01", "2999-12-31")
    assert schema["pattern"] == r"^(19[0-9]{2}|2[0-9]{3})-[0-9]{2}-[0-9]{2}$"
    problem = client.get("/api/v1/errors/invalid-date")
    assert problem.status_code == 200
