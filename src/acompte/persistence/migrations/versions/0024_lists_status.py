"""document status: each document's summary row (`document_sums`) also holds what cancels it and, for every kind
whose position is its own (invoices, deposit invoices, credit notes), its status — so that a list filtered on
a status, and its totals, read the summary rows alone instead of the history and the deposit credit notes.

- `credited_full`: how many `InvoiceCreditedInFull` events name the document (a trigger on events adds one; the
  history is append-only, so it never goes back).
- `reversed`: the total of the issued deposit credit notes made from it (a trigger on documents adds a validated
  deposit credit note's total to its origin's row and takes it back when the note changes).
- `status`: a stored generated column, the document's position status (domain/positions.py) from the row's own
  columns; NULL for a quote, order or delivery note, whose status depends on their family.

- `document_totals`: the lists' totals, per company, kind, flow, state, currency and status of the documents
  whose status is stored (count and summed figures), kept by a trigger on `document_sums` that moves a row's
  figures from its old group to its new one. PostgreSQL spreads each group over SHARDS rows, each open
  transaction of a company writing a shard of its own (`acompte_shard`), so that two transactions of one
  company (two payments) never wait on one row; SQLite, one writer at a time, uses shard 0.

The table is rebuilt (SQLite cannot add a stored generated column): 0022's objects are dropped, the table created
with the new columns, filled by 0022's backfill plus the two new facts, and 0022's triggers and indexes made
again beside the new ones. Downgrade drops them all and runs 0022's upgrade (its backfill from the facts).

Revision ID: 0024_lists_status
Revises: 0023_export_pending_payments
Create Date: 2026-12-07 23:30:00
"""

import importlib

import sqlalchemy as sa
from alembic import op

revision = "0024_lists_status"
down_revision = "0023_export_pending_payments"
branch_labels = None
depends_on = None

PREVIOUS = importlib.import_module("acompte.persistence.migrations.versions.0022_document_sums")

#: What the generated column computes (kept literally equal to persistence/document_sums.py's STATUS: the schema
#: test compares them). The order of the branches is domain.positions' (a draft first, then a cancellation …).
STATUS = (
    "CASE WHEN kind IN ('delivery', 'order', 'quote') THEN NULL"
    " WHEN state = 'draft' THEN 'draft'"
    " WHEN state = 'cancelled' THEN 'cancelled'"
    " WHEN state = 'validated' AND kind = 'invoice' AND credited_full > 0 THEN 'cancelled'"
    " WHEN state = 'validated' AND kind = 'deposit_invoice' AND gross_minor > 0 AND reversed >= gross_minor"
    " THEN 'cancelled'"
    " WHEN kind IN ('credit_note', 'deposit_credit_note') THEN CASE"
    " WHEN cwo > 0 AND gross_minor - used - refunded - cwo = 0 THEN 'written_off'"
    " WHEN used + refunded + cwo = 0 THEN 'unused'"
    " WHEN gross_minor - used - refunded - cwo > 0 THEN 'partially_used'"
    " WHEN used = 0 AND refunded > 0 THEN 'refunded'"
    " ELSE 'used' END"
    " WHEN ded + pay + cred + wo = 0 AND gross_minor > 0 THEN 'unpaid'"
    " WHEN ded + pay + cred + wo >= gross_minor THEN 'paid'"
    " ELSE 'partial' END"
)
#: The index of a status page in balance order (and of a status's totals: company, kind, flow, status first).
STATUS_INDEX = ("ix_document_sums_status", ["company_id", "kind", "flow", "status", "balance_minor", "document_id"])
CREDITED = "InvoiceCreditedInFull"
#: Whether the document row `R` reverses its origin: an issued deposit credit note made from a document.
REVERSES = "R.kind = 'deposit_credit_note' AND R.state = 'validated' AND R.origin_id IS NOT NULL"


def _reverses(row: str) -> str:
    return REVERSES.replace("R.", row + ".")


def _reversal(row: str, sign: str) -> str:
    return f"UPDATE document_sums SET reversed = reversed {sign} {row}.gross_minor WHERE document_id = {row}.origin_id;"


def _credited(row: str) -> str:
    return f"UPDATE document_sums SET credited_full = credited_full + 1 WHERE document_id = {row}.document_id;"


def _create_table() -> None:
    op.create_table(
        "document_sums",
        sa.Column("document_id", PREVIOUS.ID, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("company_id", PREVIOUS.ID, sa.ForeignKey("companies.id"), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("flow", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("party_id", PREVIOUS.ID, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("gross_minor", sa.BigInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("terms", sa.SmallInteger(), nullable=False, server_default="0"),
        *(sa.Column(name, sa.BigInteger(), nullable=False, server_default="0") for name in PREVIOUS.SUMS),
        sa.Column("credited_full", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("reversed", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("balance_minor", sa.BigInteger(), sa.Computed(PREVIOUS.BALANCE, persisted=True), nullable=True),
        sa.Column("status", sa.String(length=20), sa.Computed(STATUS, persisted=True), nullable=True),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_sums")),
    )


def _backfill_facts() -> None:
    """The two new facts of the rows 0022's backfill wrote (few documents have them: one UPDATE each)."""
    op.execute(
        "UPDATE document_sums SET credited_full = (SELECT count(*) FROM events e"
        f" WHERE e.document_id = document_sums.document_id AND e.kind = '{CREDITED}')"
        f" WHERE document_id IN (SELECT document_id FROM events WHERE kind = '{CREDITED}')"
    )
    op.execute(
        "UPDATE document_sums SET reversed = (SELECT sum(n.gross_minor) FROM documents n"
        f" WHERE n.origin_id = document_sums.document_id AND {_reverses('n')})"
        f" WHERE document_id IN (SELECT n.origin_id FROM documents n WHERE {_reverses('n')})"
    )


def _create_triggers(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute(
            f"""CREATE FUNCTION document_sums_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_credited("NEW")}
  RETURN NULL;
END $$"""
        )
        op.execute(
            "CREATE TRIGGER document_sums_events AFTER INSERT ON events FOR EACH ROW"
            f" WHEN (NEW.kind = '{CREDITED}') EXECUTE FUNCTION document_sums_events()"
        )
        op.execute(
            f"""CREATE FUNCTION document_sums_reversal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND {_reverses("OLD")} THEN
    {_reversal("OLD", "-")}
  END IF;
  IF TG_OP <> 'DELETE' AND {_reverses("NEW")} THEN
    {_reversal("NEW", "+")}
  END IF;
  RETURN NULL;
END $$"""
        )
        # A trigger per event with its WHEN: the function runs for deposit credit notes only.
        for event, when in (
            ("INSERT", _reverses("NEW")),
            ("DELETE", _reverses("OLD")),
            ("UPDATE", f"({_reverses('OLD')}) OR ({_reverses('NEW')})"),
        ):
            op.execute(
                f"CREATE TRIGGER document_sums_reversal_{event.lower()} AFTER {event} ON documents FOR EACH ROW"
                f" WHEN ({when}) EXECUTE FUNCTION document_sums_reversal()"
            )
        return
    op.execute(
        "CREATE TRIGGER document_sums_events AFTER INSERT ON events FOR EACH ROW"
        f" WHEN NEW.kind = '{CREDITED}' BEGIN {_credited('NEW')} END"
    )
    for event, body in (
        ("INSERT", [(_reverses("NEW"), _reversal("NEW", "+"))]),
        ("DELETE", [(_reverses("OLD"), _reversal("OLD", "-"))]),
        ("UPDATE", [(_reverses("OLD"), _reversal("OLD", "-")), (_reverses("NEW"), _reversal("NEW", "+"))]),
    ):
        # SQLite's triggers have no IF: each UPDATE carries its own condition.
        statements = " ".join(f"{sql[:-1]} AND ({condition});" for condition, sql in body)
        when = " OR ".join(f"({condition})" for condition, _ in body)
        op.execute(
            f"CREATE TRIGGER document_sums_reversal_{event.lower()} AFTER {event} ON documents FOR EACH ROW"
            f" WHEN {when} BEGIN {statements} END"
        )


def _drop_triggers(dialect: str) -> None:
    op.execute("DROP TRIGGER document_sums_events" + (" ON events" if dialect == "postgresql" else ""))
    for event in ("insert", "delete", "update"):
        op.execute(
            f"DROP TRIGGER document_sums_reversal_{event}" + (" ON documents" if dialect == "postgresql" else "")
        )
    if dialect == "postgresql":
        op.execute("DROP FUNCTION document_sums_events()")
        op.execute("DROP FUNCTION document_sums_reversal()")


TOTALS_GROUP = ("company_id", "kind", "flow", "state", "currency", "status")
TOTALS_FIGURES = ("gross_minor", "pay", "cred", "wo", "ded", "cwo")
SHARDS = 16
#: The advisory locks' first key: the shards' own space (« acom » in ASCII).
SHARD_LOCKS = 1633906541


def _create_totals() -> None:
    op.create_table(
        "document_totals",
        sa.Column("company_id", PREVIOUS.ID, sa.ForeignKey("companies.id"), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("flow", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("shard", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False, server_default="0"),
        *(sa.Column(name, sa.BigInteger(), nullable=False, server_default="0") for name in TOTALS_FIGURES),
        sa.PrimaryKeyConstraint(*TOTALS_GROUP, "shard", name=op.f("pk_document_totals")),
    )
    group, figures = ", ".join(TOTALS_GROUP), ", ".join(TOTALS_FIGURES)
    summed = ", ".join(f"sum({f})" for f in TOTALS_FIGURES)
    op.execute(
        f"INSERT INTO document_totals ({group}, shard, n, {figures})"
        f" SELECT {group}, 0, count(*), {summed} FROM document_sums WHERE status IS NOT NULL GROUP BY {group}"
    )


def _add(row: str, sign: str, shard: str, *, where: str = "") -> str:
    """The upsert adding (`sign` +) or taking (-) the summary row `row`'s count and figures to its group's shard;
    with `where` (SQLite, whose triggers have no IF), only when it holds."""
    group, figures = ", ".join(TOTALS_GROUP), ", ".join(TOTALS_FIGURES)
    values = ", ".join(
        [*(f"{row}.{c}" for c in TOTALS_GROUP), shard, f"{sign}1", *(f"{sign}{row}.{f}" for f in TOTALS_FIGURES)]
    )
    sets = ", ".join(f"{c} = document_totals.{c} + excluded.{c}" for c in ("n", *TOTALS_FIGURES))
    source = f"SELECT {values} WHERE {where}" if where else f"VALUES ({values})"
    return (
        f"INSERT INTO document_totals ({group}, shard, n, {figures}) {source}"
        f" ON CONFLICT ({group}, shard) DO UPDATE SET {sets};"
    )


def _moved(shard: str) -> str:
    """PostgreSQL: the change of a row that stays in its group, as one upsert of the differences."""
    group, figures = ", ".join(TOTALS_GROUP), ", ".join(TOTALS_FIGURES)
    values = ", ".join(
        [*(f"NEW.{c}" for c in TOTALS_GROUP), shard, "0", *(f"NEW.{f} - OLD.{f}" for f in TOTALS_FIGURES)]
    )
    sets = ", ".join(f"{f} = document_totals.{f} + excluded.{f}" for f in TOTALS_FIGURES)
    return (
        f"INSERT INTO document_totals ({group}, shard, n, {figures}) VALUES ({values})"
        f" ON CONFLICT ({group}, shard) DO UPDATE SET {sets};"
    )


#: A shard of the company that no other open transaction writes (PostgreSQL). Chosen once per transaction and
#: company, held by a transaction-level advisory lock: two transactions never update the same row of a kept total,
#: so neither can wait for the other there. Waiting there could deadlock: a transaction holding a total's row
#: takes the company's history head at its end, while the payment writer holds the head when its inserts fire
#: these triggers. With more open writers of one company than shards, a transaction shares its start shard.
SHARD_FUNCTION = f"""CREATE FUNCTION acompte_shard(company bigint) RETURNS smallint LANGUAGE plpgsql AS $$
DECLARE
  held text := current_setting('acompte.shard', true);
  start integer := pg_backend_pid() % {SHARDS};
  part integer;
BEGIN
  IF held IS NOT NULL AND held <> '' AND split_part(held, ':', 1) = company::text THEN
    RETURN split_part(held, ':', 2)::smallint;
  END IF;
  part := start;
  FOR i IN 0..{SHARDS - 1} LOOP
    IF pg_try_advisory_xact_lock({SHARD_LOCKS}, (company % 134217728)::integer * {SHARDS} + (start + i) % {SHARDS})
    THEN
      part := (start + i) % {SHARDS};
      EXIT;
    END IF;
  END LOOP;
  PERFORM set_config('acompte.shard', company::text || ':' || part::text, true);
  RETURN part;
END $$"""


def _create_totals_triggers(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute(SHARD_FUNCTION)
        same_group = " AND ".join(f"OLD.{c} = NEW.{c}" for c in TOTALS_GROUP)
        unchanged = " AND ".join(f"OLD.{f} = NEW.{f}" for f in TOTALS_FIGURES)
        op.execute(
            f"""CREATE FUNCTION document_totals_sums() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  part smallint := acompte_shard(COALESCE(NEW.company_id, OLD.company_id));
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status IS NOT NULL AND NEW.status IS NOT NULL AND {same_group} THEN
    IF NOT ({unchanged}) THEN
      {_moved("part")}
    END IF;
  ELSIF TG_OP = 'UPDATE' AND OLD.status IS NOT NULL AND NEW.status IS NOT NULL AND NEW.status < OLD.status THEN
    {_add("NEW", "+", "part")}
    {_add("OLD", "-", "part")}
  ELSE
    IF TG_OP <> 'INSERT' AND OLD.status IS NOT NULL THEN
      {_add("OLD", "-", "part")}
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status IS NOT NULL THEN
      {_add("NEW", "+", "part")}
    END IF;
  END IF;
  RETURN NULL;
END $$"""
        )
        for event, when in (
            ("INSERT", "NEW.status IS NOT NULL"),
            ("DELETE", "OLD.status IS NOT NULL"),
            ("UPDATE", "OLD.status IS NOT NULL OR NEW.status IS NOT NULL"),
        ):
            op.execute(
                f"CREATE TRIGGER document_totals_{event.lower()} AFTER {event} ON document_sums FOR EACH ROW"
                f" WHEN ({when}) EXECUTE FUNCTION document_totals_sums()"
            )
        return
    for event, body in (
        ("INSERT", [_add("NEW", "+", "0", where="NEW.status IS NOT NULL")]),
        ("DELETE", [_add("OLD", "-", "0", where="OLD.status IS NOT NULL")]),
        (
            "UPDATE",
            [
                _add("OLD", "-", "0", where="OLD.status IS NOT NULL"),
                _add("NEW", "+", "0", where="NEW.status IS NOT NULL"),
            ],
        ),
    ):
        op.execute(
            f"CREATE TRIGGER document_totals_{event.lower()} AFTER {event} ON document_sums FOR EACH ROW"
            f" BEGIN {' '.join(body)} END"
        )


def _drop_totals(dialect: str) -> None:
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER document_totals_{event}" + (" ON document_sums" if dialect == "postgresql" else ""))
    if dialect == "postgresql":
        op.execute("DROP FUNCTION document_totals_sums()")
        op.execute("DROP FUNCTION acompte_shard(bigint)")
    op.drop_table("document_totals")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    PREVIOUS.downgrade()
    _create_table()
    PREVIOUS._backfill(dialect)
    _backfill_facts()
    PREVIOUS._create_triggers(dialect)
    _create_triggers(dialect)
    op.create_index(
        "ix_document_sums_balance", "document_sums", ["company_id", "kind", "flow", "balance_minor", "document_id"]
    )
    where = sa.text(PREVIOUS.OPEN)
    op.create_index(
        "ix_document_sums_open",
        "document_sums",
        ["company_id", "flow", "currency", "terms", "party_id", "due_on", "balance_minor"],
        sqlite_where=where,
        postgresql_where=where,
    )
    op.create_index(STATUS_INDEX[0], "document_sums", STATUS_INDEX[1])
    _create_totals()
    _create_totals_triggers(dialect)
    if dialect == "postgresql":  # statistics now: the planner reads the new indexes before autovacuum has run
        op.execute("ANALYZE document_sums")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_totals(dialect)
    _drop_triggers(dialect)
    op.drop_index(STATUS_INDEX[0], table_name="document_sums")
    PREVIOUS.downgrade()
    PREVIOUS.upgrade()
