"""The count and totals of a filtered document list, asked apart from its pages (`GET /documents/totals`): the sums
of the positions the list's own rows carry, for every filter, and only the reader's company's."""

from __future__ import annotations

from decimal import Decimal

from tests.api.conftest import eur, line


def _sum(items: list[dict], field: str) -> str:  # type: ignore[type-arg]
    return str(sum((Decimal(i[field]["amount"]) for i in items if i[field]["currency"] == "EUR"), Decimal("0.00")))


def test_the_totals_are_the_sums_of_the_listed_positions_for_each_filter(api, intruder, customer):
    party = str(customer.id)

    def issued(price: str) -> str:
        doc = api.post("documents", json={"kind": "invoice", "party_id": party, "lines": [line(price)]}).json()["id"]
        assert api.post(f"documents/{doc}/validate").status_code == 200
        return doc

    made = [issued(price) for price in ("100.00", "50.00", "80.00")]  # 120.00, 60.00, 96.00
    draft = api.post("documents", json={"kind": "invoice", "party_id": party, "lines": [line("10.00")]})
    assert draft.status_code == 201
    payment = {"party_id": party, "amount": eur("90.00"), "method": "cheque"}
    allocations = [{"document_id": made[1], "amount": eur("60.00")}, {"document_id": made[2], "amount": eur("30.00")}]
    assert api.post("payments", json=payment | {"allocations": allocations}).status_code == 201

    for filters, expected_count in (
        ({"kind": "invoice"}, 4),
        ({"kind": "invoice", "state": "validated"}, 3),
        ({"kind": "invoice", "status": "partial"}, 1),
        ({"kind": "invoice", "status": "unpaid"}, 1),
        ({"kind": "invoice", "open": "true"}, 2),
        ({"kind": "invoice", "amount_min": "90"}, 2),
    ):
        answer = api.get("documents/totals", params=filters)
        assert answer.status_code == 200, answer.json()
        totals = answer.json()
        listed = {"limit": 500, **{k: v for k, v in filters.items() if k != "status"}}
        items = api.get("documents", params=listed).json()["items"]
        if "status" in filters:
            items = [i for i in items if i["status"] == filters["status"]]
        assert totals["count"] == len(items) == expected_count, filters
        for field in ("gross", "balance_due"):
            assert totals[field] == {"amount": _sum(items, field), "currency": "EUR"}, (filters, field)
    every = api.get("documents/totals", params={"kind": "invoice"}).json()
    assert (every["gross"]["amount"], every["paid"]["amount"], every["balance_due"]["amount"]) == (
        "288.00",
        "90.00",
        "198.00",
    )
    assert every["other_currency"] == 0
    assert intruder.get("documents/totals", params={"kind": "invoice"}).json()["count"] == 0
    assert api.get("documents/totals", params={"status": "nonsense"}).status_code == 422
