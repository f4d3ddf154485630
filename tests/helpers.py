"""Small builders shared by the service tests, so each test reads as a sentence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from acompte.domain.banking.statements import LineFilter
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.domain.payments import Direction
from acompte.services import credits, documents, payments
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import DocumentView, PaymentView


def line(price: str, qty: str = "1", rate: str = "20", designation: str = "Article", discount: str = "0") -> LineInput:
    return LineInput(designation, Decimal(qty), Decimal(price), Decimal(rate), Decimal(discount))


def validated(
    uow: UnitOfWork,
    ctx: Ctx,
    party_id: int,
    *lines: LineInput,
    kind: Kind = Kind.INVOICE,
    flow: Flow = Flow.SALE,
    today: date | None = None,
) -> DocumentView:
    """A validated document of `kind` with the given lines (default: one line of 100.00 HT at 20 %)."""
    draft = documents.create_document(
        uow, ctx, kind=kind, flow=flow, party_id=party_id, lines=list(lines) or [line("100.00")]
    )
    return documents.validate_document(uow, ctx, draft.id, today=today)


def pay(
    uow: UnitOfWork, ctx: Ctx, party_id: int, amount: str, *to: tuple[int, str], method: str = "cheque"
) -> PaymentView:
    return payments.record_payment(
        uow,
        ctx,
        party_id=party_id,
        amount=Money.of(amount, "EUR"),
        method=method,
        allocations=[(doc_id, Money.of(part, "EUR")) for doc_id, part in to],
    )


def paid_invoice(
    uow: UnitOfWork,
    ctx: Ctx,
    party_id: int,
    net: str = "1000.00",
    *,
    flow: Flow = Flow.SALE,
    today: date | None = None,
) -> DocumentView:
    """An issued invoice of `net` HT at 20 %, settled in full by one transfer dated `today`.

    A credit note always names the invoice it corrects (CGI art. 289 I-5); a paid invoice gives a commercial
    gesture one to name while leaving what the party owes and holds exactly as it was.
    """
    invoice = validated(uow, ctx, party_id, line(net), flow=flow, today=today)
    payments.record_payment(
        uow,
        ctx,
        party_id=party_id,
        amount=invoice.document.gross,
        method="transfer",
        direction=Direction.IN if flow is Flow.SALE else Direction.OUT,
        payment_date=today,
        allocations=[(invoice.id, invoice.document.gross)],
    )
    return invoice


def gesture(
    uow: UnitOfWork,
    ctx: Ctx,
    party_id: int,
    *lines: LineInput,
    on: int | None = None,
    flow: Flow = Flow.SALE,
    today: date | None = None,
    **kw: object,
) -> DocumentView:
    """A commercial gesture: a standalone credit note of `lines` (default 100.00 HT at 20 %, 120.00 TTC) naming
    the invoice `on`, or else a new `paid_invoice` of 1 000.00 HT issued the same day for the purpose."""
    if on is None:
        on = paid_invoice(uow, ctx, party_id, flow=flow, today=today).id
    return credits.create_credit_note(
        uow, ctx, party_id=party_id, lines=list(lines) or [line("100.00")], origin_id=on, today=today, **kw
    )


def snapshot(uow: UnitOfWork, ctx: Ctx) -> tuple:
    """Everything a company has written: used to prove that a refused action wrote nothing."""
    with uow:
        events = len(uow.events.query(ctx.company_id))
        pays = [
            (p.id, p.allocated, p.payment.amount, p.payment.state)
            for p in uow.payments.views(ctx.company_id, limit=10_000)
        ]
        docs = [(d.id, d.state, d.number, d.settlement) for d in uow.documents.summaries(ctx.company_id, limit=10_000)]
        series = sorted(uow.series.peek(ctx.company_id))
        credits = (uow.credits.refunds(ctx.company_id), uow.credits.write_offs(ctx.company_id))
        bank = (
            uow.bank.imports(ctx.company_id, limit=10_000),
            uow.bank.find_lines(ctx.company_id, LineFilter(), limit=100_000),
            uow.bank.mappings(ctx.company_id),
        )
        return events, pays, docs, series, credits, bank
