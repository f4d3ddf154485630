"""Document lists computed in SQL (services.documents.document_list / document_list_rows): filters, sorts, stable
paging, totals of every filtered row, and the payment status filter equal to the derived status.

The reference is the per-document read (`uow.documents.summaries`, one Settlement per document).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acompte.domain.documents import Flow, Kind, PaymentStatus, State
from acompte.domain.money import Money, total
from acompte.services import companies, documents, parties
from acompte.services.ports import Ctx
from acompte.services.views import LIST_SORTS
from tests.deposit_helpers import issued_deposit, issued_final, table_order
from tests.helpers import line, pay, validated

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def reference(uow, ctx):  # type: ignore[no-untyped-def]
    """Every document of the company with its settlement, read one by one through the per-document sums."""
    with uow:
        return uow.documents.summaries(ctx.company_id, limit=100_000)


def figures(summary):  # type: ignore[no-untyped-def]
    s = summary.settlement
    commercial = Kind(summary.kind) in (Kind.QUOTE, Kind.ORDER, Kind.DELIVERY)
    deposits, paid = (s.allocated, s.deducted) if commercial else (s.deducted, s.allocated)
    return s.gross, deposits, paid, s.balance_due


def all_rows(uow, ctx, **kw):  # type: ignore[no-untyped-def]
    return list(documents.document_list_rows(uow, ctx, **kw))


@pytest.fixture
def book(uow, ctx, customer):  # type: ignore[no-untyped-def]
    """Invoices of two customers (unpaid, partly paid, paid), a draft, an order with a deposit payment, a final
    invoice deducting a paid deposit invoice, a supplier invoice and an invoice in US dollars."""
    other = parties.create_party(uow, ctx, name="alpha Martin")
    supplier = parties.create_party(uow, ctx, name="Fournisseur Bois", customer=False, supplier=True)
    ids = {}
    ids["unpaid"] = validated(uow, ctx, customer.id, line("100.00"), today=date(2026, 1, 5)).id  # 120.00
    ids["partial"] = validated(uow, ctx, customer.id, line("200.00"), today=date(2026, 1, 10)).id  # 240.00
    ids["paid"] = validated(uow, ctx, other.id, line("50.00"), today=date(2026, 1, 10)).id  # 60.00
    ids["big"] = validated(uow, ctx, other.id, line("1000.00"), today=date(2026, 2, 1)).id  # 1 200.00
    pay(uow, ctx, customer.id, "40.00", (ids["partial"], "40.00"))
    pay(uow, ctx, other.id, "60.00", (ids["paid"], "60.00"))
    ids["draft"] = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("10.00")]
    ).id
    order = table_order(uow, ctx, other.id)  # 1 200.00
    ids["order"] = order.id
    pay(uow, ctx, other.id, "100.00", (order.id, "100.00"))
    ids["deposit_invoice"] = issued_deposit(uow, ctx, order.id, percent="30", paid_by="transfer").id  # 360.00
    ids["final"] = issued_final(uow, ctx, order.id).id  # 1 200.00: 360.00 deducted, the order's 100.00 carried
    ids["open_order"] = table_order(uow, ctx, customer.id).id
    pay(uow, ctx, customer.id, "250.00", (ids["open_order"], "250.00"))
    ids["purchase"] = validated(uow, ctx, supplier.id, line("300.00"), flow=Flow.PURCHASE).id
    ids["usd"] = documents.validate_document(
        uow,
        ctx,
        documents.create_document(
            uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("70.00")], currency="USD"
        ).id,
    ).document.id
    return ids


def test_one_page_carries_the_figures_and_the_totals_of_every_filtered_row(uow, ctx, book):
    listed = documents.document_list(uow, ctx, flow=Flow.SALE, kind=Kind.INVOICE, sort="date", per_page=2)
    expected = [s for s in reference(uow, ctx) if s.kind == "invoice" and s.flow == "sale"]
    assert listed.totals.count == len(expected) == 7
    assert (listed.page, listed.pages, len(listed.rows)) == (1, 4, 2)
    in_eur = [figures(s) for s in expected if s.settlement.gross.currency == "EUR"]
    assert listed.totals.other_currency == 1
    assert (listed.totals.gross, listed.totals.deposits, listed.totals.paid, listed.totals.balance_due) == tuple(
        total((f[i] for f in in_eur), "EUR") for i in range(4)
    )
    final = next(r for r in all_rows(uow, ctx, kind=Kind.INVOICE) if r.id == book["final"])
    assert (final.gross, final.deposits, final.paid, final.balance_due) == (
        eur("1200.00"),
        eur("360.00"),
        eur("100.00"),
        eur("740.00"),
    )
    order = next(r for r in all_rows(uow, ctx, kind=Kind.ORDER) if r.id == book["open_order"])
    assert (order.deposits, order.paid, order.status) == (eur("250.00"), eur("0.00"), PaymentStatus.PARTIAL)


@pytest.mark.parametrize("sort", LIST_SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_each_sort_orders_every_row_with_the_id_breaking_ties_and_pages_join_up(uow, ctx, book, sort, descending):
    def key(s):  # type: ignore[no-untyped-def]
        g, _dep, _paid, balance = figures(s)
        return {
            "date": s.issue_date,
            "number": s.number or "",
            "party": s.party_name.lower(),
            "gross": g.minor_units,
            "balance": balance.minor_units,
            "due": s.due_date or date.max,
        }[sort], s.id

    expected = [s.id for s in sorted(reference(uow, ctx), key=key, reverse=descending)]
    pages = []
    for page in range(1, 5):
        listed = documents.document_list(uow, ctx, sort=sort, descending=descending, page=page, per_page=3)
        assert (listed.page, listed.pages) == (page, 4)  # 12 documents
        pages.extend(r.id for r in listed.rows)
    assert pages == expected
    streamed = all_rows(uow, ctx, sort=sort, descending=descending, chunk=2)
    assert [r.id for r in streamed] == expected[: len(streamed)] and len(streamed) == len(expected)


def test_a_page_past_the_last_is_the_last_and_the_sum_of_pages_is_the_total(uow, ctx, book):
    last = documents.document_list(uow, ctx, sort="number", page=99, per_page=4)
    assert (last.page, last.pages) == (3, 3)  # 12 documents
    rows = [r for p in (1, 2, 3) for r in documents.document_list(uow, ctx, sort="number", page=p, per_page=4).rows]
    assert len({r.id for r in rows}) == len(rows) == last.totals.count
    eur_rows = [r for r in rows if r.gross.currency == "EUR"]
    for name in ("gross", "deposits", "paid", "balance_due"):
        assert total((getattr(r, name) for r in eur_rows), "EUR") == getattr(last.totals, name)


def test_filters_keep_what_each_one_says(uow, ctx, book, customer):
    everything = reference(uow, ctx)

    def ids(**kw):  # type: ignore[no-untyped-def]
        listed = documents.document_list(uow, ctx, per_page=100, **kw)
        assert listed.totals.count == len(listed.rows)
        return sorted(r.id for r in listed.rows)

    def where(pred):  # type: ignore[no-untyped-def]
        return sorted(s.id for s in everything if pred(s))

    assert ids(flow=Flow.PURCHASE) == [book["purchase"]]
    assert ids(kind=Kind.ORDER) == [book["order"], book["open_order"]]
    assert ids(party_id=customer.id) == where(lambda s: s.party_id == customer.id)
    assert ids(date_from=date(2026, 1, 6), date_to=date(2026, 1, 31)) == where(
        lambda s: date(2026, 1, 6) <= s.issue_date <= date(2026, 1, 31)
    )
    assert ids(state=State.DRAFT) == [book["draft"]]
    number = next(s.number for s in everything if s.id == book["big"])
    assert ids(search=number[-5:].lower()) == [book["big"]]
    assert ids(search="%") == []  # a LIKE wildcard is searched for, not obeyed
    assert ids(amount_min=D("240.00"), amount_max=D("1200")) == where(
        lambda s: D("240") <= s.settlement.gross.amount <= D("1200")
    )
    assert ids(amount_min=D("240.001")) == where(lambda s: s.settlement.gross.amount > D("240"))


@pytest.mark.parametrize("status", list(PaymentStatus))
def test_the_status_filter_is_the_derived_status_of_validated_documents(uow, ctx, book, status):
    listed = documents.document_list(uow, ctx, status=status, per_page=100)
    expected = sorted(
        s.id for s in reference(uow, ctx) if s.state == State.VALIDATED.value and s.settlement.status is status
    )
    assert sorted(r.id for r in listed.rows) == expected and expected
    assert all(r.status is status for r in listed.rows)
    assert documents.document_list(uow, ctx, status=status, state=State.DRAFT).totals.count == 0


def test_an_unknown_sort_is_refused_and_another_company_sees_nothing(uow, ctx, other_ctx, book):
    with pytest.raises(ValueError):
        documents.document_list(uow, ctx, sort="id; drop table documents")
    assert documents.document_list(uow, other_ctx).totals.count == 0
    assert documents.document_list(uow, ctx, party_id=10**9).rows == ()


# -- property: the list's totals are the sum of the per-document settlements ----------------------------------

cents = st.integers(min_value=1, max_value=200_000)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    docs=st.lists(
        st.tuples(st.integers(0, 1), cents, st.sampled_from([Kind.INVOICE, Kind.ORDER]), st.integers(0, 3)),
        min_size=1,
        max_size=6,
    ),
    paid=st.lists(st.tuples(st.integers(0, 5), st.integers(1, 100)), max_size=6),
    status=st.sampled_from([None, *PaymentStatus]),
    sort=st.sampled_from(LIST_SORTS),
)
def test_the_totals_equal_the_sum_of_per_document_settlements(app, docs, paid, status, sort):  # type: ignore[no-untyped-def]
    uow = app.uow()
    ctx = Ctx(companies.create_company(uow, name="Propriété SARL"), actor="hypothesis")
    people = [parties.create_party(uow, ctx, name=name).id for name in ("Zoé", "adam")]
    made = []
    for who, net, kind, day in docs:
        view = validated(uow, ctx, people[who], line(str(D(net) / 100)), kind=kind, today=date(2026, 1, 1 + day))
        made.append(view.document)
    for index, percent in paid:
        doc = made[index % len(made)]
        owed = next(s for s in reference(uow, ctx) if s.id == doc.id).balance_due
        part = Money.from_minor(max(1, owed.minor_units * percent // 100), "EUR")
        if owed.is_positive:
            pay(uow, ctx, doc.party_id, str(part.amount), (doc.id, str(min(part, owed).amount)))
    expected = [
        s for s in reference(uow, ctx) if status is None or (s.state == "validated" and s.settlement.status is status)
    ]
    listed = documents.document_list(uow, ctx, status=status, sort=sort, per_page=2)
    assert listed.totals.count == len(expected)
    want = [figures(s) for s in expected]
    assert (listed.totals.gross, listed.totals.deposits, listed.totals.paid, listed.totals.balance_due) == tuple(
        total((f[i] for f in want), "EUR") for i in range(4)
    )
    streamed = all_rows(uow, ctx, status=status, sort=sort, chunk=2)
    assert sorted(r.id for r in streamed) == sorted(s.id for s in expected)
    assert total((r.balance_due for r in streamed), "EUR") == listed.totals.balance_due
