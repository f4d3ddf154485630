"""Payment terms on the pages: the company's default in the settings, what an empty due date gives on the invoice
form, the terms and the due date on the document page."""

from __future__ import annotations

from acompte.domain.accounts import PaymentTerms
from acompte.domain.documents import Flow, Kind
from acompte.services import accounts, companies, documents
from tests.helpers import line


def default_terms(app, ctx):  # type: ignore[no-untyped-def]
    return companies.get_company(app.uow(), ctx).settings.get("default_payment_terms")


def test_the_admin_sets_the_company_default_terms(app, ctx, web) -> None:  # type: ignore[no-untyped-def]
    assert 'action="/settings/payment-terms"' in web.get("/settings").text
    assert web.post("/settings/payment-terms", {"term_days": "45", "term_end_of_month": "on"}).status_code == 303
    assert default_terms(app, ctx) == PaymentTerms.single(45, end_of_month=True).to_data()
    refused = web.post("/settings/payment-terms", {"term_days": "trente"})
    assert refused.status_code == 422 and 'id="e-term_days"' in refused.text
    assert default_terms(app, ctx) == PaymentTerms.single(45, end_of_month=True).to_data()
    assert web.post("/settings/payment-terms", {"term_days": ""}).status_code == 303
    assert default_terms(app, ctx) is None


def test_the_invoice_form_and_page_show_the_terms_the_invoice_follows(app, ctx, web, customer) -> None:  # type: ignore[no-untyped-def]
    accounts.set_party_payment_terms(app.uow(), ctx, customer.id, PaymentTerms.single(30))
    new = web.get(f"/documents/new?flow=sale&kind=invoice&party_id={customer.id}")
    assert "Vide : échéance calculée à la validation (100 % — 30 jours)." in new.text
    blank = web.get("/documents/new?flow=sale&kind=invoice")
    assert "selon les conditions du client ou de la société" in blank.text

    draft = documents.create_document(
        app.uow(), ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("100")]
    )
    page = web.get(f"/documents/{draft.id}")
    assert "100 % — 30 jours" in page.text and "Échéance calculée à la validation." in page.text
    assert web.post(f"/documents/{draft.id}/validate").status_code == 303
    issued = documents.get_document(app.uow(), ctx, draft.id).document
    assert issued.due_date is not None
    page = web.get(f"/documents/{draft.id}").text
    assert issued.due_date.strftime("%d/%m/%Y") in page and "100 % — 30 jours" in page
    statement = web.get(f"/contacts/{customer.id}/statement").text
    assert "<th>Échéance</th>" in statement and issued.due_date.strftime("%d/%m/%Y") in statement
