"""Document lists (UI.md screen 1): one page and the totals of every filtered row, computed in SQL
(persistence/document_lists.py), and every filtered row in chunks for the exports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import TypedDict, Unpack

from acompte.domain.dates import DateField, check_optional
from acompte.domain.documents import Flow, Kind, PaymentStatus, State
from acompte.services.paging import page_window
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import LIST_SORTS, DocumentFilter, DocumentListPage, DocumentListRow


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


def document_list(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    sort: str = "date",
    descending: bool = True,
    page: int = 1,
    per_page: int = 50,
    **given: Unpack[ListFilters],
) -> DocumentListPage:
    """One page of the filtered documents (sorted by `sort`, then by id), with the count and the totals of ALL
    the filtered rows. `status` keeps validated documents whose derived payment status it is. A page past the
    last one gives the last one. Cost: the totals read each filtered row once in SQL; nothing is loaded but
    the page."""
    filters = _list_filter(given)
    sort = _check_sort(sort)
    per_page = max(1, per_page)
    with uow:
        currency = uow.companies.currency(ctx.company_id)
        totals = uow.documents.list_totals(ctx.company_id, filters, currency)
        page, pages, offset = page_window(totals.count, page, per_page)
        rows = uow.documents.list_page(
            ctx.company_id, filters, sort=sort, descending=descending, offset=offset, limit=per_page
        )
        return DocumentListPage(rows=tuple(rows), totals=totals, page=page, pages=pages, per_page=per_page)


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
