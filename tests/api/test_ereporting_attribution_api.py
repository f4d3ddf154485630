"""Through the API: the e-reporting payment data name, for each receipt, the documents it settled when it was
received — a January deposit on an order stays with the order once the order is invoiced later, and money matched
later to an invoice issued after the receipt is not listed with it."""

from __future__ import annotations

from datetime import date

from tests.api.conftest import eur, line

JANUARY = {"from": "2026-01-01", "to": "2026-01-31"}


def test_a_january_receipt_lists_the_documents_it_settled_then_not_an_invoice_issued_later(api):
    party = api.post("parties", json={"name": "Cabinet Leroy", "siren": "552100554"}).json()
    service = api.post(
        "items", json={"name": "Conseil", "kind": "service", "unit_price": "1000.00", "vat_rate": "20"}
    ).json()
    draft = api.post(
        "documents",
        json={
            "kind": "order",
            "party_id": party["id"],
            "issue_date": "2026-01-10",
            "lines": [{**line("1000.00", designation="Mission de conseil"), "item_id": service["id"]}],
        },
    ).json()
    order = api.post(f"documents/{draft['id']}/validate").json()
    deposit = api.post(
        f"documents/{order['id']}/deposits",
        json={"method": "transfer", "amount": eur("360.00"), "payment_date": "2026-01-20"},
    )
    assert deposit.status_code in (200, 201), deposit.text
    advance = api.post(
        "payments",
        json={"party_id": party["id"], "amount": eur("120.00"), "method": "transfer", "payment_date": "2026-01-25"},
    )
    assert advance.status_code == 201, advance.text

    before = api.get("ereporting/payments", params=JANUARY).json()["reports"]
    assert [(r["payment_date"], r["documents"], r["received"], r["vat_total"]) for r in before] == [
        ("2026-01-20", [order["number"]], eur("360.00"), eur("60.00"))
    ]

    # Invoiced after January: the deposit's allocation moves onto the invoice, and the January advance is
    # matched to it too. January's report does not change.
    invoice = api.post(f"documents/{order['id']}/convert", json={"target": "invoice"}).json()
    issued = api.post(f"documents/{invoice['id']}/validate")
    assert issued.status_code == 200, issued.text
    matched = api.post(
        f"payments/{advance.json()['id']}/allocations", json={"document_id": invoice["id"], "amount": eur("120.00")}
    )
    assert matched.status_code in (200, 201), matched.text
    moved = api.get(f"documents/{invoice['id']}").json()
    assert moved["position"]["paid"] == eur("480.00")  # both receipts now settle the invoice

    after = api.get("ereporting/payments", params=JANUARY).json()["reports"]
    assert after == before
    csv = api.get("ereporting/payments/csv", params=JANUARY).content.decode("utf-8-sig")
    assert order["number"] in csv and issued.json()["number"] not in csv


def test_an_allocation_undone_is_not_reported_with_the_receipt(api):
    party = api.post("parties", json={"name": "Cabinet Leroy", "siren": "552100554"}).json()
    service = api.post(
        "items", json={"name": "Audit", "kind": "service", "unit_price": "100.00", "vat_rate": "20"}
    ).json()
    lines = [{**line("100.00", designation="Audit"), "item_id": service["id"]}]
    made = [
        api.post("documents", json={"kind": "invoice", "party_id": party["id"], "lines": lines}).json()
        for _ in range(2)
    ]
    wrong, right = (api.post(f"documents/{d['id']}/validate").json() for d in made)
    paid = api.post(
        "payments",
        json={
            "party_id": party["id"],
            "amount": eur("120.00"),
            "method": "transfer",
            "allocations": [{"document_id": wrong["id"], "amount": eur("120.00")}],
        },
    ).json()
    allocation_id = paid["allocations"][0]["id"]
    assert api.delete(f"allocations/{allocation_id}").status_code in (200, 204)
    again = api.post(f"payments/{paid['id']}/allocations", json={"document_id": right["id"]})
    assert again.status_code in (200, 201), again.text
    today = date.today()  # the invoices are issued today, the receipt is of today
    period = {"from": today.replace(day=1).isoformat(), "to": today.isoformat()}
    reports = api.get("ereporting/payments", params=period).json()["reports"]
    assert [(r["documents"], r["received"]) for r in reports] == [([right["number"]], eur("120.00"))]


def test_a_deposit_split_between_a_partial_invoice_and_its_order_stays_whole_with_the_order(api):
    party = api.post("parties", json={"name": "Cabinet Leroy", "siren": "552100554"}).json()
    service = api.post(
        "items", json={"name": "Conseil", "kind": "service", "unit_price": "500.00", "vat_rate": "20"}
    ).json()
    lines = [{**line("500.00", designation=f"Phase {n}"), "item_id": service["id"]} for n in (1, 2)]  # 1 200.00 TTC
    draft = api.post(
        "documents", json={"kind": "order", "party_id": party["id"], "issue_date": "2026-01-10", "lines": lines}
    ).json()
    order = api.post(f"documents/{draft['id']}/validate").json()
    paid = api.post(
        f"documents/{order['id']}/deposits",
        json={"method": "transfer", "amount": eur("1200.00"), "payment_date": "2026-01-20"},
    )
    assert paid.status_code in (200, 201), paid.text
    partial = api.post(f"documents/{order['id']}/convert", json={"target": "invoice", "lines": [lines[0]]}).json()
    assert partial["position"]["paid"] == eur("600.00")  # half the deposit moved onto the invoice
    reports = api.get("ereporting/payments", params=JANUARY).json()["reports"]
    assert [(r["documents"], r["received"], r["vat_total"]) for r in reports] == [
        ([order["number"]], eur("1200.00"), eur("200.00"))
    ]
