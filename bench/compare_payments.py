"""Record + allocate payments in this process for a few seconds and print payments/s and client CPU per payment.

Run the same script against two checkouts to compare them on the same host, alternately (a shared machine's
load moves between runs; client CPU per payment moves much less):

    PYTHONPATH=<checkout>/src .venv/bin/python bench/compare_payments.py postgresql://…/acompte_bench_x 6 [--profile]
"""

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

url = sys.argv[1]
seconds = float(sys.argv[2])
prof = "--profile" in sys.argv[3:]
app = bootstrap.build(url, run_migrations=True)
cid = companies.create_company(app.uow(), name="Bench", currency="EUR")
ctx = Ctx(cid, actor="bench")
party = parties.create_party(app.uow(), ctx, name="P")
invs = []
for _ in range(20):
    d = documents.create_document(
        app.uow(),
        ctx,
        kind=Kind.INVOICE,
        flow=Flow.SALE,
        party_id=party.id,
        lines=[LineInput(designation="x", quantity=Decimal("1"), unit_price=Decimal("100000"), vat_rate=Decimal("20"))],
    )
    invs.append(documents.validate_document(app.uow(), ctx, d.id).id)
one = Money.of("1.00", "EUR")


def pay(i):
    payments.record_payment(
        app.uow(),
        ctx,
        party_id=party.id,
        amount=one,
        method="transfer",
        payment_date=date(2026, 12, 1),
        allocations=[(invs[i % 20], one)],
    )


for i in range(50):
    pay(i)
p = cProfile.Profile() if prof else None
n = 0
t0 = time.perf_counter()
c0 = time.process_time()
if p:
    p.enable()
while time.perf_counter() - t0 < seconds:
    pay(n)
    n += 1
if p:
    p.disable()
el = time.perf_counter() - t0
cpu = time.process_time() - c0
print(f"{n / el:.1f} payments/s  client CPU {1000 * cpu / n:.2f} ms/payment")
if p:
    s = io.StringIO()
    pstats.Stats(p, stream=s).sort_stats("cumulative").print_stats(35)
    print(s.getvalue()[:6000])
