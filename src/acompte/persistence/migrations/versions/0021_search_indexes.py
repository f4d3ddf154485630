"""search indexes: on PostgreSQL, the substring searches (a document's number or the supplier's reference, a
party's name) read trigram indexes (pg_trgm, GIN) instead of every row of the company, so a search costs what it
finds, not the size of the company.

The indexed expressions are the searches' own, literally: `lower(coalesce(number, ''))`, `lower(supplier_reference)`
and `lower(name)`, matched by `LIKE '%…%'` (persistence/document_filters.py, companies_repository.py). pg_trgm is
a trusted extension of PostgreSQL's contrib (Debian's postgresql package ships it): the database owner may create
it. The downgrade drops the indexes and leaves the extension (it may have been there before, or serve others).

SQLite has no such index: its searches keep scanning the company's rows (docs/benchmarks.md, « Searches »).

Revision ID: 0021_search_indexes
Revises: 0020_payment_sums
Create Date: 2026-12-07 20:30:00
"""

from alembic import op

revision = "0021_search_indexes"
down_revision = "0020_payment_sums"
branch_labels = None
depends_on = None

#: (index, table, indexed expression): each one the expression its search compares, literally.
SEARCH_INDEXES = (
    ("ix_documents_search_number", "documents", "lower(coalesce(number, ''))"),
    ("ix_documents_search_reference", "documents", "lower(supplier_reference)"),
    ("ix_parties_search_name", "parties", "lower(name)"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in SEARCH_INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} USING gin (({expression}) gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _table, _expression in reversed(SEARCH_INDEXES):
        op.execute(f"DROP INDEX {name}")
