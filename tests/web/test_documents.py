"""Document lists and the document page (UI.md screens 1 and 2)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.services import documents, parties, payments


def line(price: str, qty: str = "1", rate: str = "20", designation: str = "Article") -> LineInput:
    return LineInput(designation, Decimal(qty), Decimal(price), Decimal(rate))


def invoice(app, ctx, party_id, *lines, kind=Kind.INVOICE, flow=Flow.SALE, due=None, validate=True):
    draft = documents.create_document(
        app.uow(), ctx, kind=kind, flow=flow, party_id=party_id, lines=list(lines) or [line("1000.00")], due_date=due
    )
    return documents.validate_document(app.uow(), ctx, draft.id) if validate else draft


def pay(app, ctx, party_id, doc_id, amount, method="cheque"):
    return payments.record_payment(
        app.uow(),
        ctx,
        party_id=party_id,
        amount=Money.of(amount, "EUR"),
        method=method,
        payment_date=date(2026, 3, 14),
        allocations=[(doc_id, Money.of(amount, "EUR"))],
    )


def test_invoice_list_shows_french_amounts_badges_and_totals(app, web, customer):
    ctx = web.ctx
    paid = invoice(app, ctx, customer.id)
    partial = invoice(app, ctx, customer.id, line("500.00"), due=date.today() - timedelta(days=3))
    unpaid = invoice(app, ctx, customer.id, line("100.00"))
    pay(app, ctx, customer.id, paid.id, "1200.00")
    pay(app, ctx, customer.id, partial.id, "100.00")
    page = web.get("/documents?flow=sale&kind=invoice")
    assert page.status_code == 200, page.text
    text = page.text
    assert "1\u202f200,00\u00a0€" in text
    assert "badge-paid" in text and "badge-partial" in text and "badge-unpaid" in text
    assert 'class="overdue"' in text
    assert unpaid.document.number in text
    # totals of the filtered rows: 1 200 + 600 + 120 = 1 920 ; balance 500 + 120 = 620 — read apart from the page
    assert "1\u202f920,00\u00a0€" not in text and 'hx-get="/documents/totals?flow=sale&amp;kind=invoice&amp;"' in text
    for asked in ("/documents/totals?flow=sale&kind=invoice", "/documents?flow=sale&kind=invoice&totals=1"):
        shown = web.get(asked).text
        assert "1\u202f920,00\u00a0€" in shown and "620,00\u00a0€" in shown and "3 documents" in shown, asked


def test_document_page_shows_totals_net_to_pay_and_history_with_payment_facts(app, web, customer):
    ctx = web.ctx
    doc = invoice(app, ctx, customer.id, line("100.00", qty="3"), line("50.00", rate="5.5", designation="Livre"))
    payment = pay(app, ctx, customer.id, doc.id, "100.00", method="transfer")
    page = web.get(f"/documents/{doc.id}")
    assert page.status_code == 200, page.text
    text = page.text
    # 300 HT at 20 % + 50 HT at 5.5 % = 350 HT, 60 + 2.75 VAT, 412.75 TTC; 100 paid → 312.75 due
    assert "350,00\u00a0€" in text and "62,75\u00a0€" in text and "412,75\u00a0€" in text
    assert "Net à payer" in text and "312,75\u00a0€" in text and "badge-partial" in text
    assert "20\u00a0%" in text and "5,5\u00a0%" in text
    history = web.get(f"/documents/{doc.id}?tab=history").text
    assert payment.payment.number in history and "14/03/2026" in history and "Virement" in history
    assert "100,00\u00a0€" in history
    deposits_tab = web.get(f"/documents/{doc.id}?tab=deposits").text
    assert payment.payment.number in deposits_tab and "Virement" in deposits_tab
    assert "Aucune écriture" in web.get(f"/documents/{doc.id}?tab=entries").text


def test_an_order_page_links_its_origin_and_children(app, web, customer):
    ctx = web.ctx
    quote = invoice(app, ctx, customer.id, kind=Kind.QUOTE)
    order = documents.convert_document(app.uow(), ctx, quote.id, Kind.ORDER)
    page = web.get(f"/documents/{quote.id}").text
    assert f'href="/documents/{order.id}"' in page and "Commande" in page
    order_page = web.get(f"/documents/{order.id}").text
    assert f'href="/documents/{quote.id}"' in order_page and quote.document.number in order_page
    assert "Modifier" in order_page and "Valider" in order_page
    assert web.get(f"/documents/{order.id}?tab=deposits").status_code == 200


def test_filters_and_csv_export(app, web, customer):
    ctx = web.ctx
    other = parties.create_party(app.uow(), ctx, name="Martin & Fils")
    mine = invoice(app, ctx, customer.id, line("100.00"))
    theirs = invoice(app, ctx, other.id, line("200.00"))
    pay(app, ctx, other.id, theirs.id, "240.00")
    by_party = web.get(f"/documents?flow=sale&kind=invoice&party_id={other.id}").text
    assert theirs.document.number in by_party and mine.document.number not in by_party
    unpaid = web.get("/documents?flow=sale&kind=invoice&status=unpaid").text
    assert mine.document.number in unpaid and theirs.document.number not in unpaid
    search = web.get(f"/documents?flow=sale&kind=invoice&q={mine.document.number}").text
    assert mine.document.number in search and theirs.document.number not in search
    assert "Aucun document." in web.get("/documents?flow=sale&kind=invoice&date_to=2000-01-01").text
    assert "Aucun document." in web.get("/documents?flow=purchase&kind=invoice").text
    export = web.get("/documents?flow=sale&kind=invoice&format=csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert export.content.startswith("\ufeff".encode())
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:4] == ["Numéro", "Date", "Tiers", "Total TTC"]
    row = next(r for r in lines[1:] if r.startswith(theirs.document.number)).split(";")
    assert row[2] == "Martin & Fils" and row[3] == "240,00" and row[6] == "0,00" and row[7] == "Réglé"


def test_row_actions_follow_the_kind_and_state(app, web, web_reader, customer):
    ctx = web.ctx
    order = invoice(app, ctx, customer.id, kind=Kind.ORDER)
    text = web.get("/documents?flow=sale&kind=order").text
    for path in ("/deposit", "/deposit-invoice", "/convert?to=invoice", "/pdf"):
        assert f"/documents/{order.id}{path}" in text
    assert f"/documents/{order.id}/credit-note" not in text and f"/documents/{order.id}/facturx" not in text
    assert 'href="/documents/new?flow=sale&amp;kind=order"' in text
    sale = invoice(app, ctx, customer.id)
    text = web.get("/documents?flow=sale&kind=invoice").text
    for path in ("/credit-note", "/pdf", "/facturx"):
        assert f"/documents/{sale.id}{path}" in text
    assert f"/settle?party_id={customer.id}&amp;flow=sale&amp;document={sale.id}" in text  # « Régler »
    assert f"/documents/{sale.id}/deposit-invoice" not in text
    reader = web_reader.get("/documents?flow=sale&kind=invoice").text
    assert f"/documents/{sale.id}/pdf" in reader and f"/documents/{sale.id}/credit-note" not in reader
    assert "/documents/new" not in reader


def test_pdf_and_facturx_downloads(app, web, customer):
    sale = invoice(app, web.ctx, customer.id)
    pdf = web.get(f"/documents/{sale.id}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    facturx = web.get(f"/documents/{sale.id}/facturx")
    assert facturx.status_code in (200, 422)
    if facturx.status_code == 200:
        assert facturx.content.startswith(b"%PDF")


def test_an_issued_invoice_downloads_its_stored_file_unchanged_by_a_later_payment(app, web, customer):
    import hashlib

    with app.uow() as uow:
        uow.companies.update(web.ctx.company_id, vat_number="FR11123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    parties.update_party(app.uow(), web.ctx, customer.id, siren="552100554")
    sale = invoice(app, web.ctx, customer.id)
    first = web.get(f"/documents/{sale.id}/facturx")
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    digest = hashlib.sha256(first.content).hexdigest()
    assert first.headers["etag"] == f'"{digest}"'
    pay(app, web.ctx, customer.id, sale.id, "300.00")
    assert web.get(f"/documents/{sale.id}/pdf").content == web.get(f"/documents/{sale.id}/facturx").content
    assert web.get(f"/documents/{sale.id}/pdf").content == first.content
    history = web.get(f"/documents/{sale.id}?tab=history").text
    assert "Fichier émis conservé" in history and digest[:16] in history


def test_english_rendering(app, web, customer):
    doc = invoice(app, web.ctx, customer.id)
    web.post("/language", {"lang": "en", "back": "/"})
    listing = web.get("/documents?flow=sale&kind=invoice")
    assert listing.headers["content-language"] == "en"
    assert "Invoices" in listing.text and "Balance due" in listing.text and "Unpaid" in listing.text
    assert "1,200.00" in listing.text
    page = web.get(f"/documents/{doc.id}").text
    assert "Net to pay" in page and "History" in page
