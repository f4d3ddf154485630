"""Deposit pages: the deposit form (« Régler » on an issued invoice), the deposit-invoice form, the deduction
view of a final invoice and cancelling a deposit payment."""

from __future__ import annotations

from decimal import Decimal

from acompte.domain.documents import Kind
from acompte.domain.money import Money
from acompte.services import deposits, documents, payments
from tests.helpers import line, validated
from tests.web.conftest import FORM_KEY


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def order_of(app, ctx, customer, price: str = "1000.00"):
    """A validated order of `price` HT at 20 % (1 200,00 € TTC for the default)."""
    return validated(app.uow(), ctx, customer.id, line(price), kind=Kind.ORDER)


def paid_on(app, ctx, document_id: int) -> Money:
    return documents.get_document(app.uow(), ctx, document_id).settlement.allocated


def test_the_deposit_form_shows_what_is_owed_and_defaults_to_all_that_remains(app, web, ctx, customer):
    order = order_of(app, ctx, customer)
    page = web.get(f"/documents/{order.id}/deposit")
    assert page.status_code == 200
    assert "1\u202f200,00\u00a0€" in page.text  # total TTC, French format
    assert 'value="1\u202f200,00"' in page.text  # default amount: all that remains
    assert "Chèque" in page.text and "Acompte sur" in page.text


def test_a_deposit_records_exactly_what_was_typed_once_even_posted_twice(app, web, ctx, customer):
    order = order_of(app, ctx, customer)
    form = web.get(f"/documents/{order.id}/deposit").text
    key = FORM_KEY.search(form).group(1)
    data = {
        "amount": "360,50",
        "method": "cheque",
        "payment_date": "2026-03-02",
        "reference": "CHQ 42",
        "form_key": key,
    }
    first = web.post(f"/documents/{order.id}/deposit", data)
    assert first.status_code == 303 and first.headers["location"] == f"/documents/{order.id}"
    second = web.post(f"/documents/{order.id}/deposit", data)
    assert second.status_code == 303 and second.headers["location"] == f"/documents/{order.id}"
    found = payments.list_payments(app.uow(), ctx, party_id=customer.id)
    assert len(found) == 1
    p = found[0].payment
    assert (p.amount, p.method, p.payment_date.isoformat(), p.reference) == (
        eur("360.50"),
        "cheque",
        "2026-03-02",
        "CHQ 42",
    )
    assert paid_on(app, ctx, order.id) == eur("360.50")


def test_a_deposit_above_what_remains_is_refused_next_to_the_amount_and_nothing_is_written(app, web, ctx, customer):
    order = order_of(app, ctx, customer)
    response = web.post(
        f"/documents/{order.id}/deposit", {"amount": "5 000,00", "method": "cheque", "payment_date": ""}
    )
    assert response.status_code == 422
    assert 'id="e-amount"' in response.text and 'value="5 000,00"' in response.text
    assert payments.list_payments(app.uow(), ctx, party_id=customer.id) == []
    bad = web.post(f"/documents/{order.id}/deposit", {"amount": "douze", "method": "cheque"})
    assert bad.status_code == 422 and 'id="e-amount"' in bad.text
    no_method = web.post(f"/documents/{order.id}/deposit", {"amount": "10", "method": ""})
    assert no_method.status_code == 422 and 'id="e-method"' in no_method.text
    assert payments.list_payments(app.uow(), ctx, party_id=customer.id) == []


def test_a_validated_invoice_is_settled_with_the_same_form_titled_regler(app, web, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    page = web.get(f"/documents/{invoice.id}/deposit")
    assert "Régler" in page.text and 'value="120,00"' in page.text
    response = web.post(f"/documents/{invoice.id}/deposit", {"amount": "120,00", "method": "transfer"})
    assert response.status_code == 303
    assert documents.get_document(app.uow(), ctx, invoice.id).balance_due == eur("0.00")


def test_deposit_pages_are_refused_to_readers_and_hidden_from_other_companies(
    app, web_reader, web_intruder, ctx, customer
):
    order = order_of(app, ctx, customer)
    assert web_reader.get(f"/documents/{order.id}/deposit").status_code == 403
    assert web_reader.post(f"/documents/{order.id}/deposit", {"amount": "10", "method": "cheque"}).status_code == 403
    assert web_reader.post(f"/documents/{order.id}/deposit-invoice", {"percentage": "30"}).status_code == 403
    assert web_reader.post(f"/documents/{order.id}/cancel-deposit", {}).status_code == 403
    for path in ("deposit", "deposit-invoice", "cancel-deposit"):
        assert web_intruder.get(f"/documents/{order.id}/{path}").status_code == 404
    assert web_intruder.post(f"/documents/{order.id}/deposit", {"amount": "10", "method": "cheque"}).status_code == 404
    assert payments.list_payments(app.uow(), ctx, party_id=customer.id) == []


def test_the_deposit_invoice_form_shows_the_order_and_creates_an_issued_deposit_invoice(app, web, ctx, customer):
    order = order_of(app, ctx, customer)
    page = web.get(f"/documents/{order.id}/deposit-invoice")
    assert page.status_code == 200 and 'data-total="1200.00"' in page.text and "1\u202f200,00\u00a0€" in page.text
    preview = web.post(f"/documents/{order.id}/deposit-invoice", {"percentage": "30", "preview": "1"})
    assert preview.status_code == 200 and "360,00\u00a0€" in preview.text and "300,00\u00a0€" in preview.text
    assert deposits.deposit_position(app.uow(), ctx, order.id).deposit_invoices == ()  # the preview wrote nothing
    key = FORM_KEY.search(page.text).group(1)
    data = {"percentage": "30", "amount": "360,00", "issue": "1", "method": "cheque", "form_key": key}
    created = web.post(f"/documents/{order.id}/deposit-invoice", data)
    assert created.status_code == 303
    assert web.post(f"/documents/{order.id}/deposit-invoice", data).headers["location"] == created.headers["location"]
    position = deposits.deposit_position(app.uow(), ctx, order.id)
    assert [(d.gross, d.state) for d in position.deposit_invoices] == [(eur("360.00"), "validated")]
    assert created.headers["location"] == f"/documents/{position.deposit_invoices[0].id}"


def test_a_deposit_invoice_above_the_order_is_refused_next_to_the_amount(app, web, ctx, customer):
    order = order_of(app, ctx, customer)
    response = web.post(f"/documents/{order.id}/deposit-invoice", {"amount": "2 000,00", "issue": "1"})
    assert response.status_code == 422 and 'id="e-amount"' in response.text
    assert deposits.deposit_position(app.uow(), ctx, order.id).deposit_invoices == ()


def _final_with_deposit(app, ctx, customer, company_settings=None):
    order = order_of(app, ctx, customer)
    draft = deposits.create_deposit_invoice(app.uow(), ctx, origin_id=order.id, amount=eur("300.00"))
    deposit = deposits.issue_deposit_invoice(app.uow(), ctx, draft.id, generate_payment=False).document
    final = deposits.create_final_invoice(app.uow(), ctx, order.id)
    return order, deposit, final.invoice


def test_the_deduction_view_shows_and_saves_what_is_deducted(app, web, ctx, customer):
    _order, deposit, invoice = _final_with_deposit(app, ctx, customer)
    page = web.get(f"/documents/{invoice.id}/deductions")
    assert page.status_code == 200 and "1\u202f200,00\u00a0€" in page.text and deposit.document.number in page.text
    response = web.post(f"/documents/{invoice.id}/deductions", {f"deducted_{deposit.id}": "150,00"})
    assert response.status_code == 303
    view = deposits.deduction_view(app.uow(), ctx, invoice.id)
    assert view.deducted == eur("150.00") and view.net_to_pay == eur("1050.00")
    too_much = web.post(f"/documents/{invoice.id}/deductions", {f"deducted_{deposit.id}": "400,00"})
    assert too_much.status_code == 422 and f'id="e-deducted_{deposit.id}"' in too_much.text
    assert deposits.deduction_view(app.uow(), ctx, invoice.id).deducted == eur("150.00")
    assert web.post(f"/documents/{invoice.id}/deductions", {f"deducted_{deposit.id}": ""}).status_code == 303
    assert deposits.deduction_view(app.uow(), ctx, invoice.id).deducted == eur("0.00")


def test_cancelling_a_deposit_payment_releases_the_order(app, web, ctx, customer):
    order = order_of(app, ctx, customer)
    paid = deposits.record_deposit_payment(app.uow(), ctx, order.id, method="cheque", amount=eur("100.00"))
    page = web.get(f"/documents/{order.id}/cancel-deposit")
    assert paid.payment.number in page.text and "100,00\u00a0€" in page.text
    response = web.post(f"/documents/{order.id}/cancel-deposit", {"payment_id": str(paid.id)})
    assert response.status_code == 303
    assert paid_on(app, ctx, order.id) == eur("0.00")
    assert payments.get_payment(app.uow(), ctx, paid.id).payment.state.value == "cancelled"


def test_the_deposit_form_in_english(app, web, ctx, customer):
    order = order_of(app, ctx, customer)
    web.post("/language", {"lang": "en", "back": "/"})
    page = web.get(f"/documents/{order.id}/deposit")
    assert "Deposit on" in page.text and "Amount" in page.text and "Payment method" in page.text
    refused = web.post(f"/documents/{order.id}/deposit", {"amount": "5,000.00", "method": "cheque"})
    assert refused.status_code == 422 and "Acompte de" not in refused.text


def _two_line_order(app, ctx, customer):
    """Table 1 000,00 HT at 20 % (1 200,00 TTC) and Pose 500,00 HT at 10 % (550,00 TTC)."""
    return validated(
        app.uow(),
        ctx,
        customer.id,
        line("1000.00", designation="Table"),
        line("500.00", rate="10", designation="Pose"),
        kind=Kind.ORDER,
    )


def test_a_per_line_deposit_invoice_takes_each_line_its_own_amount(app, web, ctx, customer):
    order = _two_line_order(app, ctx, customer)
    page = web.get(f"/documents/{order.id}/deposit-invoice")
    assert 'name="line_percent_1"' in page.text and 'name="line_amount_2"' in page.text
    assert "Table" in page.text and "550,00\u00a0€" in page.text
    key = FORM_KEY.search(page.text).group(1)
    data = {"mode": "lines", "line_percent_1": "50", "line_amount_2": "110,00", "issue": "1", "form_key": key}
    created = web.post(f"/documents/{order.id}/deposit-invoice", data)
    assert created.status_code == 303, created.text
    position = deposits.deposit_position(app.uow(), ctx, order.id)
    assert [d.gross for d in position.deposit_invoices] == [eur("710.00")]
    view = deposits.deposit_invoice_view(app.uow(), ctx, position.deposit_invoices[0].id)
    assert view.basis == "lines"
    assert [(entry["designation"], entry["amount"]) for entry in view.lines] == [
        ("Table", "600.00"),
        ("Pose", "110.00"),
    ]
    assert {b.rate: b.gross for b in view.breakdown} == {Decimal("20"): eur("600.00"), Decimal("10"): eur("110.00")}
    # the next form shows what each line already took
    again = web.get(f"/documents/{order.id}/deposit-invoice").text
    assert "600,00\u00a0€" in again and "440,00\u00a0€" in again


def test_a_per_line_deposit_above_the_line_is_refused_on_that_line_and_nothing_is_written(app, web, ctx, customer):
    order = _two_line_order(app, ctx, customer)
    data = {"mode": "lines", "line_percent_1": "10", "line_amount_2": "600,00", "issue": "1"}
    refused = web.post(f"/documents/{order.id}/deposit-invoice", data)
    assert refused.status_code == 422
    assert 'id="e-line_amount_2"' in refused.text and 'id="e-line_percent_1"' not in refused.text
    assert 'value="600,00"' in refused.text and 'value="10"' in refused.text  # what was typed is kept
    assert deposits.deposit_position(app.uow(), ctx, order.id).deposit_invoices == ()
    bad = web.post(f"/documents/{order.id}/deposit-invoice", {"mode": "lines", "line_percent_2": "120"})
    assert bad.status_code == 422 and 'id="e-line_percent_2"' in bad.text
    empty = web.post(f"/documents/{order.id}/deposit-invoice", {"mode": "lines"})
    assert empty.status_code == 422 and 'id="e-line_amount_1"' in empty.text
    assert deposits.deposit_position(app.uow(), ctx, order.id).deposit_invoices == ()


def test_a_deduction_can_be_given_as_a_percentage_of_the_deposit_invoice(app, web, ctx, customer):
    _order, deposit, invoice = _final_with_deposit(app, ctx, customer)
    page = web.get(f"/documents/{invoice.id}/deductions").text
    assert f'name="percent_{deposit.id}"' in page
    current = deposits.deduction_view(app.uow(), ctx, invoice.id).rows[0]
    shown = f"{current.percent:f}".replace(".", ",")
    assert f'value="{shown}"' in page
    unchanged_amount = f"{current.deducted.amount:f}".replace(".", ",")
    data = {f"deducted_{deposit.id}": unchanged_amount, f"percent_{deposit.id}": "50"}
    response = web.post(f"/documents/{invoice.id}/deductions", data)
    assert response.status_code == 303
    row = deposits.deduction_view(app.uow(), ctx, invoice.id).rows[0]
    assert row.deducted == eur("150.00") and row.percent == Decimal("50")  # 50 % of the 300,00 deposit invoice
    too_much = web.post(
        f"/documents/{invoice.id}/deductions", {f"deducted_{deposit.id}": "150,00", f"percent_{deposit.id}": "150"}
    )
    assert too_much.status_code == 422 and f'id="e-percent_{deposit.id}"' in too_much.text
    assert deposits.deduction_view(app.uow(), ctx, invoice.id).deducted == eur("150.00")


def test_the_deduction_view_filters_its_rows_by_number_amount_and_date(app, web, ctx, customer):
    order = order_of(app, ctx, customer)
    made = []
    for value in ("100.00", "250.00"):
        draft = deposits.create_deposit_invoice(app.uow(), ctx, origin_id=order.id, amount=eur(value))
        made.append(deposits.issue_deposit_invoice(app.uow(), ctx, draft.id, generate_payment=False).document)
    invoice = deposits.create_final_invoice(app.uow(), ctx, order.id).invoice
    small, big = (d.document for d in made)
    base = f"/documents/{invoice.id}/deductions"
    assert small.number in web.get(base).text and big.number in web.get(base).text
    by_amount = web.get(f"{base}?amount_min=200").text
    assert big.number in by_amount and f">{small.number}<" not in by_amount
    by_number = web.get(f"{base}?number={small.number}").text
    assert f">{small.number}<" in by_number and f">{big.number}<" not in by_number
    later = small.issue_date.replace(year=small.issue_date.year + 1).isoformat()
    none = web.get(f"{base}?date_from={later}").text
    assert "Aucune facture d&#39;acompte ne correspond aux filtres." in none
    bad = web.get(f"{base}?amount_max=beaucoup")
    assert bad.status_code == 200 and 'id="e-amount_max"' in bad.text
    # a filtered form changes only the rows it shows and keeps the filters
    saved = web.post(f"{base}?amount_min=200", {f"deducted_{big.id}": "50,00", f"percent_{big.id}": ""})
    assert saved.status_code == 303 and saved.headers["location"] == f"{base}?amount_min=200"
    amounts = {row.deposit.id: row.deducted for row in deposits.deduction_view(app.uow(), ctx, invoice.id).rows}
    assert amounts[big.id] == eur("50.00")


def test_a_deposit_of_another_party_is_named_in_the_users_language(app, web, ctx, customer):
    from acompte.services import parties

    order = order_of(app, ctx, customer)
    other = parties.create_party(app.uow(), ctx, name="Société Tierce")
    stray = deposits.create_deposit_invoice(app.uow(), ctx, party_id=other.id, amount=eur("100.00"), vat_rate=20)
    stray = deposits.issue_deposit_invoice(app.uow(), ctx, stray.id).document
    uow = app.uow()
    with uow:  # a deposit invoice of another party linked to the order by mistake
        uow.documents.update(ctx.company_id, stray.id, origin_id=order.id)
        uow.commit()
    invoice = deposits.create_final_invoice(app.uow(), ctx, order.id).invoice
    number = stray.document.number
    french = web.get(f"/documents/{invoice.id}/deductions").text
    assert (
        f"La facture d&#39;acompte {number} a été émise pour Société Tierce, pas pour {customer.name} : "
        f"elle n&#39;est pas déduite de brouillon n° {invoice.id}." in french
    )
    web.post("/language", {"lang": "en", "back": "/"})
    for path in (f"/documents/{invoice.id}/deductions", f"/documents/{invoice.id}?tab=deposits"):
        english = web.get(path).text
        assert (
            f"Deposit invoice {number} was issued to Société Tierce, not to {customer.name}: "
            f"it is not deducted from draft no. {invoice.id}." in english
        ), path
        assert "émise pour" not in english


# -- « Valider » a final invoice that would leave a deposit invoice undeducted --------------------------------------


def _facturer(app, web, ctx, customer):  # type: ignore[no-untyped-def]
    """An order of 1 200,00 € TTC with a 30 % deposit invoice (360,00 €), invoiced with « Facturer »."""
    order = order_of(app, ctx, customer)
    draft = deposits.create_deposit_invoice(app.uow(), ctx, origin_id=order.id, percent=Decimal(30))
    deposit = deposits.issue_deposit_invoice(app.uow(), ctx, draft.id).document
    made = web.post(f"/documents/{order.id}/convert", {"to": "invoice"}, csrf_from=f"/documents/{order.id}")
    assert made.status_code == 303, made.text
    return deposit, int(made.headers["location"].rsplit("/", 1)[-1])


def test_a_final_invoice_draft_shows_its_deposit_deducted_and_validates_without_asking(app, web, ctx, customer):
    _deposit, invoice_id = _facturer(app, web, ctx, customer)
    page = web.get(f"/documents/{invoice_id}").text
    assert "360,00\u00a0€" in page and "840,00\u00a0€" in page  # deducted, and the net to pay it will be issued with
    assert 'name="acknowledged"' not in page and "ne seront pas déduites" not in page
    validated_ = web.post(f"/documents/{invoice_id}/validate", csrf_from=f"/documents/{invoice_id}")
    assert validated_.status_code == 303
    issued = documents.get_document(app.uow(), ctx, invoice_id)
    assert (issued.settlement.deducted, issued.balance_due) == (eur("360.00"), eur("840.00"))


def test_validating_a_final_invoice_that_leaves_a_deposit_undeducted_asks_first(app, web, ctx, customer):
    deposit, invoice_id = _facturer(app, web, ctx, customer)
    removed = web.post(f"/documents/{invoice_id}/deductions", {f"deducted_{deposit.id}": ""})
    assert removed.status_code == 303
    page = web.get(f"/documents/{invoice_id}").text
    assert deposit.document.number in page and "ne seront pas déduites" in page  # the dialog of « Valider »

    asked = web.post(f"/documents/{invoice_id}/validate", csrf_from=f"/documents/{invoice_id}")
    assert asked.status_code == 200 and 'id="undeducted"' in asked.text
    assert deposit.document.number in asked.text and "360,00\u00a0€" in asked.text
    assert documents.get_document(app.uow(), ctx, invoice_id).document.number is None  # not validated yet

    confirmed = web.post(
        f"/documents/{invoice_id}/validate", {"acknowledged": str(deposit.id)}, csrf_from=f"/documents/{invoice_id}"
    )
    assert confirmed.status_code == 303
    issued = documents.get_document(app.uow(), ctx, invoice_id)
    assert issued.document.number and issued.settlement.deducted == eur("0.00")


def test_the_validate_confirmation_in_english(app, web, ctx, customer):
    deposits.configure_deposits(app.uow(), ctx, deduct_all=False)
    deposit, invoice_id = _facturer(app, web, ctx, customer)
    web.post("/language", {"lang": "en", "back": "/"})
    page = web.get(f"/documents/{invoice_id}").text
    assert f"Deposit invoice {deposit.document.number} is not deducted" in page
    asked = web.post(f"/documents/{invoice_id}/validate", csrf_from=f"/documents/{invoice_id}")
    assert asked.status_code == 200
    assert "Deposits not deducted" in asked.text and "€360.00" in asked.text


def test_the_deposit_forms_start_from_the_partys_default_percentage_and_the_deposit_noted_on_the_order(
    app, web, ctx, customer
):
    deposits.set_party_deposit_percent(app.uow(), ctx, customer.id, "30")
    order = order_of(app, ctx, customer)  # 1 200,00 € TTC
    invoice_form = web.get(f"/documents/{order.id}/deposit-invoice").text
    assert 'name="percentage" type="text" value="30"' in invoice_form
    payment_form = web.get(f"/documents/{order.id}/deposit").text
    assert 'value="360,00"' in payment_form  # 30 % of the order, not all that remains

    deposits.request_deposit(app.uow(), ctx, order.id, amount=eur("500.00"))  # the deposit asked on this order
    payments.record_payment(
        app.uow(),
        ctx,
        party_id=customer.id,
        amount=eur("200.00"),
        method="cheque",
        allocations=[(order.id, eur("200.00"))],
    )
    assert 'value="300,00"' in web.get(f"/documents/{order.id}/deposit").text  # what is still asked

    other = order_of(app, ctx, customer)
    deposits.set_party_deposit_percent(app.uow(), ctx, customer.id, None)
    assert 'value="1\u202f200,00"' in web.get(f"/documents/{other.id}/deposit").text  # no default: all that remains


def test_a_deposit_paid_by_card_is_offered_its_deposit_invoice_issued_paid(app, web, ctx, customer):
    deposits.set_party_deposit_percent(app.uow(), ctx, customer.id, "30")
    order = order_of(app, ctx, customer)
    form = web.get(f"/documents/{order.id}/deposit").text
    link = f"/documents/{order.id}/deposit-invoice?paid_by=card&amp;amount=360%2C00"
    assert f'href="{link}"' in form and "Facture d&#39;acompte réglée par Carte bancaire" in form
    page = web.get(link.replace("&amp;", "&")).text
    assert 'name="generate_payment" value="1" checked' in page
    assert 'option value="card" selected' in page and 'name="amount" type="text" value="360,00"' in page
    data = {
        "amount": "360,00",
        "issue": "1",
        "generate_payment": "1",
        "method": "card",
        "form_key": FORM_KEY.search(page).group(1),
    }
    created = web.post(f"/documents/{order.id}/deposit-invoice", data)
    assert created.status_code == 303, created.text
    [issued] = deposits.deposit_position(app.uow(), ctx, order.id).deposit_invoices
    assert (issued.gross, issued.state) == (eur("360.00"), "validated")
    [paid] = payments.list_payments(app.uow(), ctx, party_id=customer.id)
    assert (paid.payment.method, paid.payment.amount) == ("card", eur("360.00"))
    assert documents.get_document(app.uow(), ctx, issued.id).balance_due == eur("0.00")
