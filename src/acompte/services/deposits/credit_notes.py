"""Deposit credit notes (avoirs d'acompte): reversing all or part of an issued deposit invoice, at most what
final invoices have not deducted, with the VAT of the deposit invoice's own split."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from acompte.domain.dates import DateField, check_optional
from acompte.domain.deposit_events import DepositCreditNotePrepared
from acompte.domain.deposits import DepositAction, take
from acompte.domain.documents import Kind, State
from acompte.domain.errors import (
    DocumentRef,
    InvalidLine,
    InvalidTransition,
    NonPositiveAmount,
    Reason,
    ReversalExceedsDeposit,
)
from acompte.domain.money import Money, total
from acompte.services import documents
from acompte.services.deposits.family import percent_or_amount, usages_of
from acompte.services.deposits.plans import DepositPlan, store_deposit_document
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import DocumentView


def create_deposit_credit_note(
    uow: UnitOfWork,
    ctx: Ctx,
    deposit_invoice_id: int,
    *,
    amount: Money | None = None,
    percent: Decimal | str | None = None,
    lines: Sequence[int] | None = None,
    issue_date: date | None = None,
    notes: str = "",
) -> DocumentView:
    """Prepare a deposit credit note reversing all (default) or part of an issued deposit invoice: an amount,
    a percentage of its gross, or — for a per-line deposit invoice — the deposits of some order lines (by
    their position on the order). A deposit invoice is reversed at most up to what final invoices have not
    deducted (ReversalExceedsDeposit); the VAT reversed follows the deposit invoice's own split."""
    check_optional(issue_date, DateField.ISSUE_DATE)
    with uow:
        company = uow.companies.get(ctx.company_id)
        deposit = uow.documents.get(ctx.company_id, deposit_invoice_id, lock=True)
        if deposit.kind is not Kind.DEPOSIT_INVOICE or deposit.state is not State.VALIDATED:
            raise InvalidTransition(action=DepositAction.REVERSE, kind=deposit.kind, state=deposit.state)
        usage = usages_of(uow, ctx, company, [deposit])[deposit.id]
        available = usage.available_for_reversal()
        line_entries: list[dict[str, Any]] = []
        if lines:
            info = uow.documents.data(ctx.company_id, deposit.id).get("deposit", {})
            by_position = {e["position"]: e for e in info.get("lines", [])}
            for position in lines:
                if position not in by_position:
                    raise InvalidLine(
                        reason=Reason.NO_DEPOSIT_ON_LINE,
                        deposit=DocumentRef(deposit.kind, deposit.label),
                        position=position,
                    )
                line_entries.append(by_position[position])
            value = total((Money.of(e["amount"], deposit.currency) for e in line_entries), deposit.currency)
        elif amount is None and percent is None:
            if not available.is_positive:  # "reverse it all" with nothing left: say what is left, not "0.00"
                raise ReversalExceedsDeposit(
                    requested=str(deposit.gross), available=str(available), deposit=deposit.label
                )
            value = available
        else:
            value, _ = percent_or_amount(deposit.gross, amount, percent)
        if not value.is_positive:
            raise NonPositiveAmount(amount=str(value))
        if value > available:
            raise ReversalExceedsDeposit(requested=str(value), available=str(available), deposit=deposit.label)
        breakdown = take(usage.breakdown, usage.taken(), value)
        credit = documents.create_draft(
            uow,
            ctx,
            kind=Kind.DEPOSIT_CREDIT_NOTE,
            flow=deposit.flow,
            party_id=deposit.party_id,
            issue_date=issue_date,
            currency=deposit.currency,
            notes=notes,
            origin_id=deposit.id,
        )
        if deposit.exchange_rate is not None:
            uow.deposits.set_exchange_rate(ctx.company_id, credit.id, deposit.exchange_rate)
        plan = DepositPlan(
            gross=value,
            breakdown=breakdown,
            basis="lines" if lines else "amount",
            percent=None,
            lines=tuple(line_entries),
        )
        store_deposit_document(uow, ctx, credit, plan, f"Avoir sur la facture d'acompte {deposit.label}")
        uow.documents.set_data(
            ctx.company_id,
            credit.id,
            {
                "deposit_credit": {
                    "deposit_invoice_id": deposit.id,
                    "deposit_number": deposit.number,
                    "lines": line_entries,
                }
            },
        )
        publish(
            uow,
            ctx,
            DepositCreditNotePrepared(
                company_id=ctx.company_id,
                document_id=credit.id,
                party_id=credit.party_id,
                gross=value,
                deposit_number=deposit.number,
                breakdown=breakdown,
            ),
        )
        result = documents.get_document(uow, ctx, credit.id)
        uow.commit()
        return result


def issue_deposit_credit_note(
    uow: UnitOfWork, ctx: Ctx, credit_note_id: int, *, today: date | None = None
) -> DocumentView:
    """Issue a deposit credit note (numbered in its own series, frozen). It first settles what is still unpaid
    on its deposit invoice; the rest is a credit in the party's favour (to refund or to use)."""
    check_optional(today, DateField.ISSUE_DATE)
    with uow:
        document = uow.documents.get(ctx.company_id, credit_note_id)
        if document.kind is not Kind.DEPOSIT_CREDIT_NOTE:
            raise InvalidTransition(action=DepositAction.ISSUE, kind=document.kind, state=document.state)
        view = documents.validate_document(uow, ctx, credit_note_id, today=today)
        uow.commit()
        return view
