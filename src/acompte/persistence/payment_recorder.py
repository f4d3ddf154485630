"""Recording a payment on PostgreSQL in two round trips, through psycopg's pipeline on the unit of work's own
connection (so the repositories still work in the same transaction, for what they alone compute).

1. `read`, two statements: the documents to settle locked in id order (`FOR UPDATE`); then, in a snapshot taken
   once they are locked, what settled them, with the company's currency and settings, the party, the method, the
   treasury accounts, the origin document, the number series' next value (read, not locked), ids for the new
   rows and whether the company's history head exists.
2. `write`, one statement sent with the COMMIT (`SqlUnitOfWork.commit` calls `send`): the number taken (the
   series' row locked, as `SeriesRepository.next_value` does), the history head locked after it, the payment,
   its allocations, its events and their links in the hash chain (`domain.history_chain`, computed in SQL from
   the locked head: the canonical form is built here with a placeholder for the number and without the event's
   place) and the head moved on. The rows every payment of a company shares are so locked for one round trip.
   Same order as the repositories' path: documents, series, head.

A refusal after `read` rolls everything back; the number is taken only by a payment that is written, in the
transaction that writes it, so numbering stays gapless. A statement to add to the writes goes into `_WRITE` (a
CTE of its own) or after it in `send`'s pipeline.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import psycopg
from psycopg import pq
from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session
from sqlalchemy.pool import PoolProxiedConnection

from acompte.domain.allocations import Settlement
from acompte.domain.documents import Document, Flow, Kind, State
from acompte.domain.errors import Reason, TemporarilyUnavailable
from acompte.domain.history_chain import GENESIS, canonical
from acompte.domain.money import Money
from acompte.domain.positions import COMMERCIAL_KINDS
from acompte.persistence.engine import CHECKOUTS, deadline_setting
from acompte.persistence.pg_pipeline import Pipeline, Statement, forget_parsed
from acompte.services import deadline
from acompte.services.ports.payment_recording import EventWrite, RecordingFacts, RecordingQuery, RecordingWrite

#: In a pooled connection's `info`: its pool checkout count when the recorder last took it.
_LAST_CHECKOUT = "acompte_recorder_checkout"

_BEGIN = Statement("acompte_begin", "BEGIN")
_COMMIT = Statement("acompte_commit", "COMMIT")
# A read's custom plans (PostgreSQL's choice for these) cost more to make, each time, than the statement itself;
# so do the writes' (keys and JSON rows: no value changes their plan). On a connection of its own the recorder's
# transaction holds only its statements: the setting stays until its COMMIT.
_GENERIC_PLANS = Statement("acompte_generic_plans", "SET LOCAL plan_cache_mode = force_generic_plan")
_DEFAULT_PLANS = Statement("acompte_default_plans", "SET LOCAL plan_cache_mode TO DEFAULT")

# Taken first, alone: the statement after it, in a new snapshot, sees every allocation committed before the locks
# were granted.
_LOCK_DOCUMENTS = Statement(
    "acompte_payment_lock_documents",
    """
SELECT d.id, d.kind, d.flow, d.state, d.number, d.party_id, d.currency, to_char(d.issue_date, 'YYYY-MM-DD'),
  d.gross_minor, d.net_minor, d.origin_id, to_char(d.due_date, 'YYYY-MM-DD'), d.version, d.exchange_rate::text
FROM documents d WHERE d.company_id = %(company)s AND d.id = ANY(%(ids)s::bigint[]) ORDER BY d.id FOR UPDATE""",
    {"company": "int8"},
)

# Every other fact, ids for the new rows (`nextval`: no lock) and whether the history head exists. The number
# series is only read here: its row is locked with the writes. One JSON value: one call converts it all. What
# settled each document is its summary row (persistence/document_sums.py: its allocations, payments' and credits',
# and write-offs; its deductions), kept by triggers in the transactions that write those facts: a snapshot sees
# the facts and their sums together, and the row costs one lookup whatever the document's history.
_FACTS = Statement(
    "acompte_payment_facts",
    """
SELECT json_build_array(c.currency, c.settings,
  (SELECT p.name FROM parties p WHERE p.company_id = c.id AND p.id = %(party)s),
  (SELECT m.digital FROM payment_methods m WHERE m.company_id = c.id AND m.code = %(method)s AND m.active),
  ARRAY(SELECT a.id FROM treasury_accounts a WHERE a.company_id = c.id AND a.active ORDER BY a.id),
  ARRAY(SELECT a.kind FROM treasury_accounts a WHERE a.company_id = c.id AND a.active ORDER BY a.id),
  (SELECT count(*) FROM documents o WHERE o.company_id = c.id AND o.id = %(origin)s),
  (SELECT o.exchange_rate::text FROM documents o WHERE o.company_id = c.id AND o.id = %(origin)s),
  coalesce((SELECT s.last_value FROM number_series s
    WHERE s.company_id = c.id AND s.key = %(key)s AND s.year = %(year)s), 0) + 1,
  EXISTS (SELECT 1 FROM history_heads h WHERE h.company_id = c.id),
  nextval(pg_get_serial_sequence('payments', 'id')),
  ARRAY(SELECT nextval(pg_get_serial_sequence('allocations', 'id')) FROM generate_series(1, %(allocations)s)),
  ARRAY(SELECT nextval(pg_get_serial_sequence('events', 'id')) FROM generate_series(1, %(events)s)),
  settled.ids, settled.allocated, settled.deducted)
FROM companies c
CROSS JOIN LATERAL (
  SELECT array_agg(s.document_id ORDER BY s.document_id) AS ids,
    array_agg(s.pay + s.cred + s.wo ORDER BY s.document_id) AS allocated,
    array_agg(s.ded ORDER BY s.document_id) AS deducted
  FROM document_sums s WHERE s.company_id = c.id AND s.document_id = ANY(%(ids)s::bigint[])
) settled
WHERE c.id = %(company)s""",
    {"company": "int8", "party": "int8", "origin": "int8", "year": "int4", "allocations": "int4", "events": "int4"},
)

# The company's first event: its head made before the writes lock it (a statement of its own, so that the
# writes' snapshot sees it).
_MAKE_HEAD = Statement(
    "acompte_payment_make_head",
    """
INSERT INTO history_heads (company_id, last_seq, last_event_id, last_hash) VALUES (%(company)s, 0, NULL, %(genesis)s)
ON CONFLICT (company_id) DO NOTHING""",
    {"company": "int8"},
)

# Every write in one statement, the shared rows locked last and held only for it and the COMMIT: the number
# series' row (the same upsert as `SeriesRepository.next_value`), then the history head (its lock waits for the
# series' one: it reads `num`). The number goes where the placeholder stands — the payment, its events' data and
# their canonical form — and each event is chained to the one before (`domain.history_chain.link`: sha256 of the
# previous hash and the canonical bytes, which end with the event's place, `"seq":N}`).
_WRITE = Statement(
    "acompte_payment_write",
    """
WITH RECURSIVE
num AS (
  INSERT INTO number_series (company_id, key, year, last_value) VALUES (%(company)s, %(key)s, %(year)s, 1)
  ON CONFLICT (company_id, key, year) DO UPDATE SET last_value = number_series.last_value + 1
  RETURNING lpad(last_value::text, greatest(%(width)s, length(last_value::text)), '0') AS counter
),
head AS (
  SELECT h.last_seq::bigint AS seq, h.last_hash::text AS hash FROM history_heads h CROSS JOIN num
  WHERE h.company_id = %(company)s FOR UPDATE OF h
),
ev AS (
  SELECT * FROM json_to_recordset(%(events)s::json) AS e(n bigint, id bigint, occurred_at timestamptz, actor text,
    kind text, document_id bigint, payment_id bigint, party_id bigint, data text, canonical text)
),
chain AS (
  SELECT 0::bigint AS n, seq, hash FROM head
  UNION ALL
  SELECT e.n, c.seq + 1, encode(sha256(convert_to(
    c.hash || replace(e.canonical, %(mark)s, %(stem_canonical)s::text || num.counter) || (c.seq + 1)::text || '}',
    'UTF8')), 'hex')
  FROM chain c JOIN ev e ON e.n = c.n + 1 CROSS JOIN num
),
payment AS (
  INSERT INTO payments (id, company_id, number, party_id, direction, method, digital, account_id, payment_date,
    amount_minor, currency, state, reference, comment, exported, origin_document_id, exchange_rate, version,
    created_at)
  SELECT %(p_id)s, %(company)s, %(stem)s::text || num.counter, %(p_party)s, %(p_direction)s::text,
    %(p_method)s::text, %(p_digital)s, %(p_account)s, %(p_date)s::date, %(p_amount)s, %(p_currency)s::text,
    %(p_state)s::text, %(p_reference)s::text, %(p_comment)s::text, %(p_exported)s, %(p_origin)s::bigint,
    %(p_rate)s::text, %(p_version)s, %(p_created)s::timestamptz
  FROM num
),
allocation AS (
  INSERT INTO allocations (id, company_id, payment_id, credit_document_id, document_id, amount_minor, currency,
    created_at)
  SELECT a.id, %(company)s, %(p_id)s, NULL, a.document_id, a.amount, a.currency, a.created_at
  FROM json_to_recordset(%(allocations)s::json)
    AS a(id bigint, document_id bigint, amount bigint, currency text, created_at timestamptz)
),
event AS (
  INSERT INTO events (id, company_id, occurred_at, actor, kind, document_id, payment_id, party_id, data)
  SELECT e.id, %(company)s, e.occurred_at, e.actor, e.kind, e.document_id, e.payment_id, e.party_id,
    replace(e.data, %(mark)s, %(stem_data)s::text || num.counter)::json
  FROM ev e CROSS JOIN num
),
link AS (
  INSERT INTO event_chain (event_id, company_id, seq, hash)
  SELECT e.id, %(company)s, c.seq, c.hash FROM chain c JOIN ev e ON e.n = c.n
),
moved AS (
  UPDATE history_heads h SET last_seq = c.seq, last_event_id = e.id, last_hash = c.hash
  FROM chain c JOIN ev e ON e.n = c.n
  WHERE h.company_id = %(company)s AND c.n = %(last)s
)
SELECT %(stem)s::text || counter FROM num""",
    {
        "company": "int8", "year": "int4", "width": "int4", "p_id": "int8", "p_party": "int8", "p_digital": "bool",
        "p_account": "int8", "p_amount": "int8", "p_exported": "bool", "p_version": "int4", "last": "int8",
    },
)  # fmt: skip


def _utc(value: datetime) -> datetime:
    """As events_repository stores an instant (and so as it is hashed)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class PgPaymentRecorder:
    """One per unit of work: what `read` reserved is what `write` uses.

    A use case of its own (`may_own_connection`, the session not in a transaction yet) runs on a connection the
    recorder takes from the pool itself, past the ORM session, and gives back once committed (`send`) or rolled
    back (`release`). Otherwise — inside another use case's transaction, or when a document to settle is of an
    order's family, whose balance the repositories compute — on the session's connection, in its transaction."""

    def __init__(self, session: Session, may_own_connection: Callable[[], bool]) -> None:
        self.session = session
        self._may_own = may_own_connection
        self._owned: PoolProxiedConnection | None = None
        self._company_id = 0
        self._head_exists = True
        self._event_ids: list[int] = []
        self._placeholder = ""
        self._staged: Pipeline | None = None
        self._number: str | None = None

    @property
    def owns_connection(self) -> bool:
        return self._owned is not None

    def _pipeline(self) -> Pipeline:
        """A pipeline on this use case's connection, its transaction begun first if it is not yet."""
        if deadline.expired():
            raise TemporarilyUnavailable(reason=Reason.REQUEST_DEADLINE, retry_after=deadline.RETRY_AFTER)
        session, engine = self.session, self.session.get_bind()
        owning = isinstance(engine, Engine) and self._may_own() and not session.in_transaction()
        if self._owned is None and owning and isinstance(engine, Engine):
            self._owned = owned = engine.raw_connection()  # the pool's checkout: a stale one replaced, not pinged
            info = owned.info
            if info.get(CHECKOUTS) != info.get(_LAST_CHECKOUT, -1) + 1:
                forget_parsed(info)  # someone else used it since: psycopg may have deallocated every statement
            info[_LAST_CHECKOUT] = info.get(CHECKOUTS)
        pooled = self._owned if self._owned is not None else session.connection().connection
        connection = pooled.driver_connection
        assert isinstance(connection, psycopg.Connection)
        # named statements on a connection of its own only (the ORM's use of the session's one is not counted)
        pipeline = Pipeline(connection, pooled.info if self._owned is not None else None)
        if connection.pgconn.transaction_status == pq.TransactionStatus.IDLE:
            pipeline.add(_BEGIN)
            setting = deadline_setting(engine) if self._owned is not None and isinstance(engine, Engine) else None
            if setting is not None:  # the session's transactions run it from SQLAlchemy's « begin » event
                pipeline.add_unnamed(setting)
        return pipeline

    def _run(self, pipeline: Pipeline) -> list[pq.abc.PGresult | None]:
        """One round trip; a database error is raised as SQLAlchemy raises it (the unit of work tells a transient
        one from the others by that)."""
        try:
            return pipeline.run()
        except psycopg.Error as error:
            raise sa_exc.DBAPIError.instance("pipeline", None, error, psycopg.Error) from error

    def release(self) -> None:
        """The connection taken from the pool given back, its transaction rolled back if still open."""
        self._staged = None
        owned = self._owned
        if owned is None:
            return
        try:
            self._end_owned_transaction()
        finally:
            self._owned = None
            connection = owned.driver_connection
            if connection is None or connection.closed or getattr(connection, "broken", False):
                owned.invalidate()
            else:
                owned.close()

    def _end_owned_transaction(self) -> None:
        """Rolled back here rather than by the pool's reset: psycopg's rollback would deallocate every statement
        parsed on the connection if it had prepared any of its own."""
        assert self._owned is not None
        connection = self._owned.driver_connection
        assert isinstance(connection, psycopg.Connection)
        if not connection.closed and connection.pgconn.transaction_status != pq.TransactionStatus.IDLE:
            pipeline = Pipeline(connection, None)
            pipeline.add_unnamed("ROLLBACK")
            self._run(pipeline)

    def read(self, query: RecordingQuery, *, again: bool = False) -> RecordingFacts:
        company = query.company_id
        listed = [int(i) for i in query.document_ids]
        ids = "{" + ",".join(map(str, listed)) + "}"
        pipeline = self._pipeline()
        # the two reads planned once per connection: their plans do not depend on the values (ids, a company)
        pipeline.add(_GENERIC_PLANS)
        locked = pipeline.add(_LOCK_DOCUMENTS, {"company": company, "ids": ids}) if listed else None
        fact = pipeline.add(
            _FACTS,
            {
                "company": company, "party": query.party_id, "method": query.method,
                "origin": query.origin_document_id, "key": query.series_key, "year": query.year,
                "allocations": query.allocations, "events": 1 + query.allocations, "ids": ids,
            },
        )  # fmt: skip
        if self._owned is None:  # the session's transaction goes on with the ORM's statements: planned as usual
            pipeline.add(_DEFAULT_PLANS)
        try:
            results = self._run(pipeline)
        except sa_exc.DBAPIError as error:
            owned = self._owned
            if owned is None or again or not isinstance(error.orig, psycopg.errors.InvalidSqlStatementName):
                raise
            forget_parsed(owned.info)  # deallocated meanwhile (see Pipeline): its transaction had just begun
            self._end_owned_transaction()
            return self.read(query, again=True)
        self._company_id, self._number = company, None
        self._placeholder = f"number{secrets.token_hex(16)}"  # letters and digits: the same in any JSON text
        documents = _documents(company, results[locked]) if locked is not None else {}
        if self._owned is not None and any(d.kind in COMMERCIAL_KINDS for d in documents.values()):
            # The repositories compute an order's balance (its family's documents), in this transaction: read
            # again on the session's connection (nothing written yet, the locks released meanwhile).
            self.release()
            self._may_own = _never
            return self.read(query)
        result = results[fact]
        assert result is not None
        value = result.get_value(0, 0) if result.ntuples else None
        if value is None:
            return RecordingFacts(None, {}, None, None, (), False, None, {}, 0, (), 0, self._placeholder)
        row = json.loads(value)
        self._head_exists = bool(row[9])
        self._event_ids = sorted(int(i) for i in row[12])
        sums = dict(zip(row[13] or (), zip(row[14] or (), row[15] or (), strict=True), strict=True))
        settled = {}
        for document_id, document in documents.items():
            allocated, deducted = sums[document_id]
            settled[document_id] = (
                document,
                Settlement(
                    gross=document.gross,
                    allocated=Money.from_minor(int(allocated), document.currency),
                    deducted=Money.from_minor(int(deducted), document.currency),
                ),
            )
        return RecordingFacts(
            currency=row[0],
            settings=row[1] or {},
            party_name=row[2],
            method_digital=row[3],
            accounts=tuple(zip((int(i) for i in row[4]), row[5], strict=True)),
            origin_found=bool(row[6]),
            origin_rate=None if row[7] is None else Decimal(row[7]),
            documents=settled,
            payment_id=int(row[10]),
            allocation_ids=tuple(sorted(int(i) for i in row[11])),
            series_next=int(row[8]),
            number_placeholder=self._placeholder,
        )

    def write(self, decided: RecordingWrite) -> None:
        payment, company, number = decided.payment, self._company_id, decided.number
        allocations = decided.allocations
        events = list(zip(self._event_ids, decided.events, strict=True))
        params: dict[str, Any] = {
            "company": company, "key": number.key, "year": number.year, "width": number.width,
            "stem": number.stem, "mark": self._placeholder,
            # the number's characters as each JSON text writes them: the stored data (json.dumps, as psycopg's
            # Json) and the canonical form (UTF-8 as is)
            "stem_data": json.dumps(number.stem)[1:-1],
            "stem_canonical": json.dumps(number.stem, ensure_ascii=False)[1:-1],
            "p_id": payment.id, "p_party": payment.party_id, "p_direction": payment.direction.value,
            "p_method": payment.method, "p_digital": payment.digital, "p_account": payment.account_id,
            "p_date": payment.payment_date, "p_amount": payment.amount.minor_units, "p_currency": payment.currency,
            "p_state": payment.state.value, "p_reference": payment.reference, "p_comment": payment.comment,
            "p_exported": payment.exported, "p_origin": payment.origin_document_id,
            "p_rate": None if payment.exchange_rate is None else str(payment.exchange_rate),
            "p_version": payment.version, "p_created": decided.created_at,
            # the rows as one JSON text each
            "allocations": json.dumps(
                [
                    {
                        "id": a.id, "document_id": a.document_id, "amount": a.amount.minor_units,
                        "currency": a.amount.currency, "created_at": a.created_at.isoformat(),
                    }
                    for a in allocations
                ]
            ),
            "events": json.dumps(
                [
                    {
                        "n": n, "id": i, "occurred_at": _utc(w.occurred_at).isoformat(), "actor": w.actor,
                        "kind": str(w.event.kind), "document_id": w.event.document_id,
                        "payment_id": w.event.payment_id, "party_id": w.event.party_id,
                        "data": json.dumps(w.event.data), "canonical": _canonical_before_seq(i, company, w),
                    }
                    for n, (i, w) in enumerate(events, 1)
                ]
            ),
            "last": len(events),
        }  # fmt: skip
        staged = self._pipeline()
        if not self._head_exists:
            staged.add(_MAKE_HEAD, {"company": company, "genesis": GENESIS})
        staged.add(_WRITE, params)
        self._staged = staged

    @property
    def pending(self) -> bool:
        return self._staged is not None

    def send(self, *, commit: bool) -> None:
        """The staged writes in one round trip, followed by COMMIT when asked (the caller tells SQLAlchemy, unless
        the recorder owns its connection: it is then given back to the pool)."""
        staged, self._staged = self._staged, None
        assert staged is not None, "send after write"
        if commit:
            staged.add(_COMMIT)
        results = self._run(staged)
        taken = results[-2 if commit else -1]
        assert taken is not None and taken.ntuples == 1  # the company exists: `read` found it
        value = taken.get_value(0, 0)
        assert value is not None
        self._number = value.decode()
        if commit:
            self.release()

    def number(self) -> str:
        assert self._number is not None, "the payment's number is taken when its writes are sent"
        return self._number


def _never() -> bool:
    return False


def _text(value: bytes | None) -> str:
    assert value is not None, "a column that is never null"
    return value.decode()


def _documents(company: int, result: pq.abc.PGresult | None) -> dict[int, Document]:
    """The locked documents, from `_LOCK_DOCUMENTS`' text values."""
    assert result is not None
    found: dict[int, Document] = {}
    value = result.get_value
    for r in range(result.ntuples):
        currency, number = _text(value(r, 6)), value(r, 4)
        origin, due, rate = value(r, 10), value(r, 11), value(r, 13)
        document = Document(
            id=int(_text(value(r, 0))), company_id=company, kind=Kind(_text(value(r, 1))),
            flow=Flow(_text(value(r, 2))), state=State(_text(value(r, 3))), party_id=int(_text(value(r, 5))),
            currency=currency, issue_date=date.fromisoformat(_text(value(r, 7))),
            gross=Money.from_minor(int(_text(value(r, 8))), currency),
            net=Money.from_minor(int(_text(value(r, 9))), currency), number=None if number is None else number.decode(),
            origin_id=None if origin is None else int(origin),
            due_date=None if due is None else date.fromisoformat(due.decode()), version=int(_text(value(r, 12))),
            lines=(), exchange_rate=None if rate is None else Decimal(rate.decode()),
        )  # fmt: skip
        found[document.id] = document
    return found


def _canonical_before_seq(event_id: int, company_id: int, written: EventWrite) -> str:
    """The event's canonical form (`domain.history_chain.canonical`) up to its place in the chain, which the
    writes append once the head is locked: `"seq"` is its last key, so the form ends with `"seq":N}`."""
    event = written.event
    content = canonical(
        id=event_id, company_id=company_id, seq=0, occurred_at=_utc(written.occurred_at), actor=written.actor,
        kind=str(event.kind), document_id=event.document_id, payment_id=event.payment_id, party_id=event.party_id,
        data=event.data,
    )  # fmt: skip
    tail = b',"seq":0}'
    assert content.endswith(tail), "the canonical form of an event ends with its place"
    return content[: -len(b"0}")].decode()
