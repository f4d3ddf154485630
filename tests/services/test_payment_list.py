"""The payment list computed in SQL (services.payment_lists): filters, sorts with the id breaking ties, pages,
chunks, and the totals of every filtered payment — equal, after any history, to what the list used to work out in
Python from every payment's view (`payments.list_payments`, whose `allocated` is what each payment has used:
allocations, refunds, write-offs)."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acompte.domain.credits import CreditRef
from acompte.domain.errors import DomainError
from acompte.domain.money import Money, total
from acompte.domain.payments import Direction, PaymentState
from acompte.services import companies, credits, parties, payment_changes, payment_lists, payments
from acompte.services.ports import Ctx
from acompte.services.queries import EVERYTHING
from acompte.services.views import PAYMENT_SORTS, PaymentListTotals, PaymentView
from tests.helpers import line, pay, validated

#: Names whose order differs with and without case (the list sorts by name in any case).
NAMES = ("alpha Martin", "Beta SARL", "gamma bois")
METHODS = ("cheque", "transfer", "card")
DAYS = (date(2026, 1, 5), date(2026, 1, 5), date(2026, 2, 1), date(2026, 3, 15))


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


# -- the reference: the Python path over every payment's view ----------------------------------------------------


@dataclass(frozen=True)
class Wanted:
    party_id: int | None = None
    method: str | None = None
    state: PaymentState | None = None
    direction: Direction | None = None
    date_from: date | None = None
    date_to: date | None = None
    search: str | None = None
    unallocated_only: bool = False


def reference(uow, ctx, wanted: Wanted) -> list[PaymentView]:  # type: ignore[no-untyped-def]
    """Every payment the filters keep, from `list_payments` then searched in Python (number or party name)."""
    rows = payments.list_payments(
        uow,
        ctx,
        party_id=wanted.party_id,
        method=wanted.method,
        state=wanted.state,
        direction=wanted.direction,
        date_from=wanted.date_from,
        date_to=wanted.date_to,
        limit=EVERYTHING,
    )
    if wanted.unallocated_only:
        rows = [v for v in rows if v.payment.state is PaymentState.ACTIVE and v.unallocated.is_positive]
    search = (wanted.search or "").strip().casefold()
    if search:
        rows = [v for v in rows if search in v.payment.number.casefold() or search in v.party_name.casefold()]
    return rows


KEYS: dict[str, Any] = {
    "date": lambda v: v.payment.payment_date,
    "number": lambda v: v.payment.number,
    "party": lambda v: v.party_name.casefold(),
    "amount": lambda v: v.payment.amount.minor_units,
    "unallocated": lambda v: v.unallocated.minor_units,
    "id": lambda v: v.id,
}


def in_order(rows: list[PaymentView], sort: str, descending: bool) -> list[int]:
    return [v.id for v in sorted(rows, key=lambda v: (KEYS[sort](v), v.id), reverse=descending)]


def totals_of(rows: list[PaymentView], currency: str) -> PaymentListTotals:
    active = [v for v in rows if v.payment.state is PaymentState.ACTIVE]
    same = [v for v in active if v.payment.currency == currency]
    return PaymentListTotals(
        count=len(rows),
        active=len(same),
        amount=total((v.payment.amount for v in same), currency),
        allocated=total((v.allocated for v in same), currency),
        unallocated=total((v.unallocated for v in same), currency),
        other_currency=len(active) - len(same),
    )


def filter_of(wanted: Wanted):  # type: ignore[no-untyped-def]
    return payment_lists.payment_filter(
        party_id=wanted.party_id,
        method=wanted.method,
        state=wanted.state,
        direction=wanted.direction,
        date_from=wanted.date_from,
        date_to=wanted.date_to,
        search=wanted.search,
        unallocated_only=wanted.unallocated_only,
    )


def assert_list_is_the_reference(uow, ctx, wanted: Wanted, sort: str, descending: bool) -> None:  # type: ignore[no-untyped-def]
    expected = reference(uow, ctx, wanted)
    views = {v.id: v for v in expected}
    order = in_order(expected, sort, descending)
    filters = filter_of(wanted)
    shown: list[int] = []
    for page in (1, 2, 3, 4):
        listed = payment_lists.payment_list(uow, ctx, filters, sort=sort, descending=descending, page=page, per_page=3)
        assert listed.totals == totals_of(expected, "EUR")
        if listed.page == page:
            shown += [r.id for r in listed.rows]
            for row in listed.rows:
                assert row == views[row.id]  # the payment, its party's name and what it has used
    assert shown == order[: len(shown)]
    assert len(shown) == min(len(order), 12)
    streamed = list(payment_lists.payment_list_rows(uow, ctx, filters, sort=sort, descending=descending, chunk=2))
    assert [r.id for r in streamed] == order
    assert all(r == views[r.id] for r in streamed)


# -- a few payments, by hand ---------------------------------------------------------------------------------------


@pytest.fixture
def book(uow, ctx, customer, supplier):  # type: ignore[no-untyped-def]
    """A cheque partly allocated, a card payment, a transfer from another party in full, a cancelled cheque."""
    other = parties.create_party(uow, ctx, name="alpha Martin")
    invoice = validated(uow, ctx, customer.id, line("1000.00"))
    other_invoice = validated(uow, ctx, other.id, line("100.00"))
    ids = {
        "cheque": pay(uow, ctx, customer.id, "1234.56", (invoice.id, "1000.00")).id,
        "card": pay(uow, ctx, customer.id, "10.00", method="card").id,
        "transfer": pay(uow, ctx, other.id, "120.00", (other_invoice.id, "120.00"), method="transfer").id,
        "cancelled": pay(uow, ctx, supplier.id, "55.00").id,
        "other": other.id,
    }
    payment_changes.cancel_payment(uow, ctx, ids["cancelled"])
    return ids


def test_the_totals_are_over_the_active_filtered_payments_and_the_count_over_all(uow, ctx, book):  # type: ignore[no-untyped-def]
    listed = payment_lists.payment_list(uow, ctx, payment_lists.payment_filter())
    assert listed.totals == PaymentListTotals(
        count=4,
        active=3,
        amount=eur("1364.56"),
        allocated=eur("1120.00"),
        unallocated=eur("244.56"),
    )
    by_card = payment_lists.payment_list(uow, ctx, payment_lists.payment_filter(method="card"))
    assert [r.id for r in by_card.rows] == [book["card"]]
    assert by_card.totals.amount == eur("10.00") and by_card.totals.unallocated == eur("10.00")


def test_the_search_finds_a_number_or_a_party_name_in_any_case(uow, ctx, book):  # type: ignore[no-untyped-def]
    def found(text: str) -> list[int]:
        listed = payment_lists.payment_list(uow, ctx, payment_lists.payment_filter(search=text), sort="id")
        return [r.id for r in listed.rows]

    number = payments.get_payment(uow, ctx, book["card"]).payment.number
    assert found(number.lower()) == [book["card"]]
    assert found("ALPHA m") == [book["transfer"]]
    assert found("no such thing") == []
    assert found("100%") == [] and found("_") == []  # wildcards are plain characters


@pytest.mark.parametrize("sort", PAYMENT_SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_each_sort_orders_every_row_with_the_id_breaking_ties(uow, ctx, book, sort, descending):  # type: ignore[no-untyped-def]
    assert_list_is_the_reference(uow, ctx, Wanted(), sort, descending)


def test_a_page_past_the_last_gives_the_last_and_an_unknown_sort_is_refused(uow, ctx, book):  # type: ignore[no-untyped-def]
    everything = payment_lists.payment_filter()
    last = payment_lists.payment_list(uow, ctx, everything, sort="number", page=99, per_page=3)
    assert (last.page, last.pages, len(last.rows)) == (2, 2, 1)
    with pytest.raises(ValueError):
        payment_lists.payment_list(uow, ctx, everything, sort="id; drop table payments")
    with pytest.raises(ValueError):
        payment_lists.payment_list_rows(uow, ctx, everything, sort="amount desc")


def test_another_company_sees_none_of_the_payments(uow, other_ctx, book):  # type: ignore[no-untyped-def]
    listed = payment_lists.payment_list(uow, other_ctx, payment_lists.payment_filter())
    assert listed.rows == () and listed.totals.count == 0 and listed.totals.amount == eur("0.00")
    assert list(payment_lists.payment_list_rows(uow, other_ctx, payment_lists.payment_filter())) == []


def test_a_party_selector_is_bounded_and_keeps_the_chosen_party(uow, ctx, book, customer, supplier):  # type: ignore[no-untyped-def]
    first = parties.party_choices(uow, ctx, limit=2)
    assert [p.name for p in first.parties] == ["Client Dupont", "Fournisseur Bois"] and first.more
    chosen = parties.party_choices(uow, ctx, limit=2, chosen=book["other"])
    assert [p.id for p in chosen.parties] == [book["other"], customer.id, supplier.id] and chosen.more
    assert parties.party_choices(uow, ctx, search="BOIS", limit=2) == parties.PartyChoices((supplier,), more=False)


# -- property: after any history, the SQL list is the Python one -----------------------------------------------

DB = settings(
    max_examples=int(os.environ.get("ACOMPTE_DB_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["invoice", "pay", "overpay", "allocate", "unallocate", "refund", "write_off", "cancel", "dollars"]
        ),
        st.integers(min_value=0, max_value=11),
        st.integers(min_value=1, max_value=100),
    ),
    min_size=4,
    max_size=16,
)


class History:
    """Plays random steps on one company of three parties; a step the rules refuse changes nothing."""

    def __init__(self, uow, ctx) -> None:  # type: ignore[no-untyped-def]
        self.uow, self.ctx = uow, ctx
        self.parties = [parties.create_party(uow, ctx, name=name).id for name in NAMES]
        companies.update_settings(uow, ctx, {"write_off_threshold": "5.00"})

    def _invoices(self, party: int) -> list[Any]:
        with self.uow:
            return [
                d
                for d in self.uow.documents.summaries(self.ctx.company_id, party_id=party, kind="invoice", limit=100)
                if d.state == "validated"
            ]

    def _payments(self) -> list[PaymentView]:
        return payments.list_payments(self.uow, self.ctx, state=PaymentState.ACTIVE, limit=EVERYTHING)

    def play(self, step: str, which: int, percent: int) -> None:
        uow, ctx = self.uow, self.ctx
        party = self.parties[which % len(self.parties)]
        method, day = METHODS[which % len(METHODS)], DAYS[which % len(DAYS)]
        with contextlib.suppress(DomainError):
            if step == "invoice":
                validated(uow, ctx, party, line(f"{percent * 3}.25"))
            elif step in ("pay", "overpay"):
                invoices = self._invoices(party)
                amount = eur(f"{percent}.{which:02d}")
                to = [(invoices[which % len(invoices)].id, amount)] if invoices and step == "pay" else []
                payments.record_payment(
                    uow, ctx, party_id=party, amount=amount, method=method, payment_date=day, allocations=to
                )
            elif step == "allocate":
                open_payments = [
                    p for p in self._payments() if p.unallocated.is_positive and p.payment.currency == "EUR"
                ]
                if open_payments:
                    payment = open_payments[which % len(open_payments)]
                    invoices = self._invoices(payment.payment.party_id)
                    if invoices:
                        payments.allocate(
                            uow, ctx, payment_id=payment.id, document_id=invoices[which % len(invoices)].id
                        )
            elif step == "unallocate":
                allocated = [p for p in self._payments() if p.allocated.is_positive]
                if allocated:
                    view = payments.get_payment(uow, ctx, allocated[which % len(allocated)].id)
                    if view.allocations:
                        payments.remove_allocation(uow, ctx, view.allocations[0].id)
            elif step == "refund":
                held = [p for p in self._payments() if p.unallocated.is_positive]
                if held:
                    payment = held[which % len(held)]
                    part = Money.from_minor(
                        max(1, payment.unallocated.minor_units * percent // 100), payment.payment.currency
                    )
                    credits.refund(uow, ctx, source=CreditRef.payment(payment.id), method="transfer", amount=part)
            elif step == "write_off":
                held = [p for p in self._payments() if p.unallocated.is_positive]
                if held:
                    credits.write_off_overpayment(uow, ctx, held[which % len(held)].id)
            elif step == "cancel":
                active = self._payments()
                if active:
                    payment_changes.cancel_payment(uow, ctx, active[which % len(active)].id)
            elif step == "dollars":
                payments.record_payment(
                    uow,
                    ctx,
                    party_id=party,
                    amount=Money.of(f"{percent}.50", "USD"),
                    method="transfer",
                    payment_date=day,
                    exchange_rate="0.92",
                )


@DB
@given(
    steps=STEPS,
    sort=st.sampled_from(PAYMENT_SORTS),
    descending=st.booleans(),
    party=st.sampled_from([None, 0, 2]),
    method=st.sampled_from([None, *METHODS]),
    state=st.sampled_from([None, *PaymentState]),
    direction=st.sampled_from([None, *Direction]),
    dates=st.sampled_from([(None, None), (DAYS[0], None), (None, DAYS[2]), (DAYS[2], DAYS[3])]),
    search=st.sampled_from([None, "", "ALPHA", "sarl", "rd-", "00002", " Bois "]),
    unallocated_only=st.booleans(),
)
def test_the_sql_list_is_the_python_list_after_any_history(  # type: ignore[no-untyped-def]
    app, steps, sort, descending, party, method, state, direction, dates, search, unallocated_only
):
    uow = app.uow()
    ctx = Ctx(companies.create_company(uow, name="Règlements SARL"), actor="hypothesis")
    history = History(uow, ctx)
    for step in steps:
        history.play(*step)
    for view in payments.list_payments(uow, ctx, limit=EVERYTHING):  # the reference's figure, read another way
        assert view.allocated == payments.get_payment(uow, ctx, view.id).allocated
    wanted = Wanted(
        party_id=None if party is None else history.parties[party],
        method=method,
        state=state,
        direction=direction,
        date_from=dates[0],
        date_to=dates[1],
        search=search,
        unallocated_only=unallocated_only,
    )
    assert_list_is_the_reference(uow, ctx, wanted, sort, descending)
    assert_list_is_the_reference(uow, ctx, Wanted(), sort, descending)
