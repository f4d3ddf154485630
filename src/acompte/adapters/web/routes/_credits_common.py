"""Small helpers shared by the credit notes, contacts and items pages (not mounted: the name starts with `_`).

- `form_of(request)`: the posted form as a plain dict of strings (repeated fields keep their last value);
- `paginate(rows, page)`: 50 rows a page, with the page count;
- `csv_response(...)`: a list exported as CSV (semicolon separated, UTF-8 with BOM, amounts in the user's way);
- `money_totals(rows, *getters)`: totals of the filtered rows, one line per currency;
- `page_query(filters, page)`: the list's query string for another page (or the CSV export), filters kept.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from acompte.adapters.web import i18n
from acompte.domain.money import Money

PAGE_SIZE = 50


async def form_of(request: Request) -> dict[str, str]:
    form = await request.form()
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
    """A CSV download: `Money` and numbers in the user's language, dates as dd/mm/yyyy."""
    lang = i18n.language(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value, lang) for value in row])
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _cell(value: Any, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return i18n.amount(value, lang)
    if hasattr(value, "isoformat"):
        return i18n.day(value, lang)
    return str(value)


def page_query(query: dict[str, str | None], page: int) -> str:
    """The list's query string for another page, keeping its filters."""
    kept = {k: v for k, v in query.items() if v not in (None, "") and k != "page"}
    return "?" + urlencode({**kept, "page": page})
