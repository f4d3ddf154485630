"""export pending payments: a partial index on the active payments no run has posted yet, so that a run reads
the payments it posts (`exports_repository.payments_to_export`) instead of every payment of the company dated up
to the period's end, then discarding the exported ones (190 000 rows read for 4 600 at 1 000 000 documents).

On PostgreSQL also an index of the exported source keys by prefix (`text_pattern_ops`): the run reads the keys of
one kind (`exported_like("ded:")`, "wo:", "fee:" …) with `LIKE 'ded:%'`, which the primary key cannot serve
under a collation other than C, so each read walked every key the company ever exported.

The partial index's predicate is the query's own, literally (`state = 'active' AND exported IS false`; SQLite stores the
boolean as 0): the planners prove the index usable by matching it.

Revision ID: 0023_export_pending_payments
Revises: 0022_document_sums
Create Date: 2026-12-07 23:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_export_pending_payments"
down_revision = "0022_document_sums"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_payments_to_export",
        "payments",
        ["company_id", "payment_date"],
        postgresql_where=sa.text("state = 'active' AND exported IS false"),
        sqlite_where=sa.text("state = 'active' AND exported IS 0"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_exported_sources_prefix ON exported_sources (company_id, source_key text_pattern_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_exported_sources_prefix")
    op.drop_index("ix_payments_to_export", table_name="payments")
