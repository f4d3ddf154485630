"""The history: events appended as they happen, read back for a document, a payment or a party, and chained.

Appending an event is a plain INSERT, visible at once to the rest of the transaction. Its link in the company's
hash chain (`event_chain`: place and SHA-256, domain.history_chain) is written when the transaction commits:
only then is the company's `history_heads` row locked (SELECT … FOR UPDATE), read and moved on. Locking at
commit and not at the first event keeps the lock short and taken after every other row lock of the use case,
so the per-company lock neither serialises whole use cases nor orders locks against them (no deadlock). On
SQLite the transaction already holds the write lock (BEGIN IMMEDIATE).

The sealing hooks on every SQLAlchemy session: an event inserted through the ORM by any code path (an archive
import re-inserting a company's events in order, for one) is chained the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import event, insert, inspect, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction

from acompte.domain.events import Event
from acompte.domain.history_chain import GENESIS, ChainedEvent, ChainHead, canonical, expected_hash
from acompte.persistence.base import Repo
from acompte.persistence.rows import EventChainRow, EventRow, HistoryHeadRow
from acompte.services.views import EventView

_UNSEALED = "acompte.unsealed_events"  # session.info: the events this transaction inserted


class EventRepository(Repo):
    def add(self, event: Event, actor: str) -> None:
        self.session.add(
            EventRow(
                company_id=event.company_id,
                occurred_at=self.now(),
                actor=actor,
                kind=str(event.kind),
                document_id=event.document_id,
                payment_id=event.payment_id,
                party_id=event.party_id,
                data=event.data,
            )
        )

    def query(
        self,
        company_id: int,
        *,
        document_id: int | None = None,
        payment_id: int | None = None,
        party_id: int | None = None,
        kinds: Sequence[str] = (),
    ) -> list[EventView]:
        stmt = select(EventRow).where(EventRow.company_id == company_id)
        if kinds:
            stmt = stmt.where(EventRow.kind.in_(kinds))
        conditions = []
        if document_id is not None:
            conditions.append(EventRow.document_id == document_id)
            # events about a payment allocated to this document name the document in their data
        if payment_id is not None:
            conditions.append(EventRow.payment_id == payment_id)
        if party_id is not None:
            conditions.append(EventRow.party_id == party_id)
        if conditions:
            stmt = stmt.where(or_(*conditions))
        stmt = stmt.order_by(EventRow.id)
        return [
            EventView(
                id=r.id,
                occurred_at=r.occurred_at,
                actor=r.actor,
                kind=r.kind,
                document_id=r.document_id,
                payment_id=r.payment_id,
                party_id=r.party_id,
                data=dict(r.data or {}),
            )
            for r in self.session.scalars(stmt)
        ]

    def chain(self, company_id: int, *, batch: int = 2000) -> Iterator[ChainedEvent]:
        """Every event of the company in chain order, with its link; then, in id order, the events that have no
        link (inserted behind the chain's back: `seq` 0, no hash)."""
        stmt = (
            select(EventRow, EventChainRow.seq, EventChainRow.hash)
            .join(EventChainRow, EventChainRow.event_id == EventRow.id)
            .where(EventRow.company_id == company_id)
            .order_by(EventChainRow.seq)
            .execution_options(yield_per=batch)
        )
        for row, seq, hash_ in self.session.execute(stmt):
            yield ChainedEvent(
                id=row.id,
                company_id=row.company_id,
                seq=int(seq),
                occurred_at=row.occurred_at,
                actor=row.actor,
                kind=row.kind,
                document_id=row.document_id,
                payment_id=row.payment_id,
                party_id=row.party_id,
                data=row.data,
                hash=hash_,
            )
        unlinked = (
            select(EventRow)
            .outerjoin(EventChainRow, EventChainRow.event_id == EventRow.id)
            .where(EventRow.company_id == company_id, EventChainRow.event_id.is_(None))
            .order_by(EventRow.id)
        )
        for r in self.session.scalars(unlinked):
            yield ChainedEvent(
                r.id,
                r.company_id,
                0,
                r.occurred_at,
                r.actor,
                r.kind,
                r.document_id,
                r.payment_id,
                r.party_id,
                r.data,
                "",
            )

    def head(self, company_id: int) -> ChainHead | None:
        row = self.session.get(HistoryHeadRow, company_id)
        if row is None:
            return None
        return ChainHead(seq=int(row.last_seq), event_id=row.last_event_id, hash=row.last_hash)


# -- sealing: the chain is extended when the transaction commits -----------------------------------------------


def seal(session: Session, events: list[EventRow]) -> None:
    """Link `events` (inserted by this transaction) to their companies' chains, in id order. Their values in memory
    are the stored ones: `occurred_at` is written in UTC (below), and the canonical form reads `data` through a JSON
    round trip, as the database gives it back."""
    by_company: dict[int, list[EventRow]] = {}
    for row in sorted(events, key=lambda e: e.id):
        by_company.setdefault(row.company_id, []).append(row)
    postgresql = session.get_bind().dialect.name == "postgresql"
    for company_id in sorted(by_company):  # one lock order for a transaction spanning several companies
        if postgresql and _seal_in_one(session, company_id, by_company[company_id]):
            continue
        seq, previous = _lock_head(session, company_id)
        links: list[dict[str, Any]] = []
        for row in by_company[company_id]:
            seq += 1
            link = ChainedEvent(
                row.id, company_id, seq, row.occurred_at, row.actor, row.kind,
                row.document_id, row.payment_id, row.party_id, row.data, "",
            )  # fmt: skip
            previous = expected_hash(link, previous)
            links.append({"event_id": row.id, "company_id": company_id, "seq": seq, "hash": previous})
        session.execute(insert(EventChainRow), links)
        session.execute(
            update(HistoryHeadRow)
            .where(HistoryHeadRow.company_id == company_id)
            .values(last_seq=seq, last_event_id=links[-1]["event_id"], last_hash=previous)
        )


# The links computed where the head is: its row locked, each hash derived from the one before (the canonical form
# up to the place, which only the locked head gives, is sent ready), the links written and the head moved on, in
# one round trip instead of three. The same form and hash as `domain.history_chain` (tests/persistence check it).
_SEAL = text(
    """WITH RECURSIVE head AS (
  SELECT h.last_seq::bigint AS seq, h.last_hash::text AS hash FROM history_heads h
  WHERE h.company_id = :company FOR UPDATE
),
ev AS (SELECT * FROM json_to_recordset(CAST(:events AS json)) AS e(n bigint, id bigint, canonical text)),
chain AS (
  SELECT 0::bigint AS n, seq, hash FROM head
  UNION ALL
  SELECT e.n, c.seq + 1, encode(sha256(convert_to(c.hash || e.canonical || (c.seq + 1)::text || '}', 'UTF8')), 'hex')
  FROM chain c JOIN ev e ON e.n = c.n + 1
),
link AS (
  INSERT INTO event_chain (event_id, company_id, seq, hash)
  SELECT e.id, :company, c.seq, c.hash FROM chain c JOIN ev e ON e.n = c.n
),
moved AS (
  UPDATE history_heads h SET last_seq = c.seq, last_event_id = e.id, last_hash = c.hash
  FROM chain c JOIN ev e ON e.n = c.n
  WHERE h.company_id = :company AND c.n = :last
)
SELECT count(*) FROM head"""
)


def _seal_in_one(session: Session, company_id: int, rows: list[EventRow]) -> bool:
    """Chain `rows` (in id order) in one statement; False, with nothing written, when the company has no head row
    yet (its first events: the head is made by `_lock_head`)."""
    events = []
    for n, row in enumerate(rows, 1):
        content = canonical(
            id=row.id, company_id=company_id, seq=0, occurred_at=row.occurred_at, actor=row.actor, kind=row.kind,
            document_id=row.document_id, payment_id=row.payment_id, party_id=row.party_id, data=row.data,
        )  # fmt: skip
        tail = b"0}"  # "seq" is the form's last key: its value and the closing brace are written in SQL
        assert content.endswith(b',"seq":' + tail), "the canonical form of an event ends with its place"
        events.append({"n": n, "id": row.id, "canonical": content[: -len(tail)].decode()})
    found = session.execute(_SEAL, {"company": company_id, "events": json.dumps(events), "last": len(rows)})
    return bool(found.scalar_one())


def _lock_head(session: Session, company_id: int) -> tuple[int, str]:
    """Lock the company's head row (creating it on the first event) and return its last place and hash."""
    locked = select(HistoryHeadRow.last_seq, HistoryHeadRow.last_hash).where(HistoryHeadRow.company_id == company_id)
    head = session.execute(locked.with_for_update()).first()
    if head is None:
        dialect = session.get_bind().dialect.name
        upsert = pg_insert if dialect == "postgresql" else sqlite_insert
        session.execute(
            upsert(HistoryHeadRow)
            .values(company_id=company_id, last_seq=0, last_event_id=None, last_hash=GENESIS)
            .on_conflict_do_nothing(index_elements=["company_id"])
        )
        head = session.execute(locked.with_for_update()).one()
    return int(head.last_seq), str(head.last_hash)


def has_unsealed_events(session: Session) -> bool:
    """Whether this transaction inserted events through the ORM that its commit hook has still to chain."""
    return bool(session.info.get(_UNSEALED))


@event.listens_for(EventRow, "before_insert")
def _in_utc(_mapper: Any, _connection: Any, row: EventRow) -> None:
    """SQLite keeps an instant without its offset: store it in UTC, so that it reads back as the same instant."""
    row.occurred_at = (
        row.occurred_at.replace(tzinfo=UTC) if row.occurred_at.tzinfo is None else row.occurred_at.astimezone(UTC)
    )


@event.listens_for(Session, "after_flush")
def _remember_new_events(session: Session, _flush: UOWTransaction) -> None:
    new = [obj for obj in session.new if isinstance(obj, EventRow)]
    if new:
        session.info.setdefault(_UNSEALED, []).extend(new)


@event.listens_for(Session, "before_commit")
def _seal_new_events(session: Session) -> None:
    session.flush()  # the events still pending get their ids (and are remembered) first
    events = [row for row in session.info.pop(_UNSEALED, ()) if inspect(row).persistent]  # not rolled back
    if events:
        seal(session, events)
        session.flush()


@event.listens_for(Session, "after_transaction_end")
def _forget_new_events(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended (committed or rolled back)
        session.info.pop(_UNSEALED, None)
