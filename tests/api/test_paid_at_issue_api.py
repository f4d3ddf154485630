"""Through the API: an invoice wholly paid when it is issued says so in its Factur-X (cadre « déjà payée »
B2/S2/M2) and on its PDF; a deposit takes the nature of the order it is paid on (S for services, M for a mixed
order); the deposit line says what the order sells, the same words on the page, the PDF and the XML; a credit
note prints no late-payment terms. Every e-invoice passes the XSD, the CEN and the BR-FR schematrons."""

from __future__ import annotations

from io import BytesIO

import pytest
from facturx import get_xml_from_pdf
from lxml import etree
from pypdf import PdfReader

from acompte.adapters.exports.facturx import NSMAP
from acompte.domain.einvoicing import DEFAULT_LEGAL_NOTES
from tests.api.conftest import eur, line
from tests.exports.validation import fatal_failures

SUMMARY = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"


@pytest.fixture
def customer(api, app):  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        uow.companies.update(api.ctx.company_id, vat_number="FR11123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    return api.post("parties", json={"name": "Bistrot du Parc SARL", "siren": "552100554"}).json()


def item(api, name: str, kind: str, price: str) -> dict:  # type: ignore[no-untyped-def]
    made = api.post("items", json={"name": name, "kind": kind, "unit_price": price, "vat_rate": "20"})
    assert made.status_code == 201, made.text
    return made.json()


def order(api, customer, *lines: dict) -> dict:  # type: ignore[no-untyped-def]
    draft = api.post("documents", json={"kind": "order", "party_id": customer["id"], "lines": list(lines)})
    assert draft.status_code == 201, draft.text
    done = api.post(f"documents/{draft.json()['id']}/validate")
    assert done.status_code == 200, done.text
    return done.json()


def deposit(api, order_doc: dict, **issue: object) -> dict:  # type: ignore[no-untyped-def]
    draft = api.post(f"documents/{order_doc['id']}/deposit-invoices", json={"percent": "30"})
    assert draft.status_code == 201, draft.text
    deposit_id = draft.json()["document"]["id"]
    issued = api.post(f"deposit-invoices/{deposit_id}/issue", json=issue)
    assert issued.status_code == 200, issued.text
    return api.get(f"documents/{deposit_id}").json()


def xml_of(api, document_id: int) -> bytes:  # type: ignore[no-untyped-def]
    answer = api.get(f"documents/{document_id}/facturx/xml")
    assert answer.status_code == 200, answer.text
    return answer.content


def text(xml: bytes, path: str) -> list[str]:
    return [e.text for e in etree.fromstring(xml).xpath(path, namespaces=NSMAP)]


def terms(xml: bytes) -> dict[str, object]:
    return {
        "BT-3": text(xml, "//rsm:ExchangedDocument/ram:TypeCode")[0],
        "BT-23": text(xml, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID")[0],
        "BT-9": text(xml, "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"),
        "BT-112": text(xml, SUMMARY + "GrandTotalAmount")[0],
        "BT-113": (text(xml, SUMMARY + "TotalPrepaidAmount") or ["0.00"])[0],
        "BT-115": text(xml, SUMMARY + "DuePayableAmount")[0],
    }


def passes_the_validators(xml: bytes) -> None:
    failures = fatal_failures(xml)
    assert set(failures) >= {"Factur-X EN16931", "BR-FR"}
    assert failures == {name: [] for name in failures}


def pdf_text(api, document_id: int) -> str:  # type: ignore[no-untyped-def]
    pdf = api.get(f"documents/{document_id}/pdf")
    assert pdf.status_code == 200, pdf.text
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages).split())


# -- paid at issue ---------------------------------------------------------------------------------------------


def test_a_deposit_invoice_paid_by_card_when_issued_is_already_paid_b2_in_its_xml_and_on_its_pdf(api, customer):
    table = order(api, customer, line("1000.00", designation="Table en chêne"))
    issued = deposit(api, table, generate_payment=True, method="card")
    xml = xml_of(api, issued["id"])
    day = issued["issue_date"].replace("-", "")
    assert terms(xml) == {
        "BT-3": "386",
        "BT-23": "B2",
        "BT-9": [day],
        "BT-112": "360.00",
        "BT-113": "360.00",
        "BT-115": "0.00",
    }
    passes_the_validators(xml)
    printed = pdf_text(api, issued["id"])
    assert "Facture acquittée." in printed and "Payée le" in printed
    assert "Reste à payer 0,00" in printed
    # a later payment never changes the file: what it says was decided at issue
    assert api.get(f"documents/{issued['id']}/facturx/xml").content == xml


def test_a_deposit_invoice_issued_without_its_payment_stays_b1_with_its_amount_due(api, customer):
    table = order(api, customer, line("1000.00", designation="Table en chêne"))
    issued = deposit(api, table, generate_payment=False)
    xml = xml_of(api, issued["id"])
    assert (terms(xml)["BT-23"], terms(xml)["BT-113"], terms(xml)["BT-115"]) == ("B1", "0.00", "360.00")
    passes_the_validators(xml)
    assert "Facture acquittée" not in pdf_text(api, issued["id"])


def test_a_deposit_invoice_whose_payment_is_dated_after_its_issue_is_not_paid_at_issue(api, customer):
    table = order(api, customer, line("1000.00"))
    issued = deposit(api, table, generate_payment=True, method="card", payment_date="2999-01-01")
    assert terms(xml_of(api, issued["id"]))["BT-23"] == "B1"


def test_a_final_invoice_wholly_paid_before_it_is_issued_is_already_paid_b2(api, customer):
    table = order(api, customer, line("1000.00", designation="Table en chêne"))
    paid = api.post(f"documents/{table['id']}/deposits", json={"method": "card"})
    assert paid.status_code in (200, 201), paid.text
    draft = api.post(f"documents/{table['id']}/convert", json={"target": "invoice"})
    assert draft.status_code == 201, draft.text
    invoice = api.post(f"documents/{draft.json()['id']}/validate")
    assert invoice.status_code == 200, invoice.text
    invoice_id = invoice.json()["id"]
    xml = xml_of(api, invoice_id)
    found = terms(xml)
    assert (found["BT-3"], found["BT-23"], found["BT-112"], found["BT-113"], found["BT-115"]) == (
        "380",
        "B2",
        "1200.00",
        "1200.00",
        "0.00",
    )
    assert len(found["BT-9"]) == 1  # the payment day (BR-FR-CO-09)
    passes_the_validators(xml)
    printed = pdf_text(api, invoice_id)
    assert "Facture acquittée." in printed and "Reste à payer 0,00" in printed


def test_a_final_invoice_after_a_deposit_invoice_with_the_rest_paid_at_issue_stays_b4_with_nothing_due(api, customer):
    table = order(api, customer, line("1000.00", designation="Table en chêne"))
    deposit(api, table, generate_payment=True, method="card")
    rest = api.post(f"documents/{table['id']}/deposits", json={"method": "card"})
    assert rest.status_code in (200, 201), rest.text
    draft = api.post(f"documents/{table['id']}/convert", json={"target": "invoice"}).json()
    invoice = api.post(f"documents/{draft['id']}/validate").json()
    xml = xml_of(api, invoice["id"])
    found = terms(xml)
    assert (found["BT-23"], found["BT-112"], found["BT-113"], found["BT-115"]) == ("B4", "1200.00", "1200.00", "0.00")
    passes_the_validators(xml)
    printed = pdf_text(api, invoice["id"])
    assert "Facture acquittée." in printed and "Reste à payer 0,00" in printed


def test_a_final_invoice_left_to_pay_stays_b1(api, customer):
    table = order(api, customer, line("1000.00"))
    paid = api.post(f"documents/{table['id']}/deposits", json={"method": "card", "amount": eur("100.00")})
    assert paid.status_code in (200, 201), paid.text
    draft = api.post(f"documents/{table['id']}/convert", json={"target": "invoice"}).json()
    invoice = api.post(f"documents/{draft['id']}/validate").json()
    xml = xml_of(api, invoice["id"])
    assert terms(xml)["BT-23"] == "B1" and terms(xml)["BT-115"] != "0.00"
    passes_the_validators(xml)


# -- goods, services, mixed ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "unpaid", "paid"),
    [(("service",), "S1", "S2"), (("goods",), "B1", "B2"), (("goods", "service"), "M1", "M2")],
    ids=["services", "goods", "mixed"],
)
def test_a_deposit_invoice_takes_the_nature_of_the_order_lines_it_covers(api, customer, kinds, unpaid, paid):
    lines = []
    for position, kind in enumerate(kinds):
        made = item(api, f"Article {kind}", kind, "500.00")
        lines.append({**line("500.00", designation=f"Prestation {position}"), "item_id": made["id"]})
    sold = order(api, customer, *lines)
    for generate, expected in ((False, unpaid), (True, paid)):
        issued = deposit(api, sold, generate_payment=generate, method="transfer")
        xml = xml_of(api, issued["id"])
        assert terms(xml)["BT-23"] == expected
        passes_the_validators(xml)


def test_a_services_deposit_under_the_debits_option_carries_the_option_note(api, customer, app):
    with app.uow() as uow:
        company = uow.companies.get(api.ctx.company_id)
        settings = dict(company.settings)
        settings["accounting"] = {**(settings.get("accounting") or {}), "vat_on_debits": True}
        uow.companies.update(api.ctx.company_id, settings=settings)
        uow.commit()
    made = item(api, "Conseil", "service", "1000.00")
    sold = order(api, customer, {**line("1000.00", designation="Mission de conseil"), "item_id": made["id"]})
    xml = xml_of(api, deposit(api, sold, generate_payment=False)["id"])
    assert terms(xml)["BT-23"] == "S1"
    assert text(xml, "//ram:ApplicableTradeTax/ram:DueDateTypeCode") == ["5"]
    passes_the_validators(xml)


# -- mentions ----------------------------------------------------------------------------------------------------


def test_the_deposit_line_says_what_the_order_sells_on_the_page_the_pdf_and_the_xml(api, customer):
    sold = order(
        api,
        customer,
        line("1000.00", designation="Table en chêne massif"),
        line("150.00", "4", designation="Chaise paillée"),
    )
    issued = deposit(api, sold, generate_payment=False)
    name = issued["lines"][0]["designation"]
    assert name == (
        f"Acompte de 30 % sur la commande {sold['number']} : Table en chêne massif, Chaise paillée (TVA 20 %)"
    )
    assert text(xml_of(api, issued["id"]), "//ram:SpecifiedTradeProduct/ram:Name") == [name]
    assert name in pdf_text(api, issued["id"])


def test_a_credit_note_prints_no_late_payment_terms_and_an_invoice_does(api, customer):
    draft = api.post(
        "documents", json={"kind": "invoice", "party_id": customer["id"], "lines": [line("100.00")]}
    ).json()
    invoice = api.post(f"documents/{draft['id']}/validate").json()
    credit = api.post(f"documents/{invoice['id']}/credit-notes", json={"lines": [{"position": 1, "quantity": "1"}]})
    assert credit.status_code == 201, credit.text
    note = credit.json()
    note_id = note["id"] if "id" in note else note["document"]["id"]
    penalty = DEFAULT_LEGAL_NOTES["PMD"][:40]
    assert penalty in pdf_text(api, invoice["id"])
    printed = pdf_text(api, note_id)
    assert penalty not in printed and DEFAULT_LEGAL_NOTES["PMT"][:30] not in printed
    passes_the_validators(get_xml_from_pdf(api.get(f"documents/{note_id}/facturx").content)[1])
