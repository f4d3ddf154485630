"""« Créer un règlement » and the contact's « Gestion commerciale » tab: what the party owes, what it has in hand,
settled in one action; refused settlements write nothing."""

from __future__ import annotations

from acompte.domain.money import Money
from acompte.services import credits, documents, payments
from tests.helpers import line, pay, validated
from tests.web.conftest import FORM_KEY


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def balance(app, ctx, document_id: int) -> Money:
    return documents.get_document(app.uow(), ctx, document_id).balance_due


def test_the_settle_page_shows_what_is_owed_and_what_is_in_hand(app, web, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id, line("1000.00"))
    cheque = pay(app.uow(), ctx, customer.id, "200.00")
    assert "Client Dupont" in web.get("/settle").text
    page = web.get(f"/settle?party_id={customer.id}")
    assert page.status_code == 200
    assert invoice.document.number in page.text and cheque.payment.number in page.text
    assert "1\u202f200,00\u00a0€" in page.text and "200,00\u00a0€" in page.text
    assert "Non réglé" in page.text


def test_settling_with_a_new_payment_and_a_held_payment_writes_exactly_that_once(app, web, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id, line("1000.00"))
    cheque = pay(app.uow(), ctx, customer.id, "200.00")
    page = web.get(f"/settle?party_id={customer.id}")
    key = FORM_KEY.search(page.text).group(1)
    data = {
        "party_id": str(customer.id),
        "doc": [str(invoice.id)],
        f"amount_{invoice.id}": "1 200,00",
        "credit": [f"payment:{cheque.id}"],
        "np_amount": "1 000,00",
        "np_method": "transfer",
        "np_date": "2026-04-01",
        "np_reference": "VIR 7",
        "form_key": key,
    }
    response = web.post("/settle", data)
    assert response.status_code == 303 and response.headers["location"] == f"/settle?party_id={customer.id}"
    assert web.post("/settle", data).status_code == 303  # posted twice: recorded once
    assert balance(app, ctx, invoice.id) == eur("0.00")
    found = payments.list_payments(app.uow(), ctx, party_id=customer.id)
    assert len(found) == 2
    new = found[-1]
    assert (new.payment.amount, new.payment.method, new.payment.reference) == (eur("1000.00"), "transfer", "VIR 7")
    assert new.allocated == eur("1000.00")


def test_asking_more_than_the_credits_cover_is_refused_next_to_the_amount_and_writes_nothing(app, web, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id, line("1000.00"))
    cheque = pay(app.uow(), ctx, customer.id, "200.00")
    data = {
        "party_id": str(customer.id),
        "doc": [str(invoice.id)],
        f"amount_{invoice.id}": "500,00",
        "credit": [f"payment:{cheque.id}"],
    }
    response = web.post("/settle", data)
    assert response.status_code == 422 and f'id="e-amount_{invoice.id}"' in response.text
    assert 'value="500,00"' in response.text
    assert balance(app, ctx, invoice.id) == eur("1200.00")
    assert payments.get_payment(app.uow(), ctx, cheque.id).allocated == eur("0.00")
    wrong = web.post("/settle", {**data, f"amount_{invoice.id}": "abc"})
    assert wrong.status_code == 422 and f'id="e-amount_{invoice.id}"' in wrong.text
    nothing = web.post("/settle", {"party_id": str(customer.id)})
    assert nothing.status_code == 422 and 'class="alert"' in nothing.text


def test_the_account_tab_settles_with_a_credit_note(app, web, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    note = credits.create_credit_note(app.uow(), ctx, party_id=customer.id, lines=[line("50.00")], origin_id=invoice.id)
    page = web.get(f"/contacts/{customer.id}/account")
    assert page.status_code == 200 and "Gestion commerciale" in page.text and note.document.number in page.text
    data = {"doc": [str(invoice.id)], f"amount_{invoice.id}": "60,00", "credit": [f"credit_note:{note.id}"]}
    response = web.post(f"/contacts/{customer.id}/account", data)
    assert response.status_code == 303 and response.headers["location"] == f"/contacts/{customer.id}/account"
    assert balance(app, ctx, invoice.id) == eur("60.00")


def test_settle_is_refused_to_readers_and_hidden_from_other_companies(app, web_reader, web_intruder, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    assert web_reader.get(f"/settle?party_id={customer.id}").status_code == 200
    data = {"party_id": str(customer.id), "doc": [str(invoice.id)], "np_amount": "10", "np_method": "cash"}
    assert web_reader.post("/settle", data).status_code == 403
    assert web_intruder.get(f"/settle?party_id={customer.id}").status_code == 404
    assert web_intruder.get(f"/contacts/{customer.id}/account").status_code == 404
    assert web_intruder.post("/settle", data).status_code == 404
    assert balance(app, ctx, invoice.id) == eur("120.00")


def test_the_settle_page_in_english(app, web, ctx, customer):
    validated(app.uow(), ctx, customer.id, line("100.00"))
    web.post("/language", {"lang": "en", "back": "/"})
    page = web.get(f"/settle?party_id={customer.id}")
    assert "Record a payment" in page.text and "New payment" in page.text and "Unpaid" in page.text


def test_the_settle_page_opens_with_the_suggested_selection(app, web, ctx, customer):
    old = validated(app.uow(), ctx, customer.id, line("100.00"))  # 120,00 TTC
    recent = validated(app.uow(), ctx, customer.id, line("1000.00"))  # 1 200,00 TTC
    cheque = pay(app.uow(), ctx, customer.id, "200.00")
    page = web.get(f"/settle?party_id={customer.id}").text
    assert f'name="doc" value="{old.id}" id="doc-{old.id}" checked' in page
    assert f'name="doc" value="{recent.id}" id="doc-{recent.id}" checked' in page
    assert f'name="amount_{recent.id}" value="80,00"' in page  # what the cheque has left after the oldest
    assert f'value="payment:{cheque.id}" id="credit-payment:{cheque.id}" data-remaining="200.00" checked' in page
    assert "Sélection proposée" in page
    blank = web.get(f"/settle?party_id={customer.id}&suggest=0").text
    assert "checked" not in blank.split('id="settle-form"')[1].split("np_excess")[0]
    assert f'name="amount_{recent.id}" value="1\u202f200,00"' in blank
    tab = web.get(f"/contacts/{customer.id}/account").text
    assert f'name="doc" value="{old.id}" id="doc-{old.id}" checked' in tab


def _overpaying(customer, invoice, **extra):
    return {
        "party_id": str(customer.id),
        "doc": [str(invoice.id)],
        f"amount_{invoice.id}": "120,00",
        "np_amount": "150,00",
        "np_method": "cheque",
        "np_date": "2026-04-01",
        **extra,
    }


def test_the_excess_of_a_new_payment_is_kept_as_credit_by_default(app, web, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    response = web.post("/settle", _overpaying(customer, invoice))
    assert response.status_code == 303
    found = payments.list_payments(app.uow(), ctx, party_id=customer.id)
    assert [(p.payment.amount, p.allocated) for p in found] == [(eur("150.00"), eur("120.00"))]
    assert credits.list_refunds(app.uow(), ctx, party_id=customer.id) == []
    assert balance(app, ctx, invoice.id) == eur("0.00")


def test_the_excess_of_a_new_payment_can_be_refunded_at_once(app, web, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    data = _overpaying(customer, invoice, np_excess="refund", np_refund_method="transfer")
    response = web.post("/settle", data)
    assert response.status_code == 303
    refunds = credits.list_refunds(app.uow(), ctx, party_id=customer.id)
    assert len(refunds) == 1 and refunds[0].amount == eur("30.00")
    refund_payment = payments.get_payment(app.uow(), ctx, refunds[0].payment_id).payment
    assert (refund_payment.amount, refund_payment.method) == (eur("30.00"), "transfer")
    assert balance(app, ctx, invoice.id) == eur("0.00")
    assert "30,00" in web.get(response.headers["location"]).text  # the flash says what was refunded


def test_regler_on_an_invoice_opens_the_settle_form_on_it_and_an_overpayment_is_kept_as_credit(app, web, ctx, customer):
    other = validated(app.uow(), ctx, customer.id, line("100.00"))
    invoice = validated(app.uow(), ctx, customer.id, line("985.54"))  # 1 182,65 TTC
    document_page = web.get(f"/documents/{invoice.id}").text
    regler = f"/settle?party_id={customer.id}&amp;flow=sale&amp;document={invoice.id}"
    assert f'href="{regler}">Régler</a>' in document_page
    page = web.get(regler.replace("&amp;", "&")).text
    form = page.split('id="settle-form"')[1]
    assert f'name="doc" value="{invoice.id}" id="doc-{invoice.id}" checked' in form
    assert f'name="doc" value="{other.id}" id="doc-{other.id}" checked' not in form
    assert 'name="np_amount" type="text" value="1\u202f182,65"' in form
    assert "Le garder en crédit du tiers" in form  # what an overpayment becomes is offered, not refused

    data = _overpaying(customer, invoice, **{f"amount_{invoice.id}": "1 182,65", "np_amount": "1 200,00"})
    data["form_key"] = FORM_KEY.search(page).group(1)
    assert web.post("/settle", data).status_code == 303
    assert balance(app, ctx, invoice.id) == eur("0.00")
    assert balance(app, ctx, other.id) == eur("120.00")
    [payment] = payments.list_payments(app.uow(), ctx, party_id=customer.id)
    assert (payment.payment.amount, payment.allocated) == (eur("1200.00"), eur("1182.65"))


def test_the_party_is_found_by_a_part_of_its_name_without_a_script(app, web, ctx, customer, supplier):
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    one = web.get("/settle?party_q=DUPONT")  # one party has it: its account opens
    assert one.status_code == 200 and invoice.document.number in one.text
    assert f'<option value="{customer.id}" selected>' in one.text and 'value="DUPONT"' in one.text
    several = web.get("/settle?party_q=o").text  # both have it: the selector offers them, nothing opens yet
    assert f'<option value="{customer.id}" ' in several and f'<option value="{supplier.id}" ' in several
    assert invoice.document.number not in several
    none = web.get("/settle?party_q=zzz").text
    assert "Aucun tiers ne correspond." in none and f'<option value="{customer.id}"' not in none
