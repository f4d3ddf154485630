"""GET /api/v1/dashboard: each figure equal, to the cent, to the API answer of the list behind it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.dashboard_helpers import AS_OF, half_year


def cents(money: dict[str, str]) -> Decimal:
    assert money["currency"] == "EUR"
    return Decimal(money["amount"])


def every(api: Api, path: str, **query: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {**query, "limit": 500}
    while True:
        page = api.get(path, params=params)
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        if not page.json()["next_cursor"]:
            return items
        params["cursor"] = page.json()["next_cursor"]


@pytest.fixture
def story(app, ctx):  # type: ignore[no-untyped-def]
    return half_year(app.uow(), ctx)


@pytest.fixture
def board(reader: Api, story) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    answer = reader.get("dashboard", params={"as_of": AS_OF.isoformat()})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_reader_gets_the_figures_in_exact_decimal_strings(board):
    assert board["currency"] == "EUR" and board["as_of"] == "2026-06-30"
    assert board["receivable"]["total"] == {"amount": "1840.00", "currency": "EUR"}
    assert board["receivable"]["over_90"]["amount"] == "1000.00"
    assert board["payable"]["overdue"]["amount"] == "300.00"
    assert board["deposits"]["amount"] == "480.00"
    assert board["customer_credits"]["amount"] == "290.00"
    assert [m["month"] for m in board["cash"]][::11] == ["2025-07-01", "2026-06-01"]
    assert board["cash"][-1]["cash_in"]["amount"] == "1910.00"
    assert board["overdue_invoices"]["tally"] == {"count": 3, "total": {"amount": "1620.00", "currency": "EUR"}}
    assert {d["kind"]: d["count"] for d in board["drafts"]}["invoice"] == 1


def test_owed_and_overdue_are_the_aged_balance_of_the_api(reader: Api, board):
    for flow, key in (("sale", "receivable"), ("purchase", "payable")):
        aged = reader.get("aged-balance", params={"flow": flow, "as_of": AS_OF.isoformat()}).json()
        assert board[key] == aged["totals"]
        if flow == "sale":
            assert board["customer_credits"] == aged["unapplied_credits"]


def test_payments_left_are_the_overpayments_list_of_the_api(reader: Api, board):
    listed = every(reader, "overpayments", flow="sale")
    unallocated = [cents(o["remaining"]) for o in listed if not o["is_overpayment"]]
    overpaid = [cents(o["remaining"]) for o in listed if o["is_overpayment"]]
    assert (board["unallocated_payments"]["count"], cents(board["unallocated_payments"]["total"])) == (
        len(unallocated),
        sum(unallocated),
    )
    assert (board["overpayments"]["count"], cents(board["overpayments"]["total"])) == (len(overpaid), sum(overpaid))
    assert [o["payment_id"] for o in board["overpayments_to_decide"]] == [
        o["payment_id"] for o in listed if o["is_overpayment"]
    ]


def test_unused_credit_notes_are_the_credits_list_of_the_api(reader: Api, board):
    for status, key in (("unused", "credit_notes_unused"), ("partially_used", "credit_notes_partially_used")):
        listed = every(reader, "credits", flow="sale", status=status)
        assert board[key]["count"] == len(listed)
        assert cents(board[key]["total"]) == sum(cents(c["remaining"]) for c in listed)
    both = board["credit_notes_unused"]["count"] + board["credit_notes_partially_used"]["count"]
    assert board["unused_credit_notes"]["count"] == both


def test_deposits_are_what_the_orders_deposit_positions_of_the_api_say(reader: Api, story, board):
    positions = [reader.get(f"documents/{order}/deposits").json() for order in story.orders]
    assert cents(board["deposits_not_invoiced"]["total"]) == sum(cents(p["deposit_payments"]) for p in positions)
    carried = [
        min(cents(i["gross"]) - cents(i["reversed"]) - cents(i["deducted"]), cents(i["paid"]))
        for p in positions
        for i in p["deposit_invoices"]
        if i["state"] == "validated"
    ]
    assert cents(board["deposits_not_deducted"]["total"]) == sum(carried)
    assert cents(board["deposits"]) == sum(carried) + cents(board["deposits_not_invoiced"]["total"])


def test_deposits_awaited_are_the_deposit_position_of_the_api(reader: Api, story, board):
    [awaited] = board["deposits_awaited"]["oldest"]
    tab = reader.get(f"documents/{story.awaited}/deposits").json()
    assert awaited["document_id"] == str(story.awaited)
    assert (awaited["requested"], awaited["received"]) == (tab["requested"], tab["deposits_paid"])
    assert board["deposits_awaited"]["tally"]["total"]["amount"] == "144.00"


def test_cash_per_month_is_the_payments_list_of_the_api(reader: Api, board):
    for month in board["cash"]:
        first = date.fromisoformat(month["month"])
        last = date(first.year + first.month // 12, first.month % 12 + 1, 1).toordinal() - 1
        for direction, key in (("in", "cash_in"), ("out", "cash_out")):
            listed = every(
                reader,
                "payments",
                direction=direction,
                state="active",
                date_from=first.isoformat(),
                date_to=date.fromordinal(last).isoformat(),
            )
            assert cents(month[key]) == sum(cents(p["amount"]) for p in listed), (month["month"], direction)
    assert cents(board["cash_in"]) == sum(cents(m["cash_in"]) for m in board["cash"])


def test_the_overdue_invoices_are_the_documents_of_the_api(reader: Api, board):
    for due in board["overdue_invoices"]["oldest"]:
        document = reader.get(f"documents/{due['document_id']}").json()
        assert document["number"] == due["number"]
        assert cents(due["amount_due"]) <= cents(due["balance_due"])


def test_without_a_token_it_is_401_and_another_company_sees_its_own_zeros(client, intruder: Api, story):
    assert client.get("/api/v1/dashboard").status_code == 401
    theirs = intruder.get("dashboard", params={"as_of": AS_OF.isoformat()}).json()
    assert theirs["receivable"]["total"]["amount"] == "0.00"
    assert theirs["cash_in"]["amount"] == "0.00" and theirs["overdue_invoices"]["oldest"] == []


def test_a_bad_date_is_refused(reader: Api):
    answer = reader.get("dashboard", params={"as_of": "2026-02-30"})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_it_is_documented_with_its_schema(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/dashboard"]["get"]
    assert operation["tags"] == ["dashboard"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/DashboardOut")
    fields = document["components"]["schemas"]["DashboardOut"]["properties"]
    assert {"receivable", "payable", "deposits", "unallocated_payments", "overpayments", "cash"} <= set(fields)
