"""Stored first responses to POST requests that carried an Idempotency-Key (kept 24 hours)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from acompte.persistence.access_rows import IdempotencyRow
from acompte.persistence.company_keys import WHOLE_DATABASE
from acompte.services.idempotency import StoredResponse
from acompte.services.ports.clock import Clock, SystemClock

#: How long a stored response is replayed.
RETENTION = timedelta(hours=24)


class IdempotencyRepository:
    def __init__(self, session: Session, clock: Clock | None = None) -> None:
        self.session = session
        self.clock: Clock = clock or SystemClock()

    def _insert(self, values: dict[str, Any]) -> bool:
        """Insert unless the key is taken (waiting, on PostgreSQL, for a concurrent holder to finish)."""
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(IdempotencyRow).values(**values).on_conflict_do_nothing().returning(IdempotencyRow.key)
        return self.session.execute(statement).first() is not None

    def _forget_expired(self, company_id: int, key: str) -> None:
        self.session.execute(
            delete(IdempotencyRow).where(
                IdempotencyRow.company_id == company_id,
                IdempotencyRow.key == key,
                IdempotencyRow.created_at < self.clock.now() - RETENTION,
            )
        )

    def reserve(self, company_id: int, key: str, *, fingerprint: str, method: str, path: str) -> StoredResponse | None:
        """Take the key for this transaction, or return what is stored under it (a live, earlier request)."""
        self._forget_expired(company_id, key)
        values = {
            "company_id": company_id,
            "key": key,
            "fingerprint": fingerprint,
            "method": method,
            "path": path[:500],
            "status_code": 0,
            "body": "",
            "headers": {},
            "created_at": self.clock.now(),
        }
        if self._insert(values):
            return None
        return self.get(company_id, key)

    def get(self, company_id: int, key: str) -> StoredResponse | None:
        row = self.session.scalars(
            select(IdempotencyRow).where(IdempotencyRow.company_id == company_id, IdempotencyRow.key == key)
        ).first()
        if row is None:
            return None
        return StoredResponse(
            fingerprint=row.fingerprint,
            status_code=row.status_code,
            body=row.body,
            headers=dict(row.headers or {}),
        )

    def store(self, company_id: int, key: str, response: StoredResponse) -> None:
        self.session.execute(
            update(IdempotencyRow)
            .where(IdempotencyRow.company_id == company_id, IdempotencyRow.key == key)
            .values(status_code=response.status_code, body=response.body, headers=response.headers)
        )

    def record(self, company_id: int, key: str, *, method: str, path: str, response: StoredResponse) -> None:
        """Store a response in a transaction of its own (the request's was rolled back)."""
        self._forget_expired(company_id, key)
        self._insert(
            {
                "company_id": company_id,
                "key": key,
                "fingerprint": response.fingerprint,
                "method": method,
                "path": path[:500],
                "status_code": response.status_code,
                "body": response.body,
                "headers": response.headers,
                "created_at": self.clock.now(),
            }
        )

    def purge(self) -> int:
        deleted = delete(IdempotencyRow).where(IdempotencyRow.created_at < self.clock.now() - RETENTION)
        # the retention is the same for every company: one purge of the whole table
        done = self.session.execute(deleted, execution_options=WHOLE_DATABASE)
        result = cast("CursorResult[Any]", done)  # a DELETE's result has a row count
        return int(result.rowcount or 0)
