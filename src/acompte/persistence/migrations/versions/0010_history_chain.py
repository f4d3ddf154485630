"""history chain: events and their links refuse UPDATE and DELETE; each event's SHA-256 links it to the previous
event of its company (event_chain, history_heads). Existing events are chained in id order.

Revision ID: 0010
Revises: 0009_login_protection
Create Date: 2026-12-07 05:00:00
"""

import sqlalchemy as sa
from alembic import op

from acompte.domain.history_chain import GENESIS, ChainedEvent, expected_hash

revision = "0010_history_chain"
down_revision = "0009_login_protection"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
APPEND_ONLY = ("events", "event_chain")


def upgrade() -> None:
    op.create_table(
        "event_chain",
        sa.Column("event_id", Id, nullable=False),
        sa.Column("company_id", Id, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_event_chain_event_id_events")),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], name=op.f("fk_event_chain_company_id_companies")),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_chain")),
        sa.UniqueConstraint("company_id", "seq", name="uq_event_chain_company_seq"),
    )
    op.create_table(
        "history_heads",
        sa.Column("company_id", Id, nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_event_id", sa.BigInteger(), nullable=True),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], name=op.f("fk_history_heads_company_id_companies")),
        sa.PrimaryKeyConstraint("company_id", name=op.f("pk_history_heads")),
    )
    _chain_existing_events()
    _refuse_changes()


def _chain_existing_events() -> None:
    """Link the events already there, company by company in id order, as the application would have."""
    bind = op.get_bind()
    events = sa.table(
        "events",
        *(sa.column(name) for name in ("id", "company_id", "actor", "kind")),
        *(sa.column(name) for name in ("document_id", "payment_id", "party_id")),
        sa.column("occurred_at", sa.DateTime(timezone=True)),
        sa.column("data", sa.JSON()),
    )
    chain = sa.table("event_chain", *(sa.column(n) for n in ("event_id", "company_id", "seq", "hash")))
    heads = sa.table("history_heads", *(sa.column(n) for n in ("company_id", "last_seq", "last_event_id", "last_hash")))
    heads_by_company: dict[int, tuple[int, int, str]] = {}
    batch: list[dict[str, object]] = []
    rows = bind.execute(sa.select(events).order_by(events.c.company_id, events.c.id)).mappings()
    for row in rows:
        seq, _, previous = heads_by_company.get(row["company_id"], (0, 0, GENESIS))
        link = ChainedEvent(
            row["id"], row["company_id"], seq + 1, row["occurred_at"], row["actor"], row["kind"],
            row["document_id"], row["payment_id"], row["party_id"], row["data"], "",
        )  # fmt: skip
        digest = expected_hash(link, previous)
        heads_by_company[row["company_id"]] = (seq + 1, row["id"], digest)
        batch.append({"event_id": row["id"], "company_id": row["company_id"], "seq": seq + 1, "hash": digest})
        if len(batch) >= 5000:
            bind.execute(chain.insert(), batch)
            batch = []
    if batch:
        bind.execute(chain.insert(), batch)
    if heads_by_company:
        bind.execute(
            heads.insert(),
            [
                {"company_id": company, "last_seq": seq, "last_event_id": last, "last_hash": digest}
                for company, (seq, last, digest) in heads_by_company.items()
            ],
        )


def _refuse_changes() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION acompte_history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
                    USING ERRCODE = 'integrity_constraint_violation';
            END
            $$
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION acompte_history_is_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION acompte_history_is_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'the history is append-only: {operation} on {table} refused'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS acompte_history_is_append_only()")
    else:
        for table in APPEND_ONLY:
            for operation in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
    op.drop_table("history_heads")
    op.drop_table("event_chain")
