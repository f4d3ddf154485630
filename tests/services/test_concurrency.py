"""Several workers at once on the same payments and documents: no over-allocation, no gap, no duplicate.

Each worker has its own unit of work (its own connection). On PostgreSQL the use cases lock rows
(SELECT … FOR UPDATE); on SQLite every transaction takes the write lock first (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

from acompte.domain.errors import DomainError
from acompte.services import documents, payments
from tests.conftest import eur
from tests.helpers import line, validated

WORKERS = 6


def run_together(target, count: int = WORKERS) -> list:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(count)
    results: list = []
    lock = threading.Lock()

    def work(i: int) -> None:
        barrier.wait()
        outcome = target(i)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_concurrent_allocations_of_the_same_payments_to_the_same_documents_never_over_allocate(app, ctx, customer):
    docs = [validated(app.uow(), ctx, customer.id, line("25.00")).id for _ in range(3)]  # 30.00 each, 90.00 due
    pays = [
        payments.record_payment(app.uow(), ctx, party_id=customer.id, amount=eur("40.00"), method="cheque").id
        for _ in range(2)
    ]

    def allocate_many(i: int) -> list[str]:
        outcomes = []
        for k in range(6):
            payment_id = pays[(i + k) % len(pays)]
            document_id = docs[(i * 7 + k) % len(docs)]
            try:
                payments.allocate(app.uow(), ctx, payment_id=payment_id, document_id=document_id, amount=eur("7.00"))
                outcomes.append("ok")
            except DomainError as error:
                outcomes.append(error.code)
        return outcomes

    results = run_together(allocate_many)
    assert len(results) == WORKERS
    successes = sum(r.count("ok") for r in results)
    for payment_id in pays:
        view = payments.get_payment(app.uow(), ctx, payment_id)
        assert view.allocated <= view.payment.amount
    for document_id in docs:
        view = documents.get_document(app.uow(), ctx, document_id)
        assert view.settlement.settled <= view.document.gross
    total = sum((payments.get_payment(app.uow(), ctx, p).allocated.amount for p in pays), Decimal(0))
    assert total == Decimal("7.00") * successes
    # 2 payments of 40.00 hold 5 allocations of 7.00 each at most; 3 documents of 30.00 hold 4 each
    assert successes <= 10


def test_concurrent_validations_number_without_gaps_or_duplicates(app, ctx, customer):
    drafts = [
        documents.create_document(
            app.uow(),
            ctx,
            kind=documents.Kind.INVOICE,
            flow=documents.Flow.SALE,
            party_id=customer.id,
            lines=[line("1")],
        ).id
        for _ in range(WORKERS * 3)
    ]

    def validate_three(i: int) -> list[str]:
        return [
            documents.validate_document(app.uow(), ctx, drafts[i * 3 + k], today=date(2026, 6, 1)).document.number
            for k in range(3)
        ]

    numbers = sorted(n for result in run_together(validate_three) for n in result)
    assert numbers == [f"FA-2026-{n:05d}" for n in range(1, WORKERS * 3 + 1)]


def test_concurrent_payments_get_distinct_consecutive_numbers(app, ctx, customer):
    def record(i: int) -> str:
        return payments.record_payment(
            app.uow(), ctx, party_id=customer.id, amount=eur("1.00"), method="cash", payment_date=date(2026, 7, 1)
        ).payment.number

    numbers = sorted(run_together(record))
    assert numbers == [f"RC-2026-{n:05d}" for n in range(1, WORKERS + 1)]
