"""What the history chain costs: `clients` threads of this process record and allocate payments for one company
(the same per-company chain head for all) for a few seconds; prints payments/s.

Run it against two checkouts alternately on the same host (a shared machine's load moves between runs):

    PYTHONPATH=<checkout>/src .venv/bin/python bench/chain_cost.py postgresql://…/acompte_bench_x 10 2
"""

from __future__ import annotations

import sys
import threading
import time
from datetime import date
from decimal import Decimal

from sqlalchemy import event

from acompte import bootstrap
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.services import companies, documents, parties, payments
from acompte.services.ports import Ctx

INVOICES = 5  # per client; each payment is 1.00 on an invoice of 120 000.00


def main(url: str, seconds: float, clients: int) -> None:
    app = bootstrap.build(url, pool_size=clients + 2)
    ctx = Ctx(companies.create_company(app.uow(), name="Bench", currency="EUR"), actor="bench")
    party = parties.create_party(app.uow(), ctx, name="Payer")
    big = LineInput(designation="x", quantity=Decimal("1"), unit_price=Decimal("100000"), vat_rate=Decimal("20"))
    invoices = []
    for _ in range(INVOICES * clients):
        draft = documents.create_document(
            app.uow(), ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=party.id, lines=[big]
        )
        invoices.append(documents.validate_document(app.uow(), ctx, draft.id).id)
    one = Money.of("1.00", "EUR")

    def pay(client: int, i: int) -> None:
        payments.record_payment(
            app.uow(), ctx, party_id=party.id, amount=one, method="transfer", payment_date=date(2026, 12, 1),
            allocations=[(invoices[client * INVOICES + i % INVOICES], one)],
        )  # fmt: skip

    for i in range(30):  # warm-up
        pay(0, i)
    statements = [0]

    @event.listens_for(app.engine, "before_cursor_execute")
    def _count(*_: object) -> None:
        statements[0] += 1

    done = [0] * clients
    deadline = time.perf_counter() + seconds

    def run(client: int) -> None:
        while time.perf_counter() < deadline:
            pay(client, done[client])
            done[client] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(c,)) for c in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rate, per = sum(done) / (time.perf_counter() - started), statements[0] / max(sum(done), 1)
    print(f"{clients} client(s): {rate:.1f} payments/s, {per:.1f} statements per payment")
    app.close()


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]))
