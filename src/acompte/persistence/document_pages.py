"""One page of a document list, a bounded count, and every row in chunks — reading only the rows shown.

A page never counts or sums the other filtered rows (persistence/document_lists.py `totals` does, when asked).

Three ways to a page, chosen by `narrow`, `own_position` and the order:
- **By the document's own columns** (no status filter, no "to settle" filter, a column's order; or a list of one
  kind whose position is its own — invoices, deposit invoices, credit notes — whatever its filter): the ids of
  the page come first, from an index that starts with the company and ends with the sort key and the id
  (migration 0019_list_indexes), bounded by a keyset cursor `(sort key, id)` or by an offset; then the positions
  are summed for those ids only. A status or "to settle" of such a kind is a condition on the document's
  summary row (persistence/document_sums.py, kept by triggers with the facts: its stored status), joined by
  its key; the balance order reads the summary's index (company, kind, flow, [status,] balance, id). Deep
  pages by cursor read as many index entries as a first page; an offset reads that many index entries more
  (ids only: no sum, no table row), which is its bound.
- **Filtered on the position, in a column's order, over commercial documents or every kind** (their status
  depends on their family): the same ids, read in order a batch at a time, each batch's positions summed and
  kept when they pass, until the page is full: the cost follows how rare the status is, not the size of the
  company.
- **The balance order of quotes, orders, delivery notes or every kind at once**: every filtered row's balance is
  computed to order them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, and_, func, literal_column, select, true, tuple_
from sqlalchemy.orm import Session

from acompte.domain.money import Money
from acompte.domain.statuses import PositionStatus
from acompte.persistence.document_filters import NO_NUMBER, own_conditions
from acompte.persistence.document_lists import (
    COMMERCIAL,
    CREDITS,
    NO_DUE_DATE,
    _filtered,
    _planner,
    _Position,
    own_position,
    sort_key,
    summary_status,
)
from acompte.persistence.document_sums import DocumentSumsRow
from acompte.persistence.rows import DocumentRow, PartyRow
from acompte.services.views import DocumentFilter, DocumentListRow

#: A cursor: the sort key of a row and its id (every order ends with the id).
Key = tuple[Any, int]

#: A literal, not a bound parameter, so that PostgreSQL matches the expression of the list index (as NO_NUMBER).
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


def by_summary(f: DocumentFilter, sort: str) -> bool:
    """Whether the balance order is read from the summary's index: a list of one kind whose balance needs only
    the document's own facts."""
    return sort == "balance" and own_position(f)


def _balance_ids(company_id: int, f: DocumentFilter, descending: bool, bound: Key | None) -> Any:
    """The ids (and balances) of a `by_summary` list in balance order after `bound`, through the summary's index."""
    s = DocumentSumsRow
    key = s.balance_minor
    ids = select(s.document_id.label("id"), key.label("page_key")).join(DocumentRow, DocumentRow.id == s.document_id)
    ids = ids.where(s.company_id == company_id, s.kind == f.kind, *([s.flow == f.flow] if f.flow else []))
    ids = ids.where(*own_conditions(company_id, f), *summary_status(f), *_keyset(key, s.document_id, bound, descending))
    return ids.order_by(*_order(key, s.document_id, descending))


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


def _page_ids(company_id: int, f: DocumentFilter, sort: str, descending: bool, bound: Key | None) -> Any:
    """The documents' ids (and sort keys) in the list's order after `bound`, by the own filters only (and, in
    the balance order, the summary's)."""
    if sort == "balance":
        return _balance_ids(company_id, f, descending, bound)
    key = own_sort_key(sort)
    ids = select(DocumentRow.id.label("id"), key.label("page_key")).where(*own_conditions(company_id, f))
    if (f.status or f.open) and own_position(f):  # the status on the summary row, one row by its key
        ids = ids.join(DocumentSumsRow, DocumentSumsRow.document_id == DocumentRow.id).where(*summary_status(f))
    if sort == "party":
        # The parties in name order from their index (company, lower(name), id), each one's documents from
        # ix_documents_list_party, each name's documents sorted by id as they come (PostgreSQL's incremental
        # sort): a page reads its parties only. Without the company on the party, the planner sorted every
        # document of the company; without the name's own bound, a cursor's page read every name before it.
        ids = ids.join(PartyRow, and_(PartyRow.id == DocumentRow.party_id, PartyRow.company_id == company_id))
        if bound is not None:
            ids = ids.where(key <= bound[0] if descending else key >= bound[0])
    ids = ids.where(*_keyset(key, DocumentRow.id, bound, descending))
    return ids.order_by(*_order(key, DocumentRow.id, descending))


def _positioned(company_id: int, f: DocumentFilter, page_ids: Any, descending: bool, *, passes: bool = False) -> Any:
    """The rows of `page_ids` with their positions (their sums correlated to these rows only) in the list's order;
    with `passes`, whether each one passes the filter on the position (a column, not a condition)."""
    docs = _filtered(
        company_id,
        f,
        extra=[DocumentRow.id == page_ids.c.id],
        columns=[page_ids.c.page_key.label("page_key")],
        fenced=True,
    )
    keep = [and_(true(), *_Position(docs).predicate(f)).label("passes")] if passes else []
    stmt = select(docs, *_position_columns(docs), docs.c.page_key.label("sort_key"), *keep)
    return stmt.order_by(*_order(docs.c.page_key, docs.c.id, descending))


def _by_own_columns(
    session: Session,
    company_id: int,
    f: DocumentFilter,
    sort: str,
    descending: bool,
    bound: Key | None,
    offset: int,
    limit: int,
) -> list[Any]:
    """The page's ids through the index of the order, then their positions."""
    page_ids = _page_ids(company_id, f, sort, descending, bound).offset(offset or None).limit(limit).subquery("ids")
    return list(session.execute(_positioned(company_id, f, page_ids, descending)))


#: Rows whose position a status page reads at a time, at first (doubled at each further read, up to the last).
STATUS_BATCH, STATUS_BATCH_MAX = 100, 3200


def _by_status_in_order(
    session: Session,
    company_id: int,
    f: DocumentFilter,
    sort: str,
    descending: bool,
    bound: Key | None,
    offset: int,
    limit: int,
) -> list[Any]:
    """A page filtered on the position, in a column's order: the documents are read in that order through its
    index, a batch at a time, each batch's positions computed and kept when they pass, until the page is full.
    (Left to the planner, which cannot estimate how many rows pass a status, the filter read every row of the
    company and sorted the survivors: 3 s at 100 000 documents.) The cost follows how rare the status is."""
    kept: list[Any] = []
    size, skipped = STATUS_BATCH, 0
    ids = _page_ids(company_id, f, sort, descending, bound)
    while len(kept) < offset + limit:
        # Each batch skips the ids read before (an offset over the index, ids only: batches double, so the skipped
        # entries are fewer than those read), and every batch's statement is the same one.
        page_ids = ids.offset(skipped).limit(size).subquery("ids")
        read = list(session.execute(_positioned(company_id, f, page_ids, descending, passes=True)))
        kept += [r for r in read if r.passes]
        if len(read) < size:
            break
        skipped, size = skipped + size, min(size * 2, STATUS_BATCH_MAX)
    return kept[offset : offset + limit]


def _by_position(
    session: Session,
    company_id: int,
    f: DocumentFilter,
    sort: str,
    descending: bool,
    bound: Key | None,
    offset: int,
    limit: int,
) -> list[Any]:
    """The balance order of a list `by_summary` cannot read: every filtered row's balance orders them."""
    docs = _filtered(company_id, f, fenced=True)
    position = _Position(docs)
    key = sort_key(docs, sort)
    stmt = select(docs, *_position_columns(docs), key.label("sort_key"))
    stmt = stmt.where(*position.predicate(f), *_keyset(key, docs.c.id, bound, descending))
    stmt = stmt.order_by(*_order(key, docs.c.id, descending)).offset(offset or None).limit(limit)
    return list(session.execute(stmt))


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
    if narrow(f, sort) or own_position(f):
        way = _by_own_columns
    else:
        way = _by_position if sort == "balance" else _by_status_in_order
    read = way(session, company_id, f, sort, reading, before if backwards else after, offset, limit)
    found = [(_row(r), (r.sort_key, r.id)) for r in read]
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
    elif own_position(f):
        rows = select(DocumentRow.id).join(DocumentSumsRow, DocumentSumsRow.document_id == DocumentRow.id)
        rows = rows.where(*own_conditions(company_id, f), *summary_status(f))
    else:
        _planner(session)
        docs = _filtered(company_id, f, fenced=True)
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
