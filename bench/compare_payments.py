"""Record + allocate payments in this process for a few seconds; print payments/s and client CPU per payment.

Run it against two checkouts to compare them on the same host, alternately (a shared machine's load moves
between runs; the client CPU per payment moves much less):

    PYTHONPATH=<checkout>/src .venv/bin/python bench/compare_payments.py postgresql://…/acompte_bench_x 6 [--profile]
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time
from datetime import date
from decimal import Decimal

from acompte import bootstrap
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.services import companies, documents, parties, payments
from acompte.services.ports import Ctx

INVOICES = 20


def main(url: str, seconds: float, profile: bool) -> None:
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
    main(sys.argv[1], float(sys.argv[2]), "--profile" in sys.argv[3:])
