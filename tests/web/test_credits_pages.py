"""Credit notes pages: from an invoice, commercial gesture, use, refund, write-off, lists."""

from __future__ import annotations

import re
from decimal import Decimal

from acompte.domain.credits import CreditStatus
from acompte.domain.documents import Kind
from acompte.services import companies, credits, documents, parties
from tests.helpers import line, pay, validated
from tests.web.conftest import FORM_KEY

D = Decimal


def _customer(app, ctx, name="Client Dupont"):
    return parties.create_party(app.uow(), ctx, name=name)


def _chairs(app, ctx, party_id):
    """12 chairs at 85.50 HT (20 %) and a delivery at 120.00 HT (10 %): 1 363,20 € TTC."""
    return validated(
        app.uow(),
        ctx,
        party_id,
        line("85.50", qty="12", designation="Chaise paillée"),
        line("120.00", rate="10", designation="Livraison"),
    )


def _paid_note(app, ctx, party_id, net="100.00"):
    """A credit note in hand: the whole of an invoice already paid (so the credit stays unused)."""
    invoice = validated(app.uow(), ctx, party_id, line(net))
    gross = str(invoice.document.gross.amount)
    pay(app.uow(), ctx, party_id, gross, (invoice.id, gross))
    return invoice, credits.credit_invoice(app.uow(), ctx, invoice.id, apply_to_origin=False)


def _notes(app, ctx):
    return credits.list_credit_notes(app.uow(), ctx)


def _key(page) -> str:
    return FORM_KEY.search(page.text).group(1)


def test_the_credit_note_form_shows_the_invoice_french_formatted(app, web):
    party = _customer(app, web.ctx)
    invoice = _chairs(app, web.ctx, party.id)
    page = web.get(f"/documents/{invoice.id}/credit-note")
    assert page.status_code == 200
    assert "1\u202f363,20\u00a0€" in page.text and "Chaise paillée" in page.text


def test_a_return_of_two_chairs_is_issued_and_kept_once_when_posted_twice(app, web):
    party = _customer(app, web.ctx)
    invoice = _chairs(app, web.ctx, party.id)
    form = web.get(f"/documents/{invoice.id}/credit-note")
    data = {"mode": "lines", "qty_1": "2", "apply": "keep", "comment": "Retour", "form_key": _key(form)}
    first = web.post(f"/documents/{invoice.id}/credit-note", data)
    assert first.status_code == 303
    note_id = int(first.headers["location"].rsplit("/", 1)[1])
    second = web.post(f"/documents/{invoice.id}/credit-note", data)
    assert second.status_code == 303 and second.headers["location"] == first.headers["location"]
    notes = _notes(app, web.ctx)
    assert [n.id for n in notes] == [note_id]
    assert notes[0].gross.amount == D("205.20") and notes[0].status is CreditStatus.UNUSED
    view = documents.get_document(app.uow(), web.ctx, note_id)
    assert view.document.kind is Kind.CREDIT_NOTE and view.document.lines[0].quantity == D("2")


def test_a_full_credit_note_applied_to_the_invoice_settles_it(app, web):
    party = _customer(app, web.ctx)
    invoice = _chairs(app, web.ctx, party.id)
    response = web.post(f"/documents/{invoice.id}/credit-note", {"mode": "full", "apply": "apply"})
    assert response.status_code == 303
    assert documents.get_document(app.uow(), web.ctx, invoice.id).balance_due.is_zero


def test_a_credit_note_of_an_amount_uses_the_typed_amount(app, web):
    party = _customer(app, web.ctx)
    invoice = _chairs(app, web.ctx, party.id)
    data = {"mode": "amount", "amount": "1 000,00", "vat_rate": "20", "designation": "Geste", "apply": "keep"}
    assert web.post(f"/documents/{invoice.id}/credit-note", data).status_code == 303
    assert [n.gross.amount for n in _notes(app, web.ctx)] == [D("1200.00")]


def test_an_over_credit_is_shown_next_to_the_quantity_and_nothing_is_written(app, web):
    party = _customer(app, web.ctx)
    invoice = _chairs(app, web.ctx, party.id)
    response = web.post(f"/documents/{invoice.id}/credit-note", {"mode": "lines", "qty_1": "13", "apply": "keep"})
    assert response.status_code == 422
    assert re.search(r'id="e-qty_1"[^>]*>[^<]*12', response.text)
    assert 'value="13"' in response.text
    assert _notes(app, web.ctx) == []


def test_a_bad_amount_is_shown_next_to_the_amount(app, web):
    party = _customer(app, web.ctx)
    invoice = _chairs(app, web.ctx, party.id)
    data = {"mode": "amount", "amount": "douze", "vat_rate": "20", "designation": "Geste"}
    response = web.post(f"/documents/{invoice.id}/credit-note", data)
    assert response.status_code == 422 and 'id="e-amount"' in response.text and 'value="douze"' in response.text
    over = web.post(f"/documents/{invoice.id}/credit-note", {**data, "amount": "5000"})
    assert over.status_code == 422 and 'id="e-amount"' in over.text
    assert _notes(app, web.ctx) == []


def test_a_gesture_names_the_corrected_invoice(app, web):
    party = _customer(app, web.ctx)
    invoice = _chairs(app, web.ctx, party.id)
    page = web.get(f"/credit-notes/new?party_id={party.id}")
    assert page.status_code == 200 and invoice.document.number in page.text
    data = {
        "party_id": party.id,
        "flow": "sale",
        "designation_1": "Geste commercial",
        "amount_1": "50",
        "vat_rate_1": "20",
    }
    missing = web.post("/credit-notes/new", data)
    assert missing.status_code == 422 and 'id="e-invoice_ids"' in missing.text
    assert 'value="Geste commercial"' in missing.text and _notes(app, web.ctx) == []
    done = web.post("/credit-notes/new", {**data, "invoice_ids": [str(invoice.id)], "form_key": _key(page)})
    assert done.status_code == 303
    notes = _notes(app, web.ctx)
    assert [(n.gross.amount, n.origin_id) for n in notes] == [(D("60.00"), invoice.id)]


def test_a_credit_note_settles_the_rest_of_an_invoice(app, web):
    party = _customer(app, web.ctx)
    first = validated(app.uow(), web.ctx, party.id, line("100.00", qty="2"))
    note = credits.credit_invoice(app.uow(), web.ctx, first.id, lines=[(1, D("1"))], apply_to_origin=False)
    second = validated(app.uow(), web.ctx, party.id, line("500.00"))
    pay(app.uow(), web.ctx, party.id, "550.00", (second.id, "550.00"))
    page = web.get(f"/credits/{note.id}")
    assert page.status_code == 200 and "120,00\u00a0€" in page.text and "50,00" in page.text
    over = web.post(f"/credits/{note.id}/use", {f"amount_{second.id}": "70,00", "form_key": _key(page)})
    assert over.status_code == 422 and f'id="e-amount_{second.id}"' in over.text
    assert credits.get_credit_note(app.uow(), web.ctx, note.id).use.applied.is_zero
    data = {f"amount_{second.id}": "50,00", "form_key": _key(page)}
    used = web.post(f"/credits/{note.id}/use", data)
    assert used.status_code == 303, re.findall(r'role="alert">([^<]*)', used.text)
    assert web.post(f"/credits/{note.id}/use", data).status_code == 303
    view = credits.get_credit_note(app.uow(), web.ctx, note.id)
    assert view.use.applied.amount == D("50.00") and view.status is CreditStatus.PARTIALLY_USED
    assert documents.get_document(app.uow(), web.ctx, second.id).balance_due.is_zero


def test_the_list_shows_used_remaining_and_status_and_filters(app, web):
    party = _customer(app, web.ctx)
    invoice = validated(app.uow(), web.ctx, party.id, line("1000.00", qty="2"))
    note = credits.credit_invoice(app.uow(), web.ctx, invoice.id, lines=[(1, D("1"))], apply_to_origin=False)
    page = web.get("/credits?flow=sale")
    assert page.status_code == 200 and note.document.number in page.text
    assert "1\u202f200,00\u00a0€" in page.text and "Non utilisé" in page.text
    assert note.document.number not in web.get("/credits?status=settled").text
    assert note.document.number in web.get("/credits?status=unused").text
    csv = web.get("/credits?format=csv")
    assert csv.status_code == 200 and "1200,00" in csv.text


def test_write_off_needs_the_accountant_and_an_explicit_confirmation(app, web, web_clerk):
    party = _customer(app, web.ctx)
    _invoice, note = _paid_note(app, web.ctx, party.id)
    assert web_clerk.post(f"/credits/{note.id}/write-off", {"confirm": "yes"}).status_code == 403
    unconfirmed = web.post(f"/credits/{note.id}/write-off", {"reason": "perdu"})
    assert unconfirmed.status_code == 422 and 'id="e-confirm"' in unconfirmed.text
    assert credits.get_credit_note(app.uow(), web.ctx, note.id).status is CreditStatus.UNUSED
    assert web.get(f"/credits/{note.id}/write-off").status_code == 200
    assert web.post(f"/credits/{note.id}/write-off", {"confirm": "yes"}).status_code == 303
    assert credits.get_credit_note(app.uow(), web.ctx, note.id).status is CreditStatus.WRITTEN_OFF
    assert "Comptabilisé" in web.get("/credits?status=written_off").text


def test_a_credit_note_is_refunded_once(app, web):
    party = _customer(app, web.ctx)
    _invoice, note = _paid_note(app, web.ctx, party.id)
    page = web.get(f"/credits/{note.id}/refund")
    assert page.status_code == 200 and "120,00" in page.text
    bad = web.post(f"/credits/{note.id}/refund", {"amount": "500", "method": "transfer", "form_key": _key(page)})
    assert bad.status_code == 422 and 'id="e-amount"' in bad.text
    data = {"amount": "20,00", "method": "transfer", "payment_date": "2026-03-01", "form_key": _key(page)}
    assert web.post(f"/credits/{note.id}/refund", data).status_code == 303
    assert web.post(f"/credits/{note.id}/refund", data).status_code == 303
    assert [r.amount.amount for r in credits.list_refunds(app.uow(), web.ctx)] == [D("20.00")]
    assert "20,00\u00a0€" in web.get("/refunds").text


def test_overpayments_are_listed_refunded_and_written_off_under_the_threshold(app, web):
    party = _customer(app, web.ctx)
    invoice = validated(app.uow(), web.ctx, party.id, line("100.00"))
    payment = pay(app.uow(), web.ctx, party.id, "120.50", (invoice.id, "120.00"))
    companies.update_settings(app.uow(), web.ctx, {"write_off_threshold": "1.00"})
    page = web.get("/overpayments")
    assert page.status_code == 200 and payment.payment.number in page.text and "0,50\u00a0€" in page.text
    assert f"/overpayments/{payment.id}/write-off" in page.text
    assert web.post(f"/overpayments/{payment.id}/write-off", {"confirm": "yes"}).status_code == 303
    assert credits.list_overpayments(app.uow(), web.ctx) == []


def test_read_only_users_cannot_post_and_intruders_see_nothing(app, web, web_reader, web_intruder):
    party = _customer(app, web.ctx)
    invoice, note = _paid_note(app, web.ctx, party.id)
    assert web_reader.post(f"/documents/{invoice.id}/credit-note", {"mode": "full"}).status_code == 403
    assert web_reader.post(f"/credits/{note.id}/use", {}).status_code == 403
    assert web_reader.post(f"/credits/{note.id}/refund", {"amount": "1", "method": "cash"}).status_code == 403
    assert web_reader.post("/credit-notes/new", {"party_id": party.id}).status_code == 403
    assert len(_notes(app, web.ctx)) == 1
    for path in (f"/documents/{invoice.id}/credit-note", f"/credits/{note.id}", f"/credits/{note.id}/refund"):
        assert web_intruder.get(path).status_code == 404, path
    assert web_intruder.get(f"/credit-notes/new?party_id={party.id}").status_code == 404
    assert web_intruder.post(f"/credits/{note.id}/use", {}).status_code == 404
    assert note.document.number not in web_intruder.get("/credits").text


def test_the_credit_notes_list_in_english(app, web):
    party = _customer(app, web.ctx)
    _paid_note(app, web.ctx, party.id, "1000.00")
    web.post("/language", {"lang": "en", "back": "/"})
    page = web.get("/credits")
    assert "Credit notes" in page.text and "Unused" in page.text and "€1,200.00" in page.text


def test_every_page_renders_for_a_company_without_data(app, web, web_clerk):
    party = _customer(app, web.ctx)
    for path in (
        "/credits",
        "/overpayments",
        "/refunds",
        "/credit-notes/new",
        f"/credit-notes/new?party_id={party.id}",
    ):
        page = web.get(path)
        assert page.status_code == 200, path
    assert "Aucun avoir." in web.get("/credits").text
    _invoice, note = _paid_note(app, web.ctx, party.id)
    assert web_clerk.get(f"/credits/{note.id}/write-off").status_code == 403
    assert "Comptabiliser" not in web_clerk.get(f"/credits/{note.id}").text
    assert "Comptabiliser" in web.get(f"/credits/{note.id}").text


def test_the_list_sorts_and_filters_by_date(app, web):
    party = _customer(app, web.ctx)
    _paid_note(app, web.ctx, party.id, "100.00")
    _paid_note(app, web.ctx, party.id, "300.00")
    by_amount = web.get("/credits?sort=amount").text
    assert by_amount.index("120,00\u00a0€") < by_amount.index("360,00\u00a0€")
    by_amount_desc = web.get("/credits?sort=-amount").text
    assert by_amount_desc.index("360,00\u00a0€") < by_amount_desc.index("120,00\u00a0€")
    assert "Aucun avoir." in web.get("/credits?from=2999-01-01").text
    assert web.get("/credits?to=demain").status_code == 200


def test_on_a_paid_invoice_the_form_says_the_credit_stays_in_hand_instead_of_offering_to_apply_it(app, web):
    party = _customer(app, web.ctx)
    owing = _chairs(app, web.ctx, party.id)
    page = web.get(f"/documents/{owing.id}/credit-note").text
    assert "Imputer sur la facture : elle doit encore 1\u202f363,20\u00a0€" in page and 'value="apply"' in page

    paid = validated(app.uow(), web.ctx, party.id, line("100.00"))
    pay(app.uow(), web.ctx, party.id, "120.00", (paid.id, "120.00"))
    page = web.get(f"/documents/{paid.id}/credit-note")
    assert 'value="apply"' not in page.text and "Imputer" not in page.text
    assert "La facture est entièrement réglée : l&#39;avoir restera au crédit du client" in page.text
    data = {"mode": "full", "apply": "keep", "comment": "", "form_key": _key(page)}
    assert web.post(f"/documents/{paid.id}/credit-note", data).status_code == 303
    [note] = [n for n in _notes(app, web.ctx) if n.origin_id == paid.id]
    assert note.remaining == note.gross  # in hand, whole: nothing was owed to take it
