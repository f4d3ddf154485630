"""Recording a payment on PostgreSQL in two round trips, through psycopg's pipeline on the unit of work's own
connection (so the repositories still work in the same transaction, for what they alone compute).

1. `read`: the company's currency and settings, the party, the method, the treasury accounts, the origin
   document; the number series' next value (its row locked, as `SeriesRepository.next_value` does); the
   documents to settle locked in id order (`FOR UPDATE`), then, in a statement of its own and so in a snapshot
   taken once they are locked, what settled them; ids for the new rows; and last the company's history head,
   locked (`history_heads`, as the commit hook of events_repository does). Same rows locked in the same order as
   the repositories' path: series, documents, head.
2. `write`: the payment, its allocations, its events and their links in the hash chain (domain.history_chain,
   computed here from the locked head exactly as `events_repository.seal` does) and the head moved on, sent
   with the COMMIT (`SqlUnitOfWork.commit` calls `send`).

A refusal after `read` rolls everything back: the series' counter with it, so numbering stays gapless.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.types.json import Json
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from acompte.domain.allocations import Settlement
from acompte.domain.documents import Document, Flow, Kind, State
from acompte.domain.errors import Reason, TemporarilyUnavailable
from acompte.domain.history_chain import ChainedEvent, expected_hash
from acompte.domain.money import Money
from acompte.persistence.events_repository import _lock_head
from acompte.services import deadline
from acompte.services.ports.payment_recording import RecordingFacts, RecordingQuery, RecordingWrite

_COMPANY = """
SELECT c.currency, c.settings,
  (SELECT p.name FROM parties p WHERE p.company_id = c.id AND p.id = %(party)s),
  (SELECT m.digital FROM payment_methods m WHERE m.company_id = c.id AND m.code = %(method)s AND m.active),
  ARRAY(SELECT a.id FROM treasury_accounts a WHERE a.company_id = c.id AND a.active ORDER BY a.id),
  ARRAY(SELECT a.kind FROM treasury_accounts a WHERE a.company_id = c.id AND a.active ORDER BY a.id),
  (SELECT count(*) FROM documents o WHERE o.company_id = c.id AND o.id = %(origin)s),
  (SELECT o.exchange_rate FROM documents o WHERE o.company_id = c.id AND o.id = %(origin)s)
FROM companies c WHERE c.id = %(company)s"""

_NEXT_NUMBER = """
INSERT INTO number_series (company_id, key, year, last_value)
SELECT %(company)s, %(key)s, %(year)s, 1 WHERE EXISTS (SELECT 1 FROM companies WHERE id = %(company)s)
ON CONFLICT (company_id, key, year) DO UPDATE SET last_value = number_series.last_value + 1
RETURNING last_value"""

_LOCK_DOCUMENTS = """
SELECT d.id, d.kind, d.flow, d.state, d.number, d.party_id, d.currency, d.issue_date, d.gross_minor, d.net_minor,
  d.origin_id, d.due_date, d.version, d.exchange_rate
FROM documents d WHERE d.company_id = %(company)s AND d.id = ANY(%(ids)s) ORDER BY d.id FOR UPDATE"""

# A statement of its own, after the lock: a new snapshot sees every allocation committed before it was granted.
_SETTLED = """
SELECT d.id,
  (SELECT coalesce(sum(a.amount_minor), 0) FROM allocations a
    WHERE a.company_id = %(company)s AND a.document_id = d.id)
  + (SELECT coalesce(sum(w.amount_minor), 0) FROM write_offs w
    WHERE w.company_id = %(company)s AND w.document_id = d.id),
  (SELECT coalesce(sum(x.amount_minor), 0) FROM deductions x
    WHERE x.company_id = %(company)s AND x.invoice_id = d.id)
FROM documents d WHERE d.company_id = %(company)s AND d.id = ANY(%(ids)s)"""

_IDS = """
SELECT nextval(pg_get_serial_sequence('payments', 'id')),
  ARRAY(SELECT nextval(pg_get_serial_sequence('allocations', 'id')) FROM generate_series(1, %(allocations)s)),
  ARRAY(SELECT nextval(pg_get_serial_sequence('events', 'id')) FROM generate_series(1, %(events)s))"""

_LOCK_HEAD = "SELECT last_seq, last_hash FROM history_heads WHERE company_id = %(company)s FOR UPDATE"

_INSERT_PAYMENT = """
INSERT INTO payments (id, company_id, number, party_id, direction, method, digital, account_id, payment_date,
  amount_minor, currency, state, reference, comment, exported, origin_document_id, exchange_rate, version,
  created_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"""

_INSERT_ALLOCATION = """
INSERT INTO allocations (id, company_id, payment_id, credit_document_id, document_id, amount_minor, currency,
  created_at)
VALUES (%s, %s, %s, NULL, %s, %s, %s, %s)"""

_INSERT_EVENT = """
INSERT INTO events (id, company_id, occurred_at, actor, kind, document_id, payment_id, party_id, data)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"""

_INSERT_LINK = "INSERT INTO event_chain (event_id, company_id, seq, hash) VALUES (%s, %s, %s, %s)"

_MOVE_HEAD = "UPDATE history_heads SET last_seq = %s, last_event_id = %s, last_hash = %s WHERE company_id = %s"


def _utc(value: datetime) -> datetime:
    """As events_repository stores an instant (and so as it is hashed)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class PgPaymentRecorder:
    """One per unit of work: what `read` locked and reserved is what `write` uses."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._company_id = 0
        self._head: tuple[int, str] | None = None
        self._event_ids: list[int] = []
        self._staged: list[tuple[str, Any]] = []

    def _connection(self) -> psycopg.Connection[Any]:
        raw = self.session.connection().connection.driver_connection
        assert isinstance(raw, psycopg.Connection)
        return raw

    @contextmanager
    def _round_trip(self) -> Iterator[psycopg.Connection[Any]]:
        """One pipeline; a database error is raised as SQLAlchemy raises it (the unit of work tells a transient
        one from the others by that)."""
        if deadline.expired():
            raise TemporarilyUnavailable(reason=Reason.REQUEST_DEADLINE, retry_after=deadline.RETRY_AFTER)
        connection = self._connection()
        try:
            with connection.pipeline():
                yield connection
        except psycopg.Error as error:
            raise sa_exc.DBAPIError.instance("pipeline", None, error, psycopg.Error) from error

    def read(self, query: RecordingQuery) -> RecordingFacts:
        company = query.company_id
        ids = list(query.document_ids)
        with self._round_trip() as connection:
            facts = connection.execute(
                _COMPANY,
                {
                    "company": company,
                    "party": query.party_id,
                    "method": query.method,
                    "origin": query.origin_document_id,
                },
            )
            number = connection.execute(_NEXT_NUMBER, {"company": company, "key": query.series_key, "year": query.year})
            locked = connection.execute(_LOCK_DOCUMENTS, {"company": company, "ids": ids}) if ids else None
            settled = connection.execute(_SETTLED, {"company": company, "ids": ids}) if ids else None
            reserved = connection.execute(_IDS, {"allocations": query.allocations, "events": 1 + query.allocations})
            head = connection.execute(_LOCK_HEAD, {"company": company})
        row = facts.fetchone()
        taken = number.fetchone()
        series_value = int(taken[0]) if taken else 0
        sums = {int(r[0]): (int(r[1]), int(r[2])) for r in settled.fetchall()} if settled else {}
        documents = {}
        for r in locked.fetchall() if locked else ():
            doc = Document(
                id=r[0], company_id=company, kind=Kind(r[1]), flow=Flow(r[2]), state=State(r[3]), party_id=r[5],
                currency=r[6], issue_date=r[7], gross=Money.from_minor(r[8], r[6]), net=Money.from_minor(r[9], r[6]),
                number=r[4], origin_id=r[10], due_date=r[11], version=r[12], lines=(),
                exchange_rate=None if r[13] is None else Decimal(r[13]),
            )  # fmt: skip
            allocated, deducted = sums[doc.id]
            documents[doc.id] = (
                doc,
                Settlement(
                    gross=doc.gross,
                    allocated=Money.from_minor(allocated, doc.currency),
                    deducted=Money.from_minor(deducted, doc.currency),
                ),
            )
        payment_id, allocation_ids, event_ids = reserved.fetchone()  # type: ignore[misc]
        locked_head = head.fetchone()
        self._company_id = company
        self._event_ids = sorted(int(i) for i in event_ids)
        self._head = None if locked_head is None else (int(locked_head[0]), str(locked_head[1]))
        if row is None:
            return RecordingFacts(None, {}, None, None, (), False, None, {}, series_value, int(payment_id), ())
        return RecordingFacts(
            currency=row[0],
            settings=row[1] or {},
            party_name=row[2],
            method_digital=row[3],
            accounts=tuple(zip((int(i) for i in row[4]), row[5], strict=True)),
            origin_found=bool(row[6]),
            origin_rate=None if row[7] is None else Decimal(row[7]),
            documents=documents,
            series_value=series_value,
            payment_id=int(payment_id),
            allocation_ids=tuple(sorted(int(i) for i in allocation_ids)),
        )

    def write(self, decided: RecordingWrite) -> None:
        payment = decided.payment
        staged: list[tuple[str, Any]] = [
            (
                _INSERT_PAYMENT,
                (
                    payment.id, payment.company_id, payment.number, payment.party_id, payment.direction.value,
                    payment.method, payment.digital, payment.account_id, payment.payment_date,
                    payment.amount.minor_units, payment.currency, payment.state.value, payment.reference,
                    payment.comment, payment.exported, payment.origin_document_id,
                    None if payment.exchange_rate is None else str(payment.exchange_rate), payment.version,
                    decided.created_at,
                ),
            )
        ]  # fmt: skip
        for allocation in decided.allocations:
            staged.append(
                (
                    _INSERT_ALLOCATION,
                    (
                        allocation.id, payment.company_id, payment.id, allocation.document_id,
                        allocation.amount.minor_units, allocation.amount.currency, allocation.created_at,
                    ),
                )
            )  # fmt: skip
        if self._head is None:  # the company's first event: create its head as the commit hook does
            self._head = _lock_head(self.session, self._company_id)
        seq, previous = self._head
        company = self._company_id
        event_id = 0
        for event_id, written in zip(self._event_ids, decided.events, strict=True):
            event, when = written.event, _utc(written.occurred_at)
            staged.append(
                (
                    _INSERT_EVENT,
                    (
                        event_id, event.company_id, when, written.actor, str(event.kind), event.document_id,
                        event.payment_id, event.party_id, Json(event.data),
                    ),
                )
            )  # fmt: skip
            seq += 1
            link = ChainedEvent(
                event_id, company, seq, when, written.actor, str(event.kind),
                event.document_id, event.payment_id, event.party_id, event.data, "",
            )  # fmt: skip
            previous = expected_hash(link, previous)
            staged.append((_INSERT_LINK, (event_id, company, seq, previous)))
        staged.append((_MOVE_HEAD, (seq, event_id, previous, company)))
        self._staged = staged

    @property
    def pending(self) -> bool:
        return bool(self._staged)

    def send(self, *, commit: bool) -> None:
        """The staged writes in one round trip, followed by COMMIT when asked (the caller tells SQLAlchemy)."""
        staged, self._staged = self._staged, []
        with self._round_trip() as connection:
            for sql, params in staged:
                connection.execute(sql, params)
            if commit:
                connection.execute("COMMIT")
