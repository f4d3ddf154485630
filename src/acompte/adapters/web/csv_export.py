"""CSV downloads of the lists, in one format for every page: `;`-separated, UTF-8 with a BOM (so a French
spreadsheet opens it right), CRLF lines, amounts as plain numbers in the user's decimal style (`1234,56` in
French, `1234.56` in English: no thousands separator, a spreadsheet reads them as numbers), dates as the pages
show them. Text cells that a spreadsheet would run as a formula are neutralised (`adapters.csv_cells`); amounts,
counts and dates are figures, decided by their type. Rows are streamed, so an export of every filtered row never
builds the file in memory."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import StreamingResponse

from acompte.adapters.csv_cells import Cell, Figure, csv_line
from acompte.adapters.web import i18n
from acompte.domain.money import Money

CHUNK_ROWS = 500


def cell(value: Any, lang: str) -> Cell:
    """A value as its cell: money, decimals, integers and dates are figures; anything else is text."""
    if value is None:
        return ""
    if isinstance(value, Money):
        value = value.amount
    if isinstance(value, Decimal):
        text = format(value, "f")
        return Figure(text.replace(".", ",") if lang == "fr" else text)
    if isinstance(value, int) and not isinstance(value, bool):
        return Figure(str(value))
    if isinstance(value, date | datetime):
        return Figure(i18n.day(value, lang))
    return str(value)


def csv_download(
    request: Request, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingResponse:
    lang = i18n.language(request)

    def lines() -> Iterator[bytes]:
        out = io.StringIO()
        out.write("\ufeff")
        out.write(csv_line(header))
        for n, row in enumerate(rows, 1):
            out.write(csv_line(cell(value, lang) for value in row))
            if n % CHUNK_ROWS == 0:
                yield out.getvalue().encode("utf-8")
                out.seek(0)
                out.truncate()
        yield out.getvalue().encode("utf-8")

    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
