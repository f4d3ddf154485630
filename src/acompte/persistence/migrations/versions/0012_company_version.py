"""company version: the company's settings are versioned like documents (If-Match on PATCH /company).

Revision ID: 0012
Revises: 0010_history_chain
Create Date: 2026-12-07 06:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_company_version"
down_revision = "0010_history_chain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("companies") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("companies") as batch:
        batch.drop_column("version")
