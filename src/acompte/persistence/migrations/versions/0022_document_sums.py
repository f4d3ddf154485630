"""document sums: each document's own facts summed in one row (`document_sums`), kept by database triggers on the
facts' tables in the transaction that writes them, so that the lists' balance order, their status filters and
the aged balance read an index instead of summing every allocation, write-off and deduction of the company.

A trigger adds what a fact row brings on insert and takes it back on delete (both on update), whatever writes it:
the ORM, the payment writer's SQL, an archive's import. Nothing is ever recomputed from scratch; the backfill
below is the one full sum, and `acompte verify` compares the rows with the facts.

The row copies the document's columns its indexes need (kind, flow, state, party, currency, total, due date or
issue date, whether it carries payment terms): a trigger on documents keeps them. `balance_minor` is a stored
generated column: the balance due of a document whose balance depends on its own facts only (0 for a credit
note, NULL for a quote, order or delivery note, whose figures depend on their family).

Revision ID: 0022_document_sums
Revises: 0021_search_indexes
Create Date: 2026-12-07 20:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_document_sums"
down_revision = "0021_search_indexes"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
SUMS = ("pay", "cred", "wo", "ded", "used", "refunded", "cwo")
BALANCE = (
    "CASE WHEN kind IN ('delivery', 'order', 'quote') THEN NULL"
    " WHEN kind IN ('credit_note', 'deposit_credit_note') THEN 0"
    " ELSE gross_minor - ded - pay - cred - wo END"
)
OPEN = "state = 'validated' AND kind IN ('deposit_invoice', 'invoice') AND balance_minor > 0"

#: fact table -> [(the document column a part of it lands on, {summary column: amount of one row, `R` its alias})]
FACTS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "allocations": [
        (
            "document_id",
            {
                "pay": "CASE WHEN R.payment_id IS NULL THEN 0 ELSE R.amount_minor END",
                "cred": "CASE WHEN R.payment_id IS NULL THEN R.amount_minor ELSE 0 END",
            },
        ),
        ("credit_document_id", {"used": "R.amount_minor"}),
    ],
    "write_offs": [("document_id", {"wo": "R.amount_minor"}), ("credit_document_id", {"cwo": "R.amount_minor"})],
    "deductions": [("invoice_id", {"ded": "R.amount_minor"})],
    "refunds": [("source_credit_id", {"refunded": "R.amount_minor"})],
}

#: The document's columns the row copies, as SQL over the document row `R`.
COPIED = {
    "company_id": "R.company_id",
    "kind": "R.kind",
    "flow": "R.flow",
    "state": "R.state",
    "party_id": "R.party_id",
    "currency": "R.currency",
    "gross_minor": "R.gross_minor",
    "due_on": "coalesce(R.due_date, R.issue_date)",
}


def _no_terms(dialect: str, row: str) -> str:
    """Whether the document's data carries no payment terms (services/payment_terms.py's key), as the reads test it."""
    value = (
        f"{row}.data ->> 'payment_terms'" if dialect == "postgresql" else f"json_extract({row}.data, '$.payment_terms')"
    )
    return f"({value} IS NULL)"


def _terms(dialect: str, row: str) -> str:
    return f"CASE WHEN {_no_terms(dialect, row)} THEN 0 ELSE 1 END"


def _apply(table: str, row: str, sign: str, *, guarded: bool = False) -> list[str]:
    """The UPDATEs that add (`sign` +) or take back (-) what the fact row `row` (NEW / OLD) brings; `guarded`
    (PL/pgSQL), each only when its document is named (a payment's allocation names no credit note)."""
    statements = []
    for column, amounts in FACTS[table]:
        sets = ", ".join(
            f"{name} = {name} {sign} ({amount.replace('R.', row + '.')})" for name, amount in amounts.items()
        )
        update = f"UPDATE document_sums SET {sets} WHERE document_id = {row}.{column};"
        statements.append(f"IF {row}.{column} IS NOT NULL THEN {update} END IF;" if guarded else update)
    return statements


def _copied(dialect: str, row: str) -> dict[str, str]:
    return {name: sql.replace("R.", row + ".") for name, sql in COPIED.items()} | {"terms": _terms(dialect, row)}


def _create_triggers(dialect: str) -> None:
    insert_cols = ", ".join(["document_id", *COPIED, "terms"])
    new = _copied(dialect, "NEW")
    insert = f"INSERT INTO document_sums ({insert_cols}) VALUES (NEW.id, {', '.join(new.values())});"
    # Compared without CASE (PL/pgSQL would end the IF's condition at its THEN): terms by their presence.
    old = _copied(dialect, "OLD") | {"terms": _no_terms(dialect, "OLD")}
    compared = new | {"terms": _no_terms(dialect, "NEW")}
    changed = " OR ".join(f"{sql} IS DISTINCT FROM {old[name]}" for name, sql in compared.items())
    update = f"UPDATE document_sums SET {', '.join(f'{k} = {v}' for k, v in new.items())} WHERE document_id = NEW.id;"
    if dialect == "postgresql":
        for table in FACTS:
            taken = "\n    ".join(_apply(table, "OLD", "-", guarded=True))
            added = "\n    ".join(_apply(table, "NEW", "+", guarded=True))
            op.execute(
                f"""CREATE FUNCTION document_sums_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    {taken}
  END IF;
  IF TG_OP <> 'DELETE' THEN
    {added}
  END IF;
  RETURN NULL;
END $$"""
            )
            op.execute(
                f"CREATE TRIGGER document_sums_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION document_sums_{table}()"
            )
        op.execute(
            f"""CREATE FUNCTION document_sums_documents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {insert}
  ELSIF {changed} THEN
    {update}
  END IF;
  RETURN NULL;
END $$"""
        )
        op.execute(
            "CREATE TRIGGER document_sums_documents AFTER INSERT OR UPDATE ON documents"
            " FOR EACH ROW EXECUTE FUNCTION document_sums_documents()"
        )
        return
    for table in FACTS:
        for event, body in (
            ("INSERT", _apply(table, "NEW", "+")),
            ("DELETE", _apply(table, "OLD", "-")),
            ("UPDATE", _apply(table, "OLD", "-") + _apply(table, "NEW", "+")),
        ):
            op.execute(
                f"CREATE TRIGGER document_sums_{table}_{event.lower()} AFTER {event} ON {table}"
                f" FOR EACH ROW BEGIN {' '.join(body)} END"
            )
    op.execute(
        f"CREATE TRIGGER document_sums_documents_insert AFTER INSERT ON documents FOR EACH ROW BEGIN {insert} END"
    )
    op.execute(
        f"CREATE TRIGGER document_sums_documents_update AFTER UPDATE ON documents FOR EACH ROW"
        f" WHEN {changed.replace('IS DISTINCT FROM', 'IS NOT')} BEGIN {update} END"
    )


def _backfill(dialect: str) -> None:
    """Every document's row: its copied columns and each of its sums, summed once per fact table."""
    joins, sums = [], []
    for table, parts in FACTS.items():
        for n, (column, amounts) in enumerate(parts):
            alias = f"{table}_{n}"
            summed = ", ".join(f"sum({a.replace('R.', '')}) AS {name}" for name, a in amounts.items())
            joins.append(
                f"LEFT JOIN (SELECT {column} AS document_id, {summed} FROM {table}"
                f" WHERE {column} IS NOT NULL GROUP BY {column}) {alias} ON {alias}.document_id = d.id"
            )
            sums += [(name, f"coalesce({alias}.{name}, 0)") for name in amounts]
    copied = _copied(dialect, "d")
    columns = ", ".join(["document_id", *copied, *(name for name, _ in sums)])
    values = ", ".join(["d.id", *copied.values(), *(sql for _, sql in sums)])
    op.execute(f"INSERT INTO document_sums ({columns}) SELECT {values} FROM documents d {' '.join(joins)}")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "document_sums",
        sa.Column("document_id", ID, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("company_id", ID, sa.ForeignKey("companies.id"), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("flow", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("party_id", ID, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("gross_minor", sa.BigInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("terms", sa.SmallInteger(), nullable=False, server_default="0"),
        *(sa.Column(name, sa.BigInteger(), nullable=False, server_default="0") for name in SUMS),
        sa.Column("balance_minor", sa.BigInteger(), sa.Computed(BALANCE, persisted=True), nullable=True),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_sums")),
    )
    _backfill(dialect)
    _create_triggers(dialect)
    op.create_index(
        "ix_document_sums_balance", "document_sums", ["company_id", "kind", "flow", "balance_minor", "document_id"]
    )
    where = sa.text(OPEN)
    op.create_index(
        "ix_document_sums_open",
        "document_sums",
        ["company_id", "flow", "currency", "terms", "party_id", "due_on", "balance_minor"],
        sqlite_where=where,
        postgresql_where=where,
    )
    if dialect == "postgresql":  # statistics now: the planner reads the new indexes before autovacuum has run
        op.execute("ANALYZE document_sums")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in [*FACTS, "documents"]:
            op.execute(f"DROP TRIGGER document_sums_{table} ON {table}")
            op.execute(f"DROP FUNCTION document_sums_{table}()")
    else:
        for table in FACTS:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER document_sums_{table}_{event}")
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER document_sums_documents_{event}")
    op.drop_index("ix_document_sums_open", table_name="document_sums")
    op.drop_index("ix_document_sums_balance", table_name="document_sums")
    op.drop_table("document_sums")
