"""The rules of deductions on a final invoice: which deposit invoices it may deduct, the default amounts (its
share of the order on a partial invoice, all that remains on the last one, never beyond its net to pay), the
deposit invoices it leaves undeducted, and adding or removing a deduction with its history on both documents."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from decimal import Decimal

from acompte.domain.deposit_events import DeductionRemoved, DepositDeducted, DepositNotDeducted
from acompte.domain.deposit_usage import DepositUsage
from acompte.domain.deposits import (
    Deduction,
    DeductionCandidate,
    DeductionWarning,
    DeductionWarningCode,
    DepositSettings,
    plan_deductions,
    proportional_share,
    take,
    undeducted_deposits,
)
from acompte.domain.documents import Document, Kind, State
from acompte.domain.money import Money, total
from acompte.domain.parties import Company
from acompte.services.deposits.family import ancestors_of, family_of, room_on, usages_of
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork


def publish_not_deducted(uow: UnitOfWork, ctx: Ctx, invoice: Document, warning: DeductionWarning) -> None:
    """The DepositNotDeducted event: the French sentence as before, with its code and parameters."""
    publish(
        uow,
        ctx,
        DepositNotDeducted(
            company_id=ctx.company_id, document_id=invoice.id, party_id=invoice.party_id, warning=warning
        ),
    )


def deduction_candidates(
    uow: UnitOfWork, ctx: Ctx, company: Company, invoice: Document
) -> tuple[dict[int, DepositUsage], list[DeductionWarning]]:
    """Deposit invoices a final invoice may deduct: issued, attached to it or to a document it was made from,
    or already deducted on it. Those of another party are returned as warnings, never as candidates."""
    lineage = [invoice, *ancestors_of(uow, ctx, invoice)]
    attached = uow.deposits.attached(ctx.company_id, [d.id for d in lineage], [Kind.DEPOSIT_INVOICE.value])
    already = {d.deposit_invoice_id for d in uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id)}
    known = {d.id for d in attached}
    attached += [uow.documents.get(ctx.company_id, i) for i in sorted(already - known)]
    warnings: list[DeductionWarning] = []
    wanted = []
    for deposit in attached:
        if deposit.state is not State.VALIDATED or deposit.flow is not invoice.flow:
            continue
        if deposit.party_id != invoice.party_id:
            warnings.append(
                DeductionWarning(
                    DeductionWarningCode.OTHER_PARTY,
                    deposit_id=deposit.id,
                    deposit_number=deposit.number,
                    deposit_party=uow.parties.get(ctx.company_id, deposit.party_id).name,
                    invoice_id=invoice.id,
                    invoice_number=invoice.number,
                    invoice_party=uow.parties.get(ctx.company_id, invoice.party_id).name,
                )
            )
            continue
        if deposit.currency != invoice.currency:
            continue
        wanted.append(deposit)
    return usages_of(uow, ctx, company, wanted), warnings


def deduction_share(uow: UnitOfWork, ctx: Ctx, company: Company, invoice: Document) -> Decimal:
    """The default share of the deposits a (partial) final invoice deducts (proportional_share)."""
    ancestors = ancestors_of(uow, ctx, invoice)
    root = next((a for a in ancestors if a.kind is Kind.ORDER), ancestors[0] if ancestors else None)
    if root is None:
        return Decimal(1)
    family = family_of(uow, ctx, company, root)
    invoiced_before = total(
        (f.gross for f in family.finals(drafts=False) if f.id != invoice.id and f.currency == root.currency),
        root.currency,
    )
    return proportional_share(invoice.gross, root.gross - invoiced_before)


def propose_deductions(
    uow: UnitOfWork,
    ctx: Ctx,
    company: Company,
    invoice: Document,
    usages: dict[int, DepositUsage],
    *,
    exclude: Collection[int] = (),
) -> list[tuple[int, Money]]:
    """The default deductions still to add: deposit invoices not deducted on the invoice yet (nor in `exclude`),
    within what the invoice can still take."""
    candidates = [
        DeductionCandidate(u.deposit.id, u.available_for_deduction(invoice.id))
        for u in sorted(usages.values(), key=lambda u: u.deposit.id)
        if u.on(invoice.id) is None
        and u.deposit.id not in exclude
        and u.available_for_deduction(invoice.id).is_positive
    ]
    return plan_deductions(
        candidates, room_on(uow, invoice).max(Money.zero(invoice.currency)), deduction_share(uow, ctx, company, invoice)
    )


#: Key of a draft invoice's data: the deposit invoices whose deduction the user removed. Issuing does not deduct
#: them again by default (their choice stands), it warns instead.
DECLINED = "deductions_declined"


def declined_of(uow: UnitOfWork, ctx: Ctx, invoice: Document) -> set[int]:
    return {int(i) for i in uow.documents.data(ctx.company_id, invoice.id).get(DECLINED) or []}


def set_declined(uow: UnitOfWork, ctx: Ctx, invoice: Document, deposit_id: int, declined: bool) -> None:
    data = uow.documents.data(ctx.company_id, invoice.id)
    ids = {int(i) for i in data.get(DECLINED) or []}
    wanted = ids | {deposit_id} if declined else ids - {deposit_id}
    if wanted != ids:
        data[DECLINED] = sorted(wanted)
        uow.documents.set_data(ctx.company_id, invoice.id, data)


def default_deductions(uow: UnitOfWork, ctx: Ctx, company: Company, invoice: Document) -> list[tuple[int, Money]]:
    """Deduct by default (automatic) what `propose_deductions` gives, the deposit invoices the user removed excepted."""
    usages, _ = deduction_candidates(uow, ctx, company, invoice)
    uow.deposits.lock_documents(ctx.company_id, list(usages))
    usages, _ = deduction_candidates(uow, ctx, company, invoice)  # read again under the locks
    planned = propose_deductions(uow, ctx, company, invoice, usages, exclude=declined_of(uow, ctx, invoice))
    for deposit_id, amount in planned:
        add_deduction(uow, ctx, invoice, usages[deposit_id], amount, automatic=True)
    return planned


def replan_automatic(uow: UnitOfWork, ctx: Ctx, company: Company, invoice: Document, reason: str) -> None:
    """Plan a draft's automatic deductions again (« déduire à 100 % »): its total changed (`invoice` carries the
    new gross), or it is being issued and another invoice of the order was issued since it was made (the last
    invoice deducts all that remains). The user's own deductions and removals stand; only the deductions
    that change are recorded in the history."""
    usages, _ = deduction_candidates(uow, ctx, company, invoice)
    uow.deposits.lock_documents(ctx.company_id, list(usages))
    old = {
        d.deposit_invoice_id: d for d in uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id) if d.automatic
    }
    if not old:
        return
    for deduction in old.values():
        uow.deposits.delete_deduction(ctx.company_id, deduction.id)
    usages, _ = deduction_candidates(uow, ctx, company, invoice)
    planned = dict(propose_deductions(uow, ctx, company, invoice, usages, exclude=declined_of(uow, ctx, invoice)))
    for deposit_id, deduction in old.items():
        if planned.get(deposit_id) != deduction.amount:
            publish_removal(uow, ctx, invoice, deduction, reason)
    for deposit_id, amount in planned.items():
        before = old.get(deposit_id)
        add_deduction(
            uow,
            ctx,
            invoice,
            usages[deposit_id],
            amount,
            automatic=True,
            record=before is None or before.amount != amount,
        )


def expected_deductions(
    uow: UnitOfWork, ctx: Ctx, company: Company, invoice: Document, usages: dict[int, DepositUsage]
) -> tuple[list[DeductionCandidate], Money, Decimal]:
    """What the default deduction of each deposit invoice is measured against, the invoice's own deductions
    left out: candidates (what each may give it), room (gross − allocations), share (proportional_share)."""
    candidates = [
        DeductionCandidate(u.deposit.id, u.available_for_deduction(invoice.id))
        for u in sorted(usages.values(), key=lambda u: u.deposit.id)
        if u.available_for_deduction(invoice.id).is_positive
    ]
    room = (invoice.gross - uow.documents.settlement(invoice).allocated).max(Money.zero(invoice.currency))
    return candidates, room, deduction_share(uow, ctx, company, invoice)


def undeducted_of(
    uow: UnitOfWork, ctx: Ctx, company: Company, invoice: Document, usages: dict[int, DepositUsage]
) -> list[DeductionWarning]:
    """The deposit invoices the invoice leaves undeducted (domain: `undeducted_deposits`), as warnings. On a
    draft, what issuing it now would leave: the automatic deductions issuing adds are counted as made."""
    expected = expected_deductions(uow, ctx, company, invoice, usages)
    deducted = {u.deposit.id: d.amount for u in usages.values() if (d := u.on(invoice.id)) is not None}
    if invoice.state is State.DRAFT and DepositSettings.from_settings(company.settings).deduct_all:
        # issuing plans the automatic deductions again and adds the missing ones, the removed ones excepted
        declined = declined_of(uow, ctx, invoice)
        default = dict(plan_deductions(*expected))
        for usage in usages.values():
            current = usage.on(invoice.id)
            if usage.deposit.id not in declined and (current is None or current.automatic):
                deducted[usage.deposit.id] = default.get(usage.deposit.id, Money.zero(invoice.currency))
    left = undeducted_deposits(*expected, deducted)
    if not left:
        return []
    party = uow.parties.get(ctx.company_id, invoice.party_id).name
    return [
        DeductionWarning(
            DeductionWarningCode.NOT_DEDUCTED,
            deposit_id=item.deposit_invoice_id,
            deposit_number=usages[item.deposit_invoice_id].deposit.number,
            deposit_party=party,
            invoice_id=invoice.id,
            invoice_number=invoice.number,
            invoice_party=party,
            expected=item.expected,
            deducted=item.deducted,
            available=item.available,
        )
        for item in left
    ]


def add_deduction(
    uow: UnitOfWork,
    ctx: Ctx,
    invoice: Document,
    usage: DepositUsage,
    amount: Money,
    *,
    automatic: bool,
    record: bool = True,
) -> None:
    """Deduct `amount` of a deposit invoice on a final invoice, with the VAT it takes back of the deposit's split."""
    breakdown = take(usage.breakdown, usage.taken(invoice_id=invoice.id), amount)
    uow.deposits.add_deduction(
        ctx.company_id,
        invoice_id=invoice.id,
        deposit_invoice_id=usage.deposit.id,
        amount=amount,
        breakdown=breakdown,
        automatic=automatic,
    )
    if not record:  # a deduction planned again with the same amount is not a new fact
        return
    deducted = DepositDeducted(
        company_id=ctx.company_id,
        document_id=invoice.id,
        party_id=invoice.party_id,
        deposit_invoice_id=usage.deposit.id,
        deposit_number=usage.deposit.number,
        amount=amount,
        automatic=automatic,
        breakdown=breakdown,
        net_to_pay_before=room_on(uow, invoice) + amount,
        invoice_number=invoice.number,
    )
    publish(uow, ctx, deducted)
    publish(uow, ctx, replace(deducted, document_id=usage.deposit.id, party_id=usage.deposit.party_id))


def remove_deductions(
    uow: UnitOfWork, ctx: Ctx, invoice: Document, *, only: int | None = None, reason: str
) -> list[Deduction]:
    """Remove the invoice's deductions (or only that of the deposit invoice `only`); `reason` goes to the history."""
    removed = []
    for deduction in uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id):
        if only is not None and deduction.deposit_invoice_id != only:
            continue
        uow.deposits.delete_deduction(ctx.company_id, deduction.id)
        removed.append(deduction)
        publish_removal(uow, ctx, invoice, deduction, reason)
    return removed


def publish_removal(uow: UnitOfWork, ctx: Ctx, invoice: Document, deduction: Deduction, reason: str) -> None:
    """DeductionRemoved, in the history of the invoice and of the deposit invoice."""
    deposit = uow.documents.get(ctx.company_id, deduction.deposit_invoice_id)
    removed = DeductionRemoved(
        company_id=ctx.company_id,
        document_id=invoice.id,
        party_id=invoice.party_id,
        deposit_invoice_id=deposit.id,
        deposit_number=deposit.number,
        amount=deduction.amount,
        invoice_number=invoice.number,
        reason=reason,
    )
    publish(uow, ctx, removed)
    publish(uow, ctx, replace(removed, document_id=deposit.id, party_id=deposit.party_id))


def apply_automatic(uow: UnitOfWork, ctx: Ctx, company: Company, invoice: Document) -> list[tuple[int, Money]]:
    """Deduct every deposit invoice the final invoice may deduct and does not deduct yet, by default amounts
    (proportional on a partial invoice, all that remains on the last one), never beyond its net to pay — except
    those whose deduction the user removed on the draft. Deposit invoices of another party are not deducted: a
    DepositNotDeducted event names them."""
    _, warnings = deduction_candidates(uow, ctx, company, invoice)
    planned = default_deductions(uow, ctx, company, invoice)
    for warning in warnings:
        publish_not_deducted(uow, ctx, invoice, warning)
    return planned
