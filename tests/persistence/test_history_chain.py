"""The history is append-only in the database itself, and each company's events form one hash chain, also when
transactions append to it at the same time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from acompte.domain.history_chain import GENESIS, ChainedEvent, expected_hash
from acompte.persistence.rows import EventChainRow, EventRow, HistoryHeadRow
from acompte.services import parties
from acompte.services.ports import Ctx
from acompte.services.verification import verify


def _links(app, company_id):
    with app.session_factory() as session:
        return session.execute(
            select(EventRow, EventChainRow.seq, EventChainRow.hash)
            .join(EventChainRow, EventChainRow.event_id == EventRow.id)
            .where(EventRow.company_id == company_id)
            .order_by(EventChainRow.seq)
        ).all()


def test_each_event_is_linked_to_the_previous_event_of_its_company(app, ctx, customer):
    parties.update_party(app.uow(), ctx, customer.id, name="Client Dupont et fils")
    links = _links(app, ctx.company_id)
    assert [seq for _, seq, _ in links] == list(range(1, len(links) + 1))
    assert [row.kind for row, _, _ in links][:2] == ["CompanyCreated", "PartyCreated"]
    previous = GENESIS
    for row, seq, digest in links:
        event = ChainedEvent(
            row.id, row.company_id, seq, row.occurred_at, row.actor, row.kind,
            row.document_id, row.payment_id, row.party_id, row.data, digest,
        )  # fmt: skip
        assert expected_hash(event, previous) == digest
        previous = digest
    with app.session_factory() as session:
        head = session.get(HistoryHeadRow, ctx.company_id)
    assert (head.last_seq, head.last_hash, head.last_event_id) == (len(links), previous, links[-1][0].id)


@pytest.mark.parametrize("statement", ["UPDATE {table} SET company_id = company_id WHERE company_id = :c",
                                       "DELETE FROM {table} WHERE company_id = :c"])  # fmt: skip
@pytest.mark.parametrize("table", ["events", "event_chain"])
def test_the_database_refuses_to_update_or_delete_the_history(app, ctx, customer, statement, table):
    with pytest.raises(DBAPIError, match="append-only"), app.engine.begin() as connection:
        connection.execute(text(statement.format(table=table)), {"c": ctx.company_id})
    assert len(_links(app, ctx.company_id)) == 2  # CompanyCreated, PartyCreated: both still there


def test_events_inserted_through_the_orm_are_chained_too(app, ctx):
    """As an archive import re-inserts a company's events, in order, without the use cases."""
    with app.session_factory() as session:
        for kind in ("PartyCreated", "PartyUpdated"):
            session.add(EventRow(company_id=ctx.company_id, occurred_at=datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
                                 actor="import", kind=kind, data={"name": "Été", "n": 1}))  # fmt: skip
        session.commit()
    assert [row.kind for row, _, _ in _links(app, ctx.company_id)][-2:] == ["PartyCreated", "PartyUpdated"]
    assert verify(app.uow(), ctx.company_id).ok


def test_several_events_of_one_transaction_with_any_characters_are_linked_as_the_domain_hashes_them(app, ctx):
    """Sealed where the head is, on PostgreSQL: the hash computed there is the domain's, character for character."""
    data = [{"name": "Société « Ünïcode » — 5 € 🙂", "quote": '"\\', "n": 1}, {"nested": {"b": [1, "é"]}, "a": None}]
    for rounds in range(2):  # the second one chains to a head the first one moved
        with app.session_factory() as session:
            for n, item in enumerate(data):
                session.add(EventRow(company_id=ctx.company_id, occurred_at=datetime(2026, 1, 2, 3, 4, 5, n, tzinfo=UTC),
                                     actor="impôrt", kind=f"K{rounds}{n}", data=item, party_id=None))  # fmt: skip
            session.commit()
    links = _links(app, ctx.company_id)
    assert [row.kind for row, _, _ in links][-4:] == ["K00", "K01", "K10", "K11"]
    previous = GENESIS
    for row, seq, digest in links:
        event = ChainedEvent(
            row.id, row.company_id, seq, row.occurred_at, row.actor, row.kind,
            row.document_id, row.payment_id, row.party_id, row.data, digest,
        )  # fmt: skip
        assert expected_hash(event, previous) == digest
        previous = digest
    assert verify(app.uow(), ctx.company_id).ok


def test_a_rolled_back_transaction_leaves_no_link(app, ctx):
    with app.session_factory() as session:
        session.add(EventRow(company_id=ctx.company_id, occurred_at=datetime.now(UTC), actor="x", kind="X", data={}))
        session.flush()
        session.rollback()
    assert verify(app.uow(), ctx.company_id).ok
    assert len(_links(app, ctx.company_id)) == 1


def test_concurrent_appends_to_one_company_keep_one_chain(app, ctx):
    workers, each = 6, 4
    errors: list[BaseException] = []
    start = threading.Barrier(workers)

    def append(worker: int) -> None:
        try:
            start.wait()
            for n in range(each):
                parties.create_party(app.uow(), Ctx(ctx.company_id, actor=f"w{worker}"), name=f"Client {worker}-{n}")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=append, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    links = _links(app, ctx.company_id)
    assert [seq for _, seq, _ in links] == list(range(1, workers * each + 2))
    assert verify(app.uow(), ctx.company_id).ok
