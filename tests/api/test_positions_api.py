"""One position per document, through the HTTP API: the document, its deposits view and the party account give
the same figures, and the right ones (orders paid through deposit invoices, invoices cancelled by credit notes,
credit notes that are credits, not debts)."""

from __future__ import annotations

import pytest

from tests.api.conftest import eur, line


@pytest.fixture
def party(api):  # type: ignore[no-untyped-def]
    return api.post("parties", json={"name": "Atelier Roux"}).json()


def validated(api, party, *lines, kind: str = "order") -> dict:  # type: ignore[no-untyped-def]
    draft = api.post("documents", json={"kind": kind, "party_id": party["id"], "lines": list(lines)})
    assert draft.status_code == 201, draft.text
    done = api.post(f"documents/{draft.json()['id']}/validate")
    assert done.status_code == 200, done.text
    return done.json()


def account_of(api, party) -> dict:  # type: ignore[no-untyped-def]
    found = api.get(f"parties/{party['id']}/account")
    assert found.status_code == 200, found.text
    return found.json()


def due_of(account: dict, document_id: str) -> dict | None:
    return next((d for d in account["due"] if d["document_id"] == document_id), None)


def final_invoice(api, order) -> dict:  # type: ignore[no-untyped-def]
    draft = api.post(f"documents/{order['id']}/final-invoices", json={})
    assert draft.status_code == 201, draft.text
    invoice_id = draft.json()["invoice_id"]
    done = api.post(f"documents/{invoice_id}/validate")
    assert done.status_code == 200, done.text
    return done.json()


def test_an_order_paid_through_a_deposit_invoice_is_partially_paid_then_invoiced(api, party):
    order = validated(api, party, line("2000.00"))
    deposit = api.post(f"documents/{order['id']}/deposit-invoices", json={"percent": "15"}).json()
    deposit_id = deposit.get("id") or deposit["document"]["id"]
    issued = api.post(f"deposit-invoices/{deposit_id}/issue", json={"generate_payment": True, "method": "card"})
    assert issued.status_code == 200, issued.text

    shown = api.get(f"documents/{order['id']}").json()
    assert (shown["status"], shown["payment_status"]) == ("partial", "partial")
    assert shown["balance_due"] == eur("2040.00")
    assert (shown["position"]["paid"], shown["position"]["invoiced"]) == (eur("360.00"), eur("360.00"))
    assert shown["position"]["left_to_invoice"] == eur("2040.00")
    account = account_of(api, party)
    assert (account["owed"], account["due_total"]) == (eur("2040.00"), eur("2040.00"))
    assert due_of(account, order["id"])["balance_due"] == eur("2040.00")
    assert due_of(account, order["id"])["payment_status"] == "partial"

    invoice = final_invoice(api, order)
    assert invoice["position"]["deducted"] == eur("360.00")
    assert invoice["position"]["net_to_pay"] == eur("2040.00")
    assert invoice["balance_due"] == eur("2040.00")
    shown = api.get(f"documents/{order['id']}").json()
    assert shown["status"] == "invoiced"
    assert shown["payment_status"] is None
    assert shown["balance_due"] == eur("0.00")
    assert (shown["position"]["invoiced"], shown["position"]["left_to_invoice"]) == (eur("2400.00"), eur("0.00"))
    account = account_of(api, party)
    assert due_of(account, order["id"]) is None
    assert (account["owed"], account["due_total"]) == (eur("2040.00"), eur("2040.00"))
    assert due_of(account, invoice["id"])["balance_due"] == eur("2040.00")


def _cancel(api, invoice) -> dict:  # type: ignore[no-untyped-def]
    note = api.post(f"documents/{invoice['id']}/credit-notes", json={})
    assert note.status_code == 201, note.text
    shown = api.get(f"documents/{note.json()['id']}")
    assert shown.json()["state"] == "validated", shown.text
    return shown.json()


def test_an_invoice_cancelled_by_a_credit_note_no_longer_counts_as_invoiced_on_its_order(api, party):
    order = validated(api, party, line("1000.00"))
    paid = api.post(f"documents/{order['id']}/deposits", json={"method": "transfer", "amount": eur("300.00")})
    assert paid.status_code == 201, paid.text
    invoice = final_invoice(api, order)
    note = _cancel(api, invoice)

    cancelled = api.get(f"documents/{invoice['id']}").json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancelled_by"] == {"id": note["id"], "number": note["number"]}
    assert cancelled["balance_due"] == eur("0.00")

    shown = api.get(f"documents/{order['id']}").json()
    assert (shown["status"], shown["balance_due"]) == ("partial", eur("900.00"))
    assert shown["position"]["invoiced"] == eur("0.00")
    deposits = api.get(f"documents/{order['id']}/deposits").json()
    assert (deposits["invoiced"], deposits["outstanding"]) == (eur("0.00"), eur("900.00"))
    account = account_of(api, party)
    assert account["owed"] == eur("900.00")
    again = api.post(f"documents/{order['id']}/deposits", json={"method": "transfer", "amount": eur("100.00")})
    assert again.status_code == 201, again.text


def test_with_a_deposit_invoice_the_cancelled_invoice_leaves_only_the_deposit_invoiced(api, party):
    order = validated(api, party, line("1000.00"))
    deposit = api.post(f"documents/{order['id']}/deposit-invoices", json={"amount": eur("360.00")}).json()
    deposit_id = deposit.get("id") or deposit["document"]["id"]
    api.post(f"deposit-invoices/{deposit_id}/issue", json={"generate_payment": False})
    invoice = final_invoice(api, order)
    _cancel(api, invoice)

    deposits = api.get(f"documents/{order['id']}/deposits").json()
    assert (deposits["invoiced"], deposits["outstanding"]) == (eur("360.00"), eur("840.00"))
    shown = api.get(f"documents/{order['id']}").json()
    assert (shown["position"]["invoiced"], shown["balance_due"]) == (eur("360.00"), eur("840.00"))
    account = account_of(api, party)
    assert account["owed"] == eur("1200.00")  # 360.00 on the deposit invoice, 840.00 on the order


def test_a_credit_note_is_a_credit_unused_then_used_never_a_debt(api, party):
    invoice = validated(api, party, line("100.00"), kind="invoice")
    gesture = api.post(
        "credit-notes",
        json={
            "party_id": party["id"],
            "lines": [line("50.00")],
            "comment": "Geste commercial",
            "corrected_invoice_ids": [invoice["id"]],
        },
    )
    assert gesture.status_code == 201, gesture.text
    note_id = gesture.json()["id"]
    note = api.get(f"documents/{note_id}").json()
    assert (note["status"], note["payment_status"]) == ("unused", None)
    assert (note["balance_due"], note["position"]["credit_left"]) == (eur("0.00"), eur("60.00"))

    used = api.post(f"credits/{note_id}/uses", json={"document_id": invoice["id"], "amount": eur("60.00")})
    assert used.status_code in (200, 201), used.text
    note = api.get(f"documents/{note_id}").json()
    assert note["status"] == "used"
    assert (note["position"]["used"], note["position"]["credit_left"]) == (eur("60.00"), eur("0.00"))
    invoice = api.get(f"documents/{invoice['id']}").json()
    assert (invoice["status"], invoice["position"]["credited"], invoice["balance_due"]) == (
        "partial",
        eur("60.00"),
        eur("60.00"),
    )
