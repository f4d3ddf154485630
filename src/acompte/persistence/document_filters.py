"""The filters of a document list on the document's own columns (everything but its position, which the list
derives in SQL), and money bounds in each row's own currency."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from sqlalchemy import case, func, literal_column, or_

from acompte.domain.documents import State
from acompte.domain.money import MINOR_UNITS
from acompte.persistence.rows import DocumentRow
from acompte.persistence.searches import contains
from acompte.services.views import DocumentFilter

VALIDATED = State.VALIDATED.value

#: A literal, not a bound parameter, so that PostgreSQL matches the expressions of the indexes (a parameter in
#: `coalesce(number, $1)` is not the indexed `coalesce(number, '')` once a prepared statement's plan is generic).
NO_NUMBER: Any = literal_column("''")


def minor_bound(amount: Decimal, currency_col: Any, rounding: str) -> Any:
    """`amount` in minor units of each row's currency (gross_minor is in the document's own currency)."""
    by_exponent: dict[int, list[str]] = {}
    for code, exponent in MINOR_UNITS.items():
        by_exponent.setdefault(exponent, []).append(code)
    default = 2
    whens = [
        (currency_col.in_(codes), int(amount.scaleb(exponent).to_integral_value(rounding)))
        for exponent, codes in sorted(by_exponent.items())
        if exponent != default
    ]
    fallback = int(amount.scaleb(default).to_integral_value(rounding))
    return case(*whens, else_=fallback) if whens else fallback


def own_conditions(company_id: int, f: DocumentFilter) -> list[Any]:
    """The filters on the document's own columns (everything but the status, which is derived)."""
    where = [DocumentRow.company_id == company_id]
    if f.kind:
        where.append(DocumentRow.kind == f.kind)
    if f.flow:
        where.append(DocumentRow.flow == f.flow)
    if f.party_id is not None:
        where.append(DocumentRow.party_id == f.party_id)
    if f.state:
        where.append(DocumentRow.state == f.state)
    if f.date_from:
        where.append(DocumentRow.issue_date >= f.date_from)
    if f.date_to:
        where.append(DocumentRow.issue_date <= f.date_to)
    if f.search:
        # A substring anywhere: on PostgreSQL, the trigram indexes of these two expressions (0021_search_indexes)
        # find the matching rows; SQLite scans the company's rows.
        number = func.lower(func.coalesce(DocumentRow.number, NO_NUMBER))
        theirs = func.lower(DocumentRow.supplier_reference)
        where.append(or_(contains(number, f.search), contains(theirs, f.search)))
    if f.amount_min is not None:
        where.append(DocumentRow.gross_minor >= minor_bound(f.amount_min, DocumentRow.currency, ROUND_CEILING))
    if f.amount_max is not None:
        where.append(DocumentRow.gross_minor <= minor_bound(f.amount_max, DocumentRow.currency, ROUND_FLOOR))
    if f.amount is not None:  # an amount finer than a currency's unit matches nothing in it
        where.append(DocumentRow.gross_minor >= minor_bound(f.amount, DocumentRow.currency, ROUND_CEILING))
        where.append(DocumentRow.gross_minor <= minor_bound(f.amount, DocumentRow.currency, ROUND_FLOOR))
    if f.open:
        where.append(DocumentRow.state == VALIDATED)
    return where
