"""exchange rates: a payment in a foreign currency carries its rate at receipt; a journal line of a
foreign-currency document or payment keeps its amount in that currency (the FEC's Montantdevise and Idevise).

All three columns are nullable: existing payments and lines are in the company's currency and keep no rate.

Revision ID: 0014
Revises: 0013_deduction
Create Date: 2026-12-07 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_exchange_rates"
down_revision = "0013_deduction"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("exchange_rate", sa.String(length=40), nullable=True))
    with op.batch_alter_table("journal_lines") as batch:
        batch.add_column(sa.Column("foreign_minor", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("foreign_currency", sa.String(length=3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("journal_lines") as batch:
        batch.drop_column("foreign_currency")
        batch.drop_column("foreign_minor")
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("exchange_rate")
