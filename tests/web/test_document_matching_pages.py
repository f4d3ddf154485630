"""The web side of what a matcher needs: the supplier's own number on the purchase forms, the document page and
the list (searched), and the list's exact amount and « reste à régler » filters."""

from __future__ import annotations

from acompte.domain.documents import Flow, Kind
from acompte.services import credits, documents
from tests.helpers import line, pay, validated


def _purchase(supplier_id: int, **fields: str) -> dict[str, str]:
    data = {"flow": "purchase", "kind": "invoice", "rows": "1", "party_id": str(supplier_id)}
    data |= {"issue_date": "2026-03-02", "line-0-designation": "Bois", "line-0-quantity": "1"}
    data |= {"line-0-unit_price": "500", "line-0-vat_rate": "20"}
    return data | fields


def test_the_supplier_number_on_the_purchase_forms_page_and_list(app, web, supplier):
    form = web.get("/documents/new?flow=purchase&kind=invoice")
    assert 'name="supplier_reference"' in form.text
    assert 'name="supplier_reference"' not in web.get("/documents/new?flow=sale&kind=invoice").text
    created = web.post("/documents/new", _purchase(supplier.id, supplier_reference="F-2026-501"))
    assert created.status_code == 303, created.text
    doc_id = int(created.headers["location"].rsplit("/", 1)[1])
    assert documents.get_document(app.uow(), web.ctx, doc_id).document.supplier_reference == "F-2026-501"
    edited = web.post(f"/documents/{doc_id}/edit", _purchase(supplier.id, supplier_reference="F-2026-502"))
    assert edited.status_code == 303
    page = web.get(f"/documents/{doc_id}")
    assert "F-2026-502" in page.text and "N° de la facture du fournisseur" in page.text
    listed = web.get("/documents?flow=purchase&kind=invoice&q=f-2026-502")
    assert f"/documents/{doc_id}" in listed.text and "F-2026-502" in listed.text
    too_long = web.post("/documents/new", _purchase(supplier.id, supplier_reference="X" * 101))
    assert too_long.status_code == 422 and 'id="e-supplier_reference"' in too_long.text


def test_the_list_filters_an_exact_amount_and_what_is_left_to_settle(app, web, customer):
    uow, ctx = app.uow(), web.ctx
    open_invoice = validated(uow, ctx, customer.id, line("100.00"))  # 120.00
    paid = validated(uow, ctx, customer.id, line("50.00"))  # 60.00
    pay(uow, ctx, customer.id, "60.00", (paid.id, "60.00"))
    credited = validated(uow, ctx, customer.id, line("80.00"))
    note = credits.credit_invoice(uow, ctx, credited.id)
    draft = documents.create_document(uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id)

    page = web.get("/documents?flow=sale&kind=invoice&open=on")
    assert page.status_code == 200 and 'name="open"' in page.text and 'name="amount"' in page.text
    assert f'/documents/{open_invoice.id}"' in page.text
    for other in (paid.id, credited.id, draft.id):
        assert f'/documents/{other}"' not in page.text
    notes = web.get("/documents?flow=sale&kind=credit_note&open=on")
    assert f'/documents/{note.id}"' not in notes.text
    exact = web.get("/documents?flow=sale&kind=invoice&amount=60,00")
    assert f'/documents/{paid.id}"' in exact.text and f'/documents/{open_invoice.id}"' not in exact.text
