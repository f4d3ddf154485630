"""Every page shows the document's position with the same words: a credit note shows its credit (never a debt),
a cancelled invoice names the credit note that cancels it, an order shows what was invoiced from it, and the
figures of a page are the position's (equal to what the API says for the same document)."""

from __future__ import annotations

import re

from acompte.adapters.api.schemas.positions import PositionOut
from acompte.domain.documents import Kind
from acompte.domain.money import Money
from acompte.domain.positions import PositionStatus
from acompte.services import credits, deposits, documents
from tests.helpers import line, pay, validated

NBSP = "\u00a0"


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def shown(amount: str) -> str:
    """An amount as a French page shows it: `1 200,00 €` (narrow no-break space, no-break space before €)."""
    whole, cents = amount.split(".")
    groups = f"{int(whole):,}".replace(",", "\u202f")
    return f"{groups},{cents}{NBSP}€"


def figure(html: str, key: str) -> str | None:
    """The text of the first card or totals row showing the figure `key` (label then amount), tags removed."""
    found = re.search(rf'data-figure="{key}"[^>]*>(.*?)(?:</tr>|</dd></div>|</div></div>)', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else None


def test_a_credit_note_page_shows_its_credit_from_unused_to_used_never_a_debt(app, web, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    pay(app.uow(), ctx, customer.id, "120.00", (invoice.id, "120.00"))
    note = credits.credit_invoice(app.uow(), ctx, invoice.id, apply_to_origin=False)

    page = web.get(f"/documents/{note.id}").text
    assert "Non utilisé" in page and "badge-unused" in page
    assert "Net à payer" not in page and "Reste dû" not in page and "Non réglé" not in page
    assert figure(page, "credit_left") == f"Reste disponible{shown('120.00')}"
    assert "Régler" not in page

    other = validated(app.uow(), ctx, customer.id, line("500.00"))
    credits.use_credit(app.uow(), ctx, credit_id=note.id, document_id=other.id, amount=eur("120.00"))
    for path in (f"/documents/{note.id}", f"/credits/{note.id}"):
        page = web.get(path).text
        assert "badge-used" in page and "Net à payer" not in page and "Reste dû" not in page, path
        assert figure(page, "used") == f"Utilisé{shown('120.00')}", path
        assert figure(page, "credit_left") == f"Reste disponible{shown('0.00')}", path
        assert "Régler" not in page


def test_an_invoice_cancelled_by_a_full_credit_note_names_it_instead_of_paid(app, web, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id, line("100.00"))
    note = credits.credit_invoice(app.uow(), ctx, invoice.id)
    number = note.document.number
    assert number

    page = web.get(f"/documents/{invoice.id}").text
    assert f"Annulée par l&#39;avoir {number}" in page
    assert f'href="/documents/{note.id}"' in page
    assert "badge-paid" not in page and ">Réglé<" not in page
    assert figure(page, "balance_due") == f"Reste dû{shown('0.00')}"
    assert ">Régler<" not in page and f'href="/documents/{invoice.id}/credit-note"' not in page


def test_a_reversed_deposit_invoice_names_its_deposit_credit_note(app, web, ctx, customer):
    order = validated(app.uow(), ctx, customer.id, line("1000.00"), kind=Kind.ORDER)
    draft = deposits.create_deposit_invoice(app.uow(), ctx, origin_id=order.id, amount=eur("300.00"))
    deposit = deposits.issue_deposit_invoice(app.uow(), ctx, draft.id, generate_payment=False).document
    reversal = deposits.create_deposit_credit_note(app.uow(), ctx, deposit.id)
    reversal = deposits.issue_deposit_credit_note(app.uow(), ctx, reversal.id)

    page = web.get(f"/documents/{deposit.id}").text
    assert f"Annulée par l&#39;avoir {reversal.document.number}" in page
    assert "badge-paid" not in page


def test_an_order_with_a_deposit_payment_shows_deposits_received_not_a_deduction(app, web, ctx, customer):
    order = validated(app.uow(), ctx, customer.id, line("1000.00"), kind=Kind.ORDER)
    deposits.record_deposit_payment(app.uow(), ctx, order.id, method="cheque", amount=eur("300.00"))

    page = web.get(f"/documents/{order.id}").text
    # the payment is a deposit received on the order: nothing is deducted from its total
    assert "Acomptes déduits" not in page and "Net à payer" not in page
    assert documents.get_document(app.uow(), ctx, order.id).position.net_to_pay == eur("1200.00")
    assert figure(page, "total") == f"Total TTC{shown('1200.00')}"
    assert figure(page, "deposits_received") == f"Acomptes reçus{shown('300.00')}"
    assert figure(page, "balance_due") == f"Reste dû{shown('900.00')}"
    assert figure(page, "left_to_invoice") == f"Reste à facturer{shown('1200.00')}"
    assert "Partiellement réglé" in page


def test_a_final_invoice_shows_net_to_pay_after_its_deductions_and_the_apis_balance_due(app, web, ctx, customer):
    order = validated(app.uow(), ctx, customer.id, line("1000.00"), kind=Kind.ORDER)
    draft = deposits.create_deposit_invoice(app.uow(), ctx, origin_id=order.id, amount=eur("300.00"))
    deposit = deposits.issue_deposit_invoice(app.uow(), ctx, draft.id, generate_payment=False).document
    pay(app.uow(), ctx, customer.id, "300.00", (deposit.id, "300.00"))
    final = deposits.create_final_invoice(app.uow(), ctx, order.id).invoice
    deposits.deduct_deposit(app.uow(), ctx, final.id, deposit.id, amount=eur("300.00"))
    documents.validate_document(app.uow(), ctx, final.id)
    pay(app.uow(), ctx, customer.id, "100.00", (final.id, "100.00"))

    position = documents.get_document(app.uow(), ctx, final.id).position
    api = PositionOut.of(position)
    assert position.deducted == eur("300.00") and position.net_to_pay == eur("900.00")
    page = web.get(f"/documents/{final.id}").text
    assert figure(page, "deducted") == f"Acomptes déduits{shown('300.00')}"
    assert figure(page, "net_to_pay") == f"Net à payer{shown('900.00')}"
    assert figure(page, "paid") == f"Déjà réglé{shown('100.00')}"
    # the page's balance due is the API's for the same document
    assert figure(page, "balance_due") == f"Reste dû{shown(api.balance_due.amount)}"
    assert position.balance_due == eur("800.00")


def test_an_order_wholly_invoiced_reads_invoiced(app, web, ctx, customer):
    order = validated(app.uow(), ctx, customer.id, line("1000.00"), kind=Kind.ORDER)
    final = deposits.create_final_invoice(app.uow(), ctx, order.id).invoice
    documents.validate_document(app.uow(), ctx, final.id)

    assert documents.get_document(app.uow(), ctx, order.id).position.status is PositionStatus.INVOICED
    page = web.get(f"/documents/{order.id}").text
    assert "badge-invoiced" in page and ">Facturée<" in page
    assert figure(page, "invoiced") == f"Facturé{shown('1200.00')}"
    assert figure(page, "left_to_invoice") == f"Reste à facturer{shown('0.00')}"
    english = web.get(f"/documents/{order.id}", cookies={"acompte_lang": "en"}).text
    assert ">Invoiced<" in english and "Left to invoice" in english
