"""Reads repeated within one transaction answered from memory: a deposit family (an order's documents, their VAT
breakdowns, the deductions on them, the credit notes cancelling its invoices) is asked for many times by one use
case — by the rules of deductions, then by the positions, then by the issued files — and each ask was a round
trip.

An answer is kept with the tables it was read from, and dropped as soon as the transaction writes to one of
them, whatever the path: an ORM flush (the tables of the rows it writes), an INSERT, UPDATE or DELETE sent through
the session (its table), any other statement (everything dropped). A locked read (SELECT … FOR UPDATE) drops
everything too: what is read after the lock must be read again, as committed now. Rows added or changed but not
flushed yet are flushed before an answer is given, as the query itself would have done (autoflush). The cache
lives in the session and dies with the transaction (commit or rollback).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction
from sqlalchemy.sql.dml import UpdateBase

_KEY = "acompte.read_cache"
_LOCKED = "acompte.locked_documents"
_T = TypeVar("_T")


class ReadCache:
    def __init__(self) -> None:
        self._answers: dict[Hashable, tuple[frozenset[str], Any]] = {}

    def written(self, tables: Collection[str] | None) -> None:
        """Drop the answers read from any of `tables` (None: every answer)."""
        if not self._answers:
            return
        if tables is None:
            self._answers.clear()
            return
        for key in [k for k, (read_from, _) in self._answers.items() if not read_from.isdisjoint(tables)]:
            del self._answers[key]

    def __len__(self) -> int:
        return len(self._answers)


def _cache(session: Session) -> ReadCache:
    found = session.info.get(_KEY)
    if found is None:
        found = session.info[_KEY] = ReadCache()
    return found


def cached(session: Session, key: Hashable, tables: frozenset[str], read: Callable[[], _T]) -> _T:
    """The answer of `read()` for `key` in this transaction, read once until one of `tables` is written."""
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()  # what the query would have done first; the flush drops the answers it makes stale
    cache = _cache(session)
    found = cache._answers.get(key)
    if found is not None:
        return found[1]  # type: ignore[no-any-return]
    answer = read()
    cache._answers[key] = (tables, answer)
    return answer


def forget_reads(session: Session) -> None:
    """Drop every answer kept for this transaction: it is about to lock or write rows past the session (the
    payment recorder's own statements), which none of the session's events would tell."""
    cache = session.info.get(_KEY)
    if cache is not None:
        cache.written(None)


def locked_documents(session: Session) -> set[int]:
    """The documents whose rows this transaction has locked (SELECT … FOR UPDATE), to be added to by whoever locks
    one: a lock is held until the transaction ends, so a second lock of the same row would only repeat the read.
    Forgotten at the end of any transaction, a savepoint's included (rolling one back releases its locks)."""
    found = session.info.get(_LOCKED)
    if found is None:
        found = session.info[_LOCKED] = set()
    return found


def _tables_of(objects: Collection[Any]) -> set[str]:
    names = set()
    for obj in objects:
        table = getattr(type(obj), "__tablename__", None)
        if table is None:
            return set()  # unknown: the caller drops everything
        names.add(table)
    return names


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _flush: UOWTransaction) -> None:
    cache = session.info.get(_KEY)
    if cache is None or not len(cache):
        return
    objects = [*session.new, *session.dirty, *session.deleted]
    tables = _tables_of(objects)
    cache.written(tables if tables or not objects else None)


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    cache = state.session.info.get(_KEY)
    if cache is None or not len(cache):
        return
    statement = state.statement
    if state.is_select and getattr(statement, "_for_update_arg", None) is None:
        return
    table = getattr(statement, "table", None) if isinstance(statement, UpdateBase) else None
    name = getattr(table, "name", None)
    cache.written({name} if isinstance(name, str) else None)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None and not transaction.nested:
        return  # a flush's own subtransaction: the database transaction goes on
    session.info.pop(_KEY, None)
    session.info.pop(_LOCKED, None)
