"""The payment list in SQL: one page, the count and totals of every filtered payment, and every filtered row in
chunks (the CSV export and the API's pages, whose cursor is the last id seen).

What a payment has used is settled_sums.py's one definition (allocations, refunds, write-offs): a page in a
column's order reads its rows through an index and sums only for them (the correlated `payment_used_scalar`);
the totals, the "unallocated" order and its filter need every filtered payment's figure, so they read the
parts of `payment_used_parts` joined to the filtered payments and grouped by payment, once — the database
then picks a hash join or index lookups by the size of the selection. Nothing is stored.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select, text, tuple_, union_all
from sqlalchemy.orm import Session

from acompte.domain.money import Money
from acompte.domain.payments import PaymentState
from acompte.persistence import mapping
from acompte.persistence.rows import PartyRow, PaymentRow
from acompte.persistence.settled_sums import payment_used_parts, payment_used_scalar
from acompte.services.views import PaymentFilter, PaymentListTotals, PaymentView

ACTIVE = PaymentState.ACTIVE.value


def conditions(company_id: int, f: PaymentFilter) -> list[Any]:
    """The filters on the payment's own columns and its party's name (the query joins PartyRow)."""
    where: list[Any] = [PaymentRow.company_id == company_id]
    if f.party_id is not None:
        where.append(PaymentRow.party_id == f.party_id)
    if f.method:
        where.append(PaymentRow.method == f.method)
    if f.state:
        where.append(PaymentRow.state == f.state)
    if f.direction:
        where.append(PaymentRow.direction == f.direction)
    if f.date_from:
        where.append(PaymentRow.payment_date >= f.date_from)
    if f.date_to:
        where.append(PaymentRow.payment_date <= f.date_to)
    if f.search:
        typed = f.search.lower()
        number, name = func.lower(PaymentRow.number), func.lower(PartyRow.name)
        where.append(or_(number.contains(typed, autoescape=True), name.contains(typed, autoescape=True)))
    if f.unallocated_only:
        where.append(PaymentRow.state == ACTIVE)
    return where


def _used_by_payment(where: list[Any]) -> Any:
    """(payment_id, used) for every filtered payment that has used something: each part of what a payment uses
    joined to the filtered payments, summed by payment."""
    parts = [
        select(column.label("payment_id"), func.sum(amount).label("used"))
        .join(PaymentRow, PaymentRow.id == column)
        .join(PartyRow, PartyRow.id == PaymentRow.party_id)
        .where(*where)
        .group_by(column)
        for amount, column in payment_used_parts()
    ]
    every = union_all(*parts).subquery("uses")
    return select(every.c.payment_id, func.sum(every.c.used).label("used")).group_by(every.c.payment_id).subquery()


def _base(company_id: int, f: PaymentFilter, *, every_row: bool) -> tuple[Any, Any]:
    """(the select of the filtered payments with their party's name, the payment's used figure as SQL)."""
    where = conditions(company_id, f)
    stmt = select(PaymentRow).join(PartyRow, PartyRow.id == PaymentRow.party_id)
    if every_row:
        used_by = _used_by_payment(where)
        used: Any = func.coalesce(used_by.c.used, 0)
        stmt = stmt.outerjoin(used_by, used_by.c.payment_id == PaymentRow.id)
    else:
        used = payment_used_scalar()
    if f.unallocated_only:
        where = [*where, PaymentRow.amount_minor > used]
    return stmt.where(*where), used


def sort_key(sort: str, used: Any) -> Any:
    """One never-null expression per sort; the id breaks ties (page order and chunks)."""
    return {
        "date": PaymentRow.payment_date,
        "number": PaymentRow.number,
        "party": func.lower(PartyRow.name),
        "amount": PaymentRow.amount_minor,
        "unallocated": PaymentRow.amount_minor - used,
        "id": PaymentRow.id,
    }[sort]


def totals(session: Session, company_id: int, f: PaymentFilter, currency: str) -> PaymentListTotals:
    """Count of every filtered payment and, over the active ones in `currency`, the sums of their amounts and of
    what they have used: one statement grouped by state and currency (a handful of rows)."""
    _planner(session)
    base, used = _base(company_id, f, every_row=True)
    stmt = base.with_only_columns(
        PaymentRow.state,
        PaymentRow.currency,
        func.count(),
        func.coalesce(func.sum(PaymentRow.amount_minor), 0),
        func.coalesce(func.sum(used), 0),
        maintain_column_froms=True,
    ).group_by(PaymentRow.state, PaymentRow.currency)
    count = active = other = amount = allocated = 0
    for state, row_currency, n, amount_minor, used_minor in session.execute(stmt):
        count += int(n)
        if state != ACTIVE:
            continue
        if row_currency != currency:
            other += int(n)
            continue
        active += int(n)
        amount += int(amount_minor)
        allocated += int(used_minor)
    money = Money.from_minor
    return PaymentListTotals(
        count=count,
        active=active,
        amount=money(amount, currency),
        allocated=money(allocated, currency),
        unallocated=money(amount - allocated, currency),
        other_currency=other,
    )


def _ordered(company_id: int, f: PaymentFilter, sort: str, descending: bool) -> tuple[Any, Any]:
    base, used = _base(company_id, f, every_row=sort == "unallocated")
    key = sort_key(sort, used)
    stmt = base.add_columns(PartyRow.name, used.label("used"), key.label("sort_key"))
    order = (key.desc(), PaymentRow.id.desc()) if descending else (key.asc(), PaymentRow.id.asc())
    return stmt.order_by(*order), key


def page(
    session: Session, company_id: int, f: PaymentFilter, *, sort: str, descending: bool, offset: int, limit: int
) -> list[PaymentView]:
    _planner(session)
    stmt, _key = _ordered(company_id, f, sort, descending)
    return [_view(*r) for r in session.execute(stmt.offset(offset).limit(limit))]


def chunk(
    session: Session,
    company_id: int,
    f: PaymentFilter,
    *,
    sort: str,
    descending: bool,
    after: tuple[Any, int] | None,
    limit: int,
) -> tuple[list[PaymentView], tuple[Any, int] | None]:
    """The next `limit` rows after the (sort key, id) `after` (keyset: no offset to skip), and the new cursor."""
    _planner(session)
    stmt, key = _ordered(company_id, f, sort, descending)
    if after is not None:
        if sort == "id":  # the key is the id: a plain range on the primary key
            stmt = stmt.where(PaymentRow.id < after[1] if descending else PaymentRow.id > after[1])
        else:
            position, last = tuple_(key, PaymentRow.id), tuple_(*after)
            stmt = stmt.where(position < last if descending else position > last)
    found = list(session.execute(stmt.limit(limit)))
    cursor = (found[-1].sort_key, found[-1][0].id) if found else None
    return [_view(*r) for r in found], cursor


def _view(row: PaymentRow, party_name: str, used: Any, _key: Any = None) -> PaymentView:
    return PaymentView(
        payment=mapping.payment(row), party_name=party_name, allocated=Money.from_minor(int(used), row.currency)
    )


def _planner(session: Session) -> None:
    """PostgreSQL: no JIT compilation for these reads (the correlated sums price the plan past its thresholds,
    and compiling costs more than the query; persistence/document_lists.py measured it). SET LOCAL ends with
    the transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
