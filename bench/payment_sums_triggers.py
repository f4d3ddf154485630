"""What the payment_sums triggers cost a payment on PostgreSQL: the server time of a payment's two inserts (the
payment and one allocation), with and without the triggers, interleaved, each in a transaction rolled back; and the
triggers' own time as EXPLAIN ANALYZE reports it. Prints the medians.

    .venv/bin/python bench/payment_sums_triggers.py --url postgresql://postgres@127.0.0.1:5432/acompte_bench \\
        --rounds 400

The database must hold at least one payment with an allocation (any bench database does; bench/payments_pgbench.py
makes one). Compare the difference with a whole payment's time (bench/payments_pgbench.py's median ms, same load):
the triggers add that much to each payment. Disabling a trigger takes a lock on the table: use a bench database.
"""

from __future__ import annotations

import argparse
import statistics
from typing import Any

import psycopg

PAYMENT = """EXPLAIN (ANALYZE, FORMAT JSON) INSERT INTO payments (id, company_id, number, party_id, direction, method,
  digital, account_id, payment_date, amount_minor, currency, state, reference, comment, exported, origin_document_id,
  version, created_at)
SELECT nextval('payments_id_seq'), company_id, 'TRIGGERS-' || %(n)s, party_id, direction, method, digital, account_id,
  payment_date, amount_minor, currency, state, reference, comment, exported, origin_document_id, version, created_at
FROM payments WHERE id = %(payment)s"""
ALLOCATION = """EXPLAIN (ANALYZE, FORMAT JSON) INSERT INTO allocations (id, company_id, payment_id, document_id,
  amount_minor, currency, created_at)
SELECT nextval('allocations_id_seq'), company_id, currval('payments_id_seq'), document_id, 1, currency, created_at
FROM allocations WHERE id = %(allocation)s"""
TRIGGERS = {"payments": "payment_sums_payment", "allocations": "payment_sums_allocations"}


def one(cursor: Any, n: int, sample: tuple[int, int], with_triggers: bool) -> tuple[float, float]:
    """(server ms of both inserts, of which the triggers' ms), in a transaction the caller rolls back."""
    if not with_triggers:
        for table, trigger in TRIGGERS.items():
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    total = triggers = 0.0
    for sql in (PAYMENT, ALLOCATION):
        cursor.execute(sql, {"n": n, "payment": sample[0], "allocation": sample[1]})
        plan = cursor.fetchone()[0][0]
        total += plan["Execution Time"]
        triggers += sum(t["Time"] for t in plan.get("Triggers", ()) if t["Trigger Name"] in TRIGGERS.values())
    return total, triggers


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="a PostgreSQL bench database at migration 0020 or later")
    parser.add_argument("--rounds", type=int, default=400)
    args = parser.parse_args(argv)
    timed: dict[bool, list[float]] = {True: [], False: []}
    own: list[float] = []
    with psycopg.connect(args.url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT payment_id, id FROM allocations WHERE payment_id IS NOT NULL ORDER BY id LIMIT 1")
        sample = cursor.fetchone()
        if sample is None:
            raise SystemExit("no allocation of a payment in this database")
        connection.rollback()
        for n in range(args.rounds):
            for with_triggers in (True, False) if n % 2 else (False, True):  # interleaved: the same load for both
                total, triggers = one(cursor, n, sample, with_triggers)
                timed[with_triggers].append(total)
                if with_triggers:
                    own.append(triggers)
                connection.rollback()
    median = statistics.median
    print(
        f"{args.rounds} rounds, a payment and one allocation inserted (server ms, median): with the triggers "
        f"{median(timed[True]):.3f}, without {median(timed[False]):.3f}, difference "
        f"{median(timed[True]) - median(timed[False]):.3f}; the triggers' own time {median(own):.3f}"
    )


if __name__ == "__main__":
    main()
