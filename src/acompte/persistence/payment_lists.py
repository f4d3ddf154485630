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

from sqlalchemy import func, literal, or_, select, text, tuple_, union_all
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


def _of_filtered(stmt: Any, f: PaymentFilter, where: list[Any]) -> Any:
    """`stmt` (over PaymentRow) kept to the filtered payments; the party is joined only for a search on its name
    (every payment has one: the foreign key)."""
    if f.search:
        stmt = stmt.join(PartyRow, PartyRow.id == PaymentRow.party_id)
    return stmt.where(*where)


def _used_by_payment(f: PaymentFilter, where: list[Any]) -> Any:
    """(payment_id, used) for every filtered payment that has used something: the rows of each part of what a
    payment uses, joined to the filtered payments, summed once by payment."""
    parts = [
        _of_filtered(
            select(column.label("payment_id"), amount.label("amount")).join(PaymentRow, PaymentRow.id == column),
            f,
            where,
        )
        for amount, column in payment_used_parts()
    ]
    every = union_all(*parts).subquery("uses")
    return select(every.c.payment_id, func.sum(every.c.amount).label("used")).group_by(every.c.payment_id).subquery()


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
    what they have used, in one statement of (state, currency, count, amount, used) rows, a handful.

    What the payments used is a linear sum: each part of it (settled_sums.payment_used_parts) is summed by a
    join of its rows on the filtered payments, grouped by the payment's state and currency, with no per-payment
    figure. Only "with money left to allocate" needs each payment's figure: then sums grouped by payment are
    joined once."""
    _planner(session)
    count = active = other = amount = allocated = 0
    for state, row_currency, n, amount_minor, used_minor in session.execute(_totals_statement(company_id, f)):
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


def _totals_statement(company_id: int, f: PaymentFilter) -> Any:
    group = (PaymentRow.state, PaymentRow.currency)
    if f.unallocated_only:
        keys, _key, used = _keys(company_id, f, "unallocated")
        return keys.with_only_columns(
            *group,
            func.count(),
            func.coalesce(func.sum(PaymentRow.amount_minor), 0),
            func.coalesce(func.sum(used), 0),
            maintain_column_froms=True,
        ).group_by(*group)
    where = conditions(company_id, f)
    payments = _of_filtered(
        select(*group, func.count(), func.coalesce(func.sum(PaymentRow.amount_minor), 0), literal(0)), f, where
    ).group_by(*group)
    uses = [
        _of_filtered(
            select(*group, literal(0), literal(0), func.coalesce(func.sum(amount), 0))
            .select_from(column.table)
            .join(PaymentRow, PaymentRow.id == column),
            f,
            where,
        ).group_by(*group)
        for amount, column in payment_used_parts()
    ]
    return union_all(payments, *uses)


def _keys(company_id: int, f: PaymentFilter, sort: str) -> tuple[Any, Any, Any]:
    """(the select of the filtered payments' (id, sort key), the key, what each payment used) as SQL: the order
    and the page are decided on these two narrow columns, so a sort that reads every filtered payment (the
    unallocated order) carries no more than they through its joins and its sort; only the page's rows are then
    read whole."""
    where = conditions(company_id, f)
    stmt = select(PaymentRow.id.label("id"))
    if f.search or sort == "party":
        stmt = stmt.join(PartyRow, PartyRow.id == PaymentRow.party_id)
    if sort == "unallocated":
        used_by = _used_by_payment(f, where)
        used: Any = func.coalesce(used_by.c.used, 0)
        stmt = stmt.outerjoin(used_by, used_by.c.payment_id == PaymentRow.id)
    else:
        used = payment_used_scalar()
    if f.unallocated_only:
        where = [*where, PaymentRow.amount_minor > used]
    key = sort_key(sort, used)
    return stmt.add_columns(key.label("sort_key")).where(*where), key, used


def _ordered(keys: Any, key: Any, descending: bool) -> Any:
    return keys.order_by(*((key.desc(), PaymentRow.id.desc()) if descending else (key.asc(), PaymentRow.id.asc())))


def _rows(session: Session, keys: Any, descending: bool) -> list[Any]:
    """The payments `keys` (an ordered, limited select of (id, sort_key)) names, read whole with their party's name
    and what each has used, in the same order."""
    page_keys = keys.subquery("page_keys")
    order = (page_keys.c.sort_key, PaymentRow.id)
    stmt = (
        select(PaymentRow, PartyRow.name, payment_used_scalar(), page_keys.c.sort_key)
        .join(page_keys, page_keys.c.id == PaymentRow.id)
        .join(PartyRow, PartyRow.id == PaymentRow.party_id)
        .order_by(*(c.desc() for c in order) if descending else order)
    )
    return list(session.execute(stmt))


def page(
    session: Session, company_id: int, f: PaymentFilter, *, sort: str, descending: bool, offset: int, limit: int
) -> list[PaymentView]:
    _planner(session)
    keys, key, _used = _keys(company_id, f, sort)
    found = _rows(session, _ordered(keys, key, descending).offset(offset).limit(limit), descending)
    return [_view(*r) for r in found]


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
    keys, key, _used = _keys(company_id, f, sort)
    if after is not None:
        if sort == "id":  # the key is the id: a plain range on the primary key
            keys = keys.where(PaymentRow.id < after[1] if descending else PaymentRow.id > after[1])
        else:
            # The row comparison alone reads every filtered row on PostgreSQL; the plain bound on the key beside
            # it lets an index on the key (date, number) start at the cursor.
            position, last = tuple_(key, PaymentRow.id), tuple_(*after)
            bound = key <= after[0] if descending else key >= after[0]
            keys = keys.where(bound, position < last if descending else position > last)
    found = _rows(session, _ordered(keys, key, descending).limit(limit), descending)
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
