"""The main story through the API alone: an order, a 30 % deposit invoice issued with its card payment, the final
invoice deducting it, the rest paid by transfer, a return credited and refunded, and the accounting export."""

from __future__ import annotations

import io

from facturx import get_xml_from_pdf
from pypdf import PdfReader

from tests.api.conftest import eur, line


def test_order_deposit_invoice_final_invoice_credit_note_and_refund(api):
    party = api.post("parties", json={"name": "Bistrot du Parc SARL", "siren": "552100554"}).json()
    order = api.post(
        "documents", json={"kind": "order", "party_id": party["id"], "lines": [line("1000.00", designation="Table")]}
    ).json()
    order = api.post(f"documents/{order['id']}/validate").json()
    assert order["gross"] == eur("1200.00")

    # a 30 % deposit invoice, issued with its payment by card
    deposit = api.post(f"documents/{order['id']}/deposit-invoices", json={"percent": "30"})
    assert deposit.status_code == 201, deposit.text
    assert deposit.headers["Location"] == f"/api/v1/deposit-invoices/{deposit.json()['document']['id']}"
    deposit = deposit.json()
    assert (deposit["document"]["gross"], deposit["basis"], deposit["percent"]) == (eur("360.00"), "percent", "30")
    assert deposit["breakdown"] == [{"rate": "20", "net": eur("300.00"), "vat": eur("60.00"), "gross": eur("360.00")}]
    assert (deposit["origin_gross"], deposit["previous"], deposit["remaining"]) == (
        eur("1200.00"),
        eur("0.00"),
        eur("840.00"),
    )
    deposit_id = deposit["document"]["id"]
    issued = api.post(
        f"deposit-invoices/{deposit_id}/issue",
        json={"generate_payment": True, "method": "card"},
        headers={"If-Match": f'"{deposit["document"]["version"]}"'},
    )
    assert issued.status_code == 200, issued.text
    issued = issued.json()
    assert issued["deposit_invoice"]["number"] and issued["deposit_invoice"]["payment_status"] == "paid"
    assert (issued["payment"]["amount"], issued["payment"]["method"]) == (eur("360.00"), "card")

    position = api.get(f"documents/{order['id']}/deposits").json()
    assert (position["deposit_invoiced"], position["deposits_paid"]) == (eur("360.00"), eur("360.00"))
    assert [d["id"] for d in position["deposit_invoices"]] == [deposit_id]

    # the final invoice deducts the deposit when it is issued
    final = api.post(f"documents/{order['id']}/final-invoices", json={})
    assert final.status_code == 201, final.text
    invoice_id = final.json()["invoice_id"]
    assert final.json()["rows"][0]["proposed"] == eur("360.00")
    validated = api.post(f"documents/{invoice_id}/validate")
    assert validated.status_code == 200, validated.text
    view = api.get(f"documents/{invoice_id}/deductions").json()
    assert (view["gross"], view["deducted"], view["net_to_pay"]) == (eur("1200.00"), eur("360.00"), eur("840.00"))
    assert view["vat_due"] == [{"rate": "20", "net": eur("700.00"), "vat": eur("140.00"), "gross": eur("840.00")}]
    assert view["rows"][0]["deducted"] == eur("360.00") and view["rows"][0]["automatic"] is True

    paid = api.post(
        "payments",
        json={
            "party_id": party["id"],
            "amount": eur("840.00"),
            "method": "transfer",
            "allocations": [{"document_id": invoice_id, "amount": eur("840.00")}],
        },
    )
    assert paid.status_code == 201, paid.text
    assert api.get(f"documents/{invoice_id}").json()["payment_status"] == "paid"

    # half the table comes back: a credit note on the invoice, refunded by transfer
    credit = api.post(f"documents/{invoice_id}/credit-notes", json={"lines": [{"position": 1, "quantity": "0.5"}]})
    assert credit.status_code == 201, credit.text
    credit = credit.json()
    assert (credit["kind"], credit["gross"], credit["origin_id"]) == ("credit_note", eur("600.00"), invoice_id)
    assert api.get(f"documents/{invoice_id}/credits").json()["remaining"] == eur("600.00")
    as_credit = api.get(f"credits/{credit['id']}").json()
    assert (as_credit["status"], as_credit["remaining"]) == ("unused", eur("600.00"))

    refund = api.post(f"credits/{credit['id']}/refunds", json={"method": "transfer"})
    assert refund.status_code == 201, refund.text
    refund = refund.json()
    assert refund["amount"] == eur("600.00") and refund["source"] == {"kind": "credit_note", "id": credit["id"]}
    refund_payment = api.get(f"payments/{refund['payment_id']}").json()
    assert (refund_payment["direction"], refund_payment["amount"]) == ("out", eur("600.00"))
    assert api.get(f"credits/{credit['id']}").json()["status"] == "settled"

    account = api.get(f"parties/{party['id']}/account").json()
    assert (account["due_total"], account["credit_total"], account["balance"]) == (eur("0.00"),) * 3

    # the accountant exports the period: one FEC, and the invoice's Factur-X carries its XML
    today = issued["deposit_invoice"]["issue_date"]
    run = api.post("exports", json={"date_from": f"{today[:4]}-01-01", "date_to": today})
    assert run.status_code == 201, run.text
    assert run.json()["entry_count"] == len(run.json()["entries"]) > 0
    fec = api.get(f"exports/{run.json()['id']}/fec")
    assert fec.status_code == 200 and fec.headers["content-type"].startswith("text/plain")
    assert fec.content.startswith(b"JournalCode\tJournalLib\tEcritureNum")
    entries = api.get(f"documents/{invoice_id}/journal-entries").json()["entries"]
    assert [e["journal"] for e in entries][:1] == ["VE"]

    facturx = api.get(f"documents/{invoice_id}/facturx")
    assert facturx.status_code == 422  # the company has no VAT number yet: refused, with the reason
    assert facturx.json()["code"] == "missing-legal-identifier"


def test_a_factur_x_download_is_a_pdf_that_carries_its_xml(api, app):
    with app.uow() as uow:
        uow.companies.update(api.ctx.company_id, vat_number="FR11123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    party = api.post(
        "parties",
        json={"name": "Bistrot du Parc SARL", "siren": "552100554", "address": "3 place du Marché, 75011 Paris"},
    ).json()
    invoice = api.post("documents", json={"kind": "invoice", "party_id": party["id"], "lines": [line("100.00")]}).json()
    invoice = api.post(f"documents/{invoice['id']}/validate").json()

    response = api.get(f"documents/{invoice['id']}/facturx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.content.startswith(b"%PDF")
    filename, xml = get_xml_from_pdf(response.content, check_xsd=True)
    assert filename == "factur-x.xml"
    assert invoice["number"].encode() in xml and b"120.00" in xml
    assert PdfReader(io.BytesIO(response.content)).pages

    alone = api.get(f"documents/{invoice['id']}/facturx/xml")
    assert alone.headers["content-type"] == "application/xml" and alone.content == xml
    printed = api.get(f"documents/{invoice['id']}/pdf")
    assert printed.headers["content-type"] == "application/pdf" and printed.content.startswith(b"%PDF")
