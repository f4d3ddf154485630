"""« Créer un règlement » / « Régler » with a new payment a little short of what is ticked: an accountant may write the
difference off at receipt (« écart de règlement », within the company threshold, booked with the payment), as the
API's `write_off_shortfall`; a clerk is neither offered it nor allowed it; over the threshold nothing is written."""

from __future__ import annotations

from html import unescape

from acompte.domain.money import Money
from acompte.domain.users import Role
from acompte.services import companies, documents, payments
from tests.helpers import line, validated
from tests.web.conftest import FORM_KEY, browser_for

OFFER = "Passer ce qui manque en écart de règlement"


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def _short_by_two_cents(browser, customer, invoice, **extra: str):  # type: ignore[no-untyped-def]
    """The invoice of 120,00 ticked at its balance due, a transfer of 119,98 received for it."""
    page = browser.get(f"/settle?party_id={customer.id}&document={invoice.id}")
    data = {
        "party_id": str(customer.id),
        "doc": [str(invoice.id)],
        f"amount_{invoice.id}": "120,00",
        "np_amount": "119,98",
        "np_method": "transfer",
        "np_date": "2026-04-01",
        "form_key": FORM_KEY.search(page.text).group(1),
        **extra,
    }
    return browser.post("/settle", data)


def test_an_accountant_writes_the_shortfall_off_with_the_receipt(app, web_app, ctx, customer):
    companies.update_settings(app.uow(), ctx, {"write_off_threshold": "1.00"})
    accountant = browser_for(app, web_app, ctx, Role.ACCOUNTANT)
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    page = unescape(accountant.get(f"/settle?party_id={customer.id}&document={invoice.id}").text)
    assert OFFER in page and "jusqu'à 1,00\u00a0€ par document" in page
    response = _short_by_two_cents(accountant, customer, invoice, np_write_off="1")
    assert response.status_code == 303, response.text
    flash = response.cookies.get("acompte_flash") or response.headers.get("set-cookie", "")
    assert "0%2C02" in flash or "0,02" in flash  # « écart de 0,02 € passé en perte »
    assert documents.get_document(app.uow(), ctx, invoice.id).balance_due == eur("0.00")
    (received,) = payments.list_payments(app.uow(), ctx, party_id=customer.id)
    assert received.payment.amount == eur("119.98") and received.allocated == eur("119.98")
    with app.uow() as uow:
        (written,) = uow.credits.write_offs(ctx.company_id, document_id=invoice.id)
    assert (written.kind, written.amount) == ("shortfall", eur("0.02"))
    assert documents.get_document(app.uow(), ctx, invoice.id).position.written_off == eur("0.02")


def test_in_english_the_offer_reads_in_english(app, web_app, ctx, customer):
    companies.update_settings(app.uow(), ctx, {"write_off_threshold": "1.00"})
    accountant = browser_for(app, web_app, ctx, Role.ACCOUNTANT)
    accountant.client.cookies.set("acompte_lang", "en")
    page = accountant.get(f"/settle?party_id={customer.id}").text
    assert "Write off what is missing as a payment difference (up to €1.00 per document)" in page
    assert OFFER not in page


def test_over_the_threshold_the_whole_receipt_is_refused_and_nothing_written(app, web_app, ctx, customer):
    companies.update_settings(app.uow(), ctx, {"write_off_threshold": "0.01"})
    accountant = browser_for(app, web_app, ctx, Role.ACCOUNTANT)
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    response = _short_by_two_cents(accountant, customer, invoice, np_write_off="1")
    assert response.status_code == 422, response.text
    assert 'id="e-np_write_off"' in response.text and 'value="119,98"' in response.text
    assert payments.list_payments(app.uow(), ctx, party_id=customer.id) == []
    assert documents.get_document(app.uow(), ctx, invoice.id).balance_due == eur("120.00")


def test_without_the_box_a_short_payment_is_refused_as_before(app, web_app, ctx, customer):
    companies.update_settings(app.uow(), ctx, {"write_off_threshold": "1.00"})
    accountant = browser_for(app, web_app, ctx, Role.ACCOUNTANT)
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    response = _short_by_two_cents(accountant, customer, invoice)
    assert response.status_code == 422
    assert payments.list_payments(app.uow(), ctx, party_id=customer.id) == []


def test_a_clerk_is_not_offered_the_write_off_and_cannot_post_it(app, web_clerk, ctx, customer):
    companies.update_settings(app.uow(), ctx, {"write_off_threshold": "1.00"})
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    assert OFFER not in web_clerk.get(f"/settle?party_id={customer.id}").text
    response = _short_by_two_cents(web_clerk, customer, invoice, np_write_off="1")
    assert response.status_code == 422 and "Seul un comptable peut passer un écart de règlement." in response.text
    assert payments.list_payments(app.uow(), ctx, party_id=customer.id) == []


def test_no_offer_when_the_company_allows_no_write_off(app, web, ctx, customer):
    assert OFFER not in web.get(f"/settle?party_id={customer.id}").text  # the default threshold is zero
