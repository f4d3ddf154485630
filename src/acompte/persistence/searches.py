"""A substring search on a lowered column: `LIKE '%typed%'`, the pattern written into the statement.

The pattern is a literal, not a bound parameter, so that PostgreSQL plans every search knowing what it looks
for: its trigram indexes (migration 0021_search_indexes) find a rare substring in the rows that hold it. With
a parameter, a statement prepared by the driver (psycopg prepares a statement run five times on a connection)
may get PostgreSQL's generic plan, priced for any pattern: it walked a whole company's date index, filtering
every row (1.4–2.7 s at 1 000 000 documents, against 20 ms). SQLAlchemy writes the literal with the dialect's
own quoting, so what is typed stays data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, String, bindparam, func, literal_column

from acompte.persistence.rows import DocumentRow, PartyRow

#: The LIKE escape character of an escaped search.
ESCAPE = "/"


def contains(lowered: Any, typed: str, *, escape: bool = True) -> Any:
    """`lowered` (a lowered text expression) contains `typed`, lowered: with `escape`, `%` and `_` are searched
    for as themselves; without, they keep their LIKE meaning (the searches that always worked so)."""
    needle = typed.lower()
    if escape:
        for special in (ESCAPE, "%", "_"):
            needle = needle.replace(special, ESCAPE + special)
    pattern = bindparam(None, f"%{needle}%", type_=String(), literal_execute=True)
    return lowered.like(pattern, escape=ESCAPE) if escape else lowered.like(pattern)


def _trigram_index(name: str, expression: Any) -> Index:
    """A GIN index of `expression`'s trigrams, PostgreSQL's only (`info`: SQLite has none, tests/persistence/
    test_schema.py compares it on PostgreSQL only); created by migration 0021_search_indexes."""
    return Index(
        name,
        expression.label("searched"),
        postgresql_using="gin",
        postgresql_ops={"searched": "gin_trgm_ops"},
        info={"dialects": ("postgresql",)},
    )


#: The searches' trigram indexes (their expressions are the searches' own).
TRIGRAM_INDEXES = (
    _trigram_index("ix_documents_search_number", func.lower(func.coalesce(DocumentRow.number, literal_column("''")))),
    _trigram_index("ix_documents_search_reference", func.lower(DocumentRow.supplier_reference)),
    _trigram_index("ix_parties_search_name", func.lower(PartyRow.name)),
)
