"""Record + allocate payments in this process for a few seconds; print payments/s and client CPU per payment.

Run it against two checkouts to compare them on the same host, alternately (a shared machine's load moves
between runs; the client CPU per payment moves much less):

    PYTHONPATH=<checkout>/src .venv/bin/python bench/compare_payments.py postgresql://…/acompte_bench_x 6 [--profile]

`--statements` first prints what one payment sends (BEGIN, each statement, COMMIT), as the engine sees it.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from sqlalchemy import event

from acompte import bootstrap
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.services import companies, documents, parties, payments
from acompte.services.ports import Ctx

INVOICES = 20


def print_statements(app: bootstrap.App, pay: Callable[[int], None]) -> None:
    """The statements one payment sends, in order, through the engine (a psycopg pipeline sent on the
    engine's connection is not seen here: it shows as nothing between BEGIN and COMMIT)."""
    seen: list[str] = []

    def statement(_conn: object, _cursor: object, sql: str, *_: object) -> None:
        seen.append(" ".join(sql.split())[:150])

    listeners = [("before_cursor_execute", statement), ("begin", lambda _c: seen.append("BEGIN"))]
    listeners.append(("commit", lambda _c: seen.append("COMMIT")))
    for name, listener in listeners:
        event.listen(app.engine, name, listener)
    pay(0)
    for name, listener in listeners:
        event.remove(app.engine, name, listener)
    print("\n".join(f"{i:3} {s}" for i, s in enumerate(seen, 1)))


def main(url: str, seconds: float, profile: bool, statements: bool = False) -> None:
    app = bootstrap.build(url)
    ctx = Ctx(companies.create_company(app.uow(), name="Bench", currency="EUR"), actor="bench")
    party = parties.create_party(app.uow(), ctx, name="Payer")
    big = LineInput(designation="x", quantity=Decimal("1"), unit_price=Decimal("100000"), vat_rate=Decimal("20"))
    invoices = []
    for _ in range(INVOICES):
        draft = documents.create_document(
            app.uow(), ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=party.id, lines=[big]
        )
        invoices.append(documents.validate_document(app.uow(), ctx, draft.id).id)
    one = Money.of("1.00", "EUR")

    def pay(i: int) -> None:
        payments.record_payment(
            app.uow(),
            ctx,
            party_id=party.id,
            amount=one,
            method="transfer",
            payment_date=date(2026, 12, 1),
            allocations=[(invoices[i % INVOICES], one)],
        )

    for i in range(50):  # warm-up: caches, the connection pool, the first statements planned
        pay(i)
    if statements:
        print_statements(app, pay)
    profiler = cProfile.Profile() if profile else None
    done, started, cpu = 0, time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    while time.perf_counter() - started < seconds:
        pay(done)
        done += 1
    if profiler:
        profiler.disable()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{done / elapsed:.1f} payments/s  client CPU {1000 * cpu / done:.2f} ms/payment")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
        print(out.getvalue())
    app.close()


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), "--profile" in sys.argv[3:], "--statements" in sys.argv[3:])
