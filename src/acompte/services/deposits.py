"""Deposits (acomptes), from quote to final invoice, for customers and suppliers.

User actions (one function each, one transaction each):
- deposit settings: `configure_deposits`, `set_party_deposit_percent`, `set_item_deposit_percent`;
- a deposit noted on a quote or order (no payment): `request_deposit`, `clear_deposit_request`;
- a deposit payment on an order, delivery note or invoice (règlement d'acompte): `deposit_form`,
  `record_deposit_payment`, `attach_deposit_payment`;
- deposit invoices: `create_deposit_invoice`, `update_deposit_invoice`, `issue_deposit_invoice`,
  `attach_deposit_invoice`; deposit credit notes: `create_deposit_credit_note`, `issue_deposit_credit_note`;
- final invoices: `create_final_invoice`, `deduction_view`, `deduct_deposit`, `remove_deduction`;
- money that follows the order: `carry_deposits`, `return_deposits_to_origin`;
- reading: `deposit_position`, `invoiced_amounts`, `document_breakdown`; currency: `set_exchange_rate`.

Hooks called by services/documents.py (one line each there): `on_convert`, `on_validate`, `before_delete`,
`check_lines_change`.

Vocabulary of the derived figures (nothing here is stored; everything follows from documents, allocations,
deductions and deposit credit notes):
- a deposit invoice's **reversed** amount: the gross of its deposit credit notes;
- its **deducted** amount: what final invoices deduct from it (`deductions` table);
- its **available** amount: gross − reversed − deducted: what a final invoice may still deduct;
- an order's (quote's, delivery note's) **invoiced** amount: what the party owes for it through *other*
  documents = the gross of the validated final invoices made from it (directly or through delivery notes) +
  for each validated deposit invoice attached to it or to those documents, its gross − reversed − deducted on
  validated invoices (the deducted part is already inside a final invoice's gross, so it is not counted twice);
- an order's **outstanding** amount: max(0, gross − payments allocated to it − invoiced): what the order itself
  still carries. A fully invoiced order has outstanding 0.00; the party account must count an order for its
  outstanding amount only (not its balance due), so that an order and its invoices never count twice.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from acompte.domain import lifecycle
from acompte.domain.deposit_usage import DepositUsage, Family
from acompte.domain.deposits import (
    DEPOSIT_KINDS,
    DEPOSIT_SOURCE_KINDS,
    DEPOSIT_TARGET_KINDS,
    Breakdown,
    Deduction,
    DeductionCandidate,
    DeductionWarning,
    DeductionWarningCode,
    DepositSettings,
    check_deduction,
    check_deposit,
    combine,
    line_gross,
    parse_percent,
    parse_rate,
    percent_of,
    plan_deductions,
    proportional_share,
    resolve_percent,
    share_in_percent,
    subtract,
    take,
    to_company_currency,
    undeducted_deposits,
)
from acompte.domain.documents import Document, Flow, Kind, Line, State, totals_of
from acompte.domain.errors import (
    CurrencyMismatch,
    DeductionPartyMismatch,
    DepositedLineRemoval,
    DepositFormRequired,
    DepositOnCancelledDocument,
    DepositRequiredBeforeDelivery,
    DocumentFrozen,
    FlowMismatch,
    InvalidExchangeRate,
    InvalidLine,
    InvalidSetting,
    InvalidTransition,
    MissingDepositAmount,
    NonPositiveAmount,
    NotADepositSource,
    NotFound,
    OrderBelowDeposits,
    PartyMismatch,
    ReversalExceedsDeposit,
)
from acompte.domain.events import Event, EventKind
from acompte.domain.lifecycle import KIND_LABELS, Action
from acompte.domain.money import Money, total
from acompte.domain.parties import Company
from acompte.domain.payments import Direction
from acompte.domain.vat import check_rate, split_gross_by_rate
from acompte.services import companies, documents, parties, payments, positions
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import AllocationView, DocumentView, PaymentView

COMMERCIAL_KINDS = frozenset({Kind.QUOTE, Kind.ORDER, Kind.DELIVERY})
PAYMENT_TARGETS = "un règlement d'acompte se prend sur une commande, un bon de livraison ou une facture"
DEPOSIT_TARGETS = "une facture d'acompte se rattache à une commande, un bon de livraison ou une facture"


# == read records ============================================================================================
@dataclass(frozen=True, slots=True)
class DepositInvoiceSummary:
    """One deposit invoice as the deposit tab and the deduction view show it. `available` is what no final
    invoice deducts yet (gross − reversed − deducted, drafts included)."""

    id: int
    number: str | None
    issue_date: date
    state: str
    party_id: int
    gross: Money
    reversed: Money
    deducted: Money
    paid: Money
    available: Money


@dataclass(frozen=True, slots=True)
class DepositPosition:
    """Where a quote, order or delivery note stands with its deposits (the « Acomptes » tab).

    `requested` is a deposit noted on the document (it generates no payment); `deposit_payments` are payments
    allocated to the document itself; `deposit_invoiced` is what its validated deposit invoices still carry
    (gross − reversed). `invoiced` and `outstanding` are defined in the module docstring. Figures in the
    company currency are given when the document is in another currency and has an exchange rate.
    """

    document: Document
    gross: Money
    requested: Money | None
    requested_percent: Decimal | None
    deposit_payments: Money
    deposit_invoices: tuple[DepositInvoiceSummary, ...]
    deposit_invoiced: Money
    deposits_paid: Money
    final_invoiced: Money
    invoiced: Money
    outstanding: Money
    available_for_deposit: Money
    net_to_pay: Money
    company_currency: str
    gross_in_company_currency: Money | None = None
    outstanding_in_company_currency: Money | None = None


@dataclass(frozen=True, slots=True)
class DepositForm:
    """What the deposit form shows: what the party owes on the document, what they paid, the default."""

    document: Document
    party_name: str
    gross: Money
    already_paid: Money
    deposit_invoiced: Money
    remaining: Money
    default_amount: Money
    default_date: date
    methods: tuple[tuple[str, str, bool], ...]


@dataclass(frozen=True, slots=True)
class DeductionRow:
    """One deposit invoice in the deduction view. `proposed` is its default deduction on this draft (setting
    « déduire à 100 % »: its share of what it holds, all of it on the last invoice), whatever is deducted now."""

    deposit: DepositInvoiceSummary
    maximum: Money
    deducted: Money
    percent: Decimal
    proposed: Money
    automatic: bool = False


@dataclass(frozen=True, slots=True)
class DeductionView:
    """The deduction view of a final invoice: its total, the deposits available and deducted, net to pay.

    `net_to_pay` and `balance_due` are the invoice's position's (total − deducted deposits; then less what paid,
    credited or wrote off the rest).
    `vat_due` is the invoice's VAT breakdown minus the deductions' (what the net to pay carries, rate by rate).
    `warnings` name deposit invoices of another party found on the order: they are never deducted silently; on
    a draft, they also name the deposit invoices that issuing it now would leave undeducted (`deposit_not_deducted`).
    """

    invoice: Document
    gross: Money
    available: Money
    deducted: Money
    net_to_pay: Money
    balance_due: Money
    rows: tuple[DeductionRow, ...]
    breakdown: Breakdown
    deducted_breakdown: Breakdown
    vat_due: Breakdown
    automatic_mode: bool
    warnings: tuple[DeductionWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class DepositInvoiceView:
    """What a deposit invoice (or deposit credit note) shows: the order it is taken on, the order's total, the
    deposits before it and what remains after it (frozen when it is issued), how it was computed, its exact VAT
    breakdown, and where it stands (reversed, deducted, paid, still available)."""

    document: DocumentView
    origin_number: str | None
    origin_gross: Money | None
    previous: Money
    remaining: Money
    basis: str
    percent: Decimal | None
    lines: tuple[dict[str, Any], ...]
    breakdown: Breakdown
    summary: DepositInvoiceSummary | None


@dataclass(frozen=True, slots=True)
class IssuedDeposit:
    document: DocumentView
    payment: PaymentView | None = None


@dataclass(frozen=True, slots=True)
class CarriedMove:
    allocation_id: int
    payment_id: int | None
    credit_document_id: int | None
    from_document_id: int
    to_document_id: int
    amount: Money


@dataclass(frozen=True, slots=True)
class ReturnedDeposits:
    """What `return_deposits_to_origin` did: allocations sent back to their origin, amounts released to their
    payment (origin gone or full), deductions removed."""

    returned: tuple[CarriedMove, ...] = ()
    released: tuple[CarriedMove, ...] = ()
    deductions_removed: tuple[Deduction, ...] = field(default_factory=tuple)


# == helpers =================================================================================================
def _event(uow: UnitOfWork, ctx: Ctx, kind: EventKind, document: Document, **data: Any) -> None:
    payment_id = data.pop("payment_id", None)
    uow.events.add(
        Event(
            kind, ctx.company_id, document_id=document.id, payment_id=payment_id, party_id=document.party_id, data=data
        ),
        ctx.actor,
    )


def _not_deducted(uow: UnitOfWork, ctx: Ctx, invoice: Document, warning: DeductionWarning) -> None:
    """The DepositNotDeducted event: the French sentence as before, with its code and parameters."""
    _event(
        uow,
        ctx,
        EventKind.DEPOSIT_NOT_DEDUCTED,
        invoice,
        warning=warning.message,
        code=warning.code.value,
        params=warning.params,
    )


def _s(money: Money) -> str:
    return str(money.amount)


def _rate(rate: Decimal) -> str:
    return f"{rate:f}"


def _label(document: Document) -> str:
    return f"{KIND_LABELS[document.kind]} {document.label}"


def _breakdown(uow: UnitOfWork, ctx: Ctx, company: Company, document: Document) -> Breakdown:
    """A document's VAT breakdown: stored for deposit documents, computed from the lines otherwise."""
    stored = uow.deposits.breakdowns(ctx.company_id, [document]).get(document.id)
    if stored is not None:
        return stored  # type: ignore[no-any-return]
    return totals_of(document.lines, document.currency, company.vat_rounding).breakdown


def _ancestors(uow: UnitOfWork, ctx: Ctx, document: Document) -> list[Document]:
    """The documents `document` was made from, nearest first (delivery note, order, quote)."""
    chain: list[Document] = []
    seen = {document.id}
    current = document
    while current.origin_id is not None and current.origin_id not in seen and len(chain) < 6:
        current = uow.documents.get(ctx.company_id, current.origin_id)
        seen.add(current.id)
        chain.append(current)
    return chain


def _usages(uow: UnitOfWork, ctx: Ctx, company: Company, deposits: Sequence[Document]) -> dict[int, DepositUsage]:
    deposits = [d for d in deposits if d.kind is Kind.DEPOSIT_INVOICE]
    if not deposits:
        return {}
    ids = [d.id for d in deposits]
    reversals = uow.deposits.attached(ctx.company_id, ids, [Kind.DEPOSIT_CREDIT_NOTE.value])
    breakdowns = dict(uow.deposits.breakdowns(ctx.company_id, list(deposits) + reversals))
    for deposit in deposits:
        breakdowns[deposit.id] = breakdowns.get(deposit.id) or _breakdown(uow, ctx, company, deposit)
    return positions.deposit_usages(uow, ctx, deposits, breakdowns)


def _summary(uow: UnitOfWork, usage: DepositUsage) -> DepositInvoiceSummary:
    deposit = usage.deposit
    paid = total(
        (a.amount for a in uow.allocations.for_document(deposit.company_id, deposit.id) if a.payment_id is not None),
        deposit.currency,
    )
    return DepositInvoiceSummary(
        id=deposit.id,
        number=deposit.number,
        issue_date=deposit.issue_date,
        state=deposit.state.value,
        party_id=deposit.party_id,
        gross=deposit.gross,
        reversed=usage.reversed(drafts=False),
        deducted=usage.deducted(),
        paid=paid,
        available=usage.available_for_deduction(),
    )


def _family(uow: UnitOfWork, ctx: Ctx, company: Company, root: Document) -> Family:
    descendants = uow.deposits.descendants(ctx.company_id, root.id)
    deposits = [d for d in descendants if d.kind is Kind.DEPOSIT_INVOICE and d.state is not State.CANCELLED]
    finals = [d.id for d in descendants if d.kind is Kind.INVOICE and d.state is State.VALIDATED]
    return Family(
        root=root,
        descendants=tuple(descendants),
        usages=_usages(uow, ctx, company, deposits),
        cancelled=frozenset(uow.positions.invoice_cancellations(ctx.company_id, finals)),
    )


def _allocated(uow: UnitOfWork, document: Document) -> Money:
    return uow.documents.settlement(document).allocated  # type: ignore[no-any-return]


def _available_for_deposit(
    uow: UnitOfWork, ctx: Ctx, company: Company, document: Document, *, exclude: int | None = None
) -> Money:
    """Room for a new deposit on a commercial document: gross − payments on it − what other documents
    (final invoices, deposit invoices, drafts included) already carry."""
    family = _family(uow, ctx, company, document)
    return document.gross - _allocated(uow, document) - family.committed(drafts=True, exclude_deposit=exclude)


def _check_source(document: Document, kinds: frozenset[Kind], reason: str) -> None:
    if document.state is State.CANCELLED:
        raise DepositOnCancelledDocument(document=_label(document))
    if document.kind not in kinds:
        raise NotADepositSource(kind=KIND_LABELS[document.kind], reason=reason)


def _direction(flow: Flow) -> Direction:
    return Direction.IN if flow is Flow.SALE else Direction.OUT


def _percent_or_amount(
    base: Money, amount: Money | None, percent: Decimal | str | None
) -> tuple[Money, Decimal | None]:
    if amount is not None and percent is not None:
        raise InvalidSetting(reason="indiquez un montant ou un pourcentage, pas les deux")
    if percent is not None:
        pct = parse_percent(percent)
        return percent_of(base, pct), pct
    if amount is None:
        raise MissingDepositAmount(document="ce document")
    if amount.currency != base.currency:
        raise CurrencyMismatch(left=amount.currency, right=base.currency)
    return amount, None


# == settings ================================================================================================
def configure_deposits(uow: UnitOfWork, ctx: Ctx, **changes: Any) -> DepositSettings:
    """Change the deposit options (see DepositSettings): generate_payment_sale, generate_payment_purchase,
    payment_method, deduct_all, block_delivery, default_percent."""
    allowed = set(DepositSettings.__dataclass_fields__)
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidSetting(reason=f"options d'acompte inconnues : {', '.join(sorted(unknown))}")
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "default_percent":
            clean[key] = None if value is None else str(parse_percent(value))
        elif key == "payment_method":
            clean[key] = str(value)
        elif isinstance(value, bool):
            clean[key] = value
        else:
            raise InvalidSetting(reason=f"l'option {key} vaut oui ou non (reçu : {value!r})")
    with uow:
        company = uow.companies.get(ctx.company_id)
        if "payment_method" in clean and company.method(clean["payment_method"]) is None:
            raise InvalidSetting(reason=f"mode de règlement inconnu ou inactif : {clean['payment_method']}")
        after = companies.update_settings(uow, ctx, {"deposits": clean})
        uow.commit()
        return DepositSettings.from_settings(after)


def set_party_deposit_percent(
    uow: UnitOfWork, ctx: Ctx, party_id: int, percent: Decimal | str | None, *, item_id: int | None = None
) -> None:
    """The default deposit percentage of a customer or supplier — or, with `item_id`, of one item for this
    party. None removes it."""
    value = None if percent is None else str(parse_percent(percent))
    with uow:
        party = uow.parties.get(ctx.company_id, party_id)
        settings = dict(party.settings)
        if item_id is None:
            settings["deposit_percent"] = value
        else:
            uow.items.get(ctx.company_id, item_id)
            by_item = dict(settings.get("deposit_percent_by_item") or {})
            if value is None:
                by_item.pop(str(item_id), None)
            else:
                by_item[str(item_id)] = value
            settings["deposit_percent_by_item"] = by_item
        parties.update_party(uow, ctx, party_id, settings=settings)
        uow.commit()


def set_item_deposit_percent(uow: UnitOfWork, ctx: Ctx, item_id: int, percent: Decimal | str | None) -> None:
    """The default deposit percentage of an item (all parties). None removes it."""
    value = None if percent is None else str(parse_percent(percent))
    with uow:
        item = uow.items.get(ctx.company_id, item_id)
        settings = {**item.settings, "deposit_percent": value}
        uow.deposits.set_item_settings(ctx.company_id, item_id, settings)
        change = {"before": item.settings.get("deposit_percent"), "after": value}
        uow.events.add(
            Event("ItemUpdated", ctx.company_id, data={"item_id": item_id, "deposit_percent": change}), ctx.actor
        )
        uow.commit()


def set_exchange_rate(uow: UnitOfWork, ctx: Ctx, document_id: int, rate: Decimal | str) -> DocumentView:
    """Set the exchange rate of a document in a foreign currency (company-currency units for one unit of the
    document's currency). Frozen once an invoice is issued."""
    value = parse_rate(rate)
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        if document.currency == company.currency:
            raise InvalidExchangeRate(rate=f"{value} ({document.currency} est la devise de la société)")
        if not lifecycle.is_allowed(document.kind, document.state, Action.EDIT):
            raise DocumentFrozen(number=document.label)
        uow.deposits.set_exchange_rate(ctx.company_id, document_id, value)
        before = document.exchange_rate
        _event(
            uow,
            ctx,
            EventKind.EXCHANGE_RATE_SET,
            document,
            rate={"before": None if before is None else str(before), "after": str(value)},
            currency=document.currency,
        )
        view = documents.get_document(uow, ctx, document_id)
        uow.commit()
        return view


# == a deposit noted on a quote or an order (no payment) =====================================================
def _request(document: Document, data: Mapping[str, Any]) -> tuple[Money | None, Decimal | None]:
    raw = data.get("deposit_request")
    if not raw:
        return None, None
    if raw.get("percent") is not None:
        pct = Decimal(raw["percent"])
        return percent_of(document.gross, pct), pct
    return Money.of(raw["amount"], document.currency), None


def request_deposit(
    uow: UnitOfWork, ctx: Ctx, document_id: int, *, amount: Money | None = None, percent: Decimal | str | None = None
) -> DepositPosition:
    """Note a deposit on a quote (or the deposit an order requires), as an amount or a percentage of the gross
    total. It generates no payment: the net to pay shown is gross − deposit. To collect it, issue a deposit
    invoice. Without amount and percentage, the default percentages (party, item) apply."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        _check_source(document, DEPOSIT_SOURCE_KINDS, "un acompte se note sur un devis ou une commande")
        if amount is None and percent is None:
            amount, percent = _default_deposit(uow, ctx, company, document)
        value, pct = _percent_or_amount(document.gross, amount, percent)
        check_deposit(value, document.gross, _label(document))
        data = uow.documents.data(ctx.company_id, document_id)
        before = data.get("deposit_request")
        data["deposit_request"] = {"amount": _s(value), "percent": None if pct is None else str(pct)}
        uow.documents.set_data(ctx.company_id, document_id, data)
        _event(
            uow,
            ctx,
            EventKind.DEPOSIT_REQUESTED,
            document,
            before=before,
            after=data["deposit_request"],
            gross=_s(document.gross),
            net_to_pay=_s(document.gross - value),
        )
        position = _position(uow, ctx, company, document_id)
        uow.commit()
        return position


def clear_deposit_request(uow: UnitOfWork, ctx: Ctx, document_id: int) -> DepositPosition:
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        data = uow.documents.data(ctx.company_id, document_id)
        before = data.pop("deposit_request", None)
        uow.documents.set_data(ctx.company_id, document_id, data)
        _event(uow, ctx, EventKind.DEPOSIT_REQUESTED, document, before=before, after=None)
        position = _position(uow, ctx, company, document_id)
        uow.commit()
        return position


def _line_percents(uow: UnitOfWork, ctx: Ctx, company: Company, document: Document) -> dict[int, Decimal | None]:
    party = uow.parties.get(ctx.company_id, document.party_id)
    default = DepositSettings.from_settings(company.settings).default_percent
    result = {}
    for line in document.lines:
        item_settings = uow.items.get(ctx.company_id, line.item_id).settings if line.item_id is not None else None
        result[line.position] = resolve_percent(
            item_id=line.item_id, party_settings=party.settings, item_settings=item_settings, company_default=default
        )
    return result


def _default_deposit(
    uow: UnitOfWork, ctx: Ctx, company: Company, document: Document
) -> tuple[Money | None, Decimal | None]:
    """The default deposit of a document: one percentage of its gross when every line has the same default,
    else the sum of each line's default share of its gross. MissingDepositAmount when nothing is configured."""
    percents = _line_percents(uow, ctx, company, document)
    values = set(percents.values())
    if not any(values):
        raise MissingDepositAmount(document=_label(document))
    if len(values) == 1:
        return None, values.pop()
    by_position = {line.position: line for line in document.lines}
    amount = total(
        (percent_of(line_gross(by_position[p]), pct) for p, pct in percents.items() if pct), document.currency
    )
    return amount, None


# == deposit payments (règlements d'acompte) =================================================================
def _room_for_payment(uow: UnitOfWork, ctx: Ctx, company: Company, document: Document) -> Money:
    if document.kind is Kind.INVOICE:
        return uow.documents.settlement(document).balance_due  # type: ignore[no-any-return]
    return _available_for_deposit(uow, ctx, company, document)


def deposit_form(uow: UnitOfWork, ctx: Ctx, document_id: int, *, today: date | None = None) -> DepositForm:
    """The deposit form of an order, delivery note or invoice: what the party owes on it, what they already
    paid, and the default amount (all that remains)."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id)
        _check_source(document, DEPOSIT_TARGET_KINDS, PAYMENT_TARGETS)
        party = uow.parties.get(ctx.company_id, document.party_id)
        paid = _allocated(uow, document)
        remaining = _room_for_payment(uow, ctx, company, document).max(Money.zero(document.currency))
        deposit_invoiced = Money.zero(document.currency)
        if document.kind is not Kind.INVOICE:
            family = _family(uow, ctx, company, document)
            deposit_invoiced = total((u.carried() for u in family.deposits(drafts=False)), document.currency)
        return DepositForm(
            document=document,
            party_name=party.name,
            gross=document.gross,
            already_paid=paid,
            deposit_invoiced=deposit_invoiced,
            remaining=remaining,
            default_amount=remaining,
            default_date=today or date.today(),
            methods=tuple((m.code, m.label, m.digital) for m in company.methods),
        )


def record_deposit_payment(
    uow: UnitOfWork,
    ctx: Ctx,
    document_id: int,
    *,
    method: str,
    amount: Money | None = None,
    payment_date: date | None = None,
    reference: str = "",
    comment: str = "",
    account_id: int | None = None,
) -> PaymentView:
    """Record a deposit payment (règlement d'acompte, no deposit invoice) on an order, a delivery note or an
    invoice: received from a customer (sales) or paid to a supplier (purchases). The amount defaults to all
    that remains; the payment keeps the number of the document it was taken on (its origin)."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        _check_source(document, DEPOSIT_TARGET_KINDS, PAYMENT_TARGETS)
        room = _room_for_payment(uow, ctx, company, document)
        value = amount if amount is not None else room
        if value.currency != document.currency:
            raise CurrencyMismatch(left=value.currency, right=document.currency)
        check_deposit(value, room, _label(document))
        view = payments.record_payment(
            uow,
            ctx,
            party_id=document.party_id,
            amount=value,
            method=method,
            direction=_direction(document.flow),
            payment_date=payment_date,
            account_id=account_id,
            reference=reference,
            comment=comment,
            allocations=[(document.id, value)],
            origin_document_id=document.id,
            event_data={"deposit": True, "document_number": document.number},
        )
        uow.commit()
        return view


def attach_deposit_payment(
    uow: UnitOfWork, ctx: Ctx, payment_id: int, document_id: int, *, amount: Money | None = None
) -> AllocationView:
    """Attach a previously recorded payment (its unallocated part) to an order, delivery note or invoice of
    the same party, as a deposit."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        payment = uow.payments.get(ctx.company_id, payment_id, lock=True)
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        _check_source(document, DEPOSIT_TARGET_KINDS, PAYMENT_TARGETS)
        if payment.party_id != document.party_id:
            raise PartyMismatch(document=document.label, source=payment.number)
        if payment.currency != document.currency:
            raise CurrencyMismatch(left=payment.currency, right=document.currency)
        room = _room_for_payment(uow, ctx, company, document)
        free = payment.amount - uow.payments.allocated(payment)
        value = amount if amount is not None else free.min(room)
        check_deposit(value, room, _label(document))
        view = payments.allocate(uow, ctx, payment_id=payment_id, document_id=document_id, amount=value)
        _event(
            uow,
            ctx,
            EventKind.DEPOSIT_ATTACHED,
            document,
            payment_id=payment_id,
            payment_number=payment.number,
            amount=_s(value),
            document_number=document.number,
        )
        uow.commit()
        return view


# == deposit invoices ========================================================================================
@dataclass(frozen=True, slots=True)
class _Plan:
    gross: Money
    breakdown: Breakdown
    basis: str
    percent: Decimal | None
    lines: tuple[dict[str, Any], ...] = ()


def _line_key(line: Line) -> dict[str, Any]:
    return {"position": line.position, "designation": line.designation, "item_id": line.item_id}


def _same_line(entry: Mapping[str, Any], line: Line) -> bool:
    return entry.get("designation") == line.designation and entry.get("item_id") == line.item_id


def _per_line_taken(
    usages: Sequence[DepositUsage], uow: UnitOfWork, ctx: Ctx, line: Line, exclude: int | None
) -> Money:
    taken = Money.zero(line.net.currency)
    for usage in usages:
        if usage.deposit.id == exclude:
            continue
        for entry in uow.documents.data(ctx.company_id, usage.deposit.id).get("deposit", {}).get("lines", []):
            if _same_line(entry, line):
                taken = taken + Money.of(entry["amount"], line.net.currency)
    return taken


@dataclass(frozen=True, slots=True)
class LineDeposit:
    """One line of a deposit source in the per-line mode: its gross and what deposit invoices (drafts included)
    of its family already took of it — the same figure `create_deposit_invoice` checks a line against."""

    position: int
    designation: str
    gross: Money
    taken: Money

    @property
    def remaining(self) -> Money:
        return (self.gross - self.taken).max(Money.zero(self.gross.currency))


def line_deposits(uow: UnitOfWork, ctx: Ctx, document_id: int) -> tuple[LineDeposit, ...]:
    """What each line of an order (or quote, delivery note) has left for a per-line deposit invoice."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id)
        usages = _family(uow, ctx, company, document).deposits(drafts=True)
        return tuple(
            LineDeposit(
                line.position,
                line.designation,
                line_gross(line),
                _per_line_taken(usages, uow, ctx, line, None),
            )
            for line in document.lines
        )


def _plan(
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
) -> _Plan:
    """How much a deposit invoice on `origin` is and how its VAT splits. Checks it fits in the order."""
    family = _family(uow, ctx, company, origin)
    available = origin.gross - _allocated(uow, origin) - family.committed(drafts=True, exclude_deposit=exclude)
    if amount is None and percent is None and not line_percents and not line_amounts:
        defaults = _line_percents(uow, ctx, company, origin)
        values = set(defaults.values())
        if values == {None} or not values:
            raise MissingDepositAmount(document=_label(origin))
        if len(values) == 1:
            percent = values.pop()
        else:
            line_percents = {pos: pct for pos, pct in defaults.items() if pct}
    if line_percents or line_amounts:
        by_position = {line.position: line for line in origin.lines}
        wanted: dict[int, tuple[Money, Decimal | None]] = {}
        for position, pct in (line_percents or {}).items():
            if position not in by_position:
                raise InvalidLine(reason=f"la ligne {position} n'existe pas sur {origin.label}")
            p = parse_percent(pct)
            wanted[position] = (percent_of(line_gross(by_position[position]), p), p)
        for position, value in (line_amounts or {}).items():
            if position not in by_position:
                raise InvalidLine(reason=f"la ligne {position} n'existe pas sur {origin.label}")
            wanted[position] = (value, None)
        parts: dict[Decimal, Money] = {}
        entries = []
        deposits_here = family.deposits(drafts=True)
        for position in sorted(wanted):
            line = by_position[position]
            value, pct = wanted[position]
            if value.is_zero:
                continue
            cap = line_gross(line) - _per_line_taken(deposits_here, uow, ctx, line, exclude)
            check_deposit(value, cap, f"{origin.label}, ligne « {line.designation} »")
            parts[line.vat_rate] = parts.get(line.vat_rate, Money.zero(origin.currency)) + value
            entries.append(
                {
                    **_line_key(line),
                    "rate": _rate(line.vat_rate),
                    "percent": None if pct is None else str(pct),
                    "amount": _s(value),
                }
            )
        gross = total(parts.values(), origin.currency)
        check_deposit(gross, available, _label(origin))
        breakdown = tuple(line for rate in sorted(parts, reverse=True) for line in _one_rate(parts[rate], rate))
        return _Plan(gross=gross, breakdown=breakdown, basis="lines", percent=None, lines=tuple(entries))
    value, pct = _percent_or_amount(origin.gross, amount, percent)
    check_deposit(value, available, _label(origin))
    pool = totals_of(origin.lines, origin.currency, company.vat_rounding).breakdown
    others = [u for u in family.deposits(drafts=True) if u.deposit.id != exclude]
    held = combine([u.breakdown for u in others], origin.currency)
    reversed_ = combine([b for u in others for d, b in u.reversals if d.state is State.VALIDATED], origin.currency)
    taken = subtract(held, reversed_, origin.currency)
    try:
        breakdown = take(pool, taken, value)
    except ValueError:  # earlier deposits no longer fit this order's lines (changed order, deposits from elsewhere)
        breakdown = take(pool, (), value)
    return _Plan(gross=value, breakdown=breakdown, basis="percent" if pct is not None else "amount", percent=pct)


def _previous_deposits(uow: UnitOfWork, origin: Document, family: Family, *, exclude: int | None) -> Money:
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
    return invoiced + _allocated(uow, origin)


def _one_rate(gross: Money, rate: Decimal) -> Breakdown:
    """A gross amount at one rate: net = gross / (1 + rate) half-up, VAT = the rest (550.00 stays 550.00)."""
    return split_gross_by_rate(gross, {rate: gross})


def _deposit_lines(plan: _Plan, what: str) -> list[Line]:
    lines = []
    for position, part in enumerate(plan.breakdown, start=1):
        lines.append(
            Line(
                position=position,
                designation=f"{what} (TVA {_rate(part.rate)} %)",
                quantity=Decimal(1),
                unit_price=part.net.amount,
                discount_percent=Decimal(0),
                vat_rate=part.rate,
                net=part.net,
            )
        )
    return lines


def _store_deposit_document(uow: UnitOfWork, ctx: Ctx, document: Document, plan: _Plan, what: str) -> None:
    lines = _deposit_lines(plan, what)
    breakdown = plan.breakdown
    net = total((b.net for b in breakdown), document.currency)
    vat = total((b.vat for b in breakdown), document.currency)
    uow.documents.replace_lines(document, lines, net, vat, plan.gross)
    uow.deposits.set_breakdown(ctx.company_id, document.id, breakdown)


def _deposit_data(origin: Document | None, plan: _Plan, previous: Money, remaining: Money) -> dict[str, Any]:
    return {
        "origin_id": origin.id if origin else None,
        "origin_kind": origin.kind.value if origin else None,
        "origin_number": origin.number if origin else None,
        "origin_gross": _s(origin.gross) if origin else None,
        "previous": _s(previous),
        "remaining": _s(remaining),
        "basis": plan.basis,
        "percent": None if plan.percent is None else str(plan.percent),
        "lines": list(plan.lines),
    }


def _what(origin: Document | None, plan: _Plan) -> str:
    pct = f" de {plan.percent} %" if plan.percent is not None else ""
    if origin is None:
        return f"Acompte{pct}"
    return f"Acompte{pct} sur {KIND_LABELS[origin.kind]} {origin.label}"


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
    with uow:
        company = uow.companies.get(ctx.company_id)
        origin = None
        if origin_id is not None:
            origin = uow.documents.get(ctx.company_id, origin_id, lock=True)
            _check_source(origin, DEPOSIT_SOURCE_KINDS, "une facture d'acompte se fait sur un devis ou une commande")
            if party_id is not None and party_id != origin.party_id:
                raise PartyMismatch(document=origin.label, source="la facture d'acompte")
            party_id, flow, currency = origin.party_id, origin.flow, origin.currency
            plan = _plan(
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
            family = _family(uow, ctx, company, origin)
            previous = _previous_deposits(uow, origin, family, exclude=None)
        else:
            if party_id is None or amount is None or vat_rate is None:
                raise InvalidSetting(
                    reason="une facture d'acompte sans commande a un tiers, un montant et un taux de TVA"
                )
            rate = check_rate(vat_rate, company.vat_rates)
            currency = amount.currency
            if not amount.is_positive:
                raise NonPositiveAmount(amount=str(amount))
            plan = _Plan(gross=amount, breakdown=_one_rate(amount, rate), basis="amount", percent=None)
            previous = Money.zero(currency)
        view = documents.create_document(
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
        document = view.document
        if origin is not None and origin.exchange_rate is not None:
            uow.deposits.set_exchange_rate(ctx.company_id, document.id, origin.exchange_rate)
        _store_deposit_document(uow, ctx, document, plan, _what(origin, plan))
        remaining = (origin.gross - previous - plan.gross) if origin else Money.zero(currency)
        data = {"deposit": _deposit_data(origin, plan, previous, remaining)}
        uow.documents.set_data(ctx.company_id, document.id, data)
        _event(
            uow,
            ctx,
            EventKind.DEPOSIT_INVOICE_PREPARED,
            document,
            gross=_s(plan.gross),
            basis=plan.basis,
            percent=data["deposit"]["percent"],
            origin_number=origin.number if origin else None,
            breakdown=[{"rate": _rate(b.rate), "net": _s(b.net), "vat": _s(b.vat)} for b in plan.breakdown],
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
) -> DocumentView:
    """Change the amount (or percentage, or per-line deposits) of a draft deposit invoice before it is issued."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, deposit_invoice_id, lock=True)
        if document.kind is not Kind.DEPOSIT_INVOICE:
            raise InvalidTransition(
                action="modifier l'acompte", kind=KIND_LABELS[document.kind], state=document.state.value
            )
        if document.state is not State.DRAFT:
            raise DocumentFrozen(number=document.label)
        before = document.gross
        if document.origin_id is not None:
            origin = uow.documents.get(ctx.company_id, document.origin_id, lock=True)
            plan = _plan(
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
            breakdown = _breakdown(uow, ctx, company, document)
            rate = breakdown[0].rate if breakdown else Decimal(20)
            plan = _Plan(gross=amount, breakdown=_one_rate(amount, rate), basis="amount", percent=None)
            origin = None
        _store_deposit_document(uow, ctx, document, plan, _what(origin, plan))
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
        _event(
            uow,
            ctx,
            EventKind.DOCUMENT_UPDATED,
            document,
            gross={"before": _s(before), "after": _s(plan.gross)},
            basis=plan.basis,
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
) -> IssuedDeposit:
    """Issue a deposit invoice: it takes the next number of its own series (FAC sales, FFA purchases) and is
    frozen. Then, by the company setting (`generate_payment_sale` / `_purchase`, overridable per call), either
    its payment is recorded at once for the whole amount (method: given or the setting's), or it gets a due
    date (given, or its issue date) and waits to be paid like any invoice."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, deposit_invoice_id, lock=True)
        if document.kind is not Kind.DEPOSIT_INVOICE:
            raise InvalidTransition(action="émettre", kind=KIND_LABELS[document.kind], state=document.state.value)
        settings = DepositSettings.from_settings(company.settings)
        view = documents.validate_document(uow, ctx, deposit_invoice_id, today=today)
        issued = view.document
        generate = settings.generates_payment(issued.flow.value) if generate_payment is None else generate_payment
        payment = None
        if generate:
            payment = payments.record_payment(
                uow,
                ctx,
                party_id=issued.party_id,
                amount=view.balance_due,
                method=method or settings.payment_method,
                direction=_direction(issued.flow),
                payment_date=payment_date or issued.issue_date,
                account_id=account_id,
                reference=reference,
                allocations=[(issued.id, view.balance_due)],
                origin_document_id=issued.id,
                event_data={"deposit": True, "document_number": issued.number},
            )
        else:
            due = due_date or issued.due_date or issued.issue_date
            if issued.due_date != due:
                uow.documents.update(ctx.company_id, issued.id, due_date=due)
        result = IssuedDeposit(document=documents.get_document(uow, ctx, issued.id), payment=payment)
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
            raise InvalidTransition(action="rattacher", kind=KIND_LABELS[deposit.kind], state=deposit.state.value)
        _check_source(target, DEPOSIT_TARGET_KINDS, DEPOSIT_TARGETS)
        if target.kind is Kind.INVOICE and target.state is not State.DRAFT:
            raise DocumentFrozen(number=target.label)
        if target.party_id != deposit.party_id:
            raise PartyMismatch(document=target.label, source=deposit.label)
        if target.flow is not deposit.flow:
            raise FlowMismatch(direction=deposit.flow.value, document=target.label, flow=target.flow.value)
        if target.currency != deposit.currency:
            raise CurrencyMismatch(left=deposit.currency, right=target.currency)
        usage = _usages(uow, ctx, company, [deposit])[deposit.id]
        if target.kind is not Kind.INVOICE:
            room = _available_for_deposit(uow, ctx, company, target, exclude=deposit.id)
            check_deposit(usage.carried(), room, _label(target))
        before = deposit.origin_id
        uow.documents.update(ctx.company_id, deposit.id, origin_id=target.id)
        _event(
            uow,
            ctx,
            EventKind.DEPOSIT_ATTACHED,
            deposit,
            origin={"before": before, "after": target.id},
            document_number=target.number,
            deposit_number=deposit.number,
        )
        _event(
            uow,
            ctx,
            EventKind.DEPOSIT_ATTACHED,
            target,
            deposit_invoice_id=deposit.id,
            deposit_number=deposit.number,
            amount=_s(usage.carried()),
        )
        view = documents.get_document(uow, ctx, target.id)
        uow.commit()
        return view


# == deposit credit notes (avoirs d'acompte) =================================================================
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
    with uow:
        company = uow.companies.get(ctx.company_id)
        deposit = uow.documents.get(ctx.company_id, deposit_invoice_id, lock=True)
        if deposit.kind is not Kind.DEPOSIT_INVOICE or deposit.state is not State.VALIDATED:
            raise InvalidTransition(
                action="établir un avoir d'acompte", kind=KIND_LABELS[deposit.kind], state=deposit.state.value
            )
        usage = _usages(uow, ctx, company, [deposit])[deposit.id]
        available = usage.available_for_reversal()
        line_entries: list[dict[str, Any]] = []
        if lines:
            info = uow.documents.data(ctx.company_id, deposit.id).get("deposit", {})
            by_position = {e["position"]: e for e in info.get("lines", [])}
            for position in lines:
                if position not in by_position:
                    raise InvalidLine(
                        reason=f"la facture d'acompte {deposit.label} ne porte pas d'acompte sur la ligne {position}"
                    )
                line_entries.append(by_position[position])
            value = total((Money.of(e["amount"], deposit.currency) for e in line_entries), deposit.currency)
        elif amount is None and percent is None:
            value = available
        else:
            value, _ = _percent_or_amount(deposit.gross, amount, percent)
        if not value.is_positive:
            raise NonPositiveAmount(amount=str(value))
        if value > available:
            raise ReversalExceedsDeposit(requested=str(value), available=str(available), deposit=deposit.label)
        breakdown = take(usage.breakdown, usage.taken(), value)
        view = documents.create_document(
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
        credit = view.document
        if deposit.exchange_rate is not None:
            uow.deposits.set_exchange_rate(ctx.company_id, credit.id, deposit.exchange_rate)
        plan = _Plan(
            gross=value,
            breakdown=breakdown,
            basis="lines" if lines else "amount",
            percent=None,
            lines=tuple(line_entries),
        )
        _store_deposit_document(uow, ctx, credit, plan, f"Avoir sur la facture d'acompte {deposit.label}")
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
        _event(
            uow,
            ctx,
            EventKind.DEPOSIT_INVOICE_PREPARED,
            credit,
            gross=_s(value),
            deposit_number=deposit.number,
            breakdown=[{"rate": _rate(b.rate), "net": _s(b.net), "vat": _s(b.vat)} for b in breakdown],
        )
        result = documents.get_document(uow, ctx, credit.id)
        uow.commit()
        return result


def issue_deposit_credit_note(
    uow: UnitOfWork, ctx: Ctx, credit_note_id: int, *, today: date | None = None
) -> DocumentView:
    """Issue a deposit credit note (numbered in its own series, frozen). It first settles what is still unpaid
    on its deposit invoice; the rest is a credit in the party's favour (to refund or to use)."""
    with uow:
        document = uow.documents.get(ctx.company_id, credit_note_id)
        if document.kind is not Kind.DEPOSIT_CREDIT_NOTE:
            raise InvalidTransition(action="émettre", kind=KIND_LABELS[document.kind], state=document.state.value)
        view = documents.validate_document(uow, ctx, credit_note_id, today=today)
        uow.commit()
        return view


# == final invoices: deductions ==============================================================================
def create_final_invoice(
    uow: UnitOfWork, ctx: Ctx, source_id: int, *, lines: Any = None, issue_date: date | None = None
) -> DeductionView:
    """Invoice an order, a delivery note or a quote (all its lines, or the given ones for a partial invoice).
    The payments allocated to it follow to the invoice up to the invoice's gross (`carry_deposits`); with the
    setting « déduire à 100 % » its deposit invoices are deducted on the draft at once (`on_convert`), otherwise
    as the user chooses in the deduction view."""
    with uow:
        view = documents.convert_document(uow, ctx, source_id, Kind.INVOICE, lines=lines, issue_date=issue_date)
        result = deduction_view(uow, ctx, view.id)
        uow.commit()
        return result


def _candidates(
    uow: UnitOfWork, ctx: Ctx, company: Company, invoice: Document
) -> tuple[dict[int, DepositUsage], list[DeductionWarning]]:
    """Deposit invoices a final invoice may deduct: issued, attached to it or to a document it was made from,
    or already deducted on it. Those of another party are returned as warnings, never as candidates."""
    lineage = [invoice, *_ancestors(uow, ctx, invoice)]
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
    return _usages(uow, ctx, company, wanted), warnings


def _room(uow: UnitOfWork, invoice: Document, *, exclude_deposit: int | None = None) -> Money:
    settlement = uow.documents.settlement(invoice)
    room = invoice.gross - settlement.allocated - settlement.deducted
    if exclude_deposit is not None:
        current = next(
            (
                d
                for d in uow.deposits.deductions(invoice.company_id, invoice_id=invoice.id)
                if d.deposit_invoice_id == exclude_deposit
            ),
            None,
        )
        if current is not None:
            room = room + current.amount
    return room  # type: ignore[no-any-return]


def _share(uow: UnitOfWork, ctx: Ctx, company: Company, invoice: Document) -> Decimal:
    """The default share of the deposits a (partial) final invoice deducts (proportional_share)."""
    ancestors = _ancestors(uow, ctx, invoice)
    root = next((a for a in ancestors if a.kind is Kind.ORDER), ancestors[0] if ancestors else None)
    if root is None:
        return Decimal(1)
    family = _family(uow, ctx, company, root)
    invoiced_before = total(
        (f.gross for f in family.finals(drafts=False) if f.id != invoice.id and f.currency == root.currency),
        root.currency,
    )
    return proportional_share(invoice.gross, root.gross - invoiced_before)


def _proposal(
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
        candidates, _room(uow, invoice).max(Money.zero(invoice.currency)), _share(uow, ctx, company, invoice)
    )


#: Key of a draft invoice's data: the deposit invoices whose deduction the user removed. Issuing does not deduct
#: them again by default (their choice stands), it warns instead.
DECLINED = "deductions_declined"


def _declined(uow: UnitOfWork, ctx: Ctx, invoice: Document) -> set[int]:
    return {int(i) for i in uow.documents.data(ctx.company_id, invoice.id).get(DECLINED) or []}


def _set_declined(uow: UnitOfWork, ctx: Ctx, invoice: Document, deposit_id: int, declined: bool) -> None:
    data = uow.documents.data(ctx.company_id, invoice.id)
    ids = {int(i) for i in data.get(DECLINED) or []}
    wanted = ids | {deposit_id} if declined else ids - {deposit_id}
    if wanted != ids:
        data[DECLINED] = sorted(wanted)
        uow.documents.set_data(ctx.company_id, invoice.id, data)


def _default_deductions(uow: UnitOfWork, ctx: Ctx, company: Company, invoice: Document) -> list[tuple[int, Money]]:
    """Deduct by default (automatic) what `_proposal` gives, the deposit invoices the user removed excepted."""
    usages, _ = _candidates(uow, ctx, company, invoice)
    uow.deposits.lock_documents(ctx.company_id, list(usages))
    usages, _ = _candidates(uow, ctx, company, invoice)  # read again under the locks
    planned = _proposal(uow, ctx, company, invoice, usages, exclude=_declined(uow, ctx, invoice))
    for deposit_id, amount in planned:
        _add_deduction(uow, ctx, invoice, usages[deposit_id], amount, automatic=True)
    return planned


def _replan_automatic(uow: UnitOfWork, ctx: Ctx, company: Company, invoice: Document, reason: str) -> None:
    """Plan a draft's automatic deductions again (« déduire à 100 % »): its total changed (`invoice` carries the
    new gross), or it is being issued and another invoice of the order was issued since it was made (the last
    invoice deducts all that remains). The user's own deductions and removals stand; only the deductions
    that change are recorded in the history."""
    usages, _ = _candidates(uow, ctx, company, invoice)
    uow.deposits.lock_documents(ctx.company_id, list(usages))
    old = {
        d.deposit_invoice_id: d for d in uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id) if d.automatic
    }
    if not old:
        return
    for deduction in old.values():
        uow.deposits.delete_deduction(ctx.company_id, deduction.id)
    usages, _ = _candidates(uow, ctx, company, invoice)
    planned = dict(_proposal(uow, ctx, company, invoice, usages, exclude=_declined(uow, ctx, invoice)))
    for deposit_id, deduction in old.items():
        if planned.get(deposit_id) != deduction.amount:
            _removal_events(uow, ctx, invoice, deduction, reason)
    for deposit_id, amount in planned.items():
        before = old.get(deposit_id)
        _add_deduction(
            uow,
            ctx,
            invoice,
            usages[deposit_id],
            amount,
            automatic=True,
            record=before is None or before.amount != amount,
        )


def _expected(
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
    return candidates, room, _share(uow, ctx, company, invoice)


def _undeducted(
    uow: UnitOfWork, ctx: Ctx, company: Company, invoice: Document, usages: dict[int, DepositUsage]
) -> list[DeductionWarning]:
    """The deposit invoices the invoice leaves undeducted (domain: `undeducted_deposits`), as warnings. On a
    draft, what issuing it now would leave: the automatic deductions issuing adds are counted as made."""
    expected = _expected(uow, ctx, company, invoice, usages)
    deducted = {u.deposit.id: d.amount for u in usages.values() if (d := u.on(invoice.id)) is not None}
    if invoice.state is State.DRAFT and DepositSettings.from_settings(company.settings).deduct_all:
        # issuing plans the automatic deductions again and adds the missing ones, the removed ones excepted
        declined = _declined(uow, ctx, invoice)
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


def undeducted_warnings(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> tuple[DeductionWarning, ...]:
    """The deposit invoices of a final invoice's origin it leaves undeducted, in whole or in part, compared with
    the default deduction (code `deposit_not_deducted`). On a draft: what validating it now would leave — the
    web asks for confirmation before, the API answers them with the validation. Empty for other documents."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        invoice = uow.documents.get(ctx.company_id, invoice_id)
        if invoice.kind is not Kind.INVOICE or invoice.state is State.CANCELLED:
            return ()
        usages, _ = _candidates(uow, ctx, company, invoice)
        return tuple(_undeducted(uow, ctx, company, invoice, usages))


def _add_deduction(
    uow: UnitOfWork,
    ctx: Ctx,
    invoice: Document,
    usage: DepositUsage,
    amount: Money,
    *,
    automatic: bool,
    record: bool = True,
) -> None:
    breakdown = take(usage.breakdown, usage.taken(invoice_id=invoice.id), amount)
    uow.deposits.add_deduction(
        ctx.company_id,
        invoice_id=invoice.id,
        deposit_invoice_id=usage.deposit.id,
        amount=amount,
        breakdown=breakdown,
        automatic=automatic,
    )
    before = _room(uow, invoice) + amount
    data = dict(
        deposit_invoice_id=usage.deposit.id,
        deposit_number=usage.deposit.number,
        amount=_s(amount),
        automatic=automatic,
        breakdown=[{"rate": _rate(b.rate), "net": _s(b.net), "vat": _s(b.vat)} for b in breakdown],
        net_to_pay={"before": _s(before), "after": _s(before - amount)},
        invoice_number=invoice.number,
    )
    if record:  # a deduction planned again with the same amount is not a new fact
        _event(uow, ctx, EventKind.DEPOSIT_DEDUCTED, invoice, **data)
        _event(uow, ctx, EventKind.DEPOSIT_DEDUCTED, usage.deposit, **data)


def deduction_view(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> DeductionView:
    """The deduction view of a final invoice (see DeductionView). On a draft with the « déduire à 100 % »
    setting, `proposed` shows the default deduction of each deposit invoice."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        invoice = uow.documents.get(ctx.company_id, invoice_id)
        if invoice.kind is not Kind.INVOICE:
            raise InvalidTransition(
                action="déduire des acomptes", kind=KIND_LABELS[invoice.kind], state=invoice.state.value
            )
        settings = DepositSettings.from_settings(company.settings)
        usages, warnings = _candidates(uow, ctx, company, invoice)
        proposal = (
            dict(plan_deductions(*_expected(uow, ctx, company, invoice, usages)))
            if (settings.deduct_all and invoice.state is State.DRAFT)
            else {}
        )
        if invoice.state is State.DRAFT:
            warnings += _undeducted(uow, ctx, company, invoice, usages)
        room = _room(uow, invoice)
        rows = []
        for usage in sorted(usages.values(), key=lambda u: u.deposit.id):
            current = usage.on(invoice.id)
            deducted = current.amount if current else Money.zero(invoice.currency)
            maximum = usage.available_for_deduction(invoice.id).min(room + deducted).max(Money.zero(invoice.currency))
            rows.append(
                DeductionRow(
                    deposit=_summary(uow, usage),
                    maximum=maximum,
                    deducted=deducted,
                    percent=share_in_percent(deducted, usage.deposit.gross),
                    proposed=proposal.get(usage.deposit.id, Money.zero(invoice.currency)),
                    automatic=bool(current and current.automatic),
                )
            )
        position = positions.position(uow, ctx, invoice)
        deductions = uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id)
        breakdown = _breakdown(uow, ctx, company, invoice)
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
) -> DeductionView:
    """Deduct a deposit invoice on a draft final invoice: an amount, or a percentage of the deposit invoice's
    gross, or (neither) all it may still give. Replaces an earlier deduction of the same deposit invoice.
    Refused: more than the deposit invoice still holds (DeductionExceedsDeposit), more than the invoice's net
    to pay (DeductionExceedsInvoice, never negative), a deposit invoice of another party (DeductionPartyMismatch)."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        uow.deposits.lock_documents(ctx.company_id, [invoice_id, deposit_invoice_id])
        invoice = uow.documents.get(ctx.company_id, invoice_id)
        deposit = uow.documents.get(ctx.company_id, deposit_invoice_id)
        if invoice.kind is not Kind.INVOICE:
            raise InvalidTransition(
                action="déduire des acomptes", kind=KIND_LABELS[invoice.kind], state=invoice.state.value
            )
        if invoice.state is not State.DRAFT:
            raise DocumentFrozen(number=invoice.label)
        if deposit.kind is not Kind.DEPOSIT_INVOICE or deposit.state is not State.VALIDATED:
            raise InvalidTransition(action="déduire", kind=KIND_LABELS[deposit.kind], state=deposit.state.value)
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
        usage = _usages(uow, ctx, company, [deposit])[deposit.id]
        available = usage.available_for_deduction(invoice.id)
        room = _room(uow, invoice, exclude_deposit=deposit.id)
        if amount is None and percent is None:
            value = available.min(room)
        else:
            value, _ = _percent_or_amount(deposit.gross, amount, percent)
        check_deduction(value, available, room, deposit.label, invoice.label)
        current = usage.on(invoice.id)
        if current is not None:
            uow.deposits.delete_deduction(ctx.company_id, current.id)
            usage = replace(usage, deductions=tuple(d for d in usage.deductions if d.id != current.id))
        _add_deduction(uow, ctx, invoice, usage, value, automatic=False)
        _set_declined(uow, ctx, invoice, deposit.id, False)
        view = deduction_view(uow, ctx, invoice.id)
        uow.commit()
        return view


def remove_deduction(uow: UnitOfWork, ctx: Ctx, invoice_id: int, deposit_invoice_id: int) -> DeductionView:
    """Stop deducting a deposit invoice on a draft final invoice. With « déduire à 100 % », issuing will not
    deduct it again: the user's choice stands, and validating warns that it is left undeducted."""
    with uow:
        invoice = uow.documents.get(ctx.company_id, invoice_id, lock=True)
        if invoice.state is not State.DRAFT:
            raise DocumentFrozen(number=invoice.label)
        _remove_deductions(uow, ctx, invoice, only=deposit_invoice_id, reason="removed by the user")
        _set_declined(uow, ctx, invoice, deposit_invoice_id, True)
        view = deduction_view(uow, ctx, invoice.id)
        uow.commit()
        return view


def _remove_deductions(
    uow: UnitOfWork, ctx: Ctx, invoice: Document, *, only: int | None = None, reason: str
) -> list[Deduction]:
    removed = []
    for deduction in uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id):
        if only is not None and deduction.deposit_invoice_id != only:
            continue
        uow.deposits.delete_deduction(ctx.company_id, deduction.id)
        removed.append(deduction)
        _removal_events(uow, ctx, invoice, deduction, reason)
    return removed


def _removal_events(uow: UnitOfWork, ctx: Ctx, invoice: Document, deduction: Deduction, reason: str) -> None:
    deposit = uow.documents.get(ctx.company_id, deduction.deposit_invoice_id)
    data = dict(
        deposit_invoice_id=deposit.id,
        deposit_number=deposit.number,
        amount=_s(deduction.amount),
        invoice_number=invoice.number,
        reason=reason,
    )
    _event(uow, ctx, EventKind.DEDUCTION_REMOVED, invoice, **data)
    _event(uow, ctx, EventKind.DEDUCTION_REMOVED, deposit, **data)


def apply_automatic_deductions(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> list[tuple[int, Money]]:
    """Deduct every deposit invoice the final invoice may deduct and does not deduct yet, by default amounts
    (proportional on a partial invoice, all that remains on the last one), never beyond its net to pay — except
    those whose deduction the user removed on the draft. Deposit invoices of another party are not deducted: a
    DepositNotDeducted event names them."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        invoice = uow.documents.get(ctx.company_id, invoice_id, lock=True)
        _, warnings = _candidates(uow, ctx, company, invoice)
        planned = _default_deductions(uow, ctx, company, invoice)
        for warning in warnings:
            _not_deducted(uow, ctx, invoice, warning)
        uow.commit()
        return planned


# == money follows the order =================================================================================
def carry_deposits(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> list[CarriedMove]:
    """Move the payments (and credits) allocated to the documents an invoice was made from — its delivery
    note, order, quote, nearest first — onto the invoice, up to what the invoice can still receive; the rest
    stays where it was. Each move is recorded on both documents; `return_deposits_to_origin` undoes it.
    The payments' amounts and their allocated totals never change."""
    with uow:
        invoice = uow.documents.get(ctx.company_id, invoice_id, lock=True)
        ancestors = [a for a in _ancestors(uow, ctx, invoice) if a.kind in COMMERCIAL_KINDS]
        uow.deposits.lock_documents(ctx.company_id, [a.id for a in ancestors])
        moves = _carry(uow, ctx, invoice, ancestors)
        uow.commit()
        return moves


def _carry(uow: UnitOfWork, ctx: Ctx, target: Document, sources: Sequence[Document]) -> list[CarriedMove]:
    room = _room(uow, target)
    moves = []
    for source in sources:
        if source.currency != target.currency or source.party_id != target.party_id:
            continue
        for allocation in uow.allocations.for_document(ctx.company_id, source.id):
            if not room.is_positive:
                return moves
            part = allocation.amount.min(room)
            if part == allocation.amount:
                uow.allocations.move(ctx.company_id, allocation.id, document_id=target.id)
                moved_id = allocation.id
            else:
                uow.allocations.move(
                    ctx.company_id, allocation.id, document_id=source.id, amount=allocation.amount - part
                )
                moved_id = uow.allocations.add(
                    ctx.company_id,
                    document_id=target.id,
                    amount=part,
                    payment_id=allocation.payment_id,
                    credit_document_id=allocation.credit_document_id,
                )
            uow.deposits.add_carried(
                ctx.company_id, allocation_id=moved_id, from_document_id=source.id, to_document_id=target.id
            )
            room = room - part
            move = CarriedMove(
                moved_id, allocation.payment_id, allocation.credit_document_id, source.id, target.id, part
            )
            moves.append(move)
            data = dict(
                amount=_s(part),
                payment_id=allocation.payment_id,
                payment_number=allocation.payment_number,
                credit_document_id=allocation.credit_document_id,
                allocation_id=moved_id,
                from_document_id=source.id,
                from_number=source.number,
                to_document_id=target.id,
                to_kind=target.kind.value,
                to_number=target.number,
            )
            _event(uow, ctx, EventKind.DEPOSIT_CARRIED, source, **data)
            _event(uow, ctx, EventKind.DEPOSIT_CARRIED, target, **data)
    return moves


def return_deposits_to_origin(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> ReturnedDeposits:
    """Send back what an invoice received from the documents it was made from, and free the deposit invoices
    it deducted. Called when a draft invoice is deleted, and — contract for credit notes (issue 4) — when an
    issued invoice is cancelled by a full credit note.

    Contract:
    - `invoice_id` is an invoice (kind `invoice`), draft or issued, of the caller's company; the caller may
      already be inside its own `with uow:` block (this function joins that transaction and commits only if it
      is the outermost one).
    - Every allocation that `carry_deposits` moved onto the invoice goes back to the document it came from
      (merged into that payment's allocation there when one exists). If that document was cancelled, or can no
      longer receive the whole amount, what does not fit is released to its payment as unallocated money.
      Allocations made directly on the invoice (payments recorded against it, credit notes applied to it)
      are left untouched.
    - Every deduction on the invoice is removed: its deposit invoices can be deducted again by a new final
      invoice. The invoice's balance due becomes gross − its remaining allocations, so a credit note for its
      full gross can then be applied to it without exceeding it: call this function BEFORE allocating the
      cancelling credit note.
    - Payment amounts never change, and a payment's allocated total never grows. Each move and each removed
      deduction is recorded in the history of both documents (DepositReturned, DeductionRemoved).
    - Returns what was returned, released and removed; calling it twice is harmless (the second call finds
      nothing to do).
    """
    with uow:
        invoice = uow.documents.get(ctx.company_id, invoice_id, lock=True)
        if invoice.kind is not Kind.INVOICE:
            raise InvalidTransition(
                action="renvoyer les acomptes", kind=KIND_LABELS[invoice.kind], state=invoice.state.value
            )
        result = _return_to_origin(uow, ctx, invoice)
        uow.commit()
        return result


def _return_to_origin(uow: UnitOfWork, ctx: Ctx, invoice: Document) -> ReturnedDeposits:
    """The work of `return_deposits_to_origin`, for any document that received carried money (a draft order
    made from a quote, too)."""
    carried = uow.deposits.carried_to(ctx.company_id, invoice.id)
    uow.deposits.lock_documents(ctx.company_id, set(carried.values()))
    returned, released = [], []
    allocations = {a.id: a for a in uow.allocations.for_document(ctx.company_id, invoice.id)}
    for allocation_id, origin_id in sorted(carried.items()):
        allocation = allocations.get(allocation_id)
        uow.deposits.forget_carried(ctx.company_id, allocation_id)
        if allocation is None:
            continue
        origin = uow.documents.get(ctx.company_id, origin_id)
        room = Money.zero(invoice.currency)
        if origin.state is not State.CANCELLED and origin.currency == allocation.amount.currency:
            settlement = uow.documents.settlement(origin)
            room = settlement.balance_due.max(Money.zero(origin.currency))
        back = allocation.amount.min(room)
        rest = allocation.amount - back
        same = next(
            (
                a
                for a in uow.allocations.for_document(ctx.company_id, origin.id)
                if a.payment_id == allocation.payment_id and a.credit_document_id == allocation.credit_document_id
            ),
            None,
        )
        if back.is_positive and same is not None:
            uow.allocations.move(ctx.company_id, same.id, document_id=origin.id, amount=same.amount + back)
            uow.allocations.delete(ctx.company_id, allocation_id)
        elif back.is_positive:
            uow.allocations.move(ctx.company_id, allocation_id, document_id=origin.id, amount=back)
        else:
            uow.allocations.delete(ctx.company_id, allocation_id)
        move = CarriedMove(
            allocation_id, allocation.payment_id, allocation.credit_document_id, invoice.id, origin.id, back
        )
        data = dict(
            amount=_s(back),
            released=_s(rest),
            payment_id=allocation.payment_id,
            payment_number=allocation.payment_number,
            credit_document_id=allocation.credit_document_id,
            from_document_id=invoice.id,
            from_number=invoice.number,
            to_document_id=origin.id,
            to_number=origin.number,
        )
        if back.is_positive:
            returned.append(move)
        if rest.is_positive:
            released.append(
                CarriedMove(
                    allocation_id, allocation.payment_id, allocation.credit_document_id, invoice.id, origin.id, rest
                )
            )
        _event(uow, ctx, EventKind.DEPOSIT_RETURNED, invoice, **data)
        _event(uow, ctx, EventKind.DEPOSIT_RETURNED, origin, **data)
    removed = _remove_deductions(uow, ctx, invoice, reason="deposits returned to the order")
    return ReturnedDeposits(returned=tuple(returned), released=tuple(released), deductions_removed=tuple(removed))


# == reading =================================================================================================
def _position(uow: UnitOfWork, ctx: Ctx, company: Company, document_id: int) -> DepositPosition:
    document = uow.documents.get(ctx.company_id, document_id)
    currency = document.currency
    zero = Money.zero(currency)
    requested, requested_pct = _request(document, uow.documents.data(ctx.company_id, document_id))
    family = _family(uow, ctx, company, document)
    deposit_payments = _allocated(uow, document)
    summaries = tuple(_summary(uow, u) for u in sorted(family.usages.values(), key=lambda u: u.deposit.id))
    deposit_invoiced = total(
        (u.deposit.gross - u.reversed(drafts=False) for u in family.deposits(drafts=False) if u.currency == currency),
        currency,
    )
    paid_on_deposits = total(
        (s.paid for s in summaries if s.state == "validated" and s.gross.currency == currency), currency
    )
    final_invoiced = total((f.gross for f in family.finals(drafts=False) if f.currency == currency), currency)
    invoiced = family.committed(drafts=False)
    outstanding = (document.gross - deposit_payments - invoiced).max(zero)
    available = (document.gross - deposit_payments - family.committed(drafts=True)).max(zero)
    if document.kind is Kind.QUOTE and requested is not None:
        net_to_pay = document.gross - requested
    else:
        net_to_pay = (document.gross - deposit_payments - deposit_invoiced).max(zero)
    foreign = currency != company.currency and document.exchange_rate is not None
    return DepositPosition(
        document=document,
        gross=document.gross,
        requested=requested,
        requested_percent=requested_pct,
        deposit_payments=deposit_payments,
        deposit_invoices=summaries,
        deposit_invoiced=deposit_invoiced,
        deposits_paid=deposit_payments + paid_on_deposits,
        final_invoiced=final_invoiced,
        invoiced=invoiced,
        outstanding=outstanding,
        available_for_deposit=available,
        net_to_pay=net_to_pay,
        company_currency=company.currency,
        gross_in_company_currency=to_company_currency(document.gross, document.exchange_rate, company.currency)
        if foreign
        else None,
        outstanding_in_company_currency=to_company_currency(outstanding, document.exchange_rate, company.currency)
        if foreign
        else None,
    )


def deposit_position(uow: UnitOfWork, ctx: Ctx, document_id: int) -> DepositPosition:
    """The deposits of a quote, order or delivery note (see DepositPosition)."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        return _position(uow, ctx, company, document_id)


def invoiced_amounts(uow: UnitOfWork, ctx: Ctx, document_ids: Sequence[int]) -> dict[int, Money]:
    """For each quote, order or delivery note: its `invoiced` amount (validated documents only; see the module
    docstring), as its position gives it."""
    with uow:
        ids = list(dict.fromkeys(document_ids))
        roots = uow.documents.headers(ctx.company_id, ids)
        for document_id in ids:
            if document_id not in roots:
                raise NotFound(entity="Document", id=document_id)
        found = positions.positions(uow, ctx, [roots[i] for i in ids])
        return {i: found[i].invoiced or Money.zero(roots[i].currency) for i in ids}


def deposit_invoice_view(uow: UnitOfWork, ctx: Ctx, document_id: int) -> DepositInvoiceView:
    """A deposit invoice or deposit credit note as its page and its PDF show it (see DepositInvoiceView)."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id)
        if document.kind not in DEPOSIT_KINDS:
            raise InvalidTransition(
                action="afficher l'acompte", kind=KIND_LABELS[document.kind], state=document.state.value
            )
        data = uow.documents.data(ctx.company_id, document_id)
        info = data.get("deposit") or {}
        currency = document.currency
        usage = _usages(uow, ctx, company, [document]).get(document.id)
        return DepositInvoiceView(
            document=documents.get_document(uow, ctx, document_id),
            origin_number=info.get("origin_number") or (data.get("deposit_credit") or {}).get("deposit_number"),
            origin_gross=Money.of(info["origin_gross"], currency) if info.get("origin_gross") else None,
            previous=Money.of(info.get("previous", "0"), currency),
            remaining=Money.of(info.get("remaining", "0"), currency),
            basis=str(info.get("basis", "amount")),
            percent=Decimal(info["percent"]) if info.get("percent") else None,
            lines=tuple(info.get("lines", ()) or (data.get("deposit_credit") or {}).get("lines", ())),
            breakdown=_breakdown(uow, ctx, company, document),
            summary=_summary(uow, usage) if usage is not None else None,
        )


def document_breakdown(uow: UnitOfWork, ctx: Ctx, document_id: int) -> Breakdown:
    """A document's VAT breakdown as issued: for deposit invoices and deposit credit notes the stored split of
    their gross (their lines cannot recompute it exactly); for other documents the breakdown of their lines.
    Exports (PDF, Factur-X, journal entries) must read deposit documents' VAT here."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        return _breakdown(uow, ctx, company, uow.documents.get(ctx.company_id, document_id))


def company_currency_balance(uow: UnitOfWork, ctx: Ctx, document_id: int) -> Money:
    """A document's balance due in the company's currency, using the document's exchange rate."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id)
        balance = uow.documents.settlement(document).balance_due
        return to_company_currency(balance, document.exchange_rate, company.currency)


# == hooks called by services/documents.py ===================================================================
def check_lines_change(uow: UnitOfWork, ctx: Ctx, document: Document, lines: Sequence[Line], gross: Money) -> None:
    """Before a document's lines change: deposit documents change through the deposit form; an order cannot
    drop below its deposit invoices, nor lose a line whose deposit was invoiced (unless a deposit credit note
    reversed it)."""
    if document.kind in DEPOSIT_KINDS:
        raise DepositFormRequired(document=_label(document))
    if document.kind is Kind.INVOICE and document.state is State.DRAFT and gross != document.gross:
        company = uow.companies.get(ctx.company_id)
        if DepositSettings.from_settings(company.settings).deduct_all:
            _replan_automatic(uow, ctx, company, replace(document, gross=gross), "invoice total changed")
    if document.kind not in COMMERCIAL_KINDS:
        return
    company = uow.companies.get(ctx.company_id)
    family = _family(uow, ctx, company, document)
    own = [u for u in family.deposits(drafts=False) if u.deposit.origin_id == document.id]
    carried = total((u.deposit.gross - u.reversed(drafts=False) for u in own), document.currency)
    if gross < carried:
        raise OrderBelowDeposits(document=_label(document), gross=str(gross), deposits=str(carried))
    for usage in own:
        if not (usage.deposit.gross - usage.reversed(drafts=False)).is_positive:
            continue
        entries = uow.documents.data(ctx.company_id, usage.deposit.id).get("deposit", {}).get("lines", [])
        reversed_lines = [
            e
            for d, _ in usage.reversals
            if d.state is State.VALIDATED
            for e in uow.documents.data(ctx.company_id, d.id).get("deposit_credit", {}).get("lines", [])
        ]
        for entry in entries:
            if any(
                r.get("designation") == entry["designation"] and r.get("item_id") == entry.get("item_id")
                for r in reversed_lines
            ):
                continue
            if not any(_same_line(entry, line) for line in lines):
                raise DepositedLineRemoval(designation=entry["designation"], deposit=usage.deposit.label)


def _required_deposit(uow: UnitOfWork, ctx: Ctx, company: Company, order: Document) -> Money:
    requested, _ = _request(order, uow.documents.data(ctx.company_id, order.id))
    if requested is not None:
        return requested
    try:
        amount, percent = _default_deposit(uow, ctx, company, order)
    except MissingDepositAmount:
        return Money.zero(order.currency)
    return amount if amount is not None else percent_of(order.gross, percent)  # type: ignore[arg-type]


def _check_delivery(uow: UnitOfWork, ctx: Ctx, company: Company, delivery_origin: Document | None) -> None:
    if delivery_origin is None or delivery_origin.kind is not Kind.ORDER:
        return
    if not DepositSettings.from_settings(company.settings).block_delivery:
        return
    required = _required_deposit(uow, ctx, company, delivery_origin)
    if not required.is_positive:
        return
    family = _family(uow, ctx, company, delivery_origin)
    paid = total(
        (
            a.amount
            for a in uow.allocations.for_document(ctx.company_id, delivery_origin.id)
            if a.payment_id is not None
        ),
        delivery_origin.currency,
    )
    paid = paid + total(
        (
            a.amount
            for u in family.deposits(drafts=False)
            for a in uow.allocations.for_document(ctx.company_id, u.deposit.id)
            if a.payment_id is not None
        ),
        delivery_origin.currency,
    )
    if paid < required:
        raise DepositRequiredBeforeDelivery(document=_label(delivery_origin), required=str(required), paid=str(paid))


def on_convert(uow: UnitOfWork, ctx: Ctx, source: Document, target_id: int) -> None:
    """After a document is made from another: the exchange rate follows; quote → order: the deposit noted,
    the payments and the deposit invoices follow to the order; order → delivery note: the delivery block is
    checked; → invoice: the payments follow (carry_deposits), then, with « déduire à 100 % », the deposit
    invoices are deducted on the draft by default — so that the draft shows the net to pay it will be issued
    with, and the user changes the deductions there rather than discovering them at issue."""
    company = uow.companies.get(ctx.company_id)
    target = uow.documents.get(ctx.company_id, target_id)
    if source.exchange_rate is not None and target.exchange_rate is None:
        uow.deposits.set_exchange_rate(ctx.company_id, target.id, source.exchange_rate)
    if target.kind is Kind.DELIVERY:
        _check_delivery(uow, ctx, company, source)
    elif target.kind is Kind.ORDER and source.kind is Kind.QUOTE:
        data = uow.documents.data(ctx.company_id, source.id)
        if data.get("deposit_request"):
            target_data = uow.documents.data(ctx.company_id, target.id)
            target_data["deposit_request"] = data["deposit_request"]
            uow.documents.set_data(ctx.company_id, target.id, target_data)
        for deposit in uow.deposits.attached(ctx.company_id, [source.id], [Kind.DEPOSIT_INVOICE.value]):
            if deposit.state is State.CANCELLED:
                continue
            uow.documents.update(ctx.company_id, deposit.id, origin_id=target.id)
            _event(
                uow,
                ctx,
                EventKind.DEPOSIT_ATTACHED,
                deposit,
                origin={"before": source.id, "after": target.id},
                document_number=target.number,
                deposit_number=deposit.number,
            )
        _carry(uow, ctx, target, [source])
    elif target.kind is Kind.INVOICE:
        ancestors = [a for a in _ancestors(uow, ctx, target) if a.kind in COMMERCIAL_KINDS]
        uow.deposits.lock_documents(ctx.company_id, [a.id for a in ancestors])
        _carry(uow, ctx, target, ancestors)
        if DepositSettings.from_settings(company.settings).deduct_all:
            _default_deductions(uow, ctx, company, uow.documents.get(ctx.company_id, target.id))


def on_validate(uow: UnitOfWork, ctx: Ctx, document: Document, today: date) -> None:
    """After a document is numbered (same transaction; any error undoes the numbering):
    deposit invoice: it must still fit in its order, and it records the order's figures it shows;
    deposit credit note: it must still fit in its deposit invoice, and settles what is unpaid there;
    final invoice: automatic deductions (setting « déduire à 100 % »: those not on the draft yet, except the ones
    the user removed), then a DepositNotDeducted event for each deposit invoice it leaves undeducted (the web
    asked first; the API answers them: `undeducted_warnings`); delivery note: the delivery block."""
    company = uow.companies.get(ctx.company_id)
    if document.kind is Kind.DEPOSIT_INVOICE and document.origin_id is not None:
        origin = uow.documents.get(ctx.company_id, document.origin_id, lock=True)
        if origin.state is State.CANCELLED:
            raise DepositOnCancelledDocument(document=_label(origin))
        if origin.kind in COMMERCIAL_KINDS:
            family = _family(uow, ctx, company, origin)
            available = (
                origin.gross - _allocated(uow, origin) - family.committed(drafts=True, exclude_deposit=document.id)
            )
            check_deposit(document.gross, available, _label(origin))
            previous = _previous_deposits(uow, origin, family, exclude=document.id)
            data = uow.documents.data(ctx.company_id, document.id)
            info = dict(data.get("deposit") or {})
            info.update(
                {
                    "origin_number": origin.number,
                    "origin_gross": _s(origin.gross),
                    "previous": _s(previous),
                    "remaining": _s(origin.gross - previous - document.gross),
                }
            )
            data["deposit"] = info
            uow.documents.set_data(ctx.company_id, document.id, data)
    elif document.kind is Kind.DEPOSIT_CREDIT_NOTE and document.origin_id is not None:
        deposit = uow.documents.get(ctx.company_id, document.origin_id, lock=True)
        usage = _usages(uow, ctx, company, [deposit])[deposit.id]
        available = usage.available_for_reversal(document.id)
        if document.gross > available:
            raise ReversalExceedsDeposit(requested=str(document.gross), available=str(available), deposit=deposit.label)
        unpaid = uow.documents.settlement(deposit).balance_due
        settle = document.gross.min(unpaid)
        if settle.is_positive:
            allocation_id = uow.allocations.add(
                ctx.company_id, document_id=deposit.id, amount=settle, credit_document_id=document.id
            )
            data = dict(
                allocation_id=allocation_id,
                amount=_s(settle),
                credit_number=document.number,
                deposit_number=deposit.number,
                deposit_balance={"before": _s(unpaid), "after": _s(unpaid - settle)},
                credit_left=_s(document.gross - settle),
            )
            _event(uow, ctx, EventKind.DEPOSIT_REVERSED, deposit, **data)
            _event(uow, ctx, EventKind.DEPOSIT_REVERSED, document, **data)
        else:  # the deposit invoice was paid: the whole credit note is a credit in the party's favour
            data = dict(
                amount="0.00",
                credit_number=document.number,
                deposit_number=deposit.number,
                credit_left=_s(document.gross),
            )
            _event(uow, ctx, EventKind.DEPOSIT_REVERSED, deposit, **data)
            _event(uow, ctx, EventKind.DEPOSIT_REVERSED, document, **data)
    elif document.kind is Kind.INVOICE:
        if DepositSettings.from_settings(company.settings).deduct_all:
            numbered = uow.documents.get(ctx.company_id, document.id)
            _replan_automatic(uow, ctx, company, numbered, "planned again on issue")
            apply_automatic_deductions(uow, ctx, document.id)
        else:
            _, warnings = _candidates(uow, ctx, company, document)
            for warning in warnings:
                _not_deducted(uow, ctx, document, warning)
        issued = uow.documents.get(ctx.company_id, document.id)
        usages, _ = _candidates(uow, ctx, company, issued)
        for warning in _undeducted(uow, ctx, company, issued, usages):
            _not_deducted(uow, ctx, issued, warning)
    elif document.kind is Kind.DELIVERY and document.origin_id is not None:
        _check_delivery(uow, ctx, company, uow.documents.get(ctx.company_id, document.origin_id))


def before_delete(uow: UnitOfWork, ctx: Ctx, document: Document) -> None:
    """Before a draft is deleted: a draft invoice sends its carried payments back to their order and frees the
    deposit invoices it deducted; a deposit document's VAT split goes with it."""
    if document.kind is Kind.INVOICE or uow.deposits.carried_to(ctx.company_id, document.id):
        _return_to_origin(uow, ctx, document)
    if document.kind in DEPOSIT_KINDS:
        uow.deposits.delete_breakdown(ctx.company_id, document.id)
