"""How much a deposit invoice on an order is and how its VAT splits: a percentage or an amount of the order's
gross, or deposits per order line; what it may still take; and how the deposit document is stored (its lines,
its exact VAT split, the order figures it shows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from acompte.domain.deposit_events import rate_text
from acompte.domain.deposit_usage import DepositUsage, Family
from acompte.domain.deposits import (
    Breakdown,
    check_deposit,
    combine,
    deposit_line_name,
    line_gross,
    parse_percent,
    percent_of,
    subtract,
    take,
)
from acompte.domain.documents import Document, Line, State, totals_of
from acompte.domain.errors import DocumentRef, InvalidLine, MissingDepositAmount, Reason
from acompte.domain.lifecycle import KIND_LABELS
from acompte.domain.money import Money, total
from acompte.domain.parties import Company
from acompte.services.deposits.family import (
    allocated_to,
    doc_label,
    family_of,
    money_text,
    one_rate,
    percent_or_amount,
    same_line,
)
from acompte.services.deposits.records import LineDeposit
from acompte.services.deposits.settings import default_line_percents
from acompte.services.ports import Ctx, UnitOfWork


@dataclass(frozen=True, slots=True)
class DepositPlan:
    """A deposit document's amount, its VAT split, how it was computed (`basis`: percent, amount or lines) and,
    per line, what it takes of each order line."""

    gross: Money
    breakdown: Breakdown
    basis: str
    percent: Decimal | None
    lines: tuple[dict[str, Any], ...] = ()


def line_key(line: Line) -> dict[str, Any]:
    return {"position": line.position, "designation": line.designation, "item_id": line.item_id}


def per_line_taken(usages: Sequence[DepositUsage], uow: UnitOfWork, ctx: Ctx, line: Line, exclude: int | None) -> Money:
    """What the deposit invoices of `usages` (but `exclude`) already took of an order line."""
    taken = Money.zero(line.net.currency)
    for usage in usages:
        if usage.deposit.id == exclude:
            continue
        for entry in uow.documents.data(ctx.company_id, usage.deposit.id).get("deposit", {}).get("lines", []):
            if same_line(entry, line):
                taken = taken + Money.of(entry["amount"], line.net.currency)
    return taken


def line_deposits(uow: UnitOfWork, ctx: Ctx, document_id: int) -> tuple[LineDeposit, ...]:
    """What each line of an order (or quote, delivery note) has left for a per-line deposit invoice."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id)
        usages = family_of(uow, ctx, company, document).deposits(drafts=True)
        return tuple(
            LineDeposit(
                line.position,
                line.designation,
                line_gross(line),
                per_line_taken(usages, uow, ctx, line, None),
            )
            for line in document.lines
        )


def plan_deposit(
    uow: UnitOfWork,
    ctx: Ctx,
    company: Company,
    origin: Document,
    *,
    amount: Money | None,
    percent: Decimal | str | None,
    line_percents: Mapping[int, Decimal | str] | None,
    line_amounts: Mapping[int, Money] | None,
    exclude: int | None,
) -> DepositPlan:
    """How much a deposit invoice on `origin` is and how its VAT splits. Checks it fits in the order."""
    family = family_of(uow, ctx, company, origin)
    available = origin.gross - allocated_to(uow, origin) - family.committed(drafts=True, exclude_deposit=exclude)
    if amount is None and percent is None and not line_percents and not line_amounts:
        defaults = default_line_percents(uow, ctx, company, origin)
        values = set(defaults.values())
        if values == {None} or not values:
            raise MissingDepositAmount(document=doc_label(origin))
        if len(values) == 1:
            percent = values.pop()
        else:
            line_percents = {pos: pct for pos, pct in defaults.items() if pct}
    if line_percents or line_amounts:
        by_position = {line.position: line for line in origin.lines}
        wanted: dict[int, tuple[Money, Decimal | None]] = {}
        for position, pct in (line_percents or {}).items():
            if position not in by_position:
                raise InvalidLine(
                    reason=Reason.UNKNOWN_LINE, position=position, document=DocumentRef(origin.kind, origin.label)
                )
            p = parse_percent(pct)
            wanted[position] = (percent_of(line_gross(by_position[position]), p), p)
        for position, value in (line_amounts or {}).items():
            if position not in by_position:
                raise InvalidLine(
                    reason=Reason.UNKNOWN_LINE, position=position, document=DocumentRef(origin.kind, origin.label)
                )
            wanted[position] = (value, None)
        parts: dict[Decimal, Money] = {}
        entries = []
        deposits_here = family.deposits(drafts=True)
        for position in sorted(wanted):
            line = by_position[position]
            value, line_percent = wanted[position]
            if value.is_zero:
                continue
            cap = line_gross(line) - per_line_taken(deposits_here, uow, ctx, line, exclude)
            check_deposit(value, cap, f"{origin.label}, ligne « {line.designation} »")
            parts[line.vat_rate] = parts.get(line.vat_rate, Money.zero(origin.currency)) + value
            entries.append(
                {
                    **line_key(line),
                    "rate": rate_text(line.vat_rate),
                    "percent": None if line_percent is None else str(line_percent),
                    "amount": money_text(value),
                }
            )
        gross = total(parts.values(), origin.currency)
        check_deposit(gross, available, doc_label(origin))
        breakdown = tuple(line for rate in sorted(parts, reverse=True) for line in one_rate(parts[rate], rate))
        return DepositPlan(gross=gross, breakdown=breakdown, basis="lines", percent=None, lines=tuple(entries))
    value, chosen_percent = percent_or_amount(origin.gross, amount, percent)
    check_deposit(value, available, doc_label(origin))
    pool = totals_of(origin.lines, origin.currency, company.vat_rounding).breakdown
    others = [u for u in family.deposits(drafts=True) if u.deposit.id != exclude]
    held = combine([u.breakdown for u in others], origin.currency)
    reversed_ = combine([b for u in others for d, b in u.reversals if d.state is State.VALIDATED], origin.currency)
    taken = subtract(held, reversed_, origin.currency)
    try:
        breakdown = take(pool, taken, value)
    except ValueError:  # earlier deposits no longer fit this order's lines (changed order, deposits from elsewhere)
        breakdown = take(pool, (), value)
    return DepositPlan(
        gross=value,
        breakdown=breakdown,
        basis="percent" if chosen_percent is not None else "amount",
        percent=chosen_percent,
    )


def previous_deposits(uow: UnitOfWork, origin: Document, family: Family, *, exclude: int | None) -> Money:
    """What a deposit invoice shows as « acomptes précédents »: the issued deposit invoices of the order (less
    their credit notes) and the deposit payments on the order itself."""
    invoiced = total(
        (
            u.deposit.gross - u.reversed(drafts=False)
            for u in family.deposits(drafts=False)
            if u.deposit.id != exclude and u.currency == origin.currency
        ),
        origin.currency,
    )
    return invoiced + allocated_to(uow, origin)


def _deposit_lines(plan: DepositPlan, what: str) -> list[Line]:
    lines = []
    for position, part in enumerate(plan.breakdown, start=1):
        lines.append(
            Line(
                position=position,
                # French, the language the invoice is issued in: a decimal comma (TVA 5,5 %)
                designation=f"{what} (TVA {rate_text(part.rate).replace('.', ',')} %)",
                quantity=Decimal(1),
                unit_price=part.net.amount,
                discount_percent=Decimal(0),
                vat_rate=part.rate,
                net=part.net,
            )
        )
    return lines


def store_deposit_document(uow: UnitOfWork, ctx: Ctx, document: Document, plan: DepositPlan, what: str) -> None:
    lines = _deposit_lines(plan, what)
    breakdown = plan.breakdown
    net = total((b.net for b in breakdown), document.currency)
    vat = total((b.vat for b in breakdown), document.currency)
    uow.documents.replace_lines(document, lines, net, vat, plan.gross)
    uow.deposits.set_breakdown(ctx.company_id, document.id, breakdown)


def deposit_data(origin: Document | None, plan: DepositPlan, previous: Money, remaining: Money) -> dict[str, Any]:
    return {
        "origin_id": origin.id if origin else None,
        "origin_kind": origin.kind.value if origin else None,
        "origin_number": origin.number if origin else None,
        "origin_gross": money_text(origin.gross) if origin else None,
        "previous": money_text(previous),
        "remaining": money_text(remaining),
        "basis": plan.basis,
        "percent": None if plan.percent is None else str(plan.percent),
        "lines": list(plan.lines),
    }


def describe(origin: Document | None, plan: DepositPlan) -> str:
    """A deposit line's designation: its percentage, the order, and what the order sells (the lines the deposit
    takes, when it is cut per line)."""
    if origin is None:
        return deposit_line_name(plan.percent, "", ())
    positions = {entry.get("position") for entry in plan.lines}
    covered = [line for line in origin.lines if not positions or line.position in positions]
    return deposit_line_name(
        plan.percent, f"{KIND_LABELS[origin.kind]} {origin.label}", [line.designation for line in covered]
    )
