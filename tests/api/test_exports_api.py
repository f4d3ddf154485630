"""Exports through the API (routes/exports.py): export runs (accountant), their FEC and CSV, the journal entries
of a document, PDFs of documents and statements, « Encaissée », e-reporting payment data."""

from __future__ import annotations

from datetime import date

import pytest

from acompte.adapters.exports.fec import check_fec
from tests.api.conftest import eur, line
from tests.helpers import snapshot

TODAY = date.today()
YEAR = {"date_from": f"{TODAY.year}-01-01", "date_to": TODAY.isoformat()}


@pytest.fixture
def paid_invoice(api):  # type: ignore[no-untyped-def]
    """A paid sale invoice of a service (VAT due on receipt): 120.00, paid by transfer."""
    party = api.post("parties", json={"name": "Bistrot du Parc SARL", "siren": "552100554"}).json()
    item = api.post(
        "items", json={"name": "Montage", "kind": "service", "unit_price": "100.00", "vat_rate": "20"}
    ).json()
    draft = api.post(
        "documents",
        json={"kind": "invoice", "party_id": party["id"], "lines": [{**line("100.00"), "item_id": item["id"]}]},
    ).json()
    invoice = api.post(f"documents/{draft['id']}/validate").json()
    paid = api.post(
        "payments",
        json={
            "party_id": party["id"],
            "amount": eur("120.00"),
            "method": "transfer",
            "allocations": [{"document_id": invoice["id"], "amount": eur("120.00")}],
        },
    )
    assert paid.status_code == 201, paid.text
    return {"party": party, "invoice": invoice, "payment": paid.json()}


def test_an_accountant_runs_an_export_once_and_downloads_its_fec_and_csv(api, clerk, paid_invoice, uow):
    assert clerk.post("exports", json=YEAR).status_code == 403
    run = api.post("exports", json=YEAR)
    assert run.status_code == 201, run.text
    result = run.json()
    assert run.headers["Location"] == f"/api/v1/exports/{result['id']}"
    assert (result["documents"], result["payments"]) == (1, 1)
    assert {e["journal"] for e in result["entries"]} >= {"VE", "BQ"}
    assert result["debit"] == {"amount": result["debit"]["amount"], "currency": "EUR"}

    before = snapshot(uow, api.ctx)
    again = api.post("exports", json=YEAR)
    assert again.status_code == 409 and again.json()["code"] == "export-period-overlap"
    backwards = api.post("exports", json={"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert backwards.status_code == 422
    assert snapshot(uow, api.ctx) == before

    runs = api.get("exports").json()["items"]
    assert [(r["id"], r["entry_count"]) for r in runs] == [(result["id"], result["entry_count"])]
    assert api.get(f"exports/{result['id']}").json() == runs[0]
    entries = api.get(f"exports/{result['id']}/entries").json()["entries"]
    assert [e["number"] for e in entries] == [e["number"] for e in result["entries"]]
    assert any(line_["letter"] for entry in entries for line_ in entry["lines"])  # the invoice is matched

    fec = api.get(f"exports/{result['id']}/fec")
    assert fec.status_code == 200
    assert fec.headers["content-type"] == "text/plain; charset=iso-8859-15"
    assert fec.headers["content-disposition"] == f'attachment; filename="123456782FEC{TODAY.year}1231.txt"'
    assert check_fec(fec.content, date_from=date(TODAY.year, 1, 1), date_to=TODAY) == []
    piped = api.get(f"exports/{result['id']}/fec", params={"scope": "year", "separator": "pipe"})
    assert piped.content.startswith(b"JournalCode|JournalLib|")
    csv = api.get(f"exports/{result['id']}/csv")
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.content.decode("utf-8-sig").startswith("Date;Journal;NumeroEcriture")

    invoice_entries = api.get(f"documents/{paid_invoice['invoice']['id']}/journal-entries").json()["entries"]
    assert [e["journal"] for e in invoice_entries] == ["VE", "BQ"]
    assert invoice_entries[0]["piece_ref"] == paid_invoice["invoice"]["number"]
    assert api.get("exports/999999999").status_code == 404


def test_the_e_reporting_data_and_the_collected_status_of_a_paid_service_invoice(api, paid_invoice):
    reports = api.get("ereporting/payments", params={"from": f"{TODAY.year}-01-01", "to": TODAY.isoformat()})
    assert reports.status_code == 200, reports.text
    [report] = reports.json()["reports"]
    assert (report["payment_number"], report["received"]) == (paid_invoice["payment"]["number"], eur("120.00"))
    assert report["vat"] == [{"rate": "20", "amount": eur("20.00")}]
    csv = api.get("ereporting/payments/csv", params={"from": f"{TODAY.year}-01-01"})
    assert csv.status_code == 200 and paid_invoice["payment"]["number"] in csv.content.decode("utf-8-sig")

    invoice_id = paid_invoice["invoice"]["id"]
    collected = api.post(f"documents/{invoice_id}/mark-collected", json={})
    assert collected.status_code == 200, collected.text
    assert [(s["status"], s["label"], s["amount"]) for s in collected.json()["statuses"]] == [
        ("encaissee", "Encaissée", eur("120.00"))
    ]
    assert api.get(f"documents/{invoice_id}/einvoice-statuses").json() == collected.json()

    unpaid = api.post(
        "documents", json={"kind": "invoice", "party_id": paid_invoice["party"]["id"], "lines": [line("10.00")]}
    ).json()
    api.post(f"documents/{unpaid['id']}/validate")
    refused = api.post(f"documents/{unpaid['id']}/mark-collected", json={}, headers={"Accept-Language": "en"})
    assert refused.status_code == 409 and refused.json()["code"] == "not-fully-paid"
    assert refused.json()["detail"].endswith('status "Collected" refused.')


def test_documents_and_statements_download_as_pdf(api, paid_invoice):
    order = api.post(
        "documents", json={"kind": "order", "party_id": paid_invoice["party"]["id"], "lines": [line("50.00")]}
    ).json()
    printed = api.get(f"documents/{order['id']}/pdf")
    assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF")
    statement = api.get(f"parties/{paid_invoice['party']['id']}/statement/pdf")
    assert statement.status_code == 200 and statement.content.startswith(b"%PDF")
    assert statement.headers["content-disposition"].startswith('attachment; filename="releve-Bistrot-du-Parc-SARL-')
    not_issued = api.get(f"documents/{order['id']}/facturx")
    assert not_issued.status_code == 409 and not_issued.headers["content-type"] == "application/problem+json"
