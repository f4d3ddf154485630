"""What every repository shares: the session it works in, the one-row read that raises NotFound, and the
clock whose instant rows are stamped with (the unit of work's, so that a fixed clock fixes the timestamps too).

Every query filters on `company_id`. `lock=True` takes a row lock (SELECT … FOR UPDATE) on PostgreSQL; on
SQLite the whole transaction already holds the write lock (BEGIN IMMEDIATE, see engine.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Result, Select
from sqlalchemy.orm import Session

from acompte.domain.errors import NotFound
from acompte.services.ports.clock import Clock, SystemClock

_Row = TypeVar("_Row")


class Repo:
    def __init__(self, session: Session, clock: Clock | None = None) -> None:
        self.session = session
        self.clock: Clock = clock or SystemClock()

    def now(self) -> datetime:
        """When a row is written: UTC, timezone-aware."""
        return self.clock.now()

    def _one(self, stmt: Select[_Row], entity: str, id_: int, lock: bool = False) -> _Row:
        if lock:
            stmt = stmt.with_for_update()
        row = self.session.scalars(stmt).first()
        if row is None:
            raise NotFound(entity=entity, id=id_)
        return row


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched: an undo checks it, so that a row another transaction removed
    first is never recorded as removed twice."""
    return cast(CursorResult[Any], result).rowcount
