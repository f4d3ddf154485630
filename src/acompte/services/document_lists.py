"""Document lists (UI.md screen 1): one page reading only its rows (by cursor or by number), the count and the
totals of every filtered row asked apart, all computed in SQL (persistence/document_pages.py, document_lists.py),
and every filtered row in chunks for the exports."""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from acompte.domain.dates import DateField, check_optional
from acompte.domain.documents import Flow, Kind, PaymentStatus, State
from acompte.services.paging import page_window
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import LIST_SORTS, DocumentFilter, DocumentListPage, DocumentListRow, DocumentListTotals


class ListFilters(TypedDict, total=False):
    """The filters of a document list, as keywords (all optional)."""

    flow: Flow | None
    kind: Kind | None
    party_id: int | None
    date_from: date | None
    date_to: date | None
    status: PaymentStatus | str | None
    state: State | None
    search: str | None
    amount_min: Decimal | None
    amount_max: Decimal | None
    #: the total incl. VAT, exactly
    amount: Decimal | None
    #: only the documents with something still to settle (domain Position.to_settle)
    open: bool | None


def _list_filter(given: ListFilters) -> DocumentFilter:
    unknown = set(given) - set(ListFilters.__annotations__)
    if unknown:  # a typo in a filter name must not silently list everything
        raise TypeError(f"unknown document list filter(s): {', '.join(sorted(unknown))}")
    flow, kind, status, state = given.get("flow"), given.get("kind"), given.get("status"), given.get("state")
    check_optional(given.get("date_from"), DateField.DATE_FROM)
    check_optional(given.get("date_to"), DateField.DATE_TO)
    return DocumentFilter(
        flow=flow.value if flow else None,
        kind=kind.value if kind else None,
        party_id=given.get("party_id"),
        date_from=given.get("date_from"),
        date_to=given.get("date_to"),
        status=PaymentStatus(status).value if status else None,
        state=state.value if state else None,
        search=given.get("search") or None,
        amount_min=given.get("amount_min"),
        amount_max=given.get("amount_max"),
        amount=given.get("amount"),
        open=bool(given.get("open")),
    )


def _check_sort(sort: str) -> str:
    if sort not in LIST_SORTS:
        raise ValueError(f"unknown sort {sort!r}: one of {', '.join(LIST_SORTS)}")
    return sort


class InvalidCursor(ValueError):
    """A list cursor that this list did not give (another sort or order, or altered)."""


def encode_cursor(sort: str, descending: bool, key: tuple[Any, int]) -> str:
    """An opaque cursor for the row `key` (its sort key and id) of a list in `sort` order."""
    value, row_id = key
    if isinstance(value, date):
        value = value.isoformat()
    elif sort in INTEGER_SORTS:
        value = int(value)
    text = json.dumps([sort, descending, value, row_id], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str, descending: bool) -> tuple[Any, int]:
    """The (sort key, id) of `cursor`; InvalidCursor unless it was given by a list in the same order."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        given_sort, given_descending, value, row_id = json.loads(text)
        if given_sort != sort or given_descending is not descending or type(row_id) is not int:
            raise ValueError(cursor)
        if sort in DATE_SORTS:
            return date.fromisoformat(value), row_id
        if type(value) is not (int if sort in INTEGER_SORTS else str):
            raise ValueError(cursor)
        return value, row_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor(cursor) from None


DATE_SORTS, INTEGER_SORTS = frozenset({"date", "due"}), frozenset({"gross", "balance"})


def document_list(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    sort: str = "date",
    descending: bool = True,
    page: int = 1,
    per_page: int = 50,
    after: str | None = None,
    before: str | None = None,
    **given: Unpack[ListFilters],
) -> DocumentListPage:
    """One page of the filtered documents (sorted by `sort`, then by id): the page after the cursor `after`, the
    one before the cursor `before` (cursors of an earlier page: `next_cursor`, `previous_cursor`), else page
    number `page`. A page past the last one gives the last one. Cost: the page's rows only — no count, no
    totals (`document_list_count`, `document_list_totals`); a page by number skips the rows before it in the
    order's index, ids only."""
    filters = _list_filter(given)
    sort = _check_sort(sort)
    per_page, page = max(1, per_page), max(1, page)
    bound_after = decode_cursor(after, sort, descending) if after else None
    bound_before = decode_cursor(before, sort, descending) if before else None
    with uow:
        read = functools.partial(
            uow.documents.list_page, ctx.company_id, filters, sort=sort, descending=descending, limit=per_page + 1
        )
        if bound_before is not None:
            found = read(before=bound_before)
            earlier, later = len(found) > per_page, True
            found = found[-per_page:]
            page = max(2, page) if earlier else 1
        elif bound_after is not None:
            found = read(after=bound_after)
            earlier, later = True, len(found) > per_page
            page = max(2, page)
        else:
            offset = (page - 1) * per_page
            found = read(offset=offset)
            if not found and page > 1:  # past the end: the last page (the count is bounded by the offset asked)
                counted = uow.documents.list_count(ctx.company_id, filters, cap=offset)  # no more than `offset` here
                page, _pages, offset = page_window(counted, page, per_page)
                found = read(offset=offset)
            earlier, later = page > 1, len(found) > per_page
        found = found[:per_page]
        cursor = functools.partial(encode_cursor, sort, descending)
        return DocumentListPage(
            rows=tuple(row for row, _key in found),
            page=page,
            per_page=per_page,
            previous_cursor=cursor(found[0][1]) if earlier and found else None,
            next_cursor=cursor(found[-1][1]) if later and found else None,
        )


def document_list_totals(uow: UnitOfWork, ctx: Ctx, **given: Unpack[ListFilters]) -> DocumentListTotals:
    """The count of every filtered document and the sums of their positions' figures in the company currency
    (documents in another currency are counted in `other_currency`). Cost: every filtered row is read once, in
    SQL; a list page does not wait for it (the web loads it apart, the API has its own endpoint)."""
    filters = _list_filter(given)
    with uow:
        return uow.documents.list_totals(ctx.company_id, filters, uow.companies.currency(ctx.company_id))


def document_list_count(uow: UnitOfWork, ctx: Ctx, *, cap: int | None = None, **given: Unpack[ListFilters]) -> int:
    """How many documents the filters keep; with `cap`, at most `cap + 1` are counted (show « more than cap »)."""
    filters = _list_filter(given)
    with uow:
        return uow.documents.list_count(ctx.company_id, filters, cap)


def document_list_rows(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    sort: str = "date",
    descending: bool = True,
    chunk: int = 1000,
    **given: Unpack[ListFilters],
) -> Iterator[DocumentListRow]:
    """Every filtered row in the list's order, read `chunk` rows at a time (for exports): each chunk is one short
    read after the last (sort key, id) seen, so memory stays flat and no transaction is held while the rows are
    sent. A document whose sorted value changes during the export may move across the cursor.

    The filters are checked at the call, before the first row is asked for (a streamed answer has started by
    then and could no longer say what was refused)."""
    return _rows_in_chunks(uow, ctx, _list_filter(given), _check_sort(sort), descending, chunk)


def _rows_in_chunks(
    uow: UnitOfWork, ctx: Ctx, filters: DocumentFilter, sort: str, descending: bool, chunk: int
) -> Iterator[DocumentListRow]:
    after = None
    while True:
        with uow:
            rows, after = uow.documents.list_chunk(
                ctx.company_id, filters, sort=sort, descending=descending, after=after, limit=chunk
            )
        yield from rows
        if len(rows) < chunk:
            return
