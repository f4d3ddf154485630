"""A final invoice's typed lines: the deposit recall lines (negative quantity) are set apart, the others keep
their order and are numbered again from 1; and a document's lines give back what was typed."""

from __future__ import annotations

from decimal import Decimal

from acompte.domain.documents import LineInput, line_inputs, price_line, split_recalls


def typed(designation: str, quantity: str, price: str) -> LineInput:
    return LineInput(designation, Decimal(quantity), Decimal(price), Decimal(20))


def test_recall_lines_are_set_apart_and_the_others_renumbered():
    lines = tuple(
        price_line(position, line, "EUR", allow_negative=True)
        for position, line in enumerate(
            [typed("Table", "1", "1000.00"), typed("Acompte FAC-1", "-1", "300.00"), typed("Chaise", "4", "85.50")],
            start=1,
        )
    )
    kept, recalls = split_recalls(lines)
    assert [(line.position, line.designation) for line in kept] == [(1, "Table"), (2, "Chaise")]
    assert [(line.position, line.designation, line.quantity) for line in recalls] == [(2, "Acompte FAC-1", -1)]
    assert line_inputs(kept) == [typed("Table", "1", "1000.00"), typed("Chaise", "4", "85.50")]
