"""documents.origin_id: a partial index (origin_id IS NOT NULL)

Most documents have no origin. A plain index on the column is mostly NULLs, and SQLite's planner, once
ANALYZE has run, judges it useless and scans the whole table to find a document's children (which every
party-account read does for its orders): reads grew with the size of the database. The partial index holds
only documents that have an origin, and both SQLite and PostgreSQL use it for `origin_id IN (...)`.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 14:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

WHERE = sa.text("origin_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_documents_origin", table_name="documents")
    op.create_index(
        "ix_documents_origin", "documents", ["origin_id"], unique=False, sqlite_where=WHERE, postgresql_where=WHERE
    )


def downgrade() -> None:
    op.drop_index("ix_documents_origin", table_name="documents")
    op.create_index("ix_documents_origin", "documents", ["origin_id"], unique=False)
