"""Small helpers shared by the credit notes, contacts and items pages (not mounted: the name starts with `_`).

- `form_of(request)`: the posted form as a plain dict of strings (repeated fields keep their last value);
- `paginate(rows, page)`: 50 rows a page, with the page count;
- `csv_response(...)`: a list exported as CSV (semicolon separated, UTF-8 with BOM, amounts in the user's way);
- `money_totals(rows, *getters)`: totals of the filtered rows, one line per currency;
- `page_query(filters, page)`: the list's query string for another page (or the CSV export), filters kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from acompte.adapters.web import security
from acompte.adapters.web.csv_export import csv_download
from acompte.domain.money import Money

PAGE_SIZE = 50


def form_of(request: Request) -> dict[str, str]:
    form = security.posted_form(request)
    return {key: value for key, value in form.items() if isinstance(value, str)}


@dataclass(frozen=True, slots=True)
class Paged:
    rows: list[Any]
    page: int
    pages: int
    count: int


def paginate(rows: Sequence[Any], page: int) -> Paged:
    pages = max(1, (len(rows) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(1, page), pages)
    start = (page - 1) * PAGE_SIZE
    return Paged(list(rows[start : start + PAGE_SIZE]), page, pages, len(rows))


def money_totals(rows: Iterable[Any], *getters: Callable[[Any], Money]) -> list[tuple[str, list[Money]]]:
    """Per currency (in order of appearance), the sum of each getter over the rows."""
    sums: dict[str, list[Money]] = {}
    for row in rows:
        values = [get(row) for get in getters]
        currency = values[0].currency
        if currency not in sums:
            sums[currency] = [Money.zero(currency) for _ in getters]
        sums[currency] = [a + b for a, b in zip(sums[currency], values, strict=True)]
    return list(sums.items())


def csv_response(request: Request, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A list exported as CSV (the one format of csv_export)."""
    return csv_download(request, filename, header, rows)


def page_query(query: dict[str, str | None], page: int) -> str:
    """The list's query string for another page, keeping its filters."""
    kept = {k: v for k, v in query.items() if v not in (None, "") and k != "page"}
    return "?" + urlencode({**kept, "page": page})
