"""The payment list (UI.md screen 7): one page and the totals of every filtered payment, computed in SQL
(persistence/payment_lists.py), and every filtered row in chunks for the CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from acompte.domain.dates import DateField, check_optional
from acompte.domain.payments import Direction, PaymentState
from acompte.services.paging import page_window
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import PAYMENT_SORTS, PaymentFilter, PaymentListPage, PaymentView


def payment_filter(
    *,
    party_id: int | None = None,
    method: str | None = None,
    state: PaymentState | None = None,
    direction: Direction | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    search: str | None = None,
    unallocated_only: bool = False,
) -> PaymentFilter:
    """The filters of a payment list, checked (dates within the supported range)."""
    check_optional(date_from, DateField.DATE_FROM)
    check_optional(date_to, DateField.DATE_TO)
    return PaymentFilter(
        party_id=party_id,
        method=method or None,
        state=state.value if state else None,
        direction=direction.value if direction else None,
        date_from=date_from,
        date_to=date_to,
        search=(search or "").strip() or None,
        unallocated_only=unallocated_only,
    )


def _check_sort(sort: str) -> str:
    if sort not in PAYMENT_SORTS:
        raise ValueError(f"unknown sort {sort!r}: one of {', '.join(PAYMENT_SORTS)}")
    return sort


def payment_list(
    uow: UnitOfWork,
    ctx: Ctx,
    filters: PaymentFilter,
    *,
    sort: str = "date",
    descending: bool = True,
    page: int = 1,
    per_page: int = 50,
) -> PaymentListPage:
    """One page of the filtered payments (sorted by `sort`, then by id), with the count of every filtered
    payment and the totals of the active ones. A page past the last one gives the last one. Cost: the totals
    read each filtered payment once in SQL; nothing is loaded but the page."""
    sort = _check_sort(sort)
    per_page = max(1, per_page)
    with uow:
        currency = uow.companies.currency(ctx.company_id)
        totals = uow.payments.list_totals(ctx.company_id, filters, currency)
        page, pages, offset = page_window(totals.count, page, per_page)
        rows = uow.payments.list_page(
            ctx.company_id, filters, sort=sort, descending=descending, offset=offset, limit=per_page
        )
        return PaymentListPage(rows=tuple(rows), totals=totals, page=page, pages=pages, per_page=per_page)


def payment_list_rows(
    uow: UnitOfWork,
    ctx: Ctx,
    filters: PaymentFilter,
    *,
    sort: str = "date",
    descending: bool = True,
    chunk: int = 1000,
) -> Iterator[PaymentView]:
    """Every filtered payment in the list's order, read `chunk` rows at a time (for exports): each chunk is one
    short read after the last (sort key, id) seen, so memory stays flat and no transaction is held while the
    rows are sent. A payment whose sorted value changes during the export may move across the cursor.

    The sort is checked at the call, before the first row is asked for (a streamed answer has started by then
    and could no longer say what was refused)."""
    return _rows_in_chunks(uow, ctx, filters, _check_sort(sort), descending, max(1, chunk))


def _rows_in_chunks(
    uow: UnitOfWork, ctx: Ctx, filters: PaymentFilter, sort: str, descending: bool, chunk: int
) -> Iterator[PaymentView]:
    after = None
    while True:
        with uow:
            rows, after = uow.payments.list_chunk(
                ctx.company_id, filters, sort=sort, descending=descending, after=after, limit=chunk
            )
        yield from rows
        if len(rows) < chunk:
            return
