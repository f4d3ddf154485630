"""PDF documents rendered from HTML templates: the figures and legal mentions they show, a page that is not blank,
and the Factur-X PDF/A-3 carrying its XML."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from acompte.adapters.exports.facturx import cii_xml
from acompte.adapters.exports.pdf import document_pdf, facturx_document, statement_pdf
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.services import documents, parties, payments, printing
from acompte.services.exports import einvoicing

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


@pytest.fixture
def shop(uow, ctx, customer):
    with uow:
        uow.companies.update(ctx.company_id, vat_number="FR11123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    buyer = parties.update_party(uow, ctx, customer.id, siren="552100554", address="3 place du Marché, 75011 Paris")
    order = documents.create_document(
        uow,
        ctx,
        kind=Kind.ORDER,
        flow=Flow.SALE,
        party_id=buyer.id,
        lines=[LineInput("Table en chêne", D(1), D("1000.00"), D(20))],
        issue_date=date(2026, 2, 1),
    )
    order = documents.validate_document(uow, ctx, order.id, today=date(2026, 2, 1))
    payments.record_payment(
        uow,
        ctx,
        party_id=buyer.id,
        amount=eur("360.00"),
        method="transfer",
        payment_date=date(2026, 2, 5),
        allocations=[(order.id, eur("360.00"))],
    )
    return buyer, order


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def ink(pdf: bytes) -> float:
    """Share of the first page's pixels that are not white, once rendered to an image (pypdfium2)."""
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=0.5).to_pil().convert("L")
    histogram = image.histogram()
    return sum(histogram[:200]) / sum(histogram)


def test_an_order_shows_the_deposit_already_paid_and_what_remains(uow, ctx, shop):
    _, order = shop
    pdf = document_pdf(printing.printable_document(uow, ctx, order.id))
    assert pdf.startswith(b"%PDF")
    assert ink(pdf) > 0.01  # the rendered page is not blank
    content = text_of(pdf)
    for expected in (
        "Bon de commande",
        order.document.number,
        "Acompte reçu",
        "360,00",
        "Reste à régler",
        "840,00",
        "SIREN 123456782",
    ):
        assert expected in content, expected


def test_an_invoice_shows_the_deducted_deposit_the_net_to_pay_and_the_legal_mentions_and_carries_its_factur_x(
    uow, ctx, shop, tmp_path
):
    _buyer, order = shop
    final = documents.convert_document(uow, ctx, order.id, Kind.INVOICE)
    with uow:  # the order's payment follows it to the invoice (wired by the deposits capability)
        for allocation in uow.allocations.for_document(ctx.company_id, order.id):
            uow.allocations.move(ctx.company_id, allocation.id, document_id=final.id)
        uow.commit()
    final = documents.validate_document(uow, ctx, final.id, today=date(2026, 3, 16))
    printable = printing.printable_document(uow, ctx, final.id)
    # nothing deducted: Net à payer is the total; the deposit paid before issue leaves 840.00 to pay (BT-115)
    assert (printable.net_to_pay, printable.amount_due) == (eur("1200.00"), eur("840.00"))
    pdf = document_pdf(printable)
    content = text_of(pdf)
    for expected in (
        "Facture",
        final.document.number,
        "Bon de commande " + order.document.number,
        "Total TTC",
        "1 200,00",
        "Net à payer",
        "Reste à payer",
        "840,00",
        "N° TVA intracommunautaire FR11123456782",
        "SIREN 552100554",
        "40 €",
        "trois fois le taux d'intérêt légal",
        "Pas d'escompte",
    ):
        assert expected.replace("\u202f", " ") in content.replace("\u202f", " "), expected
    assert ink(pdf) > 0.01

    invoice = einvoicing.einvoice_for(uow, ctx, final.id)
    facturx = facturx_document(printable, invoice)
    (tmp_path / "facture.pdf").write_bytes(facturx)
    from facturx import get_xml_from_pdf

    filename, xml = get_xml_from_pdf(facturx, check_xsd=True)
    assert filename == "factur-x.xml"
    assert xml == cii_xml(invoice)
    metadata = PdfReader(io.BytesIO(facturx)).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"<pdfaid:part>3</pdfaid:part>" in metadata and b"fx:ConformanceLevel" in metadata  # PDF/A-3, Factur-X XMP
    assert ink(facturx) > 0.01


def test_a_credit_note_names_the_invoice_it_corrects(uow, ctx, shop):
    buyer, _ = shop
    invoice = documents.create_document(
        uow,
        ctx,
        kind=Kind.INVOICE,
        flow=Flow.SALE,
        party_id=buyer.id,
        lines=[LineInput("Chaise", D(2), D("85.50"), D(20))],
    )
    invoice = documents.validate_document(uow, ctx, invoice.id, today=date(2026, 3, 2))
    credit = documents.create_document(
        uow,
        ctx,
        kind=Kind.CREDIT_NOTE,
        flow=Flow.SALE,
        party_id=buyer.id,
        lines=[LineInput("Chaise", D(1), D("85.50"), D(20))],
        origin_id=invoice.id,
    )
    credit = documents.validate_document(uow, ctx, credit.id, today=date(2026, 3, 5))
    content = text_of(document_pdf(printing.printable_document(uow, ctx, credit.id)))
    assert f"Avoir sur la facture {invoice.document.number} du 02/03/2026" in content
    assert "Montant de l'avoir" in content and "102,60" in content


def test_an_account_statement_lists_invoices_and_payments_with_the_running_balance(uow, ctx, shop):
    buyer, _order = shop
    invoice = documents.create_document(
        uow,
        ctx,
        kind=Kind.INVOICE,
        flow=Flow.SALE,
        party_id=buyer.id,
        lines=[LineInput("Chaise", D(2), D("85.50"), D(20))],
    )
    invoice = documents.validate_document(uow, ctx, invoice.id, today=date(2026, 3, 2))
    payments.record_payment(
        uow,
        ctx,
        party_id=buyer.id,
        amount=eur("100.00"),
        method="cheque",
        payment_date=date(2026, 3, 10),
        allocations=[(invoice.id, eur("100.00"))],
    )
    st = printing.statement(uow, ctx, buyer.id, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert st.opening == eur("-360.00")  # the deposit paid in February, before any invoice
    assert [
        (line.piece, str(line.debit.amount), str(line.credit.amount), str(line.balance.amount)) for line in st.lines
    ] == [
        (invoice.document.number, "205.20", "0.00", "-154.80"),
        (st.lines[1].piece, "0.00", "100.00", "-254.80"),
    ]
    pdf = statement_pdf(st)
    content = text_of(pdf)
    assert "Relevé de compte" in content and "Solde en votre faveur" in content
    assert ink(pdf) > 0.01
