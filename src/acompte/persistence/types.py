"""Column types that keep exact values on SQLite (no decimal type) and PostgreSQL alike.

Money is stored as integer minor units in a BIGINT column beside the row's currency (mapping.py joins the
two); rates, quantities and unit prices are stored as canonical decimal text so they round-trip exactly.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.types import TypeDecorator

#: Autoincrement primary keys: INTEGER on SQLite (rowid alias), BIGINT elsewhere.
Id = BigInteger().with_variant(Integer(), "sqlite")


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal stored as its exact text; never passes through float."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"DecimalText expects Decimal, got {type(value).__name__}")
        return str(value)

    def process_result_value(self, value: str | None, dialect: object) -> Decimal | None:
        return None if value is None else Decimal(value)
