"""GET /bank-lines/{id}/candidates: the candidates of a line with their reasons in the reader's language."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from acompte.domain.documents import Flow
from acompte.domain.money import Money
from acompte.persistence.rows import DocumentRow
from acompte.services import parties, payments
from tests.bank_helpers import bank_line
from tests.helpers import line, validated


def candidates(api, line_id, lang="fr"):  # type: ignore[no-untyped-def]
    response = api.get(f"bank-lines/{line_id}/candidates", headers={"Accept-Language": lang})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_an_invoice_named_in_the_label_is_certain_with_its_reasons_in_words(api, uow, ctx, customer):
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    number = invoice.document.number
    found = bank_line(uow, ctx, "120.00", label=f"VIR {number.replace('-', ' ')}")
    best = candidates(api, found.id)[0]
    assert best["kind"] == "document" and best["certain"] and 0 < best["score"] <= 100
    assert best["documents"] == [{"id": str(invoice.id), "number": number, "kind": "invoice", "flow": "sale"}]
    assert best["allocations"][0]["amount"] == {"amount": "120.00", "currency": "EUR"}
    by_code = {r["code"]: r for r in best["reasons"]}
    assert by_code["number-in-text"]["text"] == f"Le numéro {number} figure dans le libellé"
    assert by_code["exact-amount"]["params"] == {"amount": {"amount": "120.00", "currency": "EUR"}}
    assert by_code["exact-amount"]["text"] == "Montant exact : 120,00\u00a0€"
    english = {r["code"]: r["text"] for r in candidates(api, found.id, "en")[0]["reasons"]}
    assert english["number-in-text"] == f"Number {number} is in the label"
    assert english["exact-amount"] == "Exact amount: €120.00"


def test_a_known_iban_and_a_combination_are_said(api, uow, ctx, customer):
    first = validated(uow, ctx, customer.id, line("100.00"))
    second = validated(uow, ctx, customer.id, line("50.00"))
    with uow:
        uow.party_banks.add(ctx.company_id, customer.id, "FR7630006000011234567890189")
        uow.commit()
    found = bank_line(uow, ctx, "180.00", counterparty_iban="FR76 3000 6000 0112 3456 7890 189")
    best = candidates(api, found.id, "en")[0]
    assert best["kind"] == "documents" and {d["id"] for d in best["documents"]} == {str(first.id), str(second.id)}
    texts = [r["text"] for r in best["reasons"]]
    assert f"IBAN FR7630006000011234567890189 known for {customer.name}" in texts
    assert "2 documents of this party add up to €180.00" in texts
    assert not best["certain"]


def test_a_card_settlement_shows_its_fee(api, uow, ctx, customer):
    day = bank_line(uow, ctx, "1.00").booking_date
    for amount in ("100.00", "200.00", "300.00"):
        payments.record_payment(
            uow, ctx, party_id=customer.id, amount=Money.of(amount, "EUR"), method="card", payment_date=day
        )
    found = bank_line(uow, ctx, "592.80", booking_date=day + timedelta(days=1))
    best = candidates(api, found.id)[0]
    assert best["kind"] == "payments" and best["fee"] == {"amount": "7.20", "currency": "EUR"}
    assert len(best["payments"]) == 3
    (fee,) = [r for r in best["reasons"] if r["code"] == "amount-with-fee"]
    assert fee["text"] == "3 paiements par carte (600,00\u00a0€) moins une commission de 7,20\u00a0€"


def test_a_supplier_number_names_the_purchase_invoice(api, uow, ctx, supplier):
    bought = validated(uow, ctx, supplier.id, line("10.00"), flow=Flow.PURCHASE)
    with uow:
        uow.session.execute(
            update(DocumentRow)
            .where(DocumentRow.company_id == ctx.company_id, DocumentRow.id == bought.id)
            .values(supplier_reference="A-77")
        )
        uow.commit()
    best = candidates(api, bank_line(uow, ctx, "-12.00", label="PRLV A77").id)[0]
    assert best["certain"] and {"supplier-reference", "direction"} <= {r["code"] for r in best["reasons"]}


def test_no_candidate_is_an_empty_list_and_another_companys_line_is_not_found(api, intruder, uow, ctx):
    found = bank_line(uow, ctx, "4242.42")
    assert candidates(api, found.id) == []
    assert intruder.get(f"bank-lines/{found.id}/candidates").status_code == 404
    assert api.get("bank-lines/99999999999/candidates").status_code == 404


def test_another_companys_invoice_is_never_proposed(api, uow, ctx, other_ctx):
    stranger = parties.create_party(uow, other_ctx, name="Client ailleurs")
    theirs = validated(uow, other_ctx, stranger.id, line("100.00"))
    found = bank_line(uow, ctx, "120.00", label=theirs.document.number)
    assert candidates(api, found.id) == []
