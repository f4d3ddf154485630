"""An issued invoice's files through the API: the stored bytes at every download, with their
SHA-256 as ETag, unchanged by a payment received later; a draft's PDF rendered at each request."""

from __future__ import annotations

import hashlib

from facturx import get_xml_from_pdf

from tests.api.conftest import eur, line


def sale_invoice(api, app) -> dict:  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        uow.companies.update(api.ctx.company_id, vat_number="FR11123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    party = api.post("parties", json={"name": "Bistrot du Parc SARL", "siren": "552100554"}).json()
    draft = api.post("documents", json={"kind": "invoice", "party_id": party["id"], "lines": [line("150.00")]}).json()
    return api.post(f"documents/{draft['id']}/validate").json()


def test_an_issued_invoice_downloads_the_same_bytes_with_their_hash_even_after_a_payment(api, app):
    invoice = sale_invoice(api, app)
    first = api.get(f"documents/{invoice['id']}/facturx")
    assert first.status_code == 200, first.text
    digest = hashlib.sha256(first.content).hexdigest()
    assert first.headers["etag"] == f'"{digest}"' and first.headers["x-content-sha256"] == digest
    xml = api.get(f"documents/{invoice['id']}/facturx/xml")
    assert xml.content == get_xml_from_pdf(first.content)[1]
    assert xml.headers["etag"] == f'"{hashlib.sha256(xml.content).hexdigest()}"'

    paid = api.post(
        "payments",
        json={
            "party_id": invoice["party"]["id"] if "party" in invoice else invoice["party_id"],
            "amount": eur("100.00"),
            "method": "transfer",
            "allocations": [{"document_id": invoice["id"], "amount": eur("100.00")}],
        },
    )
    assert paid.status_code == 201, paid.text

    assert api.get(f"documents/{invoice['id']}/facturx").content == first.content
    assert api.get(f"documents/{invoice['id']}/pdf").content == first.content  # a sale's PDF is its Factur-X
    assert api.get(f"documents/{invoice['id']}/facturx/xml").content == xml.content
    assert b"<ram:DuePayableAmount>180.00</ram:DuePayableAmount>" in xml.content
    history = api.get(f"documents/{invoice['id']}/history").json()
    items = history["items"] if isinstance(history, dict) else history
    hashes = {e["data"]["sha256"] for e in items if e["kind"] == "DocumentFileIssued"}
    assert digest in hashes


def test_a_draft_pdf_is_rendered_each_time_without_a_hash(api, app):
    party = api.post("parties", json={"name": "Client"}).json()
    draft = api.post("documents", json={"kind": "invoice", "party_id": party["id"], "lines": [line("10.00")]}).json()
    printed = api.get(f"documents/{draft['id']}/pdf")
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    assert "etag" not in printed.headers
