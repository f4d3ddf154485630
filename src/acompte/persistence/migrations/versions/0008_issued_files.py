"""issued_files: the PDF / Factur-X / XML of an issued document, stored once at issue with its SHA-256

Revision ID: 0008_issued_files
Revises: 0007
Create Date: 2026-12-10 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_issued_files"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issued_files",
        sa.Column("company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("document_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], name=op.f("fk_issued_files_company_id_companies")),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name=op.f("fk_issued_files_document_id_documents")),
        sa.PrimaryKeyConstraint("company_id", "document_id", "kind", name=op.f("pk_issued_files")),
    )


def downgrade() -> None:
    op.drop_table("issued_files")
