"""Final invoices and their deductions: invoicing an order, the deduction view, deducting a deposit invoice on
a draft final invoice or removing it, and the deposit invoices an invoice leaves undeducted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from acompte.domain.dates import DateField, check_optional
from acompte.domain.deposits import (
    DeductionWarning,
    DepositAction,
    DepositSettings,
    check_deduction,
    combine,
    plan_deductions,
    share_in_percent,
)
from acompte.domain.documents import Document, Kind, Line, State
from acompte.domain.errors import (
    CurrencyMismatch,
    DeductionPartyMismatch,
    DocumentFrozen,
    FlowMismatch,
    InvalidLine,
    InvalidTransition,
    NegativeQuantity,
    Reason,
)
from acompte.domain.money import Money, total
from acompte.domain.vat import normalize_rate, vat_of
from acompte.services import documents, positions, versions
from acompte.services.deposits.deduction_plans import (
    add_deduction,
    apply_automatic,
    deduction_candidates,
    expected_deductions,
    remove_deductions,
    set_declined,
    undeducted_of,
)
from acompte.services.deposits.family import breakdown_of, percent_or_amount, room_on, summary_of, usages_of
from acompte.services.deposits.records import DeductionRow, DeductionView
from acompte.services.ports import Ctx, UnitOfWork


def create_final_invoice(
    uow: UnitOfWork,
    ctx: Ctx,
    source_id: int,
    *,
    lines: Any = None,
    issue_date: date | None = None,
    due_date: date | None = None,
) -> DeductionView:
    """Invoice an order, a delivery note or a quote (all its lines, or the given ones for a partial invoice).
    The payments allocated to it follow to the invoice up to the invoice's gross (`carry_deposits`); with the
    setting « déduire à 100 % » its deposit invoices are deducted on the draft at once (`on_convert`), otherwise
    as the user chooses in the deduction view. Without `due_date`, the invoice is due by its payment terms when
    issued (`services.payment_terms`)."""
    check_optional(issue_date, DateField.ISSUE_DATE)
    check_optional(due_date, DateField.DUE_DATE)
    with uow:
        view = documents.convert_document(
            uow, ctx, source_id, Kind.INVOICE, lines=lines, issue_date=issue_date, due_date=due_date
        )
        result = build_deduction_view(uow, ctx, view.id)
        uow.commit()
        return result


def undeducted_warnings(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> tuple[DeductionWarning, ...]:
    """The deposit invoices of a final invoice's origin it leaves undeducted, in whole or in part, compared with
    the default deduction (code `deposit_not_deducted`). On a draft: what validating it now would leave — the
    web asks for confirmation before, the API answers them with the validation. Empty for other documents."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        invoice = uow.documents.get(ctx.company_id, invoice_id)
        if invoice.kind is not Kind.INVOICE or invoice.state is State.CANCELLED:
            return ()
        usages, _ = deduction_candidates(uow, ctx, company, invoice)
        return tuple(undeducted_of(uow, ctx, company, invoice, usages))


def deduction_view(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> DeductionView:
    """The deduction view of a final invoice (see DeductionView). On a draft with the « déduire à 100 % »
    setting, `proposed` shows the default deduction of each deposit invoice."""
    with uow:
        return build_deduction_view(uow, ctx, invoice_id)


def build_deduction_view(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> DeductionView:
    """`deduction_view` inside the caller's transaction."""
    company = uow.companies.get(ctx.company_id)
    invoice = uow.documents.get(ctx.company_id, invoice_id)
    if invoice.kind is not Kind.INVOICE:
        raise InvalidTransition(action=DepositAction.DEDUCT_DEPOSITS, kind=invoice.kind, state=invoice.state)
    settings = DepositSettings.from_settings(company.settings)
    usages, warnings = deduction_candidates(uow, ctx, company, invoice)
    proposal = (
        dict(plan_deductions(*expected_deductions(uow, ctx, company, invoice, usages)))
        if (settings.deduct_all and invoice.state is State.DRAFT)
        else {}
    )
    if invoice.state is State.DRAFT:
        warnings += undeducted_of(uow, ctx, company, invoice, usages)
    room = room_on(uow, invoice)
    rows = []
    for usage in sorted(usages.values(), key=lambda u: u.deposit.id):
        current = usage.on(invoice.id)
        deducted = current.amount if current else Money.zero(invoice.currency)
        maximum = usage.available_for_deduction(invoice.id).min(room + deducted).max(Money.zero(invoice.currency))
        rows.append(
            DeductionRow(
                deposit=summary_of(uow, usage),
                maximum=maximum,
                deducted=deducted,
                percent=share_in_percent(deducted, usage.deposit.gross),
                proposed=proposal.get(usage.deposit.id, Money.zero(invoice.currency)),
                automatic=bool(current and current.automatic),
            )
        )
    position = positions.position(uow, ctx, invoice)
    deductions = uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id)
    breakdown = breakdown_of(uow, ctx, company, invoice)
    deducted_breakdown = combine([d.breakdown for d in deductions], invoice.currency)
    return DeductionView(
        invoice=invoice,
        gross=invoice.gross,
        available=total((r.deposit.available for r in rows), invoice.currency),
        deducted=position.deducted,
        net_to_pay=position.net_to_pay,
        balance_due=position.balance_due,
        rows=tuple(rows),
        breakdown=breakdown,
        deducted_breakdown=deducted_breakdown,
        vat_due=combine([breakdown, combine([deducted_breakdown], invoice.currency, sign=-1)], invoice.currency),
        automatic_mode=settings.deduct_all,
        warnings=tuple(warnings),
    )


def deduct_deposit(
    uow: UnitOfWork,
    ctx: Ctx,
    invoice_id: int,
    deposit_invoice_id: int,
    *,
    amount: Money | None = None,
    percent: Decimal | str | None = None,
    expected_version: int | None = None,
) -> DeductionView:
    """Deduct a deposit invoice on a draft final invoice: an amount, or a percentage of the deposit invoice's
    gross, or (neither) all it may still give. Replaces an earlier deduction of the same deposit invoice.
    Refused: more than the deposit invoice still holds (DeductionExceedsDeposit), more than the invoice's net
    to pay (DeductionExceedsInvoice, never negative), a deposit invoice of another party (DeductionPartyMismatch)."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        uow.deposits.lock_documents(ctx.company_id, [invoice_id, deposit_invoice_id])
        invoice = uow.documents.get(ctx.company_id, invoice_id)
        versions.check_document(invoice, expected_version)
        deposit = uow.documents.get(ctx.company_id, deposit_invoice_id)
        if invoice.kind is not Kind.INVOICE:
            raise InvalidTransition(action=DepositAction.DEDUCT_DEPOSITS, kind=invoice.kind, state=invoice.state)
        if invoice.state is not State.DRAFT:
            raise DocumentFrozen(number=invoice.label)
        if deposit.kind is not Kind.DEPOSIT_INVOICE or deposit.state is not State.VALIDATED:
            raise InvalidTransition(action=DepositAction.DEDUCT, kind=deposit.kind, state=deposit.state)
        if deposit.party_id != invoice.party_id:
            raise DeductionPartyMismatch(
                deposit=deposit.label,
                invoice=invoice.label,
                deposit_party=uow.parties.get(ctx.company_id, deposit.party_id).name,
                invoice_party=uow.parties.get(ctx.company_id, invoice.party_id).name,
            )
        if deposit.flow is not invoice.flow:
            raise FlowMismatch(direction=deposit.flow.value, document=invoice.label, flow=invoice.flow.value)
        if deposit.currency != invoice.currency:
            raise CurrencyMismatch(left=deposit.currency, right=invoice.currency)
        usage = usages_of(uow, ctx, company, [deposit])[deposit.id]
        available = usage.available_for_deduction(invoice.id)
        room = room_on(uow, invoice, exclude_deposit=deposit.id)
        if amount is None and percent is None:
            value = available.min(room)
        else:
            value, _ = percent_or_amount(deposit.gross, amount, percent)
        check_deduction(value, available, room, deposit.label, invoice.label)
        current = usage.on(invoice.id)
        if current is not None:
            uow.deposits.delete_deduction(ctx.company_id, current.id)
            usage = replace(usage, deductions=tuple(d for d in usage.deductions if d.id != current.id))
        add_deduction(uow, ctx, invoice, usage, value, automatic=False)
        set_declined(uow, ctx, invoice, deposit.id, False)
        view = build_deduction_view(uow, ctx, invoice.id)
        uow.commit()
        return view


def remove_deduction(
    uow: UnitOfWork, ctx: Ctx, invoice_id: int, deposit_invoice_id: int, *, expected_version: int | None = None
) -> DeductionView:
    """Stop deducting a deposit invoice on a draft final invoice. With « déduire à 100 % », issuing will not
    deduct it again: the user's choice stands, and validating warns that it is left undeducted."""
    with uow:
        invoice = uow.documents.get(ctx.company_id, invoice_id, lock=True)
        versions.check_document(invoice, expected_version)
        if invoice.state is not State.DRAFT:
            raise DocumentFrozen(number=invoice.label)
        remove_deductions(uow, ctx, invoice, only=deposit_invoice_id, reason="removed by the user")
        set_declined(uow, ctx, invoice, deposit_invoice_id, True)
        view = build_deduction_view(uow, ctx, invoice.id)
        uow.commit()
        return view


def apply_automatic_deductions(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> list[tuple[int, Money]]:
    """Deduct by default every deposit invoice the final invoice may deduct and does not deduct yet (see
    `deduction_plans.apply_automatic`)."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        invoice = uow.documents.get(ctx.company_id, invoice_id, lock=True)
        planned = apply_automatic(uow, ctx, company, invoice)
        uow.commit()
        return planned


def deduct_recall_lines(uow: UnitOfWork, ctx: Ctx, invoice: Document, lines: Sequence[Line]) -> None:
    """Deposit recall lines typed on a draft final invoice (« Acompte déjà facturé FA-… », −1 × 300.00 HT)
    become the deductions they stand for, inside the caller's unit of work: each names its deposit invoice by
    number (or the order has only one left to deduct; with none at all, the line is refused as a negative
    quantity: taking goods back is a credit note's job); its net, with the VAT that net makes, is deducted as
    `deduct_deposit` would — never more than the deposit invoice still holds (`DeductionExceedsDeposit`) nor
    than the invoice's net to pay — and the deduction's net per rate must be what was typed
    (`InvalidLine`, reason `recall-mismatch`). From then on it is a deduction like any other: position, entries,
    PDF and Factur-X read it the same way."""
    company = uow.companies.get(ctx.company_id)
    usages, _ = deduction_candidates(uow, ctx, company, invoice)
    open_ = {i: u for i, u in usages.items() if u.available_for_deduction(invoice.id).is_positive}
    if not usages:  # no deposit invoice to recall: a negative line would be a refund, which is a credit note's
        raise NegativeQuantity(kind=invoice.kind)
    groups: dict[int, list[Line]] = {}
    for line in lines:
        named = [i for i, u in usages.items() if u.deposit.number and u.deposit.number in line.designation]
        if len(named) == 1:
            deposit_id = named[0]
        elif not named and len(open_) == 1:
            deposit_id = next(iter(open_))
        else:
            numbers = sorted(u.deposit.number or u.deposit.label for u in open_.values())
            raise InvalidLine(reason=Reason.RECALL_DEPOSIT_UNKNOWN, deposits=", ".join(numbers) or "—")
        groups.setdefault(deposit_id, []).append(line)
    zero = Money.zero(invoice.currency)
    for deposit_id, typed in groups.items():
        typed_net: dict[Decimal, Money] = {}
        for line in typed:
            rate = normalize_rate(line.vat_rate)
            typed_net[rate] = typed_net.get(rate, zero) - line.net
        wanted = total((net + vat_of(net, rate) for rate, net in typed_net.items()), invoice.currency)
        available = usages[deposit_id].available_for_deduction(invoice.id)
        if wanted > available and (wanted - available).minor_units <= len(typed_net):
            # the deposit's VAT is its gross less its net (as issued): a cent per rate may separate the two
            wanted = available
        deduct_deposit(uow, ctx, invoice.id, deposit_id, amount=wanted)
        deduction = next(
            d
            for d in uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id)
            if d.deposit_invoice_id == deposit_id
        )
        got = {normalize_rate(b.rate): b.net for b in deduction.breakdown}
        for rate in sorted(set(typed_net) | set(got), reverse=True):
            if typed_net.get(rate, zero) != got.get(rate, zero):
                raise InvalidLine(
                    reason=Reason.RECALL_MISMATCH,
                    deposit=usages[deposit_id].deposit.label,
                    rate=format(rate.normalize(), "f"),
                    expected=str(got.get(rate, zero).amount),
                    typed=str(typed_net.get(rate, zero).amount),
                )
