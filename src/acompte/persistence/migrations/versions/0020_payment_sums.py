"""payment sums: one summary row per payment (persistence/payment_sums.py), kept by triggers

`payment_sums` holds what each payment has used (allocations with it, the refund it is, the refunds of its unused
part, what was written off on it) and what it has left, with copies of the payment's columns the lists filter
on. Triggers on payments, allocations, refunds and write_offs add or take off each row's amount in the
transaction of the write, on PostgreSQL and SQLite; nothing re-sums at commit. The table is filled from the
facts here, then the triggers keep it.

A use may be counted before its payment's own row exists (PostgreSQL fires the triggers of the CTEs of one
statement in no set order, and the payment writer inserts a payment and its allocations in one): an insert then
creates the summary row with the use alone, and the payment's trigger completes it. A removal only ever updates.

Also a partial index of the documents noting a deposit request (the dashboard's deposits awaited).

Revision ID: 0020_payment_sums
Revises: 0019_list_indexes
Create Date: 2026-12-07 20:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_payment_sums"
down_revision = "0019_list_indexes"
branch_labels = None
depends_on = None

REQUEST_STATISTICS = "st_documents_deposit_request"
HELD = sa.text("state = 'active' AND left_minor > 0")
COPIED = ("party_id", "direction", "currency", "state", "payment_date", "amount_minor")
#: (table, its columns naming the payment a row uses): the parts of settled_sums.payment_used_parts.
USES = (
    ("allocations", ("payment_id",)),
    ("refunds", ("payment_id", "source_payment_id")),
    ("write_offs", ("payment_id",)),
)

BACKFILL = """
INSERT INTO payment_sums (payment_id, company_id, party_id, direction, currency, state, payment_date, amount_minor,
  used_minor, left_minor)
SELECT p.id, p.company_id, p.party_id, p.direction, p.currency, p.state, p.payment_date, p.amount_minor,
  coalesce(u.used, 0), p.amount_minor - coalesce(u.used, 0)
FROM payments p LEFT JOIN (
  SELECT payment_id, sum(amount_minor) AS used FROM (
    SELECT payment_id, amount_minor FROM allocations WHERE payment_id IS NOT NULL
    UNION ALL SELECT payment_id, amount_minor FROM refunds
    UNION ALL SELECT source_payment_id, amount_minor FROM refunds WHERE source_payment_id IS NOT NULL
    UNION ALL SELECT payment_id, amount_minor FROM write_offs WHERE payment_id IS NOT NULL
  ) AS uses GROUP BY payment_id
) AS u ON u.payment_id = p.id"""


def _pg_functions() -> list[str]:
    copied = ", ".join(COPIED)
    new = ", ".join(f"NEW.{c}" for c in COPIED)
    sets = ", ".join(f"{c} = excluded.{c}" for c in COPIED)
    statements = [
        f"""CREATE FUNCTION payment_sums_payment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO payment_sums AS s (payment_id, company_id, {copied}, used_minor, left_minor)
  VALUES (NEW.id, NEW.company_id, {new}, 0, NEW.amount_minor)
  ON CONFLICT (payment_id) DO UPDATE SET {sets}, left_minor = excluded.amount_minor - s.used_minor;
  RETURN NULL;
END $$""",
    ]
    for table, columns in USES:
        body = []
        for column in columns:
            body.append(
                f"""  IF TG_OP <> 'INSERT' THEN
    IF OLD.{column} IS NOT NULL THEN
      UPDATE payment_sums SET used_minor = used_minor - OLD.amount_minor, left_minor = left_minor + OLD.amount_minor
      WHERE payment_id = OLD.{column};
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.{column} IS NOT NULL THEN
      -- the row is created by the first use if its payment's trigger has not run yet
      INSERT INTO payment_sums AS s (payment_id, company_id, amount_minor, used_minor, left_minor)
      VALUES (NEW.{column}, NEW.company_id, 0, NEW.amount_minor, -NEW.amount_minor)
      ON CONFLICT (payment_id) DO UPDATE
      SET used_minor = s.used_minor + NEW.amount_minor, left_minor = s.left_minor - NEW.amount_minor;
    END IF;
  END IF;"""
            )
        joined = "\n".join(body)
        statements.append(
            f"""CREATE FUNCTION payment_sums_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{joined}
  RETURN NULL;
END $$"""
        )
    return statements


def _pg_triggers() -> list[str]:
    copied = ", ".join(COPIED)
    statements = [
        "CREATE TRIGGER payment_sums_payment AFTER INSERT ON payments FOR EACH ROW EXECUTE FUNCTION payment_sums_payment()",
        f"CREATE TRIGGER payment_sums_payment_update AFTER UPDATE OF {copied} ON payments "
        "FOR EACH ROW EXECUTE FUNCTION payment_sums_payment()",
    ]
    for table, columns in USES:
        # only a change of what a row uses moves the sums (an UPDATE of another column does nothing)
        of = ", ".join(("amount_minor", *columns))
        statements.append(
            f"CREATE TRIGGER payment_sums_{table} AFTER INSERT OR DELETE OR UPDATE OF {of} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION payment_sums_{table}()"
        )
    return statements


def _sqlite_triggers() -> list[str]:
    copied = ", ".join(f"{c} = NEW.{c}" for c in COPIED)
    fill = f"UPDATE payment_sums SET {copied}, left_minor = NEW.amount_minor - used_minor WHERE payment_id = NEW.id;"
    statements = [
        f"""CREATE TRIGGER payment_sums_payment AFTER INSERT ON payments BEGIN
  INSERT OR IGNORE INTO payment_sums (payment_id, company_id, amount_minor, used_minor, left_minor)
  VALUES (NEW.id, NEW.company_id, 0, 0, 0);
  {fill}
END""",
        f"""CREATE TRIGGER payment_sums_payment_update AFTER UPDATE OF {", ".join(COPIED)} ON payments BEGIN
  {fill}
END""",
    ]
    for table, columns in USES:
        for column in columns:
            add = f"""INSERT OR IGNORE INTO payment_sums (payment_id, company_id, amount_minor, used_minor, left_minor)
  VALUES (NEW.{column}, NEW.company_id, 0, 0, 0);
  UPDATE payment_sums SET used_minor = used_minor + NEW.amount_minor, left_minor = left_minor - NEW.amount_minor
  WHERE payment_id = NEW.{column};"""
            take = f"""UPDATE payment_sums SET used_minor = used_minor - OLD.amount_minor,
    left_minor = left_minor + OLD.amount_minor WHERE payment_id = OLD.{column};"""
            name = f"payment_sums_{table}_{column}"
            statements += [
                f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} WHEN NEW.{column} IS NOT NULL BEGIN\n  {add}\nEND",
                f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} WHEN OLD.{column} IS NOT NULL BEGIN\n  {take}\nEND",
                # an update is the old row taken off and the new one added
                f"CREATE TRIGGER {name}_update_old AFTER UPDATE OF amount_minor, {column} ON {table} "
                f"WHEN OLD.{column} IS NOT NULL BEGIN\n  {take}\nEND",
                f"CREATE TRIGGER {name}_update_new AFTER UPDATE OF amount_minor, {column} ON {table} "
                f"WHEN NEW.{column} IS NOT NULL BEGIN\n  {add}\nEND",
            ]
    return statements


def _sqlite_trigger_names() -> list[str]:
    names = ["payment_sums_payment", "payment_sums_payment_update"]
    for table, columns in USES:
        for column in columns:
            name = f"payment_sums_{table}_{column}"
            names += [f"{name}_insert", f"{name}_delete", f"{name}_update_old", f"{name}_update_new"]
    return names


def upgrade() -> None:
    op.create_table(
        "payment_sums",
        sa.Column(
            "payment_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.ForeignKey("payments.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "company_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.ForeignKey("companies.id"),
            nullable=False,
        ),
        sa.Column("party_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("direction", sa.String(3), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("state", sa.String(10), nullable=True),
        sa.Column("payment_date", sa.Date(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("used_minor", sa.BigInteger(), nullable=False),
        sa.Column("left_minor", sa.BigInteger(), nullable=False),
    )
    op.execute(BACKFILL)
    op.create_index(
        "ix_payment_sums_held",
        "payment_sums",
        ["company_id", "direction", "currency", "payment_date", "payment_id"],
        sqlite_where=HELD,
        postgresql_where=HELD,
        postgresql_include=["party_id", "amount_minor", "used_minor", "left_minor"],
    )
    op.create_index("ix_payment_sums_left", "payment_sums", ["company_id", "left_minor", "payment_id"])
    # the dashboard's deposits awaited read the few documents noting a deposit request, not every quote and order
    op.create_index(
        "ix_documents_deposit_request",
        "documents",
        ["company_id", "issue_date", "id"],
        sqlite_where=sa.text("json_extract(data, '$.deposit_request') IS NOT NULL"),
        postgresql_where=sa.text("(data ->> 'deposit_request') IS NOT NULL"),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in (*_pg_functions(), *_pg_triggers()):
            op.execute(statement)
        # without statistics on the expression PostgreSQL guesses that most documents note a request, and scans
        # them all rather than read the partial index
        op.execute(f"CREATE STATISTICS {REQUEST_STATISTICS} ON ((data ->> 'deposit_request')) FROM documents")
        op.execute("ANALYZE payment_sums")
        op.execute("ANALYZE documents")
    else:
        for statement in _sqlite_triggers():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS payment_sums_payment ON payments")
        op.execute("DROP TRIGGER IF EXISTS payment_sums_payment_update ON payments")
        for table, _columns in USES:
            op.execute(f"DROP TRIGGER IF EXISTS payment_sums_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS payment_sums_{table}()")
        op.execute("DROP FUNCTION IF EXISTS payment_sums_payment()")
        op.execute(f"DROP STATISTICS IF EXISTS {REQUEST_STATISTICS}")
    else:
        for name in _sqlite_trigger_names():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_documents_deposit_request", table_name="documents")
    op.drop_index("ix_payment_sums_left", table_name="payment_sums")
    op.drop_index("ix_payment_sums_held", table_name="payment_sums")
    op.drop_table("payment_sums")
