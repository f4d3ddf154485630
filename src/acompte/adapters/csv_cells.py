"""CSV lines a spreadsheet reads as data, never as formulas: the one writer of every CSV the project hands out.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula, so a party
named `=HYPERLINK(...)` would become a live link in the user's export (OWASP « CSV injection »). Every *text* cell
that starts so is neutralised: a single quote is put in front (the spreadsheet shows the text, quote hidden) and the
cell is quoted. Numbers and dates are not text: an amount such as `-527,95` must stay a number that sums and
re-imports, so the caller says which cells are figures (`Figure`) — by the column's type, never by guessing from
the content.

The FEC (`exports/fec.py`, `write_fec`) does not go through here on purpose: it is a regulated, tab-separated text
format (LPF A47 A-1) read by audit tools, not opened as a spreadsheet; its fields carry no quoting and must hold the
accounting data exactly, and its amount columns are figures anyway.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: What makes a spreadsheet read a cell as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class Figure:
    """A cell that is a number or a date, already formatted (`-527,95`, `31/12/2026`): written as it is."""

    text: str


Cell = str | Figure


def neutralise(text: str) -> str:
    """A text cell a spreadsheet shows as text: a leading `'` when it starts with a formula trigger."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_line(cells: Iterable[Cell], separator: str = ";") -> str:
    """One CRLF-terminated line: text cells neutralised, and quoted when neutralised or when they hold the
    separator, a quote or a line break (embedded quotes doubled); figures as they are."""
    out = []
    for cell in cells:
        if isinstance(cell, Figure):
            text, quote = cell.text, False
        else:
            text = neutralise(cell)
            quote = text != cell
        if quote or separator in text or '"' in text or "\r" in text or "\n" in text:
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return separator.join(out) + "\r\n"
