"""Document lists computed in SQL (services.documents.document_list / document_list_rows): filters, sorts, stable
paging, totals of every filtered row, and each row's status and figures equal to its position.

The reference is `services.positions` (the one position per document, read through `queries.with_positions`).
"""

from __future__ import annotations

import contextlib
import os
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acompte.domain.credits import CreditRef
from acompte.domain.documents import CREDIT_KINDS, Flow, Kind, State
from acompte.domain.errors import DomainError
from acompte.domain.money import Money, total
from acompte.domain.positions import COMMERCIAL_KINDS
from acompte.domain.statuses import PositionStatus
from acompte.services import companies, credits, deposits, documents, parties, queries
from acompte.services.ports import Ctx
from acompte.services.views import LIST_SORTS, DocumentFilter
from tests.deposit_helpers import issued_deposit, issued_final, table_order
from tests.helpers import line, pay, validated

D = Decimal
#: The figures a row and the totals carry, as a position names them (the web's deposits / settled beside).
FIGURES = ("deducted", "paid", "credited", "written_off", "net_to_pay", "balance_due", "deposits", "settled")


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def reference(uow, ctx):  # type: ignore[no-untyped-def]
    """Every document of the company with its position, computed by services.positions."""
    with uow:
        return queries.with_positions(uow, ctx, uow.documents.summaries(ctx.company_id, limit=100_000))


def figures(summary) -> dict[str, Money]:  # type: ignore[no-untyped-def]
    """The position's figures, and what the web list shows beside the total: deposits (payments on a commercial
    document, deposit invoices deducted on an invoice) and what else settled it."""
    p = summary.position
    commercial = p.kind in COMMERCIAL_KINDS
    found = {name: getattr(p, name) for name in FIGURES[:6]} | {"gross": p.total}
    found["deposits"] = p.paid if commercial else p.deducted
    found["settled"] = p.credited + p.written_off if commercial else p.paid + p.credited + p.written_off
    return found


def assert_row_is_its_position(row, summary) -> None:  # type: ignore[no-untyped-def]
    p = summary.position
    assert row.status is p.status, (row.kind, row.id)
    assert {name: getattr(row, name) for name in (*FIGURES, "gross")} == figures(summary), (row.kind, row.status)
    assert (row.invoiced, row.left_to_invoice) == (p.invoiced, p.left_to_invoice)
    assert (row.used, row.refunded, row.credit_left) == (p.used, p.refunded, p.credit_left)


def assert_totals_are_the_sums(totals, summaries) -> None:  # type: ignore[no-untyped-def]
    in_eur = [figures(s) for s in summaries if s.position.currency == "EUR"]
    assert totals.count == len(summaries)
    assert totals.other_currency == len(summaries) - len(in_eur)
    for name in (*FIGURES, "gross"):
        assert getattr(totals, name) == total((f[name] for f in in_eur), "EUR"), name


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
            uow,
            ctx,
            kind=Kind.INVOICE,
            flow=Flow.SALE,
            party_id=customer.id,
            lines=[line("70.00")],
            currency="USD",
            exchange_rate="0.92",
        ).id,
    ).document.id
    ids["credited"] = validated(uow, ctx, customer.id, line("80.00"), today=date(2026, 3, 1)).id  # 96.00
    ids["full_credit_note"] = credits.credit_invoice(uow, ctx, ids["credited"], today=date(2026, 3, 2)).id
    ids["gesture"] = credits.create_credit_note(
        uow, ctx, party_id=other.id, lines=[line("10.00")], origin_id=ids["paid"], today=date(2026, 3, 3)
    ).id
    return ids


def test_one_page_carries_the_figures_and_the_totals_are_those_of_every_filtered_row(uow, ctx, book):
    listed = documents.document_list(uow, ctx, flow=Flow.SALE, kind=Kind.INVOICE, sort="date", per_page=2)
    expected = [s for s in reference(uow, ctx) if s.kind == "invoice" and s.flow == "sale"]
    totals = documents.document_list_totals(uow, ctx, flow=Flow.SALE, kind=Kind.INVOICE)
    assert totals.count == len(expected) == 8
    assert (listed.page, listed.has_previous, listed.has_next, len(listed.rows)) == (1, False, True, 2)
    assert_totals_are_the_sums(totals, expected)
    assert documents.document_list_count(uow, ctx, flow=Flow.SALE, kind=Kind.INVOICE) == 8
    assert documents.document_list_count(uow, ctx, flow=Flow.SALE, kind=Kind.INVOICE, cap=3) == 4  # « more than 3 »
    final = next(r for r in all_rows(uow, ctx, kind=Kind.INVOICE) if r.id == book["final"])
    assert (final.gross, final.deposits, final.settled, final.balance_due) == (
        eur("1200.00"),
        eur("360.00"),
        eur("100.00"),
        eur("740.00"),
    )
    assert (final.deducted, final.paid, final.net_to_pay, final.status) == (
        eur("360.00"),
        eur("100.00"),
        eur("840.00"),
        PositionStatus.PARTIAL,
    )
    order = next(r for r in all_rows(uow, ctx, kind=Kind.ORDER) if r.id == book["open_order"])
    assert (order.deposits, order.settled, order.status) == (eur("250.00"), eur("0.00"), PositionStatus.PARTIAL)
    invoiced = next(r for r in all_rows(uow, ctx, kind=Kind.ORDER) if r.id == book["order"])
    assert (invoiced.status, invoiced.invoiced, invoiced.balance_due) == (
        PositionStatus.INVOICED,
        eur("1200.00"),
        eur("0.00"),
    )
    cancelled = next(r for r in all_rows(uow, ctx, kind=Kind.INVOICE) if r.id == book["credited"])
    assert (cancelled.status, cancelled.credited, cancelled.balance_due) == (
        PositionStatus.CANCELLED,
        eur("96.00"),
        eur("0.00"),
    )


def test_every_row_is_its_position(uow, ctx, book):
    expected = {s.id: s for s in reference(uow, ctx)}
    rows = all_rows(uow, ctx, chunk=4)
    assert sorted(r.id for r in rows) == sorted(expected)
    for row in rows:
        assert_row_is_its_position(row, expected[row.id])
    for row in documents.document_list(uow, ctx, per_page=100).rows:  # the page's correlated sums
        assert_row_is_its_position(row, expected[row.id])
    assert_totals_are_the_sums(documents.document_list_totals(uow, ctx), list(expected.values()))


@pytest.mark.parametrize("sort", LIST_SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_each_sort_orders_every_row_with_the_id_breaking_ties_and_pages_join_up(uow, ctx, book, sort, descending):
    def key(s):  # type: ignore[no-untyped-def]
        return {
            "date": s.issue_date,
            "number": s.number or "",
            "party": s.party_name.lower(),
            "gross": s.position.total.minor_units,
            "balance": s.position.balance_due.minor_units,
            "due": s.due_date or date.max,
        }[sort], s.id

    expected = [s.id for s in sorted(reference(uow, ctx), key=key, reverse=descending)]
    pages = []
    for page in range(1, 6):  # 15 documents, by page number
        listed = documents.document_list(uow, ctx, sort=sort, descending=descending, page=page, per_page=3)
        assert (listed.page, listed.has_previous, listed.has_next) == (page, page > 1, page < 5)
        pages.extend(r.id for r in listed.rows)
    assert pages == expected
    forward, listed = [], documents.document_list(uow, ctx, sort=sort, descending=descending, per_page=4)
    while True:  # by the cursors, forward then back: the same rows, in the same order, the same page numbers
        forward.append((listed.page, [r.id for r in listed.rows]))
        if listed.next_cursor is None:
            break
        listed = documents.document_list(
            uow, ctx, sort=sort, descending=descending, per_page=4, after=listed.next_cursor, page=listed.page + 1
        )
    backward = [(listed.page, [r.id for r in listed.rows])]
    while listed.previous_cursor is not None:
        listed = documents.document_list(
            uow, ctx, sort=sort, descending=descending, per_page=4, before=listed.previous_cursor, page=listed.page - 1
        )
        backward.append((listed.page, [r.id for r in listed.rows]))
    assert [i for _p, ids in forward for i in ids] == expected and forward == backward[::-1]
    assert [p for p, _ids in forward] == [1, 2, 3, 4]
    streamed = all_rows(uow, ctx, sort=sort, descending=descending, chunk=2)
    assert [r.id for r in streamed] == expected[: len(streamed)] and len(streamed) == len(expected)


def test_a_page_past_the_last_is_the_last_and_the_sum_of_pages_is_the_total(uow, ctx, book):
    last = documents.document_list(uow, ctx, sort="number", page=99, per_page=4)
    assert (last.page, last.has_next, last.has_previous) == (4, False, True) and last.rows  # 13 to 16 documents
    assert last.rows == documents.document_list(uow, ctx, sort="number", page=4, per_page=4).rows
    rows = [r for p in (1, 2, 3, 4) for r in documents.document_list(uow, ctx, sort="number", page=p, per_page=4).rows]
    totals = documents.document_list_totals(uow, ctx)
    assert len({r.id for r in rows}) == len(rows) == totals.count
    eur_rows = [r for r in rows if r.gross.currency == "EUR"]
    for name in (*FIGURES, "gross"):
        assert total((getattr(r, name) for r in eur_rows), "EUR") == getattr(totals, name)


def test_filters_keep_what_each_one_says(uow, ctx, book, customer):
    everything = reference(uow, ctx)

    def ids(**kw):  # type: ignore[no-untyped-def]
        listed = documents.document_list(uow, ctx, per_page=100, **kw)
        assert documents.document_list_totals(uow, ctx, **kw).count == len(listed.rows)
        assert documents.document_list_count(uow, ctx, **kw) == len(listed.rows)
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


@pytest.mark.parametrize(
    "filters",
    [
        DocumentFilter(),
        DocumentFilter(flow=Flow.SALE.value, kind=Kind.INVOICE.value, state=State.DRAFT.value),
        DocumentFilter(flow=Flow.SALE.value, kind=Kind.ORDER.value),
        DocumentFilter(state=State.VALIDATED.value, search="0"),
        DocumentFilter(status=PositionStatus.UNPAID.value),
        DocumentFilter(open=True),
    ],
)
def test_the_count_alone_is_the_count_of_the_totals(uow, ctx, book, filters):
    with uow:
        counted = uow.documents.list_count(ctx.company_id, filters)
        assert counted == uow.documents.list_totals(ctx.company_id, filters, "EUR").count
        assert counted == len(uow.documents.list_page(ctx.company_id, filters, sort="date", descending=True, limit=500))
        assert uow.documents.list_count(ctx.company_id, filters, cap=2) == min(counted, 3)


@pytest.mark.parametrize("status", list(PositionStatus))
def test_the_status_filter_keeps_the_documents_whose_position_has_that_status(uow, ctx, book, status):
    summaries = [s for s in reference(uow, ctx) if s.position.status is status]
    listed = documents.document_list(uow, ctx, status=status, per_page=100)
    assert sorted(r.id for r in listed.rows) == sorted(s.id for s in summaries)
    assert all(r.status is status for r in listed.rows)
    assert_totals_are_the_sums(documents.document_list_totals(uow, ctx, status=status), summaries)
    by_balance = documents.document_list(uow, ctx, status=status.value, sort="balance", per_page=100)
    assert sorted(r.id for r in by_balance.rows) == sorted(s.id for s in summaries)
    for sort in ("date", "balance"):  # by the cursors, forward then back, two rows a page
        pages, page = [], documents.document_list(uow, ctx, status=status, sort=sort, per_page=2)
        while True:
            pages.append([r.id for r in page.rows])
            if page.next_cursor is None:
                break
            page = documents.document_list(uow, ctx, status=status, sort=sort, per_page=2, after=page.next_cursor)
        back = [[r.id for r in page.rows]]
        while page.previous_cursor is not None:
            page = documents.document_list(uow, ctx, status=status, sort=sort, per_page=2, before=page.previous_cursor)
            back.append([r.id for r in page.rows])
        assert pages == back[::-1] and sorted(i for p in pages for i in p) == sorted(s.id for s in summaries), sort
    in_book = {"draft", "unpaid", "partial", "paid", "cancelled", "invoiced", "unused", "used"}
    assert bool(summaries) is (status.value in in_book)
    if status is not PositionStatus.DRAFT:
        assert documents.document_list_totals(uow, ctx, status=status, state=State.DRAFT).count == 0


def test_an_unknown_sort_is_refused_and_another_company_sees_nothing(uow, ctx, other_ctx, book):
    with pytest.raises(ValueError):
        documents.document_list(uow, ctx, sort="id; drop table documents")
    assert documents.document_list_totals(uow, other_ctx).count == 0
    assert documents.document_list(uow, other_ctx).rows == ()
    assert documents.document_list(uow, ctx, party_id=10**9).rows == ()


# -- property: every row is its position, the totals are the sums of the positions -------------------------------

DB = settings(
    max_examples=int(os.environ.get("ACOMPTE_DB_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PERCENT = st.integers(min_value=1, max_value=100)
#: One step of a history: (action, which document among those of its kind, a percentage).
STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "invoice",
                "order",
                "pay",
                "deposit_payment",
                "deposit_invoice",
                "paid_deposit_invoice",
                "reverse_deposit",
                "final_invoice",
                "credit_in_full",
                "credit_one",
                "gesture",
                "use_credit",
                "refund",
                "write_off_credit",
                "write_off_shortfall",
                "cancel_order",
                "draft",
            ]
        ),
        st.integers(min_value=0, max_value=7),
        PERCENT,
    ),
    min_size=3,
    max_size=14,
)


class History:
    """Plays random steps on one company; a step the rules refuse (a DomainError) changes nothing."""

    def __init__(self, uow, ctx) -> None:  # type: ignore[no-untyped-def]
        self.uow, self.ctx = uow, ctx
        self.party = parties.create_party(uow, ctx, name="Client propriété").id
        companies.update_settings(uow, ctx, {"write_off_threshold": "5.00"})
        self.day = 0

    def _today(self) -> date:
        self.day += 1
        return date(2026, 1, 1 + self.day % 28)

    def _of(self, kinds: tuple[Kind, ...], which: int, *, state: State = State.VALIDATED):  # type: ignore[no-untyped-def]
        found = [s for s in reference(self.uow, self.ctx) if Kind(s.kind) in kinds and s.state == state.value]
        return found[which % len(found)] if found else None

    def _part(self, owed: Money, percent: int) -> Money:
        return Money.from_minor(max(1, owed.minor_units * percent // 100), owed.currency)

    def play(self, step: str, which: int, percent: int) -> None:
        uow, ctx, party = self.uow, self.ctx, self.party
        with contextlib.suppress(DomainError):
            if step == "invoice":
                validated(uow, ctx, party, line(f"{percent}.25", qty="2"), today=self._today())
            elif step == "order":
                validated(uow, ctx, party, line(f"{percent * 10}.50", qty="2"), kind=Kind.ORDER, today=self._today())
            elif step == "draft":
                documents.create_document(
                    uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=party, lines=[line("12.00")]
                )
            elif step == "pay":
                doc = self._of((Kind.INVOICE, Kind.DEPOSIT_INVOICE), which)
                if doc is not None and doc.position.balance_due.is_positive:
                    part = self._part(doc.position.balance_due, percent)
                    pay(uow, ctx, party, str(part.amount), (doc.id, str(part.amount)))
            elif step == "deposit_payment":
                doc = self._of((Kind.ORDER,), which)
                if doc is not None:
                    part = self._part(doc.position.total, percent // 3 + 1)
                    deposits.record_deposit_payment(uow, ctx, doc.id, method="cheque", amount=part)
            elif step in ("deposit_invoice", "paid_deposit_invoice"):
                doc = self._of((Kind.ORDER,), which)
                if doc is not None:
                    paid_by = "transfer" if step == "paid_deposit_invoice" else None
                    issued_deposit(uow, ctx, doc.id, percent=str(percent // 3 + 1), paid_by=paid_by)
            elif step == "reverse_deposit":
                doc = self._of((Kind.DEPOSIT_INVOICE,), which)
                if doc is not None:
                    note = deposits.create_deposit_credit_note(
                        uow, ctx, doc.id, percent=None if percent > 50 else D(percent)
                    )
                    deposits.issue_deposit_credit_note(uow, ctx, note.id, today=self._today())
            elif step == "final_invoice":
                doc = self._of((Kind.ORDER,), which)
                if doc is not None:
                    issued_final(uow, ctx, doc.id)
            elif step in ("credit_in_full", "credit_one"):
                doc = self._of((Kind.INVOICE,), which)
                if doc is not None:
                    lines = None if step == "credit_in_full" else [(1, D(1))]
                    credits.credit_invoice(uow, ctx, doc.id, lines=lines, today=self._today())
            elif step == "gesture":
                doc = self._of((Kind.INVOICE,), which)
                if doc is not None:
                    credits.create_credit_note(
                        uow, ctx, party_id=party, lines=[line(f"{percent}.00")], origin_id=doc.id
                    )
            elif step == "use_credit":
                credit, doc = self._of(tuple(CREDIT_KINDS), which), self._of((Kind.INVOICE,), which + 1)
                if credit is not None and doc is not None and doc.position.balance_due.is_positive:
                    amount = min(self._part(credit.position.credit_left, percent), doc.position.balance_due)
                    credits.use_credit(uow, ctx, credit_id=credit.id, document_id=doc.id, amount=amount)
            elif step == "refund":
                credit = self._of(tuple(CREDIT_KINDS), which)
                if credit is not None:
                    amount = self._part(credit.position.credit_left, percent)
                    credits.refund(uow, ctx, source=CreditRef.credit_note(credit.id), method="transfer", amount=amount)
            elif step == "write_off_credit":
                credit = self._of(tuple(CREDIT_KINDS), which)
                if credit is not None:
                    credits.write_off_credit(uow, ctx, credit.id)
            elif step == "write_off_shortfall":
                doc = self._of((Kind.INVOICE, Kind.DEPOSIT_INVOICE), which)
                if doc is not None and doc.position.balance_due.is_positive:
                    owed = doc.position.balance_due
                    if owed > Money.of("5.00", "EUR"):
                        pay(
                            uow,
                            ctx,
                            party,
                            str((owed - Money.of("0.03", "EUR")).amount),
                            (doc.id, str((owed - Money.of("0.03", "EUR")).amount)),
                        )
                    credits.write_off_shortfall(uow, ctx, doc.id)
            elif step == "cancel_order":
                doc = self._of((Kind.ORDER,), which)
                if doc is not None:
                    documents.cancel_document(uow, ctx, doc.id)


@DB
@given(
    steps=STEPS,
    status=st.sampled_from([None, *PositionStatus]),
    sort=st.sampled_from(LIST_SORTS),
    to_settle=st.booleans(),
)
def test_every_row_is_its_position_and_the_totals_their_sums_after_any_history(app, steps, status, sort, to_settle):  # type: ignore[no-untyped-def]
    uow = app.uow()
    ctx = Ctx(companies.create_company(uow, name="Propriété SARL"), actor="hypothesis")
    history = History(uow, ctx)
    for step in steps:
        history.play(*step)
    everything = {s.id: s for s in reference(uow, ctx)}
    expected = [
        s
        for s in everything.values()
        if (status is None or s.position.status is status) and (not to_settle or s.position.to_settle)
    ]
    listed = documents.document_list(uow, ctx, status=status, sort=sort, per_page=2, open=to_settle)
    assert_totals_are_the_sums(documents.document_list_totals(uow, ctx, status=status, open=to_settle), expected)
    paged = [r.id for r in listed.rows]
    while listed.next_cursor is not None:  # the pages after it, by cursor
        for row in listed.rows:
            assert_row_is_its_position(row, everything[row.id])
        listed = documents.document_list(
            uow, ctx, status=status, sort=sort, per_page=2, open=to_settle, after=listed.next_cursor
        )
        paged += [r.id for r in listed.rows]
    streamed = all_rows(uow, ctx, status=status, sort=sort, chunk=3, open=to_settle)
    assert sorted(r.id for r in streamed) == sorted(s.id for s in expected)
    assert paged == [r.id for r in streamed]
    for row in streamed:
        assert_row_is_its_position(row, everything[row.id])
    for row in documents.document_list(uow, ctx, per_page=500).rows:  # every row through the page's scalars
        assert_row_is_its_position(row, everything[row.id])
