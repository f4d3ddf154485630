"""The payment list in SQL: one page, the count and totals of every filtered payment, and every filtered row in
chunks (the CSV export and the API's pages, whose cursor is the last id seen).

What a payment has used (settled_sums.py's one definition: allocations, refunds, write-offs) and has left are
read from its summary row (persistence/payment_sums.py, kept by the database's triggers in the transaction of
every write): the totals sum those rows, the "unallocated" order and the "with money left" filter read their
indexes, and a page joins its own payments' rows — nothing is summed over allocations, whatever their number.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal, or_, select, text, tuple_
from sqlalchemy.orm import Session

from acompte.domain.money import Money
from acompte.domain.payments import PaymentState
from acompte.persistence import mapping
from acompte.persistence.payment_sums import PaymentSumRow, held
from acompte.persistence.rows import PartyRow, PaymentRow
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
        where.append(PaymentRow.state == ACTIVE)  # and money left: `held` on the summary rows, where joined
    return where


def sort_key(sort: str) -> Any:
    """One never-null expression per sort; the id breaks ties (page order and chunks)."""
    return {
        "date": PaymentRow.payment_date,
        "number": PaymentRow.number,
        "party": func.lower(PartyRow.name),
        "amount": PaymentRow.amount_minor,
        "unallocated": PaymentSumRow.left_minor,
        "id": PaymentRow.id,
    }[sort]


def totals(session: Session, company_id: int, f: PaymentFilter, currency: str) -> PaymentListTotals:
    """Count of every filtered payment and, over the active ones in `currency`, the sums of their amounts and of
    what they have used, in one statement of (state, currency, count, amount, used) rows, a handful."""
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
    """(state, currency, count, amount, used) of the filtered payments from their summary rows, which carry the
    payment's columns the filters read but its method and number: only those filters, and a party's few payments
    (the payments' party index), join the payments."""
    ps = PaymentSumRow
    # with money left, every payment is active (the index's condition): its state is not read, so PostgreSQL can
    # sum from that index alone
    state = literal(ACTIVE) if f.unallocated_only else ps.state
    stmt = select(
        state,
        ps.currency,
        func.count(),
        func.coalesce(func.sum(ps.amount_minor), 0),
        func.coalesce(func.sum(ps.used_minor), 0),
    )
    where: list[Any] = [ps.company_id == company_id]
    if f.party_id is not None:
        where.append(ps.party_id == f.party_id)
    if f.state:
        where.append(ps.state == f.state)
    if f.direction:
        where.append(ps.direction == f.direction)
    if f.date_from:
        where.append(ps.payment_date >= f.date_from)
    if f.date_to:
        where.append(ps.payment_date <= f.date_to)
    if f.unallocated_only:
        where += held(ps)
    if f.method or f.search or f.party_id is not None:  # one party's: through the payments' party index
        stmt = stmt.join(PaymentRow, PaymentRow.id == ps.payment_id)
        where += conditions(company_id, f)
        if f.search:
            stmt = stmt.join(PartyRow, PartyRow.id == PaymentRow.party_id)
    return stmt.where(*where).group_by(*(() if f.unallocated_only else (ps.state,)), ps.currency)


def _keys(company_id: int, f: PaymentFilter, sort: str) -> tuple[Any, Any]:
    """(the select of the filtered payments' (id, sort key), the key) as SQL: the order and the page are decided on
    these two narrow columns; only the page's rows are then read whole. The payments' summary rows are joined for
    the « unallocated » order and the « with money left » filter (persistence/payment_sums.py): their index then
    gives the page in order, or the payments with money left, without summing anything."""
    where = conditions(company_id, f)
    stmt = select(PaymentRow.id.label("id"))
    if f.search or sort == "party":
        stmt = stmt.join(PartyRow, PartyRow.id == PaymentRow.party_id)
    if sort == "unallocated" or f.unallocated_only:
        ps = PaymentSumRow
        stmt = stmt.join(ps, ps.payment_id == PaymentRow.id)
        where = [*where, ps.company_id == company_id]
        if f.unallocated_only:
            where += held(ps)
    key = sort_key(sort)
    return stmt.add_columns(key.label("sort_key")).where(*where), key


def _ordered(keys: Any, key: Any, descending: bool) -> Any:
    return keys.order_by(*((key.desc(), PaymentRow.id.desc()) if descending else (key.asc(), PaymentRow.id.asc())))


def _rows(session: Session, keys: Any, descending: bool) -> list[Any]:
    """The payments `keys` (an ordered, limited select of (id, sort_key)) names, read whole with their party's name
    and what each has used, in the same order."""
    page_keys = keys.subquery("page_keys")
    order = (page_keys.c.sort_key, PaymentRow.id)
    stmt = (
        select(PaymentRow, PartyRow.name, PaymentSumRow.used_minor, page_keys.c.sort_key)
        .join(page_keys, page_keys.c.id == PaymentRow.id)
        .join(PartyRow, PartyRow.id == PaymentRow.party_id)
        .join(PaymentSumRow, PaymentSumRow.payment_id == PaymentRow.id)
        .order_by(*(c.desc() for c in order) if descending else order)
    )
    return list(session.execute(stmt))


def page(
    session: Session, company_id: int, f: PaymentFilter, *, sort: str, descending: bool, offset: int, limit: int
) -> list[PaymentView]:
    _planner(session)
    keys, key = _keys(company_id, f, sort)
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
    keys, key = _keys(company_id, f, sort)
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
