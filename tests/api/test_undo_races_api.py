"""Two concurrent `DELETE /api/v1/allocations/{id}` on the same allocation (a payment's, a credit note's): one
answers 200, the other 404 with the allocation-not-found problem, and the history records the undo once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from acompte.services import credits
from tests.api.conftest import eur
from tests.helpers import gesture, line, validated


def _twice_at_once(api, path: str) -> list[tuple[int, str | None]]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(2)

    def delete(_: int) -> tuple[int, str | None]:
        barrier.wait()
        response = api.delete(path)
        return response.status_code, response.json().get("code") if response.status_code != 200 else None

    with ThreadPoolExecutor(max_workers=2) as pool:
        return sorted(pool.map(delete, range(2)))


def _count(api, path: str, kind: str) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for event in api.get(path).json()["items"] if event["kind"] == kind)


def test_a_payments_allocation_deleted_twice_at_once_is_removed_once(api, uow, customer) -> None:  # type: ignore[no-untyped-def]
    invoice = validated(uow, api.ctx, customer.id)
    payment = api.post(
        "payments",
        json={
            "party_id": str(customer.id),
            "amount": eur("120.00"),
            "method": "cash",
            "allocations": [{"document_id": str(invoice.id), "amount": eur("120.00")}],
        },
    ).json()
    allocation_id = payment["allocations"][0]["id"]
    assert _twice_at_once(api, f"allocations/{allocation_id}") == [(200, None), (404, "allocation-not-found")]
    assert _count(api, f"payments/{payment['id']}/history", "AllocationRemoved") == 1
    assert api.get(f"payments/{payment['id']}").json()["unallocated"] == eur("120.00")
    assert api.get(f"documents/{invoice.id}").json()["balance_due"] == eur("120.00")


def test_a_credit_notes_use_deleted_twice_at_once_is_cancelled_once(api, uow, customer) -> None:  # type: ignore[no-untyped-def]
    note = gesture(uow, api.ctx, customer.id, line("50.00"))
    invoice = validated(uow, api.ctx, customer.id, line("100.00"))
    use = credits.use_credit(uow, api.ctx, credit_id=note.id, document_id=invoice.id)
    assert _twice_at_once(api, f"allocations/{use.id}") == [(200, None), (404, "allocation-not-found")]
    assert _count(api, f"documents/{note.id}/history", "CreditUseCancelled") == 1
    assert api.get(f"documents/{invoice.id}").json()["balance_due"] == eur("120.00")
