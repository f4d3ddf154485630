"""list indexes: each order a document list offers reads its page's ids from an index that starts with the company
and ends with the sort key and the id (persistence/document_pages.py), so a page costs the same at any size.

The expressions are the lists' own, literally: `coalesce(number, '')` and `coalesce(due_date, '9999-12-31')` (a
parameter in their place would not match the index on PostgreSQL). ix_documents_list_date replaces
ix_documents_company_kind (the same columns and the id).

Revision ID: 0019_list_indexes
Revises: 0018_issued_file_jobs
Create Date: 2026-12-07 17:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_list_indexes"
down_revision = "0018_issued_file_jobs"
branch_labels = None
depends_on = None

DOCUMENT_INDEXES: tuple[tuple[str, list[str | sa.TextClause]], ...] = (
    ("ix_documents_list_date", ["company_id", "kind", "flow", "issue_date", "id"]),
    ("ix_documents_list_any_date", ["company_id", "issue_date", "id"]),
    ("ix_documents_list_number", ["company_id", "kind", "flow", sa.text("coalesce(number, '')"), "id"]),
    ("ix_documents_list_gross", ["company_id", "kind", "flow", "gross_minor", "id"]),
    ("ix_documents_list_due", ["company_id", "kind", "flow", sa.text("coalesce(due_date, '9999-12-31')"), "id"]),
    ("ix_documents_list_party", ["company_id", "party_id", "kind", "flow", "id"]),
)


def upgrade() -> None:
    for name, columns in DOCUMENT_INDEXES:
        op.create_index(name, "documents", columns)
    op.drop_index("ix_documents_company_kind", table_name="documents")
    op.create_index("ix_parties_list_name", "parties", ["company_id", sa.text("lower(name)"), "id"])


def downgrade() -> None:
    op.drop_index("ix_parties_list_name", table_name="parties")
    op.create_index("ix_documents_company_kind", "documents", ["company_id", "kind", "flow", "issue_date"])
    for name, _columns in reversed(DOCUMENT_INDEXES):
        op.drop_index(name, table_name="documents")
