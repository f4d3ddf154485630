"""The set-based path of recording and allocating a payment (PostgreSQL) writes exactly what the repositories' path
writes, and refuses exactly what it refuses.

The same random histories of payments — with allocations, and with refusals: over-allocation, a document of
another party, of another company, in another currency, a draft, a cancelled order, a supplier's invoice, an
unknown method or party — run through the repositories' path in one company and through the set-based path in
another, with the same stopped clock. Then every row is compared, ids replaced by what they stand for: payments,
allocations, events (data included) with their place in the hash chain, each chain rechecked link by link, the
heads, the number series; and the errors, code and parameters. On SQLite both companies take the repositories'
path (the only one there): the comparison itself is checked.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from acompte import bootstrap
from acompte.domain.documents import Flow, Kind
from acompte.domain.errors import DomainError
from acompte.domain.events import PaymentRecorded
from acompte.domain.history_chain import GENESIS, ChainedEvent, expected_hash
from acompte.domain.money import Money
from acompte.domain.payments import Direction
from acompte.persistence.unit_of_work import SqlUnitOfWork
from acompte.services import companies, documents, parties, payments, verification
from acompte.services.messagebus import MessageBus
from acompte.services.ports import Ctx, FixedClock
from tests.helpers import line

CLOCK = FixedClock(datetime(2026, 11, 20, 9, 30, 15, 123456, tzinfo=UTC))

#: The documents of each company, by name: (kind, flow, party, lines' unit price, currency, state).
DOCUMENTS = ("inv_a1", "inv_a2", "inv_a3", "inv_b", "inv_usd", "draft_a", "order_a", "cancelled_order", "supplier_inv")


class PlainFiles:
    """Issued files as fixed bytes: printing is not what this test is about, and each example issues a dozen
    documents (the PDF renderer takes about 0.3 s each on a loaded machine)."""

    def pdf(self, document: object) -> bytes:
        return b"%PDF-1.7 stand-in"

    def facturx(self, document: object, invoice: object, **_: object) -> tuple[bytes, bytes]:
        return b"%PDF-1.7 stand-in", b"<xml/>"


PARTIES = ("party_a", "party_b", "supplier")


@dataclass
class Company:
    ctx: Ctx
    uow: Callable[[], SqlUnitOfWork]
    names: dict[tuple[str, int], str] = field(default_factory=dict)  # (table, id) -> what it stands for
    ids: dict[str, int] = field(default_factory=dict)


def _uow(app: bootstrap.App, *, set_based: bool, bus: MessageBus | None = None) -> Callable[[], SqlUnitOfWork]:
    return lambda: SqlUnitOfWork(
        app.session_factory, renderer=PlainFiles(), clock=CLOCK, bus=bus or app.bus, set_based=set_based
    )


def _company(app: bootstrap.App, set_based: bool, prefix: str | None = None) -> Company:
    uow = _uow(app, set_based=False)  # the same set-up for both: only payments differ in how they are written
    ctx = Ctx(companies.create_company(uow(), name="Parité", currency="EUR"), actor="clerk")
    if prefix is not None:
        companies.set_prefix(uow(), ctx, "payment/in", prefix)
    company = Company(ctx, _uow(app, set_based=set_based))
    for name, supplier in zip(PARTIES, (False, False, True), strict=True):
        party = parties.create_party(uow(), ctx, name=name, is_customer=not supplier, is_supplier=supplier)
        company.ids[name] = party.id
    specs: dict[str, tuple[Kind, Flow, str, str, str | None]] = {
        "inv_a1": (Kind.INVOICE, Flow.SALE, "party_a", "100.00", None),
        "inv_a2": (Kind.INVOICE, Flow.SALE, "party_a", "37.51", None),
        "inv_a3": (Kind.INVOICE, Flow.SALE, "party_a", "8.33", None),
        "inv_b": (Kind.INVOICE, Flow.SALE, "party_b", "100.00", None),
        "inv_usd": (Kind.INVOICE, Flow.SALE, "party_a", "100.00", "USD"),
        "draft_a": (Kind.INVOICE, Flow.SALE, "party_a", "100.00", None),
        "order_a": (Kind.ORDER, Flow.SALE, "party_a", "50.00", None),
        "cancelled_order": (Kind.ORDER, Flow.SALE, "party_a", "50.00", None),
        "supplier_inv": (Kind.INVOICE, Flow.PURCHASE, "supplier", "100.00", None),
    }
    for name, (kind, flow, owner, price, currency) in specs.items():
        draft = documents.create_document(
            uow(), ctx, kind=kind, flow=flow, party_id=company.ids[owner], lines=[line(price)],
            currency=currency, exchange_rate=Decimal("0.9") if currency else None,
        )  # fmt: skip
        company.ids[name] = draft.id
        if name != "draft_a":
            documents.validate_document(uow(), ctx, draft.id, today=CLOCK.today())
        if name == "cancelled_order":
            documents.cancel_document(uow(), ctx, draft.id)
    company.names = {("parties" if n in PARTIES else "documents", i): n for n, i in company.ids.items()}
    return company


payment_steps = st.lists(
    st.fixed_dictionaries(
        {
            "party": st.sampled_from(["party_a", "party_a", "party_a", "party_b", "supplier", "elsewhere"]),
            "cents": st.integers(1, 20_000),
            "currency": st.sampled_from(["EUR", "EUR", "EUR", "EUR", "USD"]),
            "method": st.sampled_from(["transfer", "transfer", "cash", "card", "bitcoin"]),
            "direction": st.sampled_from([Direction.IN, Direction.IN, Direction.IN, Direction.OUT]),
            "allocations": st.lists(
                st.tuples(st.sampled_from([*DOCUMENTS, "inv_a1", "inv_a2", "elsewhere"]), st.integers(1, 9_000)),
                max_size=3,
            ),
            "rate": st.sampled_from([None, None, None, "1.1"]),
            "dated": st.booleans(),
        }
    ),
    min_size=1,
    max_size=8,
)


def _named(words: str, names: dict[tuple[str, int], str]) -> str:
    """A draft's label names it by id (« brouillon n° 627 »): by what it stands for instead."""
    return re.sub(r"n° (\d+)", lambda m: f"n° {names.get(('documents', int(m[1])), m[1])}", words)


def _play(company: Company, elsewhere: Company, step: dict[str, Any]) -> tuple[str, Any]:
    """One payment; what it gave (its number, party and allocations) or its refusal, ids named. `elsewhere` is
    a third company, made after both: its ids sort after theirs, so the allocations are tried in the same order."""

    def id_of(name: str) -> int:
        return elsewhere.ids["inv_a1"] if name == "elsewhere" else company.ids[name]

    party = elsewhere.ids["party_a"] if step["party"] == "elsewhere" else company.ids[step["party"]]
    currency = step["currency"]
    try:
        view = payments.record_payment(
            company.uow(),
            company.ctx,
            party_id=party,
            amount=Money.from_minor(step["cents"], currency),
            method=step["method"],
            direction=step["direction"],
            payment_date=date(2026, 11, 3) if step["dated"] else None,
            reference=" réf ",
            allocations=[(id_of(n), Money.from_minor(c, currency)) for n, c in step["allocations"]],
            exchange_rate=step["rate"] if currency != "EUR" else None,
        )
    except DomainError as error:
        names = {**{i: f"elsewhere {n}" for i, n in elsewhere.names.items()}, **company.names}
        table = "parties" if error.params.get("entity") == "Tiers" else "documents"
        params = {k: names.get((table, v), v) if k == "id" else _named(str(v), names) for k, v in error.params.items()}
        return "refused", (type(error).__name__, error.code, params)
    return "recorded", (
        view.payment.number,
        str(view.allocated),
        [(company.names["documents", a.document_id], str(a.amount), a.payment_number) for a in view.allocations],
    )


def _typed(row: dict[str, Any]) -> dict[str, Any]:
    """SQLite gives plain SQL's instants and JSON back as text: read them as the ORM would."""
    for stamp in ("created_at", "occurred_at"):
        if isinstance(row.get(stamp), str):
            row[stamp] = datetime.fromisoformat(row[stamp])
    if isinstance(row.get("data"), str):
        row["data"] = json.loads(row["data"])
    return row


def _rows(app: bootstrap.App, company: Company) -> dict[str, Any]:
    """Every row the payments wrote, ids replaced by what they stand for (payments and allocations by rank)."""
    c = company.ctx.company_id
    with app.engine.connect() as conn:

        def rows(sql: str) -> list[dict[str, Any]]:
            return [_typed(dict(r._mapping)) for r in conn.execute(text(sql), {"c": c})]

        paid = rows("SELECT * FROM payments WHERE company_id = :c ORDER BY id")
        allocations = rows("SELECT * FROM allocations WHERE company_id = :c ORDER BY id")
        accounts = [r["id"] for r in rows("SELECT id FROM treasury_accounts WHERE company_id = :c ORDER BY id")]
        events = rows(
            "SELECT e.*, l.seq, l.hash FROM events e LEFT JOIN event_chain l ON l.event_id = e.id "
            "WHERE e.company_id = :c ORDER BY e.id"
        )
        head = rows("SELECT last_seq, last_event_id, last_hash FROM history_heads WHERE company_id = :c")
        series = rows("SELECT key, year, last_value FROM number_series WHERE company_id = :c ORDER BY key, year")
    payment_rank = {p["id"]: f"payment {n}" for n, p in enumerate(paid)}
    allocation_rank = {a["id"]: f"allocation {n}" for n, a in enumerate(allocations)}

    def scrub(row: dict[str, Any], *drop: str) -> dict[str, Any]:
        out = {k: v for k, v in row.items() if k not in {"id", "company_id", *drop}}
        for key in ("party_id", "document_id", "origin_document_id", "credit_document_id"):
            if out.get(key) is not None:
                out[key] = company.names["parties" if key == "party_id" else "documents", out[key]]
        if out.get("payment_id") is not None:
            out["payment_id"] = payment_rank[out["payment_id"]]
        if "account_id" in out:
            out["account_id"] = accounts.index(out["account_id"])
        for stamp in ("created_at", "occurred_at"):
            if isinstance(out.get(stamp), datetime):
                out[stamp] = out[stamp].replace(tzinfo=UTC) if out[stamp].tzinfo is None else out[stamp]
        return out

    chained, previous = [], GENESIS
    for e in [e for e in events if e["seq"] is not None]:
        link = ChainedEvent(
            e["id"], c, e["seq"], e["occurred_at"], e["actor"], e["kind"], e["document_id"], e["payment_id"],
            e["party_id"], e["data"], "",
        )  # fmt: skip
        previous = expected_hash(link, previous)
        assert e["hash"] == previous, f"the chain breaks at event {e['id']} ({e['kind']})"
        chained.append(e["seq"])
    assert chained == list(range(1, len(chained) + 1)), "the chain's places follow the events' order"
    assert head == [{"last_seq": len(chained), "last_event_id": events[-1]["id"], "last_hash": previous}]
    story = []
    for e in events:
        data = dict(e["data"] or {})
        if "allocation_id" in data:
            data["allocation_id"] = allocation_rank.get(data["allocation_id"], "gone")
        story.append({**scrub(e, "hash"), "data": data})
    return {
        "payments": [scrub(p) for p in paid],
        "allocations": [scrub(a) for a in allocations],
        "events": story,
        "series": series,
    }


def _both_paths(
    app: bootstrap.App, backend: str, steps: list[dict[str, Any]], prefix: str | None = None
) -> list[tuple[str, Any]]:
    """Play `steps` on both paths; assert the same outcomes and the same rows; return the outcomes."""
    orm = _company(app, set_based=False, prefix=prefix)
    fast = _company(app, set_based=True, prefix=prefix)
    elsewhere = _company(app, set_based=False)
    with fast.uow() as uow:  # the path under test is the one taken
        assert (uow.payment_recorder is not None) == (backend == "postgresql")
    with orm.uow() as uow:
        assert uow.payment_recorder is None
    outcomes = [(_play(orm, elsewhere, step), _play(fast, elsewhere, step)) for step in steps]
    for theirs, ours in outcomes:
        assert ours == theirs
    assert _rows(app, fast) == _rows(app, orm)
    for company in (orm, fast):
        assert verification.verify(company.uow(), company.ctx.company_id).ok
    return [theirs for theirs, _ in outcomes]


@settings(max_examples=12)
@given(steps=payment_steps)
def test_both_paths_write_the_same_rows_and_refuse_the_same_payments(app, backend, steps):
    _both_paths(app, backend, steps)


def _step(party: str = "party_a", cents: int = 10_000, *allocations: tuple[str, int], **other: Any) -> dict[str, Any]:
    fields = {"currency": "EUR", "method": "transfer", "direction": Direction.IN, "rate": None, "dated": True}
    return {"party": party, "cents": cents, "allocations": list(allocations), **fields, **other}


def test_every_refusal_and_every_kind_of_document_on_both_paths(app, backend):
    """A fixed history where each refusal happens at least once, between payments that succeed."""
    outcomes = _both_paths(
        app,
        backend,
        [
            _step("party_a", 15_000, ("inv_a1", 10_000), ("inv_a2", 4_501)),  # two invoices, one paid in full
            _step("party_a", 5_000, ("inv_a1", 1_000), ("inv_a1", 1_000)),  # twice the same invoice, to its last cent
            _step("party_a", 1_000, ("inv_a3", 1_001)),  # more than the payment: over-allocation
            _step("party_a", 1_000, ("inv_a2", 1)),  # more than the invoice still owes: over-settlement
            _step("party_a", 1_000, ("inv_b", 500)),  # another party's document
            _step("party_a", 1_000, ("elsewhere", 500)),  # another company's document
            _step("party_a", 1_000, ("inv_usd", 500)),  # another currency
            _step("party_a", 1_000, ("draft_a", 500)),  # a draft takes money too (the lifecycle allows it)
            _step("party_a", 1_000, ("cancelled_order", 500)),
            _step("supplier", 1_000, ("supplier_inv", 500)),  # a purchase, for money received
            _step("party_a", 1_000, ("order_a", 500)),  # an order takes a deposit payment
            _step("party_a", 1_000, method="bitcoin"),
            _step("elsewhere", 1_000),
            _step("party_a", 2_000, ("inv_usd", 2_000), currency="USD"),  # the invoice's rate is inherited
            _step("party_a", 2_000, currency="USD"),  # no rate to inherit
            _step("supplier", 3_000, ("supplier_inv", 3_000), direction=Direction.OUT, dated=False),
        ],
    )
    kinds = [o[1][0] if o[0] == "refused" else "recorded" for o in outcomes]
    assert kinds == [
        "recorded", "recorded", "OverAllocation", "OverSettlement", "PartyMismatch", "NotFound",
        "CurrencyMismatch", "recorded", "DocumentCancelled", "FlowMismatch", "recorded",
        "InvalidSetting", "NotFound", "recorded", "ExchangeRateRequired", "recorded",
    ]  # fmt: skip


def test_a_prefix_json_writes_with_escapes_gives_the_same_numbers_events_and_chain(app, backend):
    """The set-based path puts the number into the events' data and their hashed canonical form in SQL: a prefix
    that JSON escapes (a quote, a backslash) or writes as is (an accented letter) must give the same bytes."""
    outcomes = _both_paths(
        app,
        backend,
        [
            _step("party_a", 2_000, ("inv_a1", 1_500)),
            _step("party_a", 1_000, ("inv_a3", 1_001)),  # refused: named by the number it would have taken
            _step("party_a", 3_000, ("inv_a2", 1_000), ("inv_a1", 500)),
        ],
        prefix='R"é\\ç',
    )
    assert [o[1][0] if o[0] == "recorded" else o[1][2]["source"] for o in outcomes] == [
        'R"é\\ç-2026-00001',
        'R"é\\ç-2026-00002',
        'R"é\\ç-2026-00002',
    ]


def test_both_paths_at_once_on_the_same_documents_wait_for_each_other(app, backend):
    """Two clerks of one company pay the same invoices at once, one through each path: both lock the documents,
    then the number series, then the history head, so neither waits on the other in a crossed order (a deadlock
    would refuse a payment); every payment is written, numbered without a gap, and the chain holds."""
    orm = _company(app, set_based=False)
    fast = Company(orm.ctx, _uow(app, set_based=True), orm.names, orm.ids)
    invoices = [(orm.ids["inv_a1"], 1), (orm.ids["inv_a2"], 1)]
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def pay(company: Company) -> None:
        barrier.wait()
        try:
            for _ in range(10):
                payments.record_payment(
                    company.uow(), company.ctx, party_id=company.ids["party_a"], amount=Money.from_minor(2, "EUR"),
                    method="transfer", allocations=[(d, Money.from_minor(c, "EUR")) for d, c in invoices],
                )  # fmt: skip
        except BaseException as error:  # reported by the test, from its thread
            failures.append(error)

    threads = [threading.Thread(target=pay, args=(c,)) for c in (orm, fast)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    with app.engine.connect() as conn:
        numbers = conn.execute(
            text("SELECT number FROM payments WHERE company_id = :c ORDER BY number"), {"c": orm.ctx.company_id}
        ).scalars()
        assert list(numbers) == [f"RC-2026-{n:05d}" for n in range(1, 21)]
    assert verification.verify(orm.uow(), orm.ctx.company_id).ok


def test_a_handler_of_a_recorded_payment_runs_on_the_repositories_path(app, ctx, customer):
    """A capability reacting to `PaymentRecorded` works through the repositories between the writes: the set-based
    path steps aside for it, and it runs."""
    heard: list[int] = []
    routes = app.bus.routes()
    bus = MessageBus({**routes, PaymentRecorded: [lambda _u, _c, e: heard.append(e.payment_id)]})
    uow = _uow(app, set_based=True, bus=bus)
    invoice = documents.validate_document(
        uow(),
        ctx,
        documents.create_document(
            uow(), ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("10")]
        ).id,
    )
    view = payments.record_payment(
        uow(), ctx, party_id=customer.id, amount=Money.of("5.00", "EUR"), method="transfer",
        allocations=[(invoice.id, Money.of("5.00", "EUR"))],
    )  # fmt: skip
    assert heard == [view.payment.id]
    assert payments.get_payment(uow(), ctx, view.payment.id).allocated == Money.of("5.00", "EUR")


@pytest.mark.parametrize("set_based", [True, False])
def test_a_payment_recorded_inside_another_use_case_is_read_back_by_it(app, ctx, customer, set_based):
    """Nested in another use case's transaction, the payment is written at once (the outer one reads it)."""
    uow = _uow(app, set_based=set_based)()
    invoice = documents.validate_document(
        uow,
        ctx,
        documents.create_document(
            uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("10")]
        ).id,
    )
    with uow:
        view = payments.record_payment(
            uow, ctx, party_id=customer.id, amount=Money.of("12.00", "EUR"), method="cash",
            allocations=[(invoice.id, Money.of("12.00", "EUR"))],
        )  # fmt: skip
        assert payments.get_payment(uow, ctx, view.payment.id).allocated == Money.of("12.00", "EUR")
        uow.commit()
    assert payments.get_payment(uow, ctx, view.payment.id).allocated == Money.of("12.00", "EUR")
    assert verification.verify(uow, ctx.company_id).ok


@pytest.mark.parametrize("outer_wrote_events", [True, False])
def test_inside_another_use_case_the_set_based_path_only_when_the_outer_one_has_no_events_to_chain(
    app, backend, ctx, customer, outer_wrote_events
):
    """Nested in another use case (an API request with an Idempotency-Key), the set-based path records the payment
    and its events are chained at once; but events the outer use case wrote before, not chained until its commit,
    must come first in the chain: then the repositories' path records it, chained after them."""
    uow = _uow(app, set_based=True)()
    invoice = documents.validate_document(
        uow,
        ctx,
        documents.create_document(
            uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("10")]
        ).id,
    )
    with uow:
        if outer_wrote_events:
            parties.create_party(uow, ctx, name="Écrite avant")
        with uow:
            assert (uow.payment_recorder is not None) == (backend == "postgresql" and not outer_wrote_events)
        view = payments.record_payment(
            uow, ctx, party_id=customer.id, amount=Money.of("3.00", "EUR"), method="cash",
            allocations=[(invoice.id, Money.of("3.00", "EUR"))],
        )  # fmt: skip
        parties.create_party(uow, ctx, name="Écrite après")
        uow.commit()
    assert view.payment.number == payments.get_payment(uow, ctx, view.payment.id).payment.number
    with app.engine.connect() as conn:
        kinds = conn.execute(
            text(
                "SELECT e.kind FROM events e JOIN event_chain l ON l.event_id = e.id "
                "WHERE e.company_id = :c ORDER BY l.seq DESC LIMIT 3"
            ),
            {"c": ctx.company_id},
        ).scalars()
        assert list(kinds)[::-1] == ["PaymentRecorded", "PaymentAllocated", "PartyCreated"]
    assert verification.verify(uow, ctx.company_id).ok


def test_the_set_based_path_parses_its_statements_again_once_they_are_deallocated(app, backend, ctx, customer):
    """The set-based path names its statements on the connection it takes from the pool. psycopg deallocates every
    statement of a connection (`DEALLOCATE ALL`) when it rolls back after preparing some of its own; whether the
    pool lent the connection to someone else since (then they are parsed again before use) or not (then the
    server's « does not exist » makes the payment start again), payments go on and write what they should."""
    if backend != "postgresql":
        pytest.skip("the set-based path is PostgreSQL's")
    from acompte.persistence import payment_recorder

    one = bootstrap.build(app.settings.database_url, run_migrations=False, pool_size=1)  # one connection
    engine = one.engine
    try:
        uow = _uow(one, set_based=True)
        invoice = documents.validate_document(
            uow(), ctx, documents.create_document(
                uow(), ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("100")]
            ).id,
        )  # fmt: skip

        def pay(cents: str) -> None:
            payments.record_payment(
                uow(), ctx, party_id=customer.id, amount=Money.of(cents, "EUR"), method="transfer",
                allocations=[(invoice.id, Money.of(cents, "EUR"))],
            )  # fmt: skip

        pay("1.00")
        for unseen in (False, True):
            pooled = engine.raw_connection()
            with pooled.driver_connection.cursor() as cursor:
                cursor.execute("DEALLOCATE ALL")
            if unseen:  # as if nobody had taken it since the payment: its statements are believed parsed
                pooled.info[payment_recorder._LAST_CHECKOUT] = pooled.info[payment_recorder.CHECKOUTS]
            pooled.commit()
            pooled.close()
            pay("2.00")
        recorded = payments.list_payments(uow(), ctx, party_id=customer.id)
        assert sorted(str(v.allocated.amount) for v in recorded) == ["1.00", "2.00", "2.00"]
        assert documents.get_document(uow(), ctx, invoice.id).settlement.allocated == Money.of("5.00", "EUR")
        assert verification.verify(uow(), ctx.company_id).ok
    finally:
        one.close()
