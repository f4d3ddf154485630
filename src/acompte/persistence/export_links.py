"""The links a ledger's matching letters need: allocations and refunds, walked from the ledger's own keys.

Lines are matched through links (a payment and each document it settles, a credit note and the invoice it pays,
a refund and the credit it gives back), and a group may chain through keys the ledger does not hold (a payment
of another month settling two invoices, one of them posted in this month). Reading every link of the company
would follow its whole history; instead the walk starts from the ledger's keys and reads, level by level, the
allocations and refunds touching a key reached so far, until no new key appears. The ids of a level go as one
array parameter (PostgreSQL `= ANY(…)`, SQLite `json_each`), in slices of a fixed size: a statement's parameter
count never depends on the data, and a month's thousands of keys cost a few statements, not one per 250 keys.
It returns every link of each connected group holding one of the keys: the groups, hence the letters, are
exactly those all the company's links would give.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, any_, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session

from acompte.persistence.rows import AllocationRow, RefundRow

_KINDS = ("doc", "pay")
#: Ids sent in one array parameter at most: the statements stay few and their text and plans bounded.
SLICE = 5_000


def among(session: Session, column: InstrumentedAttribute[Any], ids: list[int]) -> ColumnElement[bool]:
    """`column` is one of `ids`, with the ids in a single parameter."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(cast(bindparam("ids", ids, type_=ARRAY(BigInteger)), ARRAY(BigInteger)))
    listed = func.json_each(bindparam("ids", json.dumps(ids))).table_valued("value")
    return column.in_(select(listed.c.value))


def _parsed(key: str) -> tuple[str, int] | None:
    """("doc", 12) for "doc:12", ("pay", 7) for "pay:7"; None for a key no link can name."""
    kind, _, rest = key.partition(":")
    return (kind, int(rest)) if kind in _KINDS and rest.isdecimal() else None


def _allocation_pair(row: Any) -> tuple[str, str]:
    source = f"pay:{row.payment_id}" if row.payment_id is not None else f"doc:{row.credit_document_id}"
    return source, f"doc:{row.document_id}"


def _refund_pair(row: Any) -> tuple[str, str]:
    given_back = f"pay:{row.source_payment_id}" if row.source_payment_id is not None else f"doc:{row.source_credit_id}"
    return f"pay:{row.payment_id}", given_back


def linked_pairs(session: Session, company_id: int, keys: Iterable[str]) -> list[tuple[str, str]]:
    """Every allocation (payment or credit note, document it settles) and refund (refund payment, the credit it
    gives back) of the company in a connected group holding one of `keys`, as pairs of matching keys."""
    allocations = select(
        AllocationRow.id, AllocationRow.payment_id, AllocationRow.credit_document_id, AllocationRow.document_id
    ).where(AllocationRow.company_id == company_id)
    refunds = select(RefundRow.id, RefundRow.payment_id, RefundRow.source_payment_id, RefundRow.source_credit_id).where(
        RefundRow.company_id == company_id
    )
    # which column names a key of each kind
    by_kind = {
        "pay": (
            (allocations, AllocationRow.payment_id),
            (refunds, RefundRow.payment_id),
            (refunds, RefundRow.source_payment_id),
        ),
        "doc": (
            (allocations, AllocationRow.document_id),
            (allocations, AllocationRow.credit_document_id),
            (refunds, RefundRow.source_credit_id),
        ),
    }
    pairs: dict[tuple[str, int], tuple[str, str]] = {}  # by table and row: a link is read once per side
    seen: set[tuple[str, int]] = set()
    frontier = {parsed for parsed in map(_parsed, keys) if parsed is not None}
    while frontier:
        seen |= frontier
        reached: set[tuple[str, int]] = set()
        for kind in _KINDS:
            ids = sorted(number for k, number in frontier if k == kind)
            for stmt, column in by_kind[kind]:
                table, pair = ("a", _allocation_pair) if stmt is allocations else ("r", _refund_pair)
                for start in range(0, len(ids), SLICE):
                    for row in session.execute(stmt.where(among(session, column, ids[start : start + SLICE]))):
                        if (table, row.id) not in pairs:
                            pairs[(table, row.id)] = found = pair(row)
                            reached.update(p for p in map(_parsed, found) if p is not None)
        frontier = reached - seen
    return list(pairs.values())
