"""Full deposit cycles per second through the services, one client: order → deposit invoice → its payment →
final invoice deducting the deposit → payment of the rest.

    .venv/bin/python bench/deposit_cycle.py postgresql://postgres@127.0.0.1:5432/acompte_bench 20 [RENDER_SECONDS]
    .venv/bin/python bench/deposit_cycle.py --help

Each cycle is eight service calls, one transaction each, as a bookkeeper makes them: create and validate the
order; create and issue a 30 % deposit invoice (no payment generated); record its payment allocated to it;
create the final invoice from the order (the company's default « déduire les acomptes à 100 % » deducts the
deposit on the draft) and validate it; record the payment of what is left, allocated to it.

The deposit invoice and the final invoice are issued with their files recorded due (what they show, frozen):
their PDFs are rendered after commit by the file worker, not inside the cycle. Then, for RENDER_SECONDS (default
10; 0: none), this process renders the files the cycles left due as the worker does (issued_files.render_due),
one document at a time: the worker's throughput, reported apart.

It also counts the SQL statements the cycles send through the engine (SQLAlchemy's `before_cursor_execute`),
per cycle: the round trips that bound a cycle's time. A payment's set-based path sends its statements in psycopg
pipelines, past the engine: those are not counted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/deposit_cycle.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event

from acompte import bootstrap
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.services import companies, deposits, documents, parties, payments
from acompte.services.exports import issued_files
from acompte.services.ports import Ctx
from bench.measure import Latencies, load

ORDER_LINE = LineInput(designation="Table", quantity=Decimal(1), unit_price=Decimal("1000.00"), vat_rate=Decimal(20))


@dataclass
class CycleResult(Latencies):
    cycles: int
    seconds: float
    errors: int
    latencies_ms: list[float] = field(repr=False)
    load: str = ""
    first_error: str = ""
    #: the file worker after the cycles: documents whose files it rendered and stored, in how long
    rendered: int = 0
    render_seconds: float = 0.0
    left_due: int = 0
    #: SQL statements sent through the engine per timed cycle (BEGIN/COMMIT and payments' pipelines not counted)
    statements: float = 0.0

    @property
    def rate(self) -> float:
        return self.cycles / self.seconds if self.seconds else 0.0

    @property
    def render_rate(self) -> float:
        return self.rendered / self.render_seconds if self.render_seconds else 0.0


def one_cycle(app: bootstrap.App, ctx: Ctx, party_id: int) -> None:
    """One order paid through a deposit and its final invoice; raises if any figure is not the expected one."""
    draft = documents.create_document(
        app.uow(), ctx, kind=Kind.ORDER, flow=Flow.SALE, party_id=party_id, lines=[ORDER_LINE]
    )
    order = documents.validate_document(app.uow(), ctx, draft.id)
    deposit = deposits.create_deposit_invoice(app.uow(), ctx, origin_id=order.id, percent=Decimal(30))
    issued = deposits.issue_deposit_invoice(app.uow(), ctx, deposit.id, generate_payment=False).document
    gross = issued.document.gross
    payments.record_payment(
        app.uow(), ctx, party_id=party_id, amount=gross, method="transfer", allocations=[(issued.id, gross)]
    )
    final = deposits.create_final_invoice(app.uow(), ctx, order.id)
    invoice = documents.validate_document(app.uow(), ctx, final.invoice.id)
    rest = final.net_to_pay
    if rest.amount != Decimal("840.00") or final.deducted.amount != Decimal("360.00"):
        raise AssertionError(f"the final invoice deducts {final.deducted} and leaves {rest} to pay")
    payments.record_payment(
        app.uow(), ctx, party_id=party_id, amount=rest, method="transfer", allocations=[(invoice.id, rest)]
    )


def render_files(app: bootstrap.App, ctx: Ctx, seconds: float) -> tuple[int, float, int]:
    """The worker's pass over the company's files due, for `seconds`: (documents stored, seconds, still due)."""
    stored, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        done = issued_files.render_due(app.uow(), limit=1, company_id=ctx.company_id)
        if done == 0:
            break
        stored += done
    elapsed = time.perf_counter() - start
    return stored, elapsed, issued_files.files_due(app.uow(), ctx.company_id)


def run(url: str, seconds: float, *, warm_up: int = 2, render_seconds: float = 10.0) -> CycleResult:
    """Cycles in this process for `seconds`, in a company of its own (one party per 50 cycles); then the files
    they left due rendered for `render_seconds`."""
    app = bootstrap.build(url, run_migrations=False, pool_size=1)
    ctx = Ctx(companies.create_company(app.uow(), name="Bench acomptes", currency="EUR"), actor="bench")
    party_ids: list[int] = []

    def party(k: int) -> int:
        if k // 50 >= len(party_ids):
            party_ids.append(parties.create_party(app.uow(), ctx, name=f"Client acompte {k // 50}").id)
        return party_ids[k // 50]

    for k in range(warm_up):
        one_cycle(app, ctx, party(k))
    sent = [0]

    def count(*_: object) -> None:
        sent[0] += 1

    event.listen(app.engine, "before_cursor_execute", count)
    latencies: list[float] = []
    errors, first_error = 0, ""
    at_start = load()
    start = time.perf_counter()
    now, k = start, warm_up
    while now - start < seconds:
        t0 = time.perf_counter()
        try:
            one_cycle(app, ctx, party(k))
        except Exception as error:  # counted and reported, never hidden
            errors += 1
            first_error = first_error or f"{type(error).__name__}: {error}"[:200]
        now = time.perf_counter()
        latencies.append((now - t0) * 1000)
        k += 1
    event.remove(app.engine, "before_cursor_execute", count)
    result = CycleResult(len(latencies) - errors, now - start, errors, latencies, at_start, first_error)
    result.statements = sent[0] / len(latencies) if latencies else 0.0
    if render_seconds > 0:
        result.rendered, result.render_seconds, result.left_due = render_files(app, ctx, render_seconds)
    app.close()
    return result


def main(argv: list[str] | None = None) -> CycleResult:
    parser = argparse.ArgumentParser(
        description="Full deposit cycles per second through the services, one client (eight transactions a cycle).",
    )
    parser.add_argument("url", help="the database (already migrated), e.g. postgresql://postgres@127.0.0.1:5432/x")
    parser.add_argument("seconds", nargs="?", type=float, default=10.0, help="how long to run cycles (default 10)")
    parser.add_argument(
        "render_seconds",
        nargs="?",
        type=float,
        default=10.0,
        help="then how long the file worker renders the PDFs the cycles left due (default 10; 0: none)",
    )
    args = parser.parse_args(argv)
    result = run(args.url, args.seconds, render_seconds=args.render_seconds)
    print(
        f"{result.rate:.1f} cycles/s ({result.cycles} in {result.seconds:.1f} s, errors {result.errors} "
        f"{result.first_error}); median {result.p50:.0f} ms, p95 {result.p95:.0f} ms; "
        f"{result.statements:.0f} SQL statements a cycle; load {os.getloadavg()[0]:.2f}"
    )
    if result.render_seconds:
        print(
            f"file worker: {result.render_rate:.2f} documents/s ({result.rendered} PDFs in "
            f"{result.render_seconds:.1f} s), {result.left_due} still due; load {os.getloadavg()[0]:.2f}"
        )
    return result


if __name__ == "__main__":
    main()
