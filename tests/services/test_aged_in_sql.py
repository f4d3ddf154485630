"""The aged balance and the dashboard's due lists, summed by the database, equal what the documents' positions
and instalments say, worked out one document at a time in Python (the way they were computed before), after any
history of invoices (with or without payment terms, from an order or not), payments, credit notes and
write-offs, on any day, for the whole company and for one party, in both flows. Both databases."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acompte import bootstrap
from acompte.domain.accounts import Aged, PaymentTerms, TermPart
from acompte.domain.accounts import TermBasis as Basis
from acompte.domain.credits import direction_of
from acompte.domain.documents import Flow, Kind
from acompte.domain.money import Money, total
from acompte.services import accounts, companies, credits, dashboard, documents, parties, payments
from acompte.services.accounts.holdings import credit_notes_in_hand, payments_in_hand
from acompte.services.accounts.terms import due_items
from acompte.services.ports import Ctx
from acompte.services.queries import RECEIVABLE_KINDS, account_documents
from tests.helpers import line

EUR = "EUR"
START = date(2025, 1, 6)

DB = settings(
    max_examples=int(os.environ.get("ACOMPTE_DB_EXAMPLES", "5")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TERMS = st.sampled_from(
    [
        None,
        PaymentTerms((TermPart(Decimal(100), 30),)),
        PaymentTerms((TermPart(Decimal(30)), TermPart(Decimal(70), 45, end_of_month=True))),
        PaymentTerms((TermPart(Decimal("40.5"), 0), TermPart(Decimal("59.5"), 60, basis=Basis.ORDER))),
    ]
)
#: One invoice of a history: (party, flow, made from an order, terms, day offset, net cents, paid %, kind of
#: settlement beyond the payment: nothing, a credit note, a small write-off).
INVOICES = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.sampled_from([Flow.SALE, Flow.PURCHASE]),
        st.booleans(),
        TERMS,
        st.integers(0, 120),
        st.integers(1_000, 200_000),
        st.sampled_from([0, 0, 35, 100]),
        st.sampled_from(["", "", "credit", "write_off"]),
    ),
    min_size=1,
    max_size=5,
)


def reference(uow_factory, ctx: Ctx, *, flow: Flow, as_of: date, party_id: int | None) -> dict[int, tuple]:  # type: ignore[no-untyped-def]
    """Per party: the aged amounts of its open documents' instalments and its credits in hand, from positions."""
    uow = uow_factory()
    with uow:
        docs = account_documents(
            uow, ctx, flow=flow, currency=EUR, party_id=party_id, kinds=RECEIVABLE_KINDS, open_only=True
        )
        by_party: dict[int, list] = {}
        party_of = {d.id: d.party_id for d in docs}
        for item in due_items(uow, ctx, docs):
            by_party.setdefault(party_of[item.document_id], []).extend(item.instalments)
        held: dict[int, Money] = {}
        for p in payments_in_hand(uow, ctx, flow=flow, currency=EUR, party_id=party_id):
            held[p.party_id] = held.get(p.party_id, Money.zero(EUR)) + p.remaining
        for n in credit_notes_in_hand(uow, ctx, flow=flow, currency=EUR, party_id=party_id):
            held[n.party_id] = held.get(n.party_id, Money.zero(EUR)) + n.remaining
        return {
            pid: (Aged.of(by_party.get(pid, []), as_of, EUR), held.get(pid, Money.zero(EUR)))
            for pid in set(by_party) | set(held)
        }


def reference_due(uow_factory, ctx: Ctx, *, flow: Flow, as_of: date, include_today: bool) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Every document with an instalment due (before `as_of`, or on it too): (oldest due date, id, amount due)."""
    uow = uow_factory()
    with uow:
        docs = account_documents(uow, ctx, flow=flow, currency=EUR, kinds=RECEIVABLE_KINDS, open_only=True)
        found = []
        for item in due_items(uow, ctx, docs):
            due = [
                i
                for i in item.instalments
                if i.remaining.is_positive and (i.due_date < as_of or (include_today and i.due_date == as_of))
            ]
            if due:
                found.append((min(i.due_date for i in due), item.document_id, total((i.remaining for i in due), EUR)))
        return sorted(found)


def _history(app: bootstrap.App, invoices: list[tuple]) -> tuple[Ctx, list[int]]:  # type: ignore[type-arg]
    uow = app.uow
    ctx = Ctx(companies.create_company(uow(), name="Balance âgée SQL"), actor="tester")
    companies.update_settings(uow(), ctx, {"write_off_threshold": "5.00"})
    who = [parties.create_party(uow(), ctx, name=f"Tiers {i}", is_supplier=True).id for i in range(3)]
    for k, (party, flow, from_order, terms, offset, cents, paid, extra) in enumerate(invoices):
        party_id, day = who[party], START + timedelta(days=offset)
        price = str(Decimal(cents) / 100)
        if from_order:
            order = documents.create_document(
                uow(), ctx, kind=Kind.ORDER, flow=flow, party_id=party_id, lines=[line(price)]
            )
            documents.validate_document(uow(), ctx, order.id, today=day - timedelta(days=20))
            draft = documents.convert_document(uow(), ctx, order.id, Kind.INVOICE).document
        else:
            draft = documents.create_document(
                uow(), ctx, kind=Kind.INVOICE, flow=flow, party_id=party_id, lines=[line(price)]
            ).document
        if terms is not None:
            accounts.set_payment_terms(uow(), ctx, draft.id, terms)
        invoice = documents.validate_document(uow(), ctx, draft.id, today=day).document
        owed = invoice.gross
        if paid:
            part = owed if paid == 100 else Money.of(str((owed.amount * paid / 100).quantize(Decimal("0.01"))), EUR)
            if extra == "write_off":  # all but a small shortfall, written off below
                part = owed - Money.of("0.40", EUR)
            payments.record_payment(
                uow(),
                ctx,
                party_id=party_id,
                amount=part + Money.of("5.00" if k % 2 else "0", EUR),  # every other one overpaid: money in hand
                method="transfer",
                direction=direction_of(flow),
                allocations=[(invoice.id, part)],
                payment_date=day,
            )
            owed = owed - part
        if extra == "credit" and owed.is_positive:
            credits.credit_invoice(uow(), ctx, invoice.id, lines=[(1, Decimal("0.5"))], today=day)
        elif extra == "write_off" and paid:
            credits.write_off_shortfall(uow(), ctx, invoice.id, today=day)
    payments.record_payment(
        uow(), ctx, party_id=who[0], amount=Money.of("12.00", EUR), method="transfer", payment_date=START
    )
    return ctx, who


#: Days after the first invoice's date (its due date, without terms) on the edges of the age classes.
EDGES = (0, 1, 30, 31, 60, 61, 90, 91)


@DB
@given(invoices=INVOICES, days=st.integers(-10, 200))
def test_the_sql_aged_balance_is_the_instalments_of_the_positions(app: bootstrap.App, invoices, days) -> None:  # type: ignore[no-untyped-def]
    ctx, who = _history(app, invoices)
    first = START + timedelta(days=invoices[0][4])
    for as_of in (START + timedelta(days=days), *(first + timedelta(days=d) for d in EDGES)):
        for flow in (Flow.SALE, Flow.PURCHASE):
            for party_id in (None, who[1]):
                view = accounts.aged_balance(app.uow(), ctx, flow=flow, as_of=as_of, party_id=party_id)
                expected = reference(app.uow, ctx, flow=flow, as_of=as_of, party_id=party_id)
                got = {r.party_id: (r.aged, r.unapplied_credits) for r in view.rows}
                assert got == expected, f"{flow} party {party_id} on {as_of}"
                assert view.totals.total == total((a.total for a, _ in expected.values()), EUR)
    for as_of in (START + timedelta(days=days), first, first + timedelta(days=31)):
        figures = dashboard.dashboard(app.uow(), ctx, as_of=as_of)
        for due, flow, today in (
            (figures.overdue_invoices, Flow.SALE, False),
            (figures.invoices_to_pay, Flow.PURCHASE, True),
        ):
            expected_due = reference_due(app.uow, ctx, flow=flow, as_of=as_of, include_today=today)
            assert due.tally.count == len(expected_due)
            assert due.tally.total == total((d[2] for d in expected_due), EUR)
            assert [(d.oldest_due_date, d.document_id, d.amount_due) for d in due.oldest] == expected_due[:10]
