"""Statements sent in one round trip straight through libpq (psycopg's `pq` layer), for the hot write paths.

psycopg's cursors cost about 0.1 ms of Python per statement (a cursor, adapting each parameter, its
prepared-statement bookkeeping, loading each value) and its pipeline as much again: more than PostgreSQL spends on
the statements of a payment. Here a statement is parsed once per connection under a name of its own, its
parameters are sent as text with the types declared in the statement, and its values are read back as text,
which the caller converts (the SQL returns what is cheap to convert: numbers, ISO dates, JSON).

A server error is raised as psycopg raises it (the same class, SQLSTATE and diagnostics); a broken connection as
psycopg's `OperationalError`. Either way every result of the round trip has been read first, so the connection is
left out of pipeline mode, in its transaction (failed, on an error) — or closed, if it cannot be (the pool then
replaces it).
"""

from __future__ import annotations

import re
import select
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import psycopg
from psycopg import pq
from psycopg.errors import error_from_result
from psycopg.postgres import types as pg_types

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")

#: Where a connection's record keeps the names of the statements already parsed on it.
_PARSED = "acompte_parsed_statements"


class Statement:
    """SQL with `%(name)s` parameters, parsed once per connection under `name`. `types` declares a parameter's
    PostgreSQL type where its use does not (a parameter of the select list of an INSERT … SELECT, an integer
    given to a function); the others are inferred by the server, as psycopg lets it infer a string's."""

    __slots__ = ("name", "params", "sql", "types")

    def __init__(self, name: str, sql: str, types: Mapping[str, str] | None = None) -> None:
        names: list[str] = []

        def number(match: re.Match[str]) -> str:
            if match.group(1) not in names:
                names.append(match.group(1))
            return f"${names.index(match.group(1)) + 1}"

        self.sql = _PLACEHOLDER.sub(number, sql).encode()
        self.name = name.encode()
        self.params = tuple(names)
        declared = types or {}
        unknown = set(declared) - set(names)
        assert not unknown, f"types declared for parameters the statement does not have: {unknown}"
        self.types = [pg_types[declared[n]].oid if n in declared else 0 for n in names]


def _iso(value: date) -> bytes:
    return value.isoformat().encode()  # and a datetime's: ISO 8601, what the server reads whatever its DateStyle


#: A parameter's text form by its type (bool before int, datetime before date: each is a subclass of the other).
_TEXT: dict[type, Callable[[Any], bytes]] = {
    bool: lambda value: b"t" if value else b"f",
    str: lambda value: str(value).encode(),
    int: lambda value: str(int(value)).encode(),
    datetime: _iso,
    date: _iso,
}

#: The same for exactly these types (not their subclasses), by the cheapest call that gives the same bytes.
_EXACT: dict[type, Callable[[Any], bytes]] = {**_TEXT, str: str.encode, int: b"%d".__mod__}


def text(value: Any) -> bytes | None:
    """A parameter in PostgreSQL's text form."""
    if value is None:
        return None
    convert = _TEXT.get(type(value))
    if convert is None:  # a subclass (a str enum…): by the first of its bases that has one
        kind = next((k for k in _TEXT if isinstance(value, k)), None)
        if kind is None:
            raise TypeError(f"no text form for a parameter of type {type(value).__name__}")
        convert = _TEXT[kind]
    return convert(value)


def forget_parsed(info: dict[Any, Any]) -> None:
    """The statements parsed on this connection are no longer known: each is closed and parsed again."""
    info.pop(_PARSED, None)


class Pipeline:
    """Statements queued, then `run` sends them with one Sync and returns each one's result.

    `info` (the pooled connection's): each statement parsed once per connection under its name, then only bound
    and executed. A statement parsed by name disappears with `DEALLOCATE ALL`, which psycopg sends itself when it
    rolls back a transaction after it prepared statements of its own: a connection the ORM may have used meanwhile
    is `forget_parsed` by the caller, and then each statement is closed (a no-op if it is gone) before it is parsed
    again. Without `info`, each statement is parsed unnamed, every time."""

    def __init__(self, connection: psycopg.Connection[Any], info: dict[Any, Any] | None) -> None:
        self.connection = connection
        self._named = info is not None
        self._parsed: set[bytes] = info.setdefault(_PARSED, set()) if info is not None else set()
        self._queue: list[tuple[Statement | bytes, Sequence[bytes | None]]] = []

    def add(self, statement: Statement, params: Mapping[str, Any] | None = None) -> int:
        """Queue a statement; its result will be at the index returned."""
        values: list[bytes | None] = []
        if params:
            # `text` inlined for the exact types it knows: a payment's thirty parameters are converted each time
            converters = _EXACT
            for name in statement.params:
                value = params[name]
                convert = converters.get(type(value))
                values.append(None if value is None else convert(value) if convert is not None else text(value))
        self._queue.append((statement, values))
        return len(self._queue) - 1

    def add_unnamed(self, sql: str) -> None:
        """Queue a statement without parameters that changes each time (not worth a name on the server)."""
        self._queue.append((sql.encode(), ()))

    def run(self) -> list[pq.abc.PGresult | None]:
        connection, queue, self._queue = self.connection, self._queue, []
        pgconn = connection.pgconn
        results: list[pq.abc.PGresult | None] = []
        pgconn.enter_pipeline_mode()
        try:
            fresh: list[bytes | None] = []  # per statement: its name, when it is parsed in this round trip
            for statement, values in queue:
                if isinstance(statement, bytes):
                    pgconn.send_query_params(statement, None)
                    fresh.append(None)
                    continue
                if not self._named:
                    pgconn.send_query_params(statement.sql, values, statement.types)
                    fresh.append(None)
                    continue
                if statement.name in self._parsed:
                    fresh.append(None)
                else:
                    pgconn.send_close_prepared(statement.name)
                    pgconn.send_prepare(statement.name, statement.sql, statement.types)
                    fresh.append(statement.name)
                pgconn.send_query_prepared(statement.name, values)
            pgconn.pipeline_sync()
            _flush(pgconn)
            for name in fresh:
                if name is not None:
                    _last(pgconn)  # the Close's
                    parsed = _last(pgconn)
                    if parsed is not None and parsed.status == pq.ExecStatus.COMMAND_OK:
                        self._parsed.add(name)
                    elif parsed is not None and parsed.status == pq.ExecStatus.FATAL_ERROR:
                        results.append(parsed)  # reported before the statement's own (aborted) result
                results.append(_last(pgconn))
            sync = _next(pgconn)
            assert sync is not None and sync.status == pq.ExecStatus.PIPELINE_SYNC, "one Sync, read last"
        except BaseException:
            connection.close()  # results left unread (or the connection lost): it cannot be used again
            raise
        pgconn.exit_pipeline_mode()
        for result in results:
            if result is not None and result.status == pq.ExecStatus.FATAL_ERROR:
                raise error_from_result(result, encoding=connection.info.encoding)
        return results  # one per statement queued


def _flush(pgconn: pq.abc.PGconn) -> None:
    """Send what libpq holds; while the socket is full, read what the server already answers (libpq's advice)."""
    while pgconn.flush():
        readable, _, _ = select.select([pgconn.socket], [pgconn.socket], [])
        if readable:
            pgconn.consume_input()


def _next(pgconn: pq.abc.PGconn) -> pq.abc.PGresult | None:
    """The next result, waiting for it without holding the GIL."""
    while pgconn.is_busy():
        select.select([pgconn.socket], [], [])
        pgconn.consume_input()
    return pgconn.get_result()


def _last(pgconn: pq.abc.PGconn) -> pq.abc.PGresult | None:
    """The result of the next statement: its last one, up to the empty one that ends it."""
    last = None
    while (result := _next(pgconn)) is not None:
        last = result
    return last
