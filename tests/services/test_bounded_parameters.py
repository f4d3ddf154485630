"""No read sends a statement whose parameter count grows with the data: every read path of the API and the web
(party account, lists with their filters and sorts, the payment list and its export, a party selector, aged
balance, statement, dashboard, journal entries, the export of a month) sends the same largest number of bind parameters for a company of 100 documents and for one
of 4 000, and never more than a fixed bound. An `IN (…)` built from the company's ids would grow with it — and
fail past the driver's limit (65 535 on PostgreSQL) on a large company.

The companies are populated in bulk (bench/populate.py: parties of 50 documents, some paid, some half paid);
some invoices carry payment terms, so the aged balance reads both its paths."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from bench import populate
from sqlalchemy import Engine, event

from acompte import bootstrap
from acompte.adapters.exports.fec import write_fec
from acompte.domain.documents import Flow, Kind
from acompte.persistence.rows import Base
from acompte.services import accounts, dashboard, documents, exports, parties, payment_lists, queries
from acompte.services.ports import Ctx
from acompte.services.views import PAYMENT_SORTS

#: The largest number of bind parameters one statement of a read may send, whatever the company's size.
BOUND = 300
YEAR = date.today().year - 1


@contextmanager
def parameters(engine: Engine) -> Iterator[list[int]]:
    """The bind-parameter count of each statement sent meanwhile (an executemany counts one row's)."""
    seen: list[int] = []

    def count(_conn: Any, _cursor: Any, statement: str, params: Any, _context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            # rows written in batches (the export's entries): SQLAlchemy sends them in pages of at most 1 000
            # rows, so their parameters are bounded by the page, not by the data
            return
        if many and isinstance(params, (list, tuple)) and params and isinstance(params[0], (list, tuple, dict)):
            params = params[0]
        seen.append(len(params) if params else 0)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _company(app: bootstrap.App, parties: int) -> tuple[Ctx, list[int]]:
    [company] = populate.create_companies(app.uow, [f"Paramètres {parties}"])
    populate.populate_parties(app.engine, company, parties, year=YEAR)
    terms = {"payment_terms": [{"percent": "30", "days": 0}, {"percent": "70", "days": 30}]}
    table = Base.metadata.tables["documents"]
    with app.engine.begin() as conn:  # every third sale invoice in two instalments
        changed = conn.execute(
            table.update()
            .where(table.c.company_id == company.id, table.c.kind == "invoice", table.c.state == "validated")
            .where(table.c.id % 3 == 0)
            .values(data=terms)
        )
        assert changed.rowcount > 0
    populate.analyze(app.engine)  # the planner's statistics, as autovacuum would refresh them after a bulk load
    return Ctx(company.id, actor="tester"), company.parties


def _reads(app: bootstrap.App, ctx: Ctx, party: int) -> dict[str, Callable[[], Any]]:
    reads: dict[str, Callable[[], Any]] = {
        "party account": lambda: accounts.party_account(app.uow(), ctx, party),
        "party balance": lambda: queries.party_balance(app.uow(), ctx, party),
        "statement": lambda: accounts.statement(
            app.uow(), ctx, party, date_from=date(YEAR, 1, 1), date_to=date(YEAR, 12, 31)
        ),
        "aged balance of one party": lambda: accounts.aged_balance(app.uow(), ctx, party_id=party),
        "aged balance": lambda: accounts.aged_balance(app.uow(), ctx),
        "dashboard": lambda: dashboard.dashboard(app.uow(), ctx),
    }
    for status in (None, "unpaid", "partial", "paid"):
        for sort, descending in (("date", True), ("number", False), ("balance", True), ("party", False)):
            reads[f"list {status} {sort}"] = lambda status=status, sort=sort, descending=descending: (
                documents.document_list(
                    app.uow(), ctx, flow=Flow.SALE, kind=Kind.INVOICE, status=status, sort=sort, descending=descending
                )
            )
    reads["list of every kind"] = lambda: documents.document_list(app.uow(), ctx, flow=Flow.SALE, status="unpaid")
    for status in (None, "unpaid"):
        reads[f"list totals {status}"] = lambda status=status: documents.document_list_totals(
            app.uow(), ctx, flow=Flow.SALE, kind=Kind.INVOICE, status=status
        )
        reads[f"list count {status}"] = lambda status=status: documents.document_list_count(
            app.uow(), ctx, flow=Flow.SALE, kind=Kind.INVOICE, status=status, cap=10_000
        )
    reads["list page 3 by cursor"] = lambda: documents.document_list(
        app.uow(),
        ctx,
        flow=Flow.SALE,
        kind=Kind.INVOICE,
        sort="party",
        descending=False,
        per_page=2,
        after=documents.document_list(
            app.uow(), ctx, flow=Flow.SALE, kind=Kind.INVOICE, sort="party", descending=False, page=2, per_page=2
        ).next_cursor
        or "missing",
    )
    every_payment = payment_lists.payment_filter()
    for sort in PAYMENT_SORTS:
        reads[f"payments by {sort}"] = lambda sort=sort: payment_lists.payment_list(
            app.uow(), ctx, every_payment, sort=sort, page=2
        )
    reads["payments of a party, searched"] = lambda: payment_lists.payment_list(
        app.uow(), ctx, payment_lists.payment_filter(party_id=party, search="rc"), sort="unallocated"
    )
    # chunks small enough that both companies' exports read several, each after a cursor
    reads["payments exported"] = lambda: list(
        payment_lists.payment_list_rows(app.uow(), ctx, every_payment, sort="party", chunk=10)
    )
    reads["party selector"] = lambda: parties.party_choices(app.uow(), ctx, chosen=party, search="a")
    return reads


def _export(app: bootstrap.App, ctx: Ctx) -> None:
    run = exports.run_export(app.uow(), ctx, date_from=date(YEAR, 3, 1), date_to=date(YEAR, 3, 31))
    write_fec(exports.ledger(app.uow(), ctx, fiscal_year_end=run.fiscal_year_end))
    exports.ledger(app.uow(), ctx, run_id=run.run_id)


@pytest.fixture(scope="module")
def measured(app: bootstrap.App) -> dict[int, dict[str, int]]:
    """For a company of 2 parties and one of 80: the largest parameter count of each read."""
    result: dict[int, dict[str, int]] = {}
    for size in (2, 80):
        ctx, parties = _company(app, size)
        found: dict[str, int] = {}
        reads = _reads(app, ctx, parties[-1])
        reads["export of a month"] = lambda ctx=ctx: _export(app, ctx)
        for name, read in reads.items():
            with parameters(app.engine) as seen:
                read()
            found[name] = max(seen)
        result[size] = found
    return result


def test_no_read_sends_more_parameters_for_a_larger_company(measured: dict[int, dict[str, int]]) -> None:
    small, large = measured[2], measured[80]
    grown = {name: (small[name], large[name]) for name in small if large[name] > small[name]}
    assert not grown, f"parameters that grow with the data (100 → 4 000 documents): {grown}"


def test_no_read_sends_more_than_a_fixed_bound_of_parameters(measured: dict[int, dict[str, int]]) -> None:
    over = {name: n for name, n in measured[80].items() if n > BOUND}
    assert not over, f"statements with more than {BOUND} parameters: {over}"
