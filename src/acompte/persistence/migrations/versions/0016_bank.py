"""bank reconciliation: the company's bank accounts get their BIC, their own 512x account, currency and opening
balance; parties hold bank accounts (IBANs); purchase documents keep the supplier's own number; imported bank
statements, their lines, saved CSV mappings and confirmed matches of lines with payments.

Revision ID: 0016_bank
Revises: 0015_structured_addresses
Create Date: 2026-12-07 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_bank"
down_revision = "0015_structured_addresses"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
NOW = sa.DateTime(timezone=True)


def _fk(column: str, table: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(column, ID, sa.ForeignKey(f"{table}.id"), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("treasury_accounts") as batch:
        batch.add_column(sa.Column("bic", sa.String(length=11), nullable=False, server_default=""))
        batch.add_column(sa.Column("ledger_account", sa.String(length=20), nullable=False, server_default=""))
        batch.add_column(sa.Column("currency", sa.String(length=3), nullable=False, server_default="EUR"))
        batch.add_column(sa.Column("opening_balance_minor", sa.BigInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("opening_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("supplier_reference", sa.String(length=100), nullable=False, server_default=""))
    where = sa.text("supplier_reference <> ''")
    op.create_index(
        "ix_documents_supplier_reference",
        "documents",
        ["company_id", "supplier_reference"],
        sqlite_where=where,
        postgresql_where=where,
    )

    op.create_table(
        "party_bank_accounts",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _fk("company_id", "companies"),
        _fk("party_id", "parties"),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.Column("bic", sa.String(length=11), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_bank_accounts")),
        sa.UniqueConstraint("company_id", "party_id", "iban", name="uq_party_bank_accounts_party_iban"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_party_bank_accounts_iban", "party_bank_accounts", ["company_id", "iban"])

    op.create_table(
        "bank_csv_mappings",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _fk("company_id", "companies"),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_csv_mappings")),
        sa.UniqueConstraint("company_id", "name", name="uq_bank_csv_mappings_name"),
        sqlite_autoincrement=True,
    )

    op.create_table(
        "bank_imports",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _fk("company_id", "companies"),
        _fk("account_id", "treasury_accounts"),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("statement_ref", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.Column("opening_balance_minor", sa.BigInteger(), nullable=True),
        sa.Column("closing_balance_minor", sa.BigInteger(), nullable=True),
        sa.Column("lines_added", sa.Integer(), nullable=False),
        sa.Column("lines_skipped", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.Column("imported_at", NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_imports")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_bank_imports_account", "bank_imports", ["company_id", "account_id", "imported_at"])

    op.create_table(
        "bank_lines",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _fk("company_id", "companies"),
        _fk("account_id", "treasury_accounts"),
        _fk("import_id", "bank_imports"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("booking_date", sa.Date(), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("entry_reference", sa.String(length=100), nullable=False),
        sa.Column("dedup_key", sa.String(length=100), nullable=False),
        sa.Column("counterparty_name", sa.String(length=200), nullable=False),
        sa.Column("counterparty_iban", sa.String(length=34), nullable=False),
        sa.Column("transaction_code", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_lines")),
        sa.UniqueConstraint("company_id", "account_id", "dedup_key", name="uq_bank_lines_dedup"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_bank_lines_account_state", "bank_lines", ["company_id", "account_id", "state", "booking_date"])

    op.create_table(
        "bank_matches",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _fk("company_id", "companies"),
        _fk("line_id", "bank_lines"),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.Column("undone_at", NOW, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_matches")),
        sqlite_autoincrement=True,
    )
    active = sa.text("undone_at IS NULL")
    op.create_index(
        "uq_bank_matches_active_line",
        "bank_matches",
        ["line_id"],
        unique=True,
        sqlite_where=active,
        postgresql_where=active,
    )
    op.create_index("ix_bank_matches_company", "bank_matches", ["company_id", "created_at"])

    op.create_table(
        "bank_match_payments",
        sa.Column("match_id", ID, sa.ForeignKey("bank_matches.id"), nullable=False),
        sa.Column("payment_id", ID, sa.ForeignKey("payments.id"), nullable=False),
        _fk("company_id", "companies"),
        sa.Column("recorded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("match_id", "payment_id", name=op.f("pk_bank_match_payments")),
    )
    op.create_index("ix_bank_match_payments_payment", "bank_match_payments", ["company_id", "payment_id"])


def downgrade() -> None:
    op.drop_index("ix_bank_match_payments_payment", table_name="bank_match_payments")
    op.drop_table("bank_match_payments")
    op.drop_index("ix_bank_matches_company", table_name="bank_matches")
    op.drop_index("uq_bank_matches_active_line", table_name="bank_matches")
    op.drop_table("bank_matches")
    op.drop_index("ix_bank_lines_account_state", table_name="bank_lines")
    op.drop_table("bank_lines")
    op.drop_index("ix_bank_imports_account", table_name="bank_imports")
    op.drop_table("bank_imports")
    op.drop_table("bank_csv_mappings")
    op.drop_index("ix_party_bank_accounts_iban", table_name="party_bank_accounts")
    op.drop_table("party_bank_accounts")
    op.drop_index("ix_documents_supplier_reference", table_name="documents")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("supplier_reference")
    with op.batch_alter_table("treasury_accounts") as batch:
        for column in ("version", "opening_date", "opening_balance_minor", "currency", "ledger_account", "bic"):
            batch.drop_column(column)
