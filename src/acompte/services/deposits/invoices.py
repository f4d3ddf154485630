"""Deposit invoices (factures d'acompte): prepared as drafts from an order or standalone, changed until issued,
issued in their own series with or without their payment, attached afterwards to an order or an invoice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal

from acompte.domain.dates import DateField, check_optional
from acompte.domain.deposit_events import DepositAttached, DepositInvoiceMoved, DepositInvoicePrepared
from acompte.domain.deposits import (
    DEPOSIT_SOURCE_KINDS,
    DEPOSIT_TARGET_KINDS,
    DepositAction,
    DepositSettings,
    check_deposit,
)
from acompte.domain.documents import Flow, Kind, State
from acompte.domain.einvoicing import PAID_AT_ISSUE
from acompte.domain.errors import (
    CurrencyMismatch,
    DocumentFrozen,
    FlowMismatch,
    InvalidSetting,
    InvalidTransition,
    MissingDepositAmount,
    NonPositiveAmount,
    PartyMismatch,
    Reason,
)
from acompte.domain.events import DocumentUpdated
from acompte.domain.money import Money
from acompte.domain.vat import check_rate
from acompte.services import documents, payments, versions
from acompte.services.deposits.family import (
    DEPOSIT_TARGETS,
    available_for_deposit,
    breakdown_of,
    check_source,
    direction_of,
    doc_label,
    family_of,
    one_rate,
    usages_of,
)
from acompte.services.deposits.plans import (
    DepositPlan,
    deposit_data,
    describe,
    plan_deposit,
    previous_deposits,
    store_deposit_document,
)
from acompte.services.deposits.records import IssuedDeposit
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import DocumentView


def create_deposit_invoice(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    origin_id: int | None = None,
    party_id: int | None = None,
    flow: Flow = Flow.SALE,
    amount: Money | None = None,
    percent: Decimal | str | None = None,
    line_percents: Mapping[int, Decimal | str] | None = None,
    line_amounts: Mapping[int, Money] | None = None,
    vat_rate: Decimal | None = None,
    issue_date: date | None = None,
    due_date: date | None = None,
    notes: str = "",
) -> DocumentView:
    """Prepare a draft deposit invoice (facture d'acompte).

    From a quote or an order (`origin_id`): a percentage or an amount of its gross total, or per line
    (`line_percents` / `line_amounts` keyed by line position); without any of them, the default percentages
    (item for this party > item > party > company) apply. Its VAT is taken out of the gross and split across
    the order's rates in proportion to the order's gross per rate; deposits on one order never exceed its gross
    total (DepositExceedsOrder). Standalone (no origin): `party_id`, `flow`, `amount` and `vat_rate`.
    The draft can be changed (`update_deposit_invoice`) until it is issued (`issue_deposit_invoice`).
    """
    check_optional(issue_date, DateField.ISSUE_DATE)
    check_optional(due_date, DateField.DUE_DATE)
    with uow:
        company = uow.companies.get(ctx.company_id)
        origin = None
        if origin_id is not None:
            origin = uow.documents.get(ctx.company_id, origin_id, lock=True)
            check_source(origin, DEPOSIT_SOURCE_KINDS, Reason.DEPOSIT_SOURCE_KIND)
            if party_id is not None and party_id != origin.party_id:
                raise PartyMismatch(document=origin.label, source="la facture d'acompte")
            party_id, flow, currency = origin.party_id, origin.flow, origin.currency
            plan = plan_deposit(
                uow,
                ctx,
                company,
                origin,
                amount=amount,
                percent=percent,
                line_percents=line_percents,
                line_amounts=line_amounts,
                exclude=None,
            )
            family = family_of(uow, ctx, company, origin)
            previous = previous_deposits(uow, origin, family, exclude=None)
        else:
            if party_id is None or amount is None or vat_rate is None:
                raise InvalidSetting(reason=Reason.DEPOSIT_WITHOUT_ORDER_FIELDS)
            rate = check_rate(vat_rate, company.vat_rates)
            currency = amount.currency
            if not amount.is_positive:
                raise NonPositiveAmount(amount=str(amount))
            plan = DepositPlan(gross=amount, breakdown=one_rate(amount, rate), basis="amount", percent=None)
            previous = Money.zero(currency)
        document = documents.create_draft(
            uow,
            ctx,
            kind=Kind.DEPOSIT_INVOICE,
            flow=flow,
            party_id=party_id,
            issue_date=issue_date,
            due_date=due_date,
            currency=currency,
            notes=notes,
            origin_id=origin.id if origin else None,
        )
        if origin is not None and origin.exchange_rate is not None:
            uow.deposits.set_exchange_rate(ctx.company_id, document.id, origin.exchange_rate)
        store_deposit_document(uow, ctx, document, plan, describe(origin, plan))
        remaining = (origin.gross - previous - plan.gross) if origin else Money.zero(currency)
        data = {"deposit": deposit_data(origin, plan, previous, remaining)}
        uow.documents.set_data(ctx.company_id, document.id, data)
        publish(
            uow,
            ctx,
            DepositInvoicePrepared(
                company_id=ctx.company_id,
                document_id=document.id,
                party_id=document.party_id,
                gross=plan.gross,
                basis=plan.basis,
                percent=plan.percent,
                origin_number=origin.number if origin else None,
                breakdown=plan.breakdown,
            ),
        )
        result = documents.get_document(uow, ctx, document.id)
        uow.commit()
        return result


def update_deposit_invoice(
    uow: UnitOfWork,
    ctx: Ctx,
    deposit_invoice_id: int,
    *,
    amount: Money | None = None,
    percent: Decimal | str | None = None,
    line_percents: Mapping[int, Decimal | str] | None = None,
    line_amounts: Mapping[int, Money] | None = None,
    expected_version: int | None = None,
) -> DocumentView:
    """Change the amount (or percentage, or per-line deposits) of a draft deposit invoice before it is issued."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, deposit_invoice_id, lock=True)
        versions.check_document(document, expected_version)
        if document.kind is not Kind.DEPOSIT_INVOICE:
            raise InvalidTransition(action=DepositAction.EDIT_DEPOSIT, kind=document.kind, state=document.state)
        if document.state is not State.DRAFT:
            raise DocumentFrozen(number=document.label)
        before = document.gross
        if document.origin_id is not None:
            origin = uow.documents.get(ctx.company_id, document.origin_id, lock=True)
            plan = plan_deposit(
                uow,
                ctx,
                company,
                origin,
                amount=amount,
                percent=percent,
                line_percents=line_percents,
                line_amounts=line_amounts,
                exclude=document.id,
            )
        else:
            if amount is None:
                raise MissingDepositAmount(document=document.label)
            breakdown = breakdown_of(uow, ctx, company, document)
            rate = breakdown[0].rate if breakdown else Decimal(20)
            plan = DepositPlan(gross=amount, breakdown=one_rate(amount, rate), basis="amount", percent=None)
            origin = None
        store_deposit_document(uow, ctx, document, plan, describe(origin, plan))
        data = uow.documents.data(ctx.company_id, document.id)
        info = dict(data.get("deposit") or {})
        info.update(
            {
                "basis": plan.basis,
                "percent": None if plan.percent is None else str(plan.percent),
                "lines": list(plan.lines),
            }
        )
        data["deposit"] = info
        uow.documents.set_data(ctx.company_id, document.id, data)
        publish(
            uow,
            ctx,
            DocumentUpdated(
                company_id=ctx.company_id,
                document_id=document.id,
                party_id=document.party_id,
                changes={"gross": {"before": before, "after": plan.gross}, "basis": plan.basis},
            ),
        )
        view = documents.get_document(uow, ctx, document.id)
        uow.commit()
        return view


def issue_deposit_invoice(
    uow: UnitOfWork,
    ctx: Ctx,
    deposit_invoice_id: int,
    *,
    today: date | None = None,
    generate_payment: bool | None = None,
    method: str | None = None,
    payment_date: date | None = None,
    reference: str = "",
    account_id: int | None = None,
    due_date: date | None = None,
    expected_version: int | None = None,
) -> IssuedDeposit:
    """Issue a deposit invoice: it takes the next number of its own series (FAC sales, FFA purchases) and is
    frozen. Then, by the company setting (`generate_payment_sale` / `_purchase`, overridable per call), either
    its payment is recorded at once for the whole amount (method: given or the setting's), or it gets a due
    date (given, else by its payment terms, else its issue date) and waits to be paid like any invoice."""
    check_optional(today, DateField.ISSUE_DATE)
    check_optional(payment_date, DateField.PAYMENT_DATE)
    check_optional(due_date, DateField.DUE_DATE)
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, deposit_invoice_id, lock=True)
        versions.check_document(document, expected_version)
        if document.kind is not Kind.DEPOSIT_INVOICE:
            raise InvalidTransition(action=DepositAction.ISSUE, kind=document.kind, state=document.state)
        settings = DepositSettings.from_settings(company.settings)
        generate = settings.generates_payment(document.flow.value) if generate_payment is None else generate_payment
        issue_day = today or uow.clock.today()
        if generate and document.flow is Flow.SALE:
            # Its payment is recorded with the issue, after the file is frozen: the file is told now whether the
            # invoice is paid at issue (« déjà payée »: a payment dated on or before the issue date).
            paid = payment_date or issue_day
            data = uow.documents.data(ctx.company_id, document.id)
            data[PAID_AT_ISSUE] = paid.isoformat() if paid <= issue_day else None
            uow.documents.set_data(ctx.company_id, document.id, data)
        view = documents.validate_document(uow, ctx, deposit_invoice_id, today=today)
        issued = view.document
        payment = None
        if generate:
            payment = payments.record_payment(
                uow,
                ctx,
                party_id=issued.party_id,
                amount=view.balance_due,
                method=method or settings.payment_method,
                direction=direction_of(issued.flow),
                payment_date=payment_date or issued.issue_date,
                account_id=account_id,
                reference=reference,
                allocations=[(issued.id, view.balance_due)],
                origin_document_id=issued.id,
                event_data={"deposit": True, "document_number": issued.number},
            )
            view = documents.get_document(uow, ctx, issued.id)  # paid now: its figures moved
        else:
            due = due_date or issued.due_date or issued.issue_date
            if issued.due_date != due:
                uow.documents.update(ctx.company_id, issued.id, due_date=due)
                # only its due date moved: no figure of the view depends on it (its position neither)
                view = replace(view, document=uow.documents.get(ctx.company_id, issued.id))
        result = IssuedDeposit(document=view, payment=payment)
        uow.commit()
        return result


def attach_deposit_invoice(uow: UnitOfWork, ctx: Ctx, deposit_invoice_id: int, document_id: int) -> DocumentView:
    """Attach a previously issued deposit invoice to an order, a delivery note or a draft invoice of the same
    party: the final invoice made from that document (or that invoice itself) will deduct it."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        uow.deposits.lock_documents(ctx.company_id, [deposit_invoice_id, document_id])
        deposit = uow.documents.get(ctx.company_id, deposit_invoice_id)
        target = uow.documents.get(ctx.company_id, document_id)
        if deposit.kind is not Kind.DEPOSIT_INVOICE or deposit.state is not State.VALIDATED:
            raise InvalidTransition(action=DepositAction.ATTACH, kind=deposit.kind, state=deposit.state)
        check_source(target, DEPOSIT_TARGET_KINDS, DEPOSIT_TARGETS)
        if target.kind is Kind.INVOICE and target.state is not State.DRAFT:
            raise DocumentFrozen(number=target.label)
        if target.party_id != deposit.party_id:
            raise PartyMismatch(document=target.label, source=deposit.label)
        if target.flow is not deposit.flow:
            raise FlowMismatch(direction=deposit.flow.value, document=target.label, flow=target.flow.value)
        if target.currency != deposit.currency:
            raise CurrencyMismatch(left=deposit.currency, right=target.currency)
        usage = usages_of(uow, ctx, company, [deposit])[deposit.id]
        if target.kind is not Kind.INVOICE:
            room = available_for_deposit(uow, ctx, company, target, exclude=deposit.id)
            check_deposit(usage.carried(), room, doc_label(target))
        before = deposit.origin_id
        uow.documents.update(ctx.company_id, deposit.id, origin_id=target.id)
        publish(
            uow,
            ctx,
            DepositInvoiceMoved(
                company_id=ctx.company_id,
                document_id=deposit.id,
                party_id=deposit.party_id,
                origin_before=before,
                origin_after=target.id,
                document_number=target.number,
                deposit_number=deposit.number,
            ),
        )
        publish(
            uow,
            ctx,
            DepositAttached(
                company_id=ctx.company_id,
                document_id=target.id,
                party_id=target.party_id,
                deposit_invoice_id=deposit.id,
                deposit_number=deposit.number,
                amount=usage.carried(),
            ),
        )
        view = documents.get_document(uow, ctx, target.id)
        uow.commit()
        return view
