"""One page of a document list, a bounded count, and every row in chunks — reading only the rows shown.

A page never counts or sums the other filtered rows (persistence/document_lists.py `totals` does, when asked).

Two ways to a page, chosen by `narrow`:
- **By the document's own columns** (no status filter, no "to settle" filter, a column's order): the ids of the
  page come first, from an index that starts with the company and ends with the sort key and the id (migration
  0019_list_indexes), bounded by a keyset cursor `(sort key, id)` or by an offset; then the positions are summed for
  those ids only. Deep pages by cursor read as many index entries as a first page; an offset reads that many
  index entries more (ids only: no sum, no table row), which is its bound.
- **By the position** (a status filter, "to settle", the balance order): the position is a derived figure, so the
  rows are read in the order asked, each one's position computed until the page is full. With a column order the
  sums are correlated to each row read (the database walks the order's index and stops once the page is full);
  the balance order needs every filtered row's balance (grouped sums). A per-document summary kept with the
  facts can make these read an index too: only `narrow` and the status and balance expressions change then.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, func, literal_column, select, tuple_
from sqlalchemy.orm import Session

from acompte.domain.money import Money
from acompte.domain.statuses import PositionStatus
from acompte.persistence.document_filters import own_conditions
from acompte.persistence.document_lists import (
    COMMERCIAL,
    CREDITS,
    NO_DUE_DATE,
    _filtered,
    _planner,
    _Position,
    sort_key,
)
from acompte.persistence.rows import DocumentRow, PartyRow
from acompte.services.views import DocumentFilter, DocumentListRow

#: A cursor: the sort key of a row and its id (every order ends with the id).
Key = tuple[Any, int]

#: Literals, not bound parameters, so that PostgreSQL matches the expressions of the list indexes (a parameter
#: in `coalesce(number, $1)` is not the indexed `coalesce(number, '')`).
NO_NUMBER: Any = literal_column("''")
NO_DUE: Any = literal_column(f"'{NO_DUE_DATE.isoformat()}'", Date)


def own_sort_key(sort: str) -> Any:
    """The sort key over the documents' own columns (and the party's name): the expressions the list indexes hold,
    equal to `document_lists.sort_key` over the filtered rows."""
    return {
        "date": DocumentRow.issue_date,
        "number": func.coalesce(DocumentRow.number, NO_NUMBER),
        "party": func.lower(PartyRow.name),
        "gross": DocumentRow.gross_minor,
        "due": func.coalesce(DocumentRow.due_date, NO_DUE),
    }[sort]


def narrow(f: DocumentFilter, sort: str) -> bool:
    """Whether a page can be found by the document's own columns (no derived figure filters or orders it)."""
    return not f.status and not f.open and sort != "balance"


def _keyset(key: Any, row_id: Any, bound: Key | None, descending: bool) -> list[Any]:
    if bound is None:
        return []
    at = tuple_(key, row_id)
    return [at < tuple_(*bound) if descending else at > tuple_(*bound)]


def _order(key: Any, row_id: Any, descending: bool) -> tuple[Any, Any]:
    return (key.desc(), row_id.desc()) if descending else (key.asc(), row_id.asc())


def _position_columns(docs: Any) -> list[Any]:
    position = _Position(docs)
    columns = [position.status().label("status"), *(v.label(k) for k, v in position.figures.items() if k != "gross")]
    return [*columns, position.invoiced.label("invoiced"), position.credit_left.label("credit_left")]


def _by_own_columns(
    company_id: int, f: DocumentFilter, sort: str, descending: bool, bound: Key | None, offset: int, limit: int
) -> Any:
    """The page's ids through the index of the order, then their positions."""
    key = own_sort_key(sort)
    ids = select(DocumentRow.id.label("id"), key.label("page_key")).where(*own_conditions(company_id, f))
    if sort == "party":
        ids = ids.join(PartyRow, PartyRow.id == DocumentRow.party_id)
    ids = ids.where(*_keyset(key, DocumentRow.id, bound, descending)).order_by(*_order(key, DocumentRow.id, descending))
    page_ids = ids.offset(offset or None).limit(limit).subquery("page_ids")
    docs = _filtered(
        company_id,
        f,
        every_row=False,
        extra=[DocumentRow.id == page_ids.c.id],
        columns=[page_ids.c.page_key.label("page_key")],
    )
    stmt = select(docs, *_position_columns(docs), docs.c.page_key.label("sort_key"))
    return stmt.order_by(*_order(docs.c.page_key, docs.c.id, descending))


def _by_position(
    company_id: int, f: DocumentFilter, sort: str, descending: bool, bound: Key | None, offset: int, limit: int
) -> Any:
    docs = _filtered(company_id, f, every_row=sort == "balance")
    position = _Position(docs)
    key = sort_key(docs, sort)
    stmt = select(docs, *_position_columns(docs), key.label("sort_key"))
    stmt = stmt.where(*position.predicate(f), *_keyset(key, docs.c.id, bound, descending))
    return stmt.order_by(*_order(key, docs.c.id, descending)).offset(offset or None).limit(limit)


def page(
    session: Session,
    company_id: int,
    f: DocumentFilter,
    *,
    sort: str,
    descending: bool,
    limit: int,
    offset: int = 0,
    after: Key | None = None,
    before: Key | None = None,
) -> list[tuple[DocumentListRow, Key]]:
    """Up to `limit` rows in the list's order with each one's cursor: after the cursor `after`, or the last
    `limit` before `before` (still in the list's order), else after skipping `offset` rows."""
    _planner(session)
    backwards = before is not None
    reading = descending != backwards  # the order the rows are read in
    way = _by_own_columns if narrow(f, sort) else _by_position
    stmt = way(company_id, f, sort, reading, before if backwards else after, offset, limit)
    found = [(_row(r), (r.sort_key, r.id)) for r in session.execute(stmt)]
    return found[::-1] if backwards else found


def chunk(
    session: Session,
    company_id: int,
    f: DocumentFilter,
    *,
    sort: str,
    descending: bool,
    after: Key | None,
    limit: int,
) -> tuple[list[DocumentListRow], Key | None]:
    """The next `limit` rows after the (sort key, id) `after` (keyset: no offset to skip), and the new cursor."""
    found = page(session, company_id, f, sort=sort, descending=descending, limit=limit, after=after)
    return [row for row, _key in found], (found[-1][1] if found else None)


def count(session: Session, company_id: int, f: DocumentFilter, cap: int | None = None) -> int:
    """How many documents `f` keeps, counting at most `cap + 1` of them when a cap is given (the caller shows
    « more than cap »). Without a status filter the documents' own filters are counted through the indexes; with
    one, each row's status decides (correlated to the rows counted, so a cap bounds the sums read too)."""
    if narrow(f, "date"):
        rows: Any = select(DocumentRow.id).where(*own_conditions(company_id, f))
    else:
        _planner(session)
        docs = _filtered(company_id, f, every_row=cap is None)
        rows = select(docs.c.id).where(*_Position(docs).predicate(f))
    if cap is not None:
        rows = rows.limit(cap + 1)
    return int(session.scalar(select(func.count()).select_from(rows.subquery())) or 0)


def _row(r: Any) -> DocumentListRow:
    def money(minor: Any) -> Money:
        return Money.from_minor(int(minor), r.currency)

    commercial, credit = r.kind in COMMERCIAL, r.kind in CREDITS
    return DocumentListRow(
        id=r.id,
        kind=r.kind,
        flow=r.flow,
        state=r.state,
        number=r.number,
        party_id=r.party_id,
        party_name=r.party_name,
        issue_date=r.issue_date,
        due_date=r.due_date,
        gross=money(r.gross),
        status=PositionStatus(r.status),
        deducted=money(r.deducted),
        paid=money(r.paid),
        credited=money(r.credited),
        written_off=money(r.written_off),
        net_to_pay=money(r.net_to_pay),
        balance_due=money(r.balance_due),
        allocated=money(int(r.pay) + int(r.cred) + int(r.wo)),
        deposits=money(r.deposits),
        settled=money(r.settled),
        invoiced=money(r.invoiced) if commercial else None,
        left_to_invoice=money(max(0, int(r.gross) - int(r.invoiced))) if commercial else None,
        used=money(r.used) if credit else None,
        refunded=money(r.refunded) if credit else None,
        credit_left=money(r.credit_left) if credit else None,
        supplier_reference=r.supplier_reference or "",
    )
