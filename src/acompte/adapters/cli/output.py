"""What the commands print: a console of the current width, and tables that never cut an amount.

A Rich table narrower than its content shrinks its columns and ends cells with « … »: « 1 2… » for 1 234,56 €.
`print_table` keeps every amount whole: amount columns (and document numbers) never wrap nor get cut, the other
columns wrap (folding a word too long for its column), and when that cannot fit the width with each column as
wide as its longest word — or the table as drawn would still cut
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
#: A wrapped column narrower than its longest word (up to this many characters) cuts words: a list reads better.
LONGEST_WORD = 14


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    amount: bool = False  # an amount: right-aligned, never wrapped, never cut
    whole: bool = False  # never wrapped nor cut either (a document number)

    @property
    def kept(self) -> bool:
        return self.amount or self.whole


def console() -> Console:
    """A console on standard output, of the width of the terminal (or COLUMNS) at the time of printing."""
    from rich.console import Console

    return Console()


def _cell(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _cell_width(column: Column, values: Sequence[str]) -> int:
    """A kept column's narrowest width: its widest value, or its header's longest word (the header may wrap)."""
    return max([_cell(v) for v in values] + [_cell(word) for word in column.header.split()])


def _header(header: str, width: int) -> str:
    """The header of a kept column (which never wraps by itself) broken into lines of at most `width`."""
    lines: list[str] = []
    for word in header.split():
        if lines and _cell(lines[-1]) + 1 + _cell(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _widths(width: int, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> list[int] | None:
    """The content width of each column to draw the table in `width`; None when it cannot be drawn there with
    whole kept columns and wrapped columns as wide as their longest word (up to LONGEST_WORD).

    Rich would shrink the columns itself, but evenly, cutting words (« Partiellem / ent réglé ») and, when
    nothing else is left, amounts: the widths are chosen here, the column with the most room above its floor
    giving way first (a kept column down to its widest value, its header then on two lines)."""
    available = width - (1 + 3 * len(columns))  # the left edge, then per column its padding (1 + 1) and edge
    widths, floors = [], []
    for i, column in enumerate(columns):
        values = [row[i] for row in rows]
        if column.kept:
            floors.append(_cell_width(column, values))
            widths.append(max(floors[-1], _cell(column.header)))
        else:
            texts = [column.header, *values]
            widths.append(max(_cell(line) for text in texts for line in text.splitlines() or [""]))
            longest = max([_cell(w) for text in texts for w in text.split()] or [1])
            floors.append(min(longest, LONGEST_WORD, widths[-1]))
    if sum(floors) > available:
        return None
    while sum(widths) > available:
        widest = max(range(len(widths)), key=lambda i: widths[i] - floors[i])
        widths[widest] -= 1
    return widths


def _table(
    title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[str]], widths: Sequence[int]
) -> object:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left")
    for i, column in enumerate(columns):
        if column.kept:
            table.add_column(
                _header(column.header, widths[i]),
                justify="right" if column.amount else "left",
                no_wrap=True,
                overflow="ellipsis",
                width=widths[i],
            )
        else:
            table.add_column(column.header, overflow="fold", width=widths[i])
    for row in rows:
        table.add_row(*(Text(value) for value in row))
    return table


def _whole(
    width: int, table: object, title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[str]]
) -> bool:
    """Whether drawing the table at `width` cuts nothing: Rich marks every cut with « … »."""
    from rich.console import Console

    drawn = StringIO()
    Console(file=drawn, width=width, color_system=None, force_terminal=False, legacy_windows=False).print(table)
    source = sum(value.count(ELLIPSIS) for row in [[title or "", *(c.header for c in columns)], *rows] for value in row)
    return drawn.getvalue().count(ELLIPSIS) <= source


def print_table(out: Console, title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> None:
    """`rows` as a table at the width of `out`, or as a list when a table would cut an amount."""
    width = out.width
    widths = _widths(width, columns, rows)
    if widths is not None:
        table = _table(title, columns, rows, widths)
        if _whole(width, table, title, columns, rows):
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
