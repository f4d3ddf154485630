"""Issued documents are frozen (SQLite and PostgreSQL): issuing records what the file shows, the worker (or the
first download) stores it once with its SHA-256 in the history; every download hands out those bytes; a payment received later changes neither the PDF nor the XML;
the printed net to pay is the XML's BT-115; drafts are still rendered on the fly."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from facturx import get_xml_from_pdf
from lxml import etree
from pypdf import PdfReader

from acompte.adapters.exports.facturx import NSMAP
from acompte.domain.documents import Flow, Kind
from acompte.domain.errors import InvalidSetting, InvalidTransition, MissingLegalIdentifier
from acompte.domain.events import EventKind
from acompte.domain.issued_files import FileKind, sha256_of
from acompte.domain.money import Money
from acompte.services import documents, history, parties, payments
from acompte.services.exports import issued_files
from tests.deposit_helpers import issued_deposit, issued_final, table_order
from tests.helpers import line, validated

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


@pytest.fixture
def legal(uow, ctx, customer):
    """What Factur-X needs: the company's VAT number and address, the customer's SIREN and address."""
    with uow:
        uow.companies.update(ctx.company_id, vat_number="FR11123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    return parties.update_party(uow, ctx, customer.id, siren="552100554", address="3 place du Marché, 75011 Paris")


def text_of(pdf: bytes) -> str:
    words = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    return words.replace("\u202f", " ").replace("\xa0", " ")


def printed_amount(pdf: bytes, label: str) -> Decimal:
    """The amount printed after `label` (« Net à payer 1 234,56 € » → 1234.56)."""
    found = re.search(re.escape(label) + r" (-?[\d ]+,\d\d)", text_of(pdf))
    assert found, f"{label!r} not printed"
    return D(found.group(1).replace(" ", "").replace(",", "."))


def bt(xml: bytes, tag: str) -> Decimal | None:
    """A header monetary total of the CII XML (BT-112 GrandTotalAmount, BT-113 TotalPrepaidAmount, BT-115 ...)."""
    found = etree.fromstring(xml).xpath(
        f"//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:{tag}/text()", namespaces=NSMAP
    )
    return D(found[0]) if found else None


def file_events(uow, ctx, document_id):
    return [e for e in history.document_history(uow, ctx, document_id) if e.kind == EventKind.DOCUMENT_FILE_ISSUED]


def test_issuing_a_sale_invoice_stores_its_factur_x_and_records_the_hash_in_its_history(uow, ctx, legal):
    invoice = validated(uow, ctx, legal.id, line("1000.00", designation="Table en chêne"), today=date(2026, 3, 16))
    assert (
        file_events(uow, ctx, invoice.id) == [] and issued_files.files_due(uow, ctx.company_id) == 1
    )  # due, rendered after commit

    issued_files.render_due(uow, company_id=ctx.company_id)
    assert issued_files.files_due(uow, ctx.company_id) == 0
    events = file_events(uow, ctx, invoice.id)
    assert sorted(e.data["file"] for e in events) == ["facturx", "facturx_xml"]
    pdf = issued_files.document_file(uow, ctx, invoice.id, FileKind.FACTURX)
    xml = issued_files.document_file(uow, ctx, invoice.id, FileKind.FACTURX_XML)
    by_kind = {e.data["file"]: e.data for e in events}
    assert by_kind["facturx"]["sha256"] == pdf.sha256 == sha256_of(pdf.content)
    assert by_kind["facturx"]["size"] == len(pdf.content) and by_kind["facturx"]["produced"] == "at_issue"
    assert by_kind["facturx_xml"]["sha256"] == xml.sha256 == sha256_of(xml.content)
    assert {e.actor for e in events} == {"tester"}
    filename, embedded = get_xml_from_pdf(pdf.content, check_xsd=True)
    assert filename == "factur-x.xml" and embedded == xml.content  # the XML alone is the one inside, byte for byte
    assert (pdf.media_type, xml.media_type) == ("application/pdf", "application/xml")


def test_two_downloads_give_the_same_bytes_and_the_pdf_route_gives_the_factur_x(uow, ctx, legal):
    invoice = validated(uow, ctx, legal.id, line("1000.00"), today=date(2026, 3, 16))

    first = issued_files.document_file(uow, ctx, invoice.id, FileKind.FACTURX)
    second = issued_files.document_file(uow, ctx, invoice.id, FileKind.FACTURX)
    printed = issued_files.document_file(uow, ctx, invoice.id, FileKind.PDF)
    assert first.content == second.content == printed.content
    assert first.sha256 == second.sha256 == printed.sha256 == sha256_of(second.content)
    assert len(file_events(uow, ctx, invoice.id)) == 2  # downloading records nothing more


def test_a_payment_received_after_issue_changes_neither_the_pdf_nor_the_xml(uow, ctx, legal):
    invoice = validated(uow, ctx, legal.id, line("1000.00"), today=date(2026, 3, 16))
    pdf = issued_files.document_file(uow, ctx, invoice.id, FileKind.FACTURX)
    xml = issued_files.document_file(uow, ctx, invoice.id, FileKind.FACTURX_XML)

    payments.record_payment(
        uow,
        ctx,
        party_id=legal.id,
        amount=eur("500.00"),
        method="transfer",
        payment_date=date(2026, 3, 20),
        allocations=[(invoice.id, eur("500.00"))],
    )

    assert documents.get_document(uow, ctx, invoice.id).balance_due == eur("700.00")  # the page shows it
    assert issued_files.document_file(uow, ctx, invoice.id, FileKind.FACTURX).content == pdf.content
    assert issued_files.document_file(uow, ctx, invoice.id, FileKind.FACTURX_XML).content == xml.content
    assert printed_amount(pdf.content, "Net à payer") == bt(xml.content, "DuePayableAmount") == D("1200.00")


def test_a_deposit_invoice_partly_paid_after_issue_still_says_180_due_in_its_pdf_and_its_xml(uow, ctx, legal):
    order = table_order(uow, ctx, legal.id)  # 1 200.00 gross
    deposit = issued_deposit(uow, ctx, order.id, percent="15")  # 180.00, waiting for its payment
    payments.record_payment(
        uow,
        ctx,
        party_id=legal.id,
        amount=eur("100.00"),
        method="transfer",
        payment_date=date(2026, 2, 10),
        allocations=[(deposit.id, eur("100.00"))],
    )

    assert documents.get_document(uow, ctx, deposit.id).balance_due == eur("80.00")
    pdf = issued_files.document_file(uow, ctx, deposit.id, FileKind.FACTURX).content
    xml = issued_files.document_file(uow, ctx, deposit.id, FileKind.FACTURX_XML).content
    assert get_xml_from_pdf(pdf)[1] == xml
    assert printed_amount(pdf, "Net à payer") == D("180.00")
    assert (bt(xml, "GrandTotalAmount"), bt(xml, "DuePayableAmount")) == (D("180.00"), D("180.00"))
    assert "Règlement reçu" not in text_of(pdf)


def test_the_printed_net_to_pay_of_a_final_invoice_is_its_xml_due_amount_at_issue(uow, ctx, legal):
    order = table_order(uow, ctx, legal.id)  # 1 200.00
    issued_deposit(uow, ctx, order.id, percent="30", paid_by="transfer")  # 360.00, paid at once
    final = issued_final(uow, ctx, order.id)  # deducts it: 840.00 to pay

    pdf = issued_files.document_file(uow, ctx, final.id, FileKind.FACTURX).content
    xml = get_xml_from_pdf(pdf)[1]
    assert printed_amount(pdf, "Total TTC") == bt(xml, "GrandTotalAmount") == D("1200.00")  # BT-112
    assert bt(xml, "TotalPrepaidAmount") == D("360.00")  # BT-113: the deposit invoice deducted
    assert printed_amount(pdf, "Net à payer") == bt(xml, "DuePayableAmount") == D("840.00")  # BT-115

    payments.record_payment(
        uow,
        ctx,
        party_id=legal.id,
        amount=eur("840.00"),
        method="transfer",
        payment_date=date(2026, 3, 30),
        allocations=[(final.id, eur("840.00"))],
    )
    assert issued_files.document_file(uow, ctx, final.id, FileKind.PDF).content == pdf


def test_a_credit_note_is_frozen_too(uow, ctx, legal):
    invoice = validated(uow, ctx, legal.id, line("100.00"), today=date(2026, 3, 2))
    draft = documents.create_document(
        uow, ctx, kind=Kind.CREDIT_NOTE, flow=Flow.SALE, party_id=legal.id, lines=[line("100.00")], origin_id=invoice.id
    )
    credit = documents.validate_document(uow, ctx, draft.id, today=date(2026, 3, 5))
    xml = issued_files.document_file(uow, ctx, credit.id, FileKind.FACTURX_XML).content
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml
    assert sorted(e.data["file"] for e in file_events(uow, ctx, credit.id)) == ["facturx", "facturx_xml"]


def test_drafts_are_rendered_on_the_fly_and_nothing_is_stored(uow, ctx, legal):
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=legal.id, lines=[line("100.00")]
    )
    pdf = issued_files.document_file(uow, ctx, draft.id, FileKind.PDF)
    assert pdf.content.startswith(b"%PDF") and pdf.sha256 is None
    assert "brouillon, sans valeur" in text_of(pdf.content)
    assert file_events(uow, ctx, draft.id) == []
    with pytest.raises(InvalidTransition):
        issued_files.document_file(uow, ctx, draft.id, FileKind.FACTURX)
    documents.update_document(uow, ctx, draft.id, lines=[line("250.00")])  # a draft may change: so does its PDF
    assert printed_amount(issued_files.document_file(uow, ctx, draft.id).content, "Net à payer") == D("300.00")


def test_a_purchase_invoice_keeps_its_pdf(uow, ctx, supplier):
    bill = validated(uow, ctx, supplier.id, line("400.00"), flow=Flow.PURCHASE, today=date(2026, 3, 3))
    issued_files.render_due(uow, company_id=ctx.company_id)
    events = file_events(uow, ctx, bill.id)
    assert [e.data["file"] for e in events] == ["pdf"]
    first = issued_files.document_file(uow, ctx, bill.id)
    assert first.sha256 == events[0].data["sha256"] == sha256_of(first.content)
    assert issued_files.document_file(uow, ctx, bill.id).content == first.content
    with pytest.raises(InvalidSetting):
        issued_files.document_file(uow, ctx, bill.id, FileKind.FACTURX)


def test_a_sale_issued_before_its_legal_identifiers_keeps_its_pdf_and_gets_its_factur_x_once_they_exist(
    uow, ctx, customer
):
    invoice = validated(uow, ctx, customer.id, line("100.00"), today=date(2026, 3, 3))  # no VAT number yet
    issued_files.render_due(uow, company_id=ctx.company_id)
    assert [e.data["file"] for e in file_events(uow, ctx, invoice.id)] == ["pdf"]
    printed = issued_files.document_file(uow, ctx, invoice.id)
    with pytest.raises(MissingLegalIdentifier):
        issued_files.document_file(uow, ctx, invoice.id, FileKind.FACTURX)

    with uow:
        uow.companies.update(ctx.company_id, vat_number="FR11123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    parties.update_party(uow, ctx, customer.id, siren="552100554")
    facturx = issued_files.document_file(uow, ctx, invoice.id, FileKind.FACTURX)
    assert issued_files.document_file(uow, ctx, invoice.id, FileKind.FACTURX).content == facturx.content
    produced = {e.data["file"]: e.data["produced"] for e in file_events(uow, ctx, invoice.id)}
    assert produced == {"pdf": "at_issue", "facturx": "first_download", "facturx_xml": "first_download"}
    assert issued_files.document_file(uow, ctx, invoice.id).content == printed.content  # the PDF issued stays


def test_a_quote_is_rendered_each_time_and_never_stored(uow, ctx, legal):
    quote = validated(uow, ctx, legal.id, line("100.00"), kind=Kind.QUOTE)
    assert issued_files.document_file(uow, ctx, quote.id).sha256 is None
    assert file_events(uow, ctx, quote.id) == []
