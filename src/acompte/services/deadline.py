"""The deadline of the request being served, if any: the HTTP adapter sets it, the persistence layer keeps it.

A context variable, so that it follows the request into the thread that runs its use cases (Starlette copies
the context there). The database engine refuses to start a statement once it has passed and, on PostgreSQL,
shortens the statement timeout to the time left: the request's transaction is rolled back and the use case
raises `TemporarilyUnavailable`, instead of holding a worker, a connection and its locks for ever.

The adapter may also give up on a request stuck outside the database and answer « nothing was written »: a
`Budget` makes that answer and the request's commit exclusive — whichever comes first wins, never both.
Outside a request (the command line) there is no deadline.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from acompte.domain.errors import Reason, TemporarilyUnavailable

#: Retry-After (seconds) of a request refused past its deadline.
RETRY_AFTER = 5


class Budget:
    """The time a request may take, from now."""

    def __init__(self, seconds: float) -> None:
        self.ends = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._committed = False
        self._abandoned = False

    def remaining(self) -> float:
        return max(0.0, self.ends - time.monotonic())

    def expired(self) -> bool:
        return self._abandoned or time.monotonic() >= self.ends

    def abandon(self) -> bool:
        """Give the request up (its answer will say nothing was written), unless it has begun to commit."""
        with self._lock:
            if self._committed:
                return False
            self._abandoned = True
            return True

    def may_commit(self) -> None:
        """Before a commit: refused once the deadline has passed; from then on the request is not given up."""
        with self._lock:
            if self.expired():
                raise TemporarilyUnavailable(reason=Reason.REQUEST_DEADLINE, retry_after=RETRY_AFTER)
            self._committed = True


_budget: ContextVar[Budget | None] = ContextVar("acompte_deadline", default=None)


@contextmanager
def applied(budget: Budget | None) -> Iterator[None]:
    """Run the block under `budget` (None: no deadline)."""
    token = _budget.set(budget)
    try:
        yield
    finally:
        _budget.reset(token)


def remaining() -> float | None:
    """Seconds left before the deadline (0 once passed), or None without a deadline."""
    budget = _budget.get()
    return None if budget is None else budget.remaining()


def expired() -> bool:
    budget = _budget.get()
    return budget is not None and budget.expired()


def may_commit() -> None:
    """Before a commit: `TemporarilyUnavailable` once the request's deadline has passed (its client may have been
    told that nothing was written); else the commit goes ahead and the request is no longer given up."""
    budget = _budget.get()
    if budget is not None:
        budget.may_commit()
