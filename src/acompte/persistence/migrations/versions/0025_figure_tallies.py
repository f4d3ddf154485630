"""figure tallies: the dashboard's whole-company counts and sums kept by triggers (persistence/figure_tallies.py)

`document_tallies` counts the documents by company, flow, kind, state and currency, with the deposits they hold
before being invoiced (the payments allocated to a validated quote, order or delivery note, or to a draft invoice
or deposit invoice): a trigger on `document_sums` (whose row copies the document's columns and sums its payments)
takes back what the old row brought and adds what the new one brings. `payment_months` sums the active payments
by company, currency, direction and month: a trigger on `payments`. Both are spread over `SLOTS` rows per key: on
PostgreSQL each open transaction of a company writes a slot of its own (0024's `acompte_shard`), so that two
transactions of one company (two payments, two drafts) never write the same row: a tally never becomes the one row
every write of a company waits for. SQLite, one writer at a time, uses the document's or payment's id modulo
`SLOTS` (as the backfill does on both). A
write that changes nothing a tally counts (a payment on an issued invoice, a payment's use) does not touch it.

The tables are filled from the facts here, then the triggers keep them. Also partial indexes of the credit notes
with credit left and of the issued deposit invoices paid (the dashboard's credits and deposits not deducted).

Revision ID: 0025_figure_tallies
Revises: 0024_lists_status
Create Date: 2026-12-07 23:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_figure_tallies"
down_revision = "0024_lists_status"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
#: Rows per key (kept equal to figure_tallies.SLOTS: the schema test compares them through the backfill).
SLOTS = 16
DOCUMENT_KEY = ("company_id", "flow", "kind", "state", "currency", "slot")
PAYMENT_KEY = ("company_id", "currency", "direction", "month", "slot")
#: A document holding deposits not invoiced yet, as SQL over the summary row `R` (figure_tallies.HELD).
HELD = (
    "(R.pay > 0 AND ((R.state = 'validated' AND R.kind IN ('delivery', 'order', 'quote'))"
    " OR (R.state = 'draft' AND R.kind IN ('deposit_invoice', 'invoice'))))"
)

#: The credit notes with credit left (figure_tallies.CREDIT_LEFT): what the dashboard's credits read.
CREDIT_LEFT = (
    "state = 'validated' AND kind IN ('credit_note', 'deposit_credit_note') AND cwo <= 0"
    " AND gross_minor - used - refunded - cwo > 0"
)

#: Issued deposit invoices that received payments (figure_tallies.DEPOSITS_PAID): « deposits not deducted ».
DEPOSITS_PAID = "kind = 'deposit_invoice' AND state = 'validated' AND pay > 0"


def _document_values(row: str) -> dict[str, str]:
    held = HELD.replace("R.", f"{row}.")
    return {
        "company_id": f"{row}.company_id",
        "flow": f"{row}.flow",
        "kind": f"{row}.kind",
        "state": f"{row}.state",
        "currency": f"{row}.currency",
        "slot": f"{row}.document_id % {SLOTS}",
        "n": "1",
        "held_n": f"CASE WHEN {held} THEN 1 ELSE 0 END",
        "held_minor": f"CASE WHEN {held} THEN {row}.pay ELSE 0 END",
    }


def _month(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _payment_values(dialect: str, row: str) -> dict[str, str]:
    return {
        "company_id": f"{row}.company_id",
        "currency": f"{row}.currency",
        "direction": f"{row}.direction",
        "month": _month(dialect, f"{row}.payment_date"),
        "slot": f"{row}.id % {SLOTS}",
        "minor": f"{row}.amount_minor",
    }


def _take(table: str, key: tuple[str, ...], values: dict[str, str], counts: str) -> str:
    """What the old row brought, taken back (when it counted)."""
    sets = ", ".join(f"{c} = {c} - {values[c]}" for c in values if c not in key)
    where = " AND ".join(f"{c} = {values[c]}" for c in key)
    return f"UPDATE {table} SET {sets} WHERE {where} AND {counts};"


def _add(dialect: str, table: str, key: tuple[str, ...], values: dict[str, str], counts: str, sign: str = "+") -> str:
    """What the new row brings (when it counts), its tally row created empty when missing: the same two steps on
    both databases (an INSERT that leaves an existing row alone, then an UPDATE)."""
    zeros = ", ".join(values[c] if c in key else "0" for c in values)
    into = f"{table} ({', '.join(values)}) SELECT {zeros} WHERE {counts}"
    if dialect == "postgresql":
        insert = f"INSERT INTO {into} ON CONFLICT DO NOTHING;"
    else:  # SQLite reads `ON CONFLICT` after a SELECT as an upsert's, which wants a WHERE: its own form instead
        insert = f"INSERT OR IGNORE INTO {into};"
    sets = ", ".join(f"{c} = {c} {sign} ({values[c]})" for c in values if c not in key)
    where = " AND ".join(f"{c} = {values[c]}" for c in key)
    return f"{insert} UPDATE {table} SET {sets} WHERE {where} AND {counts};"


def _same(old: dict[str, str], new: dict[str, str], old_counts: str, new_counts: str) -> str:
    """Whether an update leaves the row's contribution as it was (then the trigger writes nothing)."""
    return " AND ".join([f"({old_counts}) = ({new_counts})", *(f"({new[c]}) = ({old[c]})" for c in new)])


def _create_triggers(dialect: str) -> None:
    true = "TRUE" if dialect == "postgresql" else "1"
    documents = {row: _document_values(row) for row in ("OLD", "NEW")}
    payments = {row: _payment_values(dialect, row) for row in ("OLD", "NEW")}
    # (trigger, table it watches, tally, key, what a row brings, the condition for a row to count at all)
    specs = (
        ("document_tallies_sums", "document_sums", "document_tallies", DOCUMENT_KEY, documents, true),
        ("payment_months_payments", "payments", "payment_months", PAYMENT_KEY, payments, "R.state = 'active'"),
    )
    for name, watched, tally, key, values, counted in specs:
        old_counts, new_counts = (counted.replace("R.", f"{row}.") for row in ("OLD", "NEW"))
        same = _same(values["OLD"], values["NEW"], old_counts, new_counts)
        if dialect == "postgresql":
            # the comparison assigned, not tested in the IF: PL/pgSQL would end an IF's condition at a CASE's THEN;
            # the slot is the transaction's own shard (0024's acompte_shard), never one another transaction
            # writes: waiting on a tally row held by a transaction that will then wait for the history head
            # (which the payment writer holds while its inserts fire this trigger) would deadlock
            old, new = ({**values[row], "slot": "part"} for row in ("OLD", "NEW"))
            op.execute(
                f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unchanged boolean := false;
  part smallint;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    unchanged := {same};
  END IF;
  IF unchanged THEN
    RETURN NULL;
  END IF;
  part := acompte_shard(COALESCE(NEW.company_id, OLD.company_id));
  IF TG_OP <> 'INSERT' THEN
    {_add(dialect, tally, key, old, old_counts, sign="-")}
  END IF;
  IF TG_OP <> 'DELETE' THEN
    {_add(dialect, tally, key, new, new_counts)}
  END IF;
  RETURN NULL;
END $$"""
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {watched}"
                f" FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
            continue
        taken = _take(tally, key, values["OLD"], old_counts)
        added = _add(dialect, tally, key, values["NEW"], new_counts)
        for event, body, when in (
            ("INSERT", added, ""),
            ("DELETE", taken, ""),
            ("UPDATE", f"{taken} {added}", f" WHEN NOT ({same})"),
        ):
            op.execute(
                f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {watched} FOR EACH ROW{when} BEGIN {body} END"
            )


def _backfill(dialect: str) -> None:
    documents = _document_values("R")
    keys = ", ".join(documents[c] for c in DOCUMENT_KEY)
    sums = ", ".join(f"sum({documents[c]})" for c in ("n", "held_n", "held_minor"))
    op.execute(
        f"INSERT INTO document_tallies ({', '.join(documents)}) SELECT {keys}, {sums}"
        f" FROM document_sums R GROUP BY {keys}"
    )
    payments = _payment_values(dialect, "R")
    keys = ", ".join(payments[c] for c in PAYMENT_KEY)
    op.execute(
        f"INSERT INTO payment_months ({', '.join(payments)}) SELECT {keys}, sum(R.amount_minor)"
        f" FROM payments R WHERE R.state = 'active' GROUP BY {keys}"
    )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "document_tallies",
        sa.Column("company_id", ID, sa.ForeignKey("companies.id"), nullable=False),
        sa.Column("flow", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("slot", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("held_n", sa.BigInteger(), nullable=False),
        sa.Column("held_minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(*DOCUMENT_KEY, name=op.f("pk_document_tallies")),
    )
    op.create_table(
        "payment_months",
        sa.Column("company_id", ID, sa.ForeignKey("companies.id"), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("slot", sa.SmallInteger(), nullable=False),
        sa.Column("minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(*PAYMENT_KEY, name=op.f("pk_payment_months")),
    )
    _backfill(dialect)
    _create_triggers(dialect)
    where = sa.text(CREDIT_LEFT)
    op.create_index(
        "ix_document_sums_credit_left",
        "document_sums",
        ["company_id", "flow", "currency"],
        sqlite_where=where,
        postgresql_where=where,
    )
    paid = sa.text(DEPOSITS_PAID)
    op.create_index(
        "ix_document_sums_deposits_paid",
        "document_sums",
        ["company_id", "flow", "currency"],
        sqlite_where=paid,
        postgresql_where=paid,
        postgresql_include=["gross_minor", "pay"],
    )
    if dialect == "postgresql":
        op.execute("ANALYZE document_tallies")
        op.execute("ANALYZE payment_months")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_index("ix_document_sums_deposits_paid", table_name="document_sums")
    op.drop_index("ix_document_sums_credit_left", table_name="document_sums")
    for name, table in (("document_tallies_sums", "document_sums"), ("payment_months_payments", "payments")):
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
        else:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER {name}_{event}")
    op.drop_table("payment_months")
    op.drop_table("document_tallies")
