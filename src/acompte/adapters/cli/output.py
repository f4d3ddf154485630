"""What the commands print: a console of the current width, and tables that never cut an amount.

A Rich table narrower than its content shrinks its columns and ends cells with « … »: « 1 2… » for 1 234,56 €.
`print_table` keeps every amount whole: amount columns never wrap nor shrink, the other columns wrap (folding a
word too long for its column), and when even that cannot fit the width — or the table as drawn would still cut
a cell — the rows are printed as a plain list, one line per value, that no width cuts.

Rich is imported when something is printed, not when the command line starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import StringIO
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

ELLIPSIS = "…"
#: Below this many characters a wrapped column is one word a line at best: a list reads better.
NARROWEST_COLUMN = 6


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    amount: bool = False  # an amount: right-aligned, never wrapped, never cut


def console() -> Console:
    """A console on standard output, of the width of the terminal (or COLUMNS) at the time of printing."""
    from rich.console import Console

    return Console()


def _cell(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _fits(width: int, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> bool:
    """Whether the table can be drawn at `width` with whole amounts and readable wrapped columns."""
    needed = 1 + 3 * len(columns)  # the left edge, then per column its padding (1 + 1) and its right edge
    for i, column in enumerate(columns):
        values = [row[i] for row in rows]
        if column.amount:
            needed += max([_cell(column.header), *(_cell(v) for v in values)])
        else:
            longest = max([_cell(w) for v in [column.header, *values] for w in v.split()] or [1])
            needed += min(longest, NARROWEST_COLUMN)
    return needed <= width


def _table(title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> object:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left")
    for column in columns:
        if column.amount:
            table.add_column(column.header, justify="right", no_wrap=True, overflow="ellipsis")
        else:
            table.add_column(column.header, overflow="fold")
    for row in rows:
        table.add_row(*(Text(value) for value in row))
    return table


def _whole(width: int, table: object, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> bool:
    """Whether drawing the table at `width` cuts nothing: Rich marks every cut with « … »."""
    from rich.console import Console

    drawn = StringIO()
    Console(file=drawn, width=width, color_system=None, force_terminal=False, legacy_windows=False).print(table)
    source = sum(value.count(ELLIPSIS) for row in [[c.header for c in columns], *rows] for value in row)
    return drawn.getvalue().count(ELLIPSIS) <= source


def print_table(out: Console, title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> None:
    """`rows` as a table at the width of `out`, or as a list when a table would cut an amount."""
    width = out.width
    if _fits(width, columns, rows):
        table = _table(title, columns, rows)
        if _whole(width, table, columns, rows):
            out.print(table)
            return
    print_list(out, title, columns, rows)


def print_list(out: Console, title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> None:
    """One block per row: its first value, then « header : value » a line (empty values left out).

    Lines are never wrapped by Rich (soft wrap): a terminal narrower than a line folds it, nothing is cut."""
    say = {"soft_wrap": True, "markup": False, "highlight": False}
    if title:
        out.print(title, style="bold", **say)  # type: ignore[arg-type]
    for row in rows:
        out.print(row[0] if row else "", style="bold", **say)  # type: ignore[arg-type]
        for column, value in zip(columns[1:], row[1:], strict=True):
            if value:
                out.print(f"  {column.header} : {value}", **say)  # type: ignore[arg-type]
    out.print()
