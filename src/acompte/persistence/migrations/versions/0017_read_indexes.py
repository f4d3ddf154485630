"""read indexes: a whole company's sums by document (the aged balance, the dashboard) read that company's
allocations through an index of their own instead of scanning every company's.

Revision ID: 0017_read_indexes
Revises: 0016_bank
Create Date: 2026-12-07 12:00:00
"""

from alembic import op

revision = "0017_read_indexes"
down_revision = "0016_bank"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_allocations_company_document", "allocations", ["company_id", "document_id"])


def downgrade() -> None:
    op.drop_index("ix_allocations_company_document", table_name="allocations")
