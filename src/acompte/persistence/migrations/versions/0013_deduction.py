"""write-off at receipt: a small shortfall written off in the same operation as the payment that left it names
that payment (`write_offs.received_payment_id`), so the export books both in one bank entry.

Existing write-offs keep a null link: they were recorded on their own and stay miscellaneous (OD) entries.

Revision ID: 0013_deduction
Revises: 0012_company_version
Create Date: 2026-12-07 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_deduction"
down_revision = "0012_company_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("write_offs") as batch:
        batch.add_column(sa.Column("received_payment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite")))
        batch.create_foreign_key(
            "fk_write_offs_received_payment_id_payments", "payments", ["received_payment_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("write_offs") as batch:
        batch.drop_constraint("fk_write_offs_received_payment_id_payments", type_="foreignkey")
        batch.drop_column("received_payment_id")
