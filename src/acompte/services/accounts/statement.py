"""The statement of account (« relevé de compte ») and the ledger balance, both from the party's movements
alone (documents, payments, refunds, write-offs), without looking at allocations. `ledger_balance` always
equals the party account's balance (a property test).
"""

from __future__ import annotations

from datetime import date

from acompte.domain.accounts import Movement, MovementKind, build_statement
from acompte.domain.credits import CreditRef, SourceKind, direction_of
from acompte.domain.dates import DateField, check_date
from acompte.domain.documents import Flow, Kind, State
from acompte.domain.money import Money, total
from acompte.services.accounts.scope import account_currency, flow_for
from acompte.services.accounts.views import StatementView
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.queries import EVERYTHING, OWED_KINDS, RECEIVABLE_KINDS, account_documents

_LABELS = {
    Kind.INVOICE.value: "Facture",
    Kind.DEPOSIT_INVOICE.value: "Facture d'acompte",
    Kind.CREDIT_NOTE.value: "Avoir",
    Kind.DEPOSIT_CREDIT_NOTE.value: "Avoir d'acompte",
}
_KINDS = {
    Kind.INVOICE.value: MovementKind.INVOICE,
    Kind.DEPOSIT_INVOICE.value: MovementKind.DEPOSIT_INVOICE,
    Kind.CREDIT_NOTE.value: MovementKind.CREDIT_NOTE,
    Kind.DEPOSIT_CREDIT_NOTE.value: MovementKind.CREDIT_NOTE,
}
# Within a day: documents, then payments, then refunds, then write-offs (then creation order).
_STEP = 1_000_000_000_000


def _source_flow(uow: UnitOfWork, ctx: Ctx, source: CreditRef) -> Flow:
    if source.kind is SourceKind.PAYMENT:
        return uow.payments.get(ctx.company_id, source.id).direction.flow
    return uow.documents.get(ctx.company_id, source.id).flow


def movements(uow: UnitOfWork, ctx: Ctx, party_id: int, *, flow: Flow, currency: str) -> list[Movement]:
    """Every movement of the party's account for one flow and currency: invoices and deposit invoices (debit),
    credit notes and deducted deposits (credit), payments (credit), refunds and write-offs (debit)."""
    with uow:
        result: list[Movement] = []
        documents = uow.documents.summaries(
            ctx.company_id,
            party_id=party_id,
            flow=flow.value,
            states=[State.VALIDATED.value],
            kinds=[k.value for k in (*RECEIVABLE_KINDS, Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE)],
            limit=EVERYTHING,
        )
        for d in documents:
            if d.settlement.gross.currency != currency:
                continue
            sign = 1 if Kind(d.kind) in RECEIVABLE_KINDS else -1
            gross = d.settlement.gross
            result.append(
                Movement(
                    day=d.issue_date,
                    kind=_KINDS[d.kind],
                    reference=d.number or "",
                    label=_LABELS[d.kind],
                    amount=gross if sign > 0 else -gross,
                    document_id=d.id,
                    sequence=d.id,
                    due_date=d.due_date if sign > 0 else None,
                )
            )
            if sign > 0 and d.settlement.deducted.is_positive:
                result.append(
                    Movement(
                        day=d.issue_date,
                        kind=MovementKind.DEDUCTION,
                        reference=d.number or "",
                        label="Acomptes déduits",
                        amount=-d.settlement.deducted,
                        document_id=d.id,
                        sequence=d.id,
                    )
                )
        refunds = {r.payment_id: r for r in uow.credits.refunds(ctx.company_id, party_id=party_id)}
        natural = direction_of(flow)
        for view in uow.payments.views(ctx.company_id, party_id=party_id, state="active", limit=EVERYTHING):
            p = view.payment
            if p.currency != currency:
                continue
            refund = refunds.get(p.id)
            if refund is not None:
                if _source_flow(uow, ctx, refund.source) is flow:
                    label = f"Remboursement de {refund.source_number}"
                    result.append(
                        Movement(
                            p.payment_date, MovementKind.REFUND, p.number, label, p.amount, None, p.id, 2 * _STEP + p.id
                        )
                    )
            elif p.direction is natural:
                label = "Règlement" + (f" ({p.reference})" if p.reference else "")
                result.append(
                    Movement(p.payment_date, MovementKind.PAYMENT, p.number, label, -p.amount, None, p.id, _STEP + p.id)
                )
        for w in uow.credits.write_offs(ctx.company_id, party_id=party_id):
            if w.amount.currency != currency:
                continue
            if w.source is None:  # a shortfall written off lowers what the document owes: a credit
                assert w.document_id is not None  # a shortfall is always of a document
                if uow.documents.get(ctx.company_id, w.document_id).flow is not flow:
                    continue
                result.append(
                    Movement(
                        w.write_off_date,
                        MovementKind.WRITE_OFF,
                        w.source_number or "",
                        "Écart de règlement",
                        -w.amount,
                        w.document_id,
                        None,
                        3 * _STEP + w.id,
                    )
                )
                continue
            if _source_flow(uow, ctx, w.source) is not flow:
                continue
            # a credit written off is no longer the party's: a debit
            label = "Avoir comptabilisé" if w.source.kind is SourceKind.CREDIT_NOTE else "Écart de règlement"
            result.append(
                Movement(
                    w.write_off_date,
                    MovementKind.WRITE_OFF,
                    w.source_number or "",
                    label,
                    w.amount,
                    w.source.id if w.source.kind is SourceKind.CREDIT_NOTE else None,
                    w.source.id if w.source.kind is SourceKind.PAYMENT else None,
                    3 * _STEP + w.id,
                )
            )
        return result


def statement(
    uow: UnitOfWork,
    ctx: Ctx,
    party_id: int,
    *,
    date_from: date,
    date_to: date,
    flow: Flow | None = None,
    currency: str | None = None,
) -> StatementView:
    """The statement of account (« relevé de compte ») for a period: opening balance, movements with a running
    balance, closing balance."""
    check_date(date_from, DateField.DATE_FROM)
    check_date(date_to, DateField.DATE_TO)
    with uow:
        party = uow.parties.get(ctx.company_id, party_id)
        flow = flow_for(party, flow)
        currency = account_currency(uow, ctx, currency)
        found = movements(uow, ctx, party_id, flow=flow, currency=currency)
        return StatementView(party.id, party.name, flow.value, build_statement(found, date_from, date_to, currency))


def statements(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    date_from: date,
    date_to: date,
    flow: Flow = Flow.SALE,
    currency: str | None = None,
) -> list[StatementView]:
    """The statement of every party with an opening balance or a movement in the period."""
    check_date(date_from, DateField.DATE_FROM)
    check_date(date_to, DateField.DATE_TO)
    with uow:
        role = "customer" if flow is Flow.SALE else "supplier"
        result = []
        for party in uow.parties.list(ctx.company_id, role=role):
            view = statement(uow, ctx, party.id, date_from=date_from, date_to=date_to, flow=flow, currency=currency)
            if view.statement.lines or not view.statement.opening.is_zero:
                result.append(view)
        return result


def ledger_balance(
    uow: UnitOfWork, ctx: Ctx, party_id: int, *, flow: Flow | None = None, currency: str | None = None
) -> Money:
    """The party's balance from movements alone: the statement's closing balance plus the orders of the account
    (commitments not invoiced yet, less what they had deducted). Equals `party_account(...).balance`."""
    with uow:
        party = uow.parties.get(ctx.company_id, party_id)
        flow = flow_for(party, flow)
        currency = account_currency(uow, ctx, currency)
        ledger = total((m.amount for m in movements(uow, ctx, party_id, flow=flow, currency=currency)), currency)
        orders = account_documents(
            uow,
            ctx,
            flow=flow,
            currency=currency,
            party_id=party_id,
            kinds=[k for k in OWED_KINDS if k not in RECEIVABLE_KINDS],
        )
        not_invoiced = (o.position.left_to_invoice for o in orders if o.position and o.position.left_to_invoice)
        return ledger + total(not_invoiced, currency)
