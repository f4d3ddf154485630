"""The shard a PostgreSQL transaction writes the kept totals and tallies to (`acompte_shard`, migration 0024):
each open transaction of a company writes a shard no other open one writes, so two writers of one company never
wait on one row of a kept total. Such a wait could deadlock: a transaction holding a total's row takes the
company's history head at its end, while the payment writer holds the head when its inserts fire the triggers."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from acompte.persistence.document_totals import SHARDS

SHARD = text("SELECT acompte_shard(:company)")
TRANSACTION = text("SELECT txid_current()")


def test_each_open_transaction_of_a_company_writes_a_shard_of_its_own(app, backend, ctx, other_ctx):
    if backend != "postgresql":
        pytest.skip("SQLite writes one transaction at a time: every kept total is in shard 0")
    company = ctx.company_id
    connections = [app.engine.connect() for _ in range(3)]
    try:
        shards = [c.execute(SHARD, {"company": company}).scalar_one() for c in connections]
        assert len(set(shards)) == 3 and all(0 <= s < SHARDS for s in shards)
        # the transaction keeps its shard to its end, whatever else it writes
        assert connections[0].execute(SHARD, {"company": company}).scalar_one() == shards[0]
        # another company's shards are apart: its first writer may take any of them
        assert 0 <= connections[1].execute(SHARD, {"company": other_ctx.company_id}).scalar_one() < SHARDS
        connections[0].rollback()
        # a shard is free again once its transaction ended, and never handed to two open ones
        with app.engine.connect() as fourth:
            taken = fourth.execute(SHARD, {"company": company}).scalar_one()
            assert taken not in shards[1:]
            assert connections[0].execute(SHARD, {"company": company}).scalar_one() not in {*shards[1:], taken}
    finally:
        for c in connections:
            c.close()


def test_two_transactions_whose_ids_fall_on_one_shard_still_write_two(app, backend, ctx):
    if backend != "postgresql":
        pytest.skip("SQLite writes one transaction at a time: every kept total is in shard 0")
    with app.engine.connect() as first, app.engine.connect() as second:
        shard = first.execute(SHARD, {"company": ctx.company_id}).scalar_one()
        first_id = first.execute(TRANSACTION).scalar_one()
        for _ in range(10 * SHARDS):  # a transaction whose id is the first one's modulo the shards
            if second.execute(TRANSACTION).scalar_one() % SHARDS == first_id % SHARDS:
                break
            second.commit()
        else:
            pytest.fail("no transaction id fell on the first one's shard")
        assert second.execute(SHARD, {"company": ctx.company_id}).scalar_one() != shard
