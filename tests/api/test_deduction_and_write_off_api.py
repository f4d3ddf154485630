"""Through the API: one deduction encoding for a final invoice's Factur-X and sales entry (AC-10), a deposit recall
line typed on a final invoice, and a small shortfall written off at receipt in one bank entry."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from acompte.adapters.exports.facturx import NSMAP
from tests.api.conftest import eur, line
from tests.exports.validation import fatal_failures

TODAY = date.today()
YEAR = {"date_from": f"{TODAY.year}-01-01", "date_to": TODAY.isoformat()}


def accounts(entry: dict) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
    return [
        (
            x["account"],
            x["debit"]["amount"] if x["debit"]["amount"] != "0.00" else "",
            x["credit"]["amount"] if x["credit"]["amount"] != "0.00" else "",
        )
        for x in entry["lines"]
    ]


@pytest.fixture
def party(api):  # type: ignore[no-untyped-def]
    api.patch("company", json={"vat_number": "FR11123456782", "address": "12 rue des Artisans, 69003 Lyon"})
    return api.post(
        "parties", json={"name": "Claire Martin", "siren": "552100554", "address": "3 place du Marché, 75011 Paris"}
    ).json()


def order_with_paid_deposit(api, party) -> tuple[dict, str]:  # type: ignore[no-untyped-def, type-arg]
    draft = api.post("documents", json={"kind": "order", "party_id": party["id"], "lines": [line("1000.00")]}).json()
    order = api.post(f"documents/{draft['id']}/validate").json()
    deposit = api.post(f"documents/{order['id']}/deposit-invoices", json={"percent": "30"}).json()
    issued = api.post(
        f"deposit-invoices/{deposit['document']['id']}/issue", json={"generate_payment": True, "method": "transfer"}
    )
    assert issued.status_code == 200, issued.text
    return order, issued.json()["deposit_invoice"]["number"]


def test_the_deduction_line_encoding_drives_the_factur_x_and_the_sales_entry(api, party):
    assert api.patch("company", json={"einvoicing": {"deduction_encoding": "deduction_line"}}).status_code == 200
    order, number = order_with_paid_deposit(api, party)
    draft = api.post(f"documents/{order['id']}/final-invoices", json={}).json()
    final = api.post(f"documents/{draft['invoice_id']}/validate")
    assert final.status_code == 200, final.text
    body = final.json()
    assert (body["position"]["total"], body["position"]["deducted"], body["position"]["net_to_pay"]) == (
        eur("1200.00"), eur("360.00"), eur("840.00"),
    )  # fmt: skip
    # the company going back to the other encoding changes nothing issued
    api.patch("company", json={"einvoicing": {"deduction_encoding": "paid_amount"}})

    xml = api.get(f"documents/{body['id']}/facturx/xml").content
    tree = etree.fromstring(xml)
    assert tree.xpath("//ram:GrandTotalAmount/text()", namespaces=NSMAP) == ["840.00"]
    assert tree.xpath("//ram:TaxTotalAmount/text()", namespaces=NSMAP) == ["140.00"]
    assert tree.xpath("//ram:DuePayableAmount/text()", namespaces=NSMAP) == ["840.00"]
    names = tree.xpath("//ram:SpecifiedTradeProduct/ram:Name/text()", namespaces=NSMAP)
    assert names[-1] == f"Acompte déjà facturé {number}"
    assert all(not failures for failures in fatal_failures(xml).values())

    run = api.post("exports", json=YEAR)
    assert run.status_code == 201, run.text
    sales = [e for e in run.json()["entries"] if e["piece_ref"] == body["number"]]
    assert [accounts(e) for e in sales] == [
        [("411", "840.00", ""), ("4191", "300.00", ""), ("707", "", "1000.00"), ("44571", "", "140.00")]
    ]


def test_a_recall_line_typed_on_a_final_invoice_is_a_deduction_and_refused_on_an_order(api, party):
    api.patch("company/deposit-settings", json={"deduct_all": False})
    order, number = order_with_paid_deposit(api, party)
    draft = api.post(f"documents/{order['id']}/final-invoices", json={}).json()
    recall = {**line("300.00", qty="-1", designation=f"Acompte déjà facturé {number}")}
    changed = api.patch(f"documents/{draft['invoice_id']}", json={"lines": [line("1000.00"), recall]})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["position"]["deducted"], changed.json()["position"]["net_to_pay"]) == (
        eur("360.00"), eur("840.00"),
    )  # fmt: skip
    assert len(changed.json()["lines"]) == 1
    too_much = api.patch(
        f"documents/{draft['invoice_id']}",
        json={"lines": [line("1000.00"), {**recall, "unit_price": "400.00"}]},
    )
    assert too_much.status_code == 422 and too_much.json()["code"] == "deduction-exceeds-deposit"
    on_order = api.post("documents", json={"kind": "order", "party_id": party["id"], "lines": [line("10.00"), recall]})
    assert on_order.status_code == 422 and on_order.json()["code"] == "negative-quantity"


def test_a_shortfall_written_off_at_receipt_is_one_bank_entry(api, clerk, party):
    api.patch("company", json={"write_off_threshold": "1.00"})
    draft = api.post("documents", json={"kind": "invoice", "party_id": party["id"], "lines": [line("37.50")]}).json()
    invoice = api.post(f"documents/{draft['id']}/validate").json()
    receipt = {
        "party_id": party["id"],
        "amount": eur("44.98"),
        "method": "transfer",
        "allocations": [{"document_id": invoice["id"], "amount": eur("44.98")}],
        "write_off_shortfall": True,
    }
    assert clerk.post("payments", json=receipt).status_code == 403  # a write-off is the accountant's
    paid = api.post("payments", json=receipt)
    assert paid.status_code == 201, paid.text
    assert api.get(f"documents/{invoice['id']}").json()["position"]["balance_due"] == eur("0.00")

    run = api.post("exports", json=YEAR)
    assert run.status_code == 201, run.text
    bank = [e for e in run.json()["entries"] if e["piece_ref"] == paid.json()["number"]]
    assert [accounts(e) for e in bank] == [[("512", "44.98", ""), ("658", "0.02", ""), ("411", "", "45.00")]]
    assert len(run.json()["entries"]) == 2  # the invoice and the receipt: no separate write-off entry
