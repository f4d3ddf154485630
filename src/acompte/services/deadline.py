"""The deadline of the request being served, if any: the HTTP adapter sets it, the persistence layer keeps it.

A context variable, so that it follows the request into the thread that runs its use cases (Starlette copies
the context there). The database engine refuses to start a statement once it has passed and, on PostgreSQL,
shortens the statement timeout to the time left: the request's transaction is rolled back and the use case
raises `TemporarilyUnavailable`, instead of holding a worker, a connection and its locks for ever.
Outside a request (the command line) there is no deadline.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_deadline: ContextVar[float | None] = ContextVar("acompte_deadline", default=None)


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Run the block under a deadline `seconds` from now (0 or less: no deadline)."""
    token = _deadline.set(time.monotonic() + seconds if seconds > 0 else None)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left before the deadline (0 once passed), or None without a deadline."""
    deadline = _deadline.get()
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def expired() -> bool:
    deadline = _deadline.get()
    return deadline is not None and time.monotonic() >= deadline
