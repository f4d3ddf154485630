"""issued_file_jobs: the files an issued document is due, with what they are made of, rendered after commit

Revision ID: 0018_issued_file_jobs
Revises: 0017_read_indexes
Create Date: 2026-12-07 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_issued_file_jobs"
down_revision = "0017_read_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issued_file_jobs",
        sa.Column("company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("document_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("plan", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_issued_file_jobs_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_issued_file_jobs_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("company_id", "document_id", name=op.f("pk_issued_file_jobs")),
    )
    op.create_index(
        "ix_issued_file_jobs_due",
        "issued_file_jobs",
        ["issued_at"],
        sqlite_where=sa.text("rendered_at IS NULL"),
        postgresql_where=sa.text("rendered_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_issued_file_jobs_due", table_name="issued_file_jobs")
    op.drop_table("issued_file_jobs")
