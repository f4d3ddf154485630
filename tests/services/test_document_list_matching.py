"""What a bank matcher asks of the document list: documents with something still to settle (not a credit note
used in full, not an order whose money moved to its invoice), an exact amount beside the range, and the
supplier's own number found by the search — in the SQL list and in the API's list alike."""

from __future__ import annotations

from decimal import Decimal

import pytest

from acompte.domain.documents import Flow, Kind
from acompte.domain.errors import InvalidSetting, SupplierReferenceFrozen
from acompte.domain.money import Money
from acompte.services import credits, deposits, documents, parties, printing
from tests.deposit_helpers import table_order
from tests.helpers import line, pay, validated

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def listed(uow, ctx, **filters) -> set[int]:  # type: ignore[no-untyped-def]
    """The ids the SQL list keeps, checked equal to those the API's list keeps."""
    rows = {r.id for r in documents.document_list_rows(uow, ctx, **filters)}
    page = documents.document_list(uow, ctx, per_page=500, **filters)
    assert {r.id for r in page.rows} == rows
    assert documents.document_list_totals(uow, ctx, **filters).count == len(rows)
    if set(filters) <= {"open", "amount", "amount_min", "amount_max", "search"}:
        amounts = (filters.get("amount"), filters.get("amount_min"), filters.get("amount_max"))
        api = documents.list_documents(
            uow, ctx, limit=500, to_settle=bool(filters.get("open")), amounts=amounts, search=filters.get("search")
        )
        assert {s.id for s in api} == rows
    return rows


@pytest.fixture
def book(uow, ctx, customer):  # type: ignore[no-untyped-def]
    ids = {}
    # a credit note used in full on its invoice: neither has anything left to settle
    ids["credited"] = validated(uow, ctx, customer.id, line("80.00")).id  # 96.00
    ids["used_note"] = credits.credit_invoice(uow, ctx, ids["credited"]).id
    # a commercial credit note with its whole credit left, and one partly used
    other = validated(uow, ctx, customer.id, line("100.00")).id  # 120.00
    ids["gesture"] = credits.create_credit_note(
        uow, ctx, party_id=customer.id, lines=[line("10.00")], origin_id=other
    ).id  # 12.00, left whole
    ids["other"] = other
    # an order whose money moved to its invoice: the order owes nothing itself, the invoice the rest
    order = table_order(uow, ctx, customer.id)  # 1 200.00
    deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("360.00"), method="transfer")
    draft = deposits.create_final_invoice(uow, ctx, order.id)
    ids["order"], ids["final"] = order.id, documents.validate_document(uow, ctx, draft.invoice.id).id
    # an order still waiting for its deposit, a paid invoice, a draft
    ids["open_order"] = table_order(uow, ctx, customer.id).id
    ids["paid"] = validated(uow, ctx, customer.id, line("50.00")).id  # 60.00
    pay(uow, ctx, customer.id, "60.00", (ids["paid"], "60.00"))
    ids["draft"] = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("100.00")]
    ).id
    return ids


def test_open_keeps_what_is_still_to_settle_only(uow, ctx, book):
    found = listed(uow, ctx, open=True)
    assert found == {book["other"], book["gesture"], book["final"], book["open_order"]}
    # the two examples, named
    assert book["used_note"] not in found and book["order"] not in found
    assert {book["used_note"], book["order"]} <= listed(uow, ctx)
    assert listed(uow, ctx, open=True, kind=Kind.CREDIT_NOTE) == {book["gesture"]}


def test_an_exact_amount_beside_the_range(uow, ctx, book):
    assert listed(uow, ctx, amount=D("120.00")) == {book["other"], book["draft"]}
    assert listed(uow, ctx, amount=D("120"), open=True) == {book["other"]}
    assert listed(uow, ctx, amount=D("120.001")) == set()  # finer than the cent: nothing in euros
    assert listed(uow, ctx, amount=D("1200.00")) == {book["order"], book["final"], book["open_order"]}
    assert listed(uow, ctx, amount=D("1200.00"), open=True) == {book["final"], book["open_order"]}
    assert listed(uow, ctx, amount_min=D("96"), amount_max=D("120")) == {
        book["credited"],
        book["used_note"],
        book["other"],
        book["draft"],
    }


def test_the_supplier_number_is_set_on_the_draft_searched_and_frozen_at_validation(uow, ctx, supplier):
    draft = documents.create_document(
        uow,
        ctx,
        kind=Kind.INVOICE,
        flow=Flow.PURCHASE,
        party_id=supplier.id,
        lines=[line("500.00")],
        supplier_reference="  FAC 2026/0042 ",
    )
    assert draft.document.supplier_reference == "FAC 2026/0042"
    changed = documents.update_document(uow, ctx, draft.id, supplier_reference="FAC-2026-0043")
    assert changed.document.supplier_reference == "FAC-2026-0043"
    issued = documents.validate_document(uow, ctx, draft.id)
    assert listed(uow, ctx, search="fac-2026-0043") == {issued.id}
    assert listed(uow, ctx, search="2026-004") == {issued.id}
    printed = printing.printable_document(uow, ctx, issued.id)
    assert "N° de la facture du fournisseur : FAC-2026-0043" in printed.references
    with pytest.raises(SupplierReferenceFrozen):
        documents.update_document(uow, ctx, draft.id, supplier_reference="FAC-2026-0044")
    assert documents.get_document(uow, ctx, draft.id).document.supplier_reference == "FAC-2026-0043"
    # a purchase order, which may change after validation, keeps its own
    order = validated(uow, ctx, supplier.id, line("10.00"), kind=Kind.ORDER, flow=Flow.PURCHASE)
    assert (
        documents.update_document(uow, ctx, order.id, supplier_reference="CMD 7").document.supplier_reference == "CMD 7"
    )


def test_a_sale_has_no_supplier_number_and_a_long_one_is_refused(uow, ctx, customer, supplier):
    with pytest.raises(InvalidSetting):
        documents.create_document(
            uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, supplier_reference="X1"
        )
    with pytest.raises(InvalidSetting):
        documents.create_document(
            uow, ctx, kind=Kind.INVOICE, flow=Flow.PURCHASE, party_id=supplier.id, supplier_reference="X" * 101
        )
    assert [p for p in parties.list_parties(uow, ctx) if p.id == customer.id]
