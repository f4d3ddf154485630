"""Payments list, payment page, edit form following the rules (digital and exported payments), cancelling."""

from __future__ import annotations

from acompte.domain.money import Money
from acompte.services import documents, payments
from tests.helpers import line, pay, validated


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def exported(app, ctx, payment_id):
    uow = app.uow()
    with uow:
        uow.payments.update(ctx.company_id, payment_id, exported=True)
        uow.commit()


def test_the_list_shows_payments_french_formatted_with_totals_filters_and_csv(app, web, ctx, customer, supplier):
    invoice = validated(app.uow(), ctx, customer.id, line("1000.00"))
    cheque = pay(app.uow(), ctx, customer.id, "1234.56", (invoice.id, "1000.00"))
    card = pay(app.uow(), ctx, customer.id, "10.00", method="card")
    page = web.get("/payments")
    assert page.status_code == 200
    assert cheque.payment.number in page.text and card.payment.number in page.text
    assert "1\u202f234,56\u00a0€" in page.text and "234,56\u00a0€" in page.text  # amount, unallocated
    assert "1\u202f244,56\u00a0€" in page.text  # total of the filtered rows
    assert "numérique" in page.text
    only_cards = web.get("/payments?method=card")
    assert card.payment.number in only_cards.text and cheque.payment.number not in only_cards.text
    assert cheque.payment.number not in web.get("/payments?date_from=2999-01-01").text
    csv = web.get("/payments?format=csv")
    assert csv.headers["content-type"].startswith("text/csv") and f"{cheque.payment.number};" in csv.text
    assert "1234,56" in csv.text


def test_the_payment_page_links_the_documents_it_settles(app, web, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    cheque = pay(app.uow(), ctx, customer.id, "120.00", (invoice.id, "120.00"))
    page = web.get(f"/payments/{cheque.id}")
    assert page.status_code == 200 and f'href="/documents/{invoice.id}"' in page.text and "120,00\u00a0€" in page.text


def test_editing_a_cheque_writes_exactly_what_was_typed(app, web, ctx, customer):
    cheque = pay(app.uow(), ctx, customer.id, "100.00")
    form = web.get(f"/payments/{cheque.id}/edit")
    assert form.status_code == 200 and 'name="amount"' in form.text and 'value="100,00"' in form.text
    data = {
        "method": "cash",
        "payment_date": "2026-02-03",
        "amount": "1 130,50",
        "reference": "Reçu 12",
        "comment": "ok",
    }
    response = web.post(f"/payments/{cheque.id}/edit", {**data, "version": "1"})
    assert response.status_code == 303
    p = payments.get_payment(app.uow(), ctx, cheque.id).payment
    assert (p.method, p.payment_date.isoformat(), p.amount, p.reference, p.comment) == (
        "cash",
        "2026-02-03",
        eur("1130.50"),
        "Reçu 12",
        "ok",
    )


def test_an_amount_below_what_the_payment_settles_is_refused_next_to_the_field(app, web, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    cheque = pay(app.uow(), ctx, customer.id, "120.00", (invoice.id, "120.00"))
    response = web.post(
        f"/payments/{cheque.id}/edit", {"method": "cheque", "payment_date": "2026-01-01", "amount": "50,00"}
    )
    assert response.status_code == 422 and 'id="e-amount"' in response.text and 'value="50,00"' in response.text
    p = payments.get_payment(app.uow(), ctx, cheque.id).payment
    assert p.amount == eur("120.00") and p.payment_date.isoformat() != "2026-01-01"


def test_a_digital_or_exported_payment_offers_only_its_comment_and_says_why(app, web, ctx, customer):
    card = pay(app.uow(), ctx, customer.id, "10.00", method="card")
    form = web.get(f"/payments/{card.id}/edit")
    assert 'name="amount"' not in form.text and 'name="comment"' in form.text and "numérique" in form.text
    web.post(f"/payments/{card.id}/edit", {"amount": "99,00", "comment": "vu en caisse"})
    p = payments.get_payment(app.uow(), ctx, card.id).payment
    assert (p.amount, p.comment) == (eur("10.00"), "vu en caisse")
    cheque = pay(app.uow(), ctx, customer.id, "20.00")
    exported(app, ctx, cheque.id)
    assert "exporté en comptabilité" in web.get(f"/payments/{cheque.id}/edit").text
    refused = web.post(f"/payments/{cheque.id}/cancel", {})
    assert refused.status_code == 422
    assert payments.get_payment(app.uow(), ctx, cheque.id).payment.state.value == "active"


def test_cancelling_a_payment_releases_its_documents(app, web, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    cheque = pay(app.uow(), ctx, customer.id, "120.00", (invoice.id, "120.00"))
    assert "data-confirm" in web.get(f"/payments/{cheque.id}").text
    assert web.post(f"/payments/{cheque.id}/cancel", {}).status_code == 303
    assert payments.get_payment(app.uow(), ctx, cheque.id).payment.state.value == "cancelled"
    assert documents.get_document(app.uow(), ctx, invoice.id).balance_due == eur("120.00")


def test_payments_are_read_only_for_readers_and_hidden_from_other_companies(
    app, web_reader, web_intruder, ctx, customer
):
    cheque = pay(app.uow(), ctx, customer.id, "100.00")
    assert web_reader.get("/payments").status_code == 200
    assert web_reader.get(f"/payments/{cheque.id}/edit").status_code == 403
    assert web_reader.post(f"/payments/{cheque.id}/edit", {"amount": "1", "comment": "x"}).status_code == 403
    assert web_reader.post(f"/payments/{cheque.id}/cancel", {}).status_code == 403
    for path in (f"/payments/{cheque.id}", f"/payments/{cheque.id}/edit"):
        assert web_intruder.get(path).status_code == 404
    assert web_intruder.post(f"/payments/{cheque.id}/cancel", {}).status_code == 404
    assert cheque.payment.number not in web_intruder.get("/payments").text
    p = payments.get_payment(app.uow(), ctx, cheque.id).payment
    assert (p.amount, p.state.value) == (eur("100.00"), "active")


def test_the_payments_list_in_english(app, web, ctx, customer):
    pay(app.uow(), ctx, customer.id, "1234.56")
    web.post("/language", {"lang": "en", "back": "/"})
    page = web.get("/payments")
    assert "Payments" in page.text and "Unallocated" in page.text and "€1,234.56" in page.text


def _order_of(text: str, *numbers: str) -> list[str]:
    """The numbers in the order the table shows them."""
    body = text.split("<tbody>")[1]
    return sorted(numbers, key=body.index)


def test_the_list_sorts_by_its_columns_and_searches_by_number(app, web, ctx, customer, supplier):
    small = pay(app.uow(), ctx, customer.id, "10.00")
    big = pay(app.uow(), ctx, supplier.id, "900.00")
    middle = pay(app.uow(), ctx, customer.id, "300.00")
    numbers = [p.payment.number for p in (small, big, middle)]
    by_amount = web.get("/payments?sort=amount&dir=asc").text
    assert _order_of(by_amount, *numbers) == [small.payment.number, middle.payment.number, big.payment.number]
    assert 'aria-sort="ascending"' in by_amount
    assert 'href="/payments?sort=amount&amp;dir=desc"' in by_amount  # clicking again reverses
    by_amount_desc = web.get("/payments?sort=amount&dir=desc").text
    assert _order_of(by_amount_desc, *numbers) == [big.payment.number, middle.payment.number, small.payment.number]
    by_number = web.get("/payments?sort=number&dir=asc").text
    assert _order_of(by_number, *numbers) == sorted(numbers)
    by_party = _order_of(web.get("/payments?sort=party&dir=asc").text, *numbers)
    customer_first = customer.name.casefold() < supplier.name.casefold()
    assert (by_party[0] != big.payment.number) is customer_first and (
        by_party[2] == big.payment.number
    ) is customer_first
    by_unallocated = web.get("/payments?sort=unallocated").text  # first click: largest first
    assert _order_of(by_unallocated, *numbers)[0] == big.payment.number
    found = web.get(f"/payments?q={big.payment.number.lower()}").text
    assert big.payment.number in found and small.payment.number not in found
    # the CSV and the pages keep the search and the order
    csv = web.get(f"/payments?q={big.payment.number}&format=csv").text
    assert big.payment.number in csv and small.payment.number not in csv
    csv_sorted = web.get("/payments?sort=amount&dir=asc&format=csv").text
    assert csv_sorted.index(small.payment.number) < csv_sorted.index(big.payment.number)
    assert f"q={big.payment.number.lower()}" in found and "format=csv" in found
    assert web.get("/payments?sort=nonsense&dir=sideways").status_code == 200


def test_a_payment_by_a_method_turned_off_since_keeps_its_label(app, web, ctx, customer):
    from acompte.domain.payments import Method
    from acompte.services import companies

    lcr = Method("lcr", "Lettre de change", False)
    companies.set_payment_method(app.uow(), ctx, lcr)
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    paid = pay(app.uow(), ctx, customer.id, "120.00", (invoice.id, "120.00"), method="lcr")
    companies.set_payment_method(app.uow(), ctx, lcr, active=False)
    assert "Lettre de change" in web.get(f"/payments/{paid.id}").text
    assert "Lettre de change" in web.get("/payments").text
    assert "Lettre de change" in web.get(f"/documents/{invoice.id}?tab=history").text


def test_the_list_searches_the_party_name_too(app, web, ctx, customer, supplier):
    theirs = pay(app.uow(), ctx, supplier.id, "20.00")
    ours = pay(app.uow(), ctx, customer.id, "30.00")
    found = web.get("/payments?q=fournisseur").text
    assert theirs.payment.number in found and ours.payment.number not in found
    assert "Total (1 règlement, hors annulés)" in found and "20,00\u00a0€" in found
