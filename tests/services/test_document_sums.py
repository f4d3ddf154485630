"""Each document's stored sums (`document_sums`, kept by database triggers with the facts) equal its facts and its
position after any history (its stored status included), the lists' kept totals (`document_totals`) equal the
sums of the rows and the totals of the positions, and the lists that read them through their index (the balance
order of one kind, a status filter in that order) list exactly the documents, in the order and with the
figures, `services.positions` gives (SQLite and PostgreSQL).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text

from acompte.domain.documents import CREDIT_KINDS, Kind
from acompte.domain.positions import COMMERCIAL_KINDS
from acompte.domain.statuses import PositionStatus
from acompte.persistence.document_sums import DocumentSumsRow
from acompte.services import companies, documents, verification
from acompte.services.ports import Ctx
from tests.services.test_bank_open_documents import HISTORY
from tests.services.test_document_list import (
    DB,
    STEPS,
    History,
    all_rows,
    assert_row_is_its_position,
    assert_totals_are_the_sums,
    reference,
)

CREDITS = {k.value for k in CREDIT_KINDS}
COMMERCIAL = {k.value for k in COMMERCIAL_KINDS}
#: The kinds whose balance is their own: their balance order and status pages read the summary's index.
OWN_BALANCE = (Kind.INVOICE, Kind.DEPOSIT_INVOICE, Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE)


def stored(app, company_id: int) -> dict[int, DocumentSumsRow]:  # type: ignore[no-untyped-def]
    with app.engine.connect() as connection:
        rows = connection.execute(select(DocumentSumsRow).where(DocumentSumsRow.company_id == company_id)).all()
    return {r.document_id: r for r in rows}


def assert_sums_are_the_facts_and_the_positions(app, ctx) -> None:  # type: ignore[no-untyped-def]
    uow = app.uow()
    with uow:
        assert uow.integrity.sums_astray(ctx.company_id) == []
        assert uow.integrity.totals_astray(ctx.company_id) == []
    summaries = reference(uow, ctx)
    rows = stored(app, ctx.company_id)
    assert set(rows) == {s.id for s in summaries}
    for s in summaries:
        r, p = rows[s.id], s.position
        assert (r.kind, r.flow, r.state, r.party_id, r.currency) == (s.kind, s.flow, s.state, s.party_id, "EUR")
        assert r.gross_minor == p.total.minor_units
        # The stored status is the position's for every kind whose position is its own (what a status page reads).
        assert r.status == (None if s.kind in COMMERCIAL else p.status.value), (s.kind, s.id)
        if s.kind in COMMERCIAL:
            assert r.balance_minor is None
        elif s.kind in CREDITS:
            assert r.balance_minor == 0
            assert (r.used, r.refunded, r.cwo) == (
                p.used.minor_units,
                p.refunded.minor_units,
                p.written_off.minor_units,
            )
            assert r.gross_minor - r.used - r.refunded - r.cwo == p.credit_left.minor_units
        else:
            owed = (p.deducted, p.paid, p.credited, p.written_off, p.balance_due)
            assert (r.ded, r.pay, r.cred, r.wo, r.balance_minor) == tuple(m.minor_units for m in owed), s.id


def assert_balance_pages_are_the_positions(app, ctx, kind: Kind, status, descending: bool) -> None:  # type: ignore[no-untyped-def]
    uow = app.uow()
    everything = {s.id: s for s in reference(uow, ctx)}
    expected = sorted(
        (s for s in everything.values() if s.kind == kind.value and (status is None or s.position.status is status)),
        key=lambda s: (s.position.balance_due.minor_units, s.id),
        reverse=descending,
    )
    kw = {"kind": kind, "status": status, "sort": "balance", "descending": descending}
    listed = documents.document_list(uow, ctx, per_page=2, **kw)
    paged = [r.id for r in listed.rows]
    while listed.next_cursor is not None:
        listed = documents.document_list(uow, ctx, per_page=2, after=listed.next_cursor, **kw)
        paged += [r.id for r in listed.rows]
    assert paged == [s.id for s in expected], (kind, status, descending)
    for row in all_rows(uow, ctx, chunk=3, **kw):
        assert_row_is_its_position(row, everything[row.id])
    assert documents.document_list_count(uow, ctx, kind=kind, status=status) == len(expected)
    # the totals of the kind (and status): the groups the database keeps, summed
    assert_totals_are_the_sums(documents.document_list_totals(uow, ctx, kind=kind, status=status), expected)


@DB
@given(
    steps=STEPS,
    kind=st.sampled_from(OWN_BALANCE),
    status=st.sampled_from([None, *PositionStatus]),
    descending=st.booleans(),
)
def test_the_sums_are_the_facts_and_the_balance_pages_the_positions_after_any_history(  # type: ignore[no-untyped-def]
    app, steps, kind, status, descending
):
    ctx = Ctx(companies.create_company(app.uow(), name="Sommes SARL"), actor="hypothesis")
    history = History(app.uow(), ctx)
    for step in steps:
        history.play(*step)
    assert_sums_are_the_facts_and_the_positions(app, ctx)
    assert_balance_pages_are_the_positions(app, ctx, kind, status, descending)


def test_every_case_of_a_varied_history_is_summed_and_listed_as_its_position(app):  # type: ignore[no-untyped-def]
    ctx = Ctx(companies.create_company(app.uow(), name="Sommes variées SARL"), actor="test")
    history = History(app.uow(), ctx)
    for step in HISTORY:
        history.play(*step)
    history.play("draft", 0, 1)
    assert_sums_are_the_facts_and_the_positions(app, ctx)
    statuses = {s.position.status for s in reference(app.uow(), ctx)}
    assert {PositionStatus.PARTIAL, PositionStatus.PAID, PositionStatus.CANCELLED} <= statuses
    for kind in OWN_BALANCE:
        for status in (None, PositionStatus.PARTIAL, PositionStatus.PAID, PositionStatus.UNPAID, PositionStatus.USED):
            assert_balance_pages_are_the_positions(app, ctx, kind, status, descending=True)
    assert_balance_pages_are_the_positions(app, ctx, Kind.INVOICE, PositionStatus.CANCELLED, descending=False)


@pytest.mark.parametrize("column", ["pay", "credited_full", "reversed"])
def test_verify_names_a_sum_changed_behind_the_triggers_back(app, column):  # type: ignore[no-untyped-def]
    ctx = Ctx(companies.create_company(app.uow(), name="Sommes altérées SARL"), actor="test")
    history = History(app.uow(), ctx)
    for step in HISTORY[:7]:
        history.play(*step)
    assert not [b for b in verification.verify(app.uow(), ctx.company_id).breaks if b.check == "sums"]
    paid = max(stored(app, ctx.company_id).values(), key=lambda r: r.pay)
    change = f"UPDATE document_sums SET {column} = {column} + :by WHERE company_id = :c AND document_id = :d"
    with app.engine.begin() as connection:
        connection.execute(text(change), {"by": 1, "c": ctx.company_id, "d": paid.document_id})
    try:
        [found] = [b for b in verification.verify(app.uow(), ctx.company_id).breaks if b.check == "sums"]
        assert (found.code, found.params["count"]) == ("summary", 1)
    finally:
        with app.engine.begin() as connection:
            connection.execute(text(change), {"by": -1, "c": ctx.company_id, "d": paid.document_id})
