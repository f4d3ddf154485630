"""Deposits (acomptes): how much a deposit is, how its VAT is split, and how final invoices deduct it.

Pure rules over values. The service layer reads the figures under a lock, asks these functions, then writes.

Three pools of money are cut into parts here, always with the same function (`take`):
- an **order's** VAT breakdown is cut into deposit invoices;
- a **deposit invoice's** breakdown is cut into deductions on final invoices (and into deposit credit notes).

`take` works cumulatively: the k-th part is computed as (everything taken so far, this part included) minus
(everything taken before). Taking a whole pool in any number of steps therefore gives the pool back exactly,
rate by rate, net and VAT: a fully prepaid order yields a final invoice whose net to pay is exactly 0.00 and
whose VAT to collect is exactly 0.00 at every rate, however many deposits there were.

A part's VAT is taken out of its gross (net = gross / (1 + rate), half-up), so the gross typed by the user is
kept to the cent: 550.00 stays 550.00 (CGI art. 269-2-a: VAT on a deposit is due on the amount received).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from acompte.domain.documents import Document, Kind, Line, State, totals_of
from acompte.domain.errors import (
    DeductionExceedsDeposit,
    DeductionExceedsInvoice,
    DepositExceedsOrder,
    InvalidExchangeRate,
    InvalidPercentage,
    NonPositiveAmount,
)
from acompte.domain.money import HALF_UP, Money, decimal_places, round_to_currency, total
from acompte.domain.vat import HUNDRED, VatLine, VatRounding


class DepositAction(StrEnum):
    """What a user tries on a deposit document or on the invoice deducting it, named when it is refused."""

    REVERSE = "reverse-deposit"
    ISSUE = "issue"
    DEDUCT_DEPOSITS = "deduct-deposits"
    DEDUCT = "deduct"
    RETURN_DEPOSITS = "return-deposits"
    EDIT_DEPOSIT = "edit-deposit"
    ATTACH = "attach"
    SHOW_DEPOSIT = "show-deposit"


#: A VAT breakdown: one VatLine (rate, net, VAT) per rate, highest rate first.
Breakdown = tuple[VatLine, ...]


def issued_breakdown(document: Document, stored: Breakdown | None, rounding: VatRounding) -> Breakdown:
    """A document's VAT per rate as issued: a deposit document's split of its gross, stored when it was issued
    (its lines cannot recompute it to the cent); any other document's breakdown of its lines."""
    if stored is not None:
        return stored
    return totals_of(document.lines, document.currency, rounding).breakdown


#: Documents a deposit invoice can be generated from.
DEPOSIT_SOURCE_KINDS = frozenset({Kind.QUOTE, Kind.ORDER})
#: Documents that can take a deposit payment (règlement d'acompte) or have a deposit invoice attached.
DEPOSIT_TARGET_KINDS = frozenset({Kind.ORDER, Kind.DELIVERY, Kind.INVOICE})
#: Deposit documents whose totals are a VAT split of a gross amount, not a sum of priced lines.
DEPOSIT_KINDS = frozenset({Kind.DEPOSIT_INVOICE, Kind.DEPOSIT_CREDIT_NOTE})

PERCENT_PLACES = Decimal("0.01")


# -- settings -----------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DepositSettings:
    """The company's deposit options (company settings, key `deposits`).

    - `generate_payment_sale` / `generate_payment_purchase`: issuing a deposit invoice records its payment at
      once (prefilled with the deposit amount); otherwise the deposit invoice gets a due date and waits.
    - `payment_method`: the method proposed for a generated payment.
    - `deduct_all`: « déduire les acomptes à 100 % » — issuing a final invoice deducts every deposit invoice of
      its order automatically; otherwise the user chooses in the deduction view.
    - `block_delivery`: a delivery note cannot be made or validated until the order's required deposit is paid.
    - `default_percent`: the company-wide default deposit percentage (None: no default).
    """

    generate_payment_sale: bool = False
    generate_payment_purchase: bool = False
    payment_method: str = "cheque"
    deduct_all: bool = True
    block_delivery: bool = False
    default_percent: Decimal | None = None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> DepositSettings:
        raw = dict(settings.get("deposits") or {})
        default = raw.get("default_percent")
        return cls(
            generate_payment_sale=bool(raw.get("generate_payment_sale", False)),
            generate_payment_purchase=bool(raw.get("generate_payment_purchase", False)),
            payment_method=str(raw.get("payment_method", "cheque")),
            deduct_all=bool(raw.get("deduct_all", True)),
            block_delivery=bool(raw.get("block_delivery", False)),
            default_percent=None if default in (None, "") else parse_percent(default),
        )

    def generates_payment(self, flow: str) -> bool:
        return self.generate_payment_sale if flow == "sale" else self.generate_payment_purchase


# -- percentages and amounts --------------------------------------------------------------------------------
def parse_percent(value: Decimal | str | int) -> Decimal:
    """A percentage between 0 and 100 inclusive, at most 4 decimals (33.3333 %)."""
    if isinstance(value, float | bool):
        raise InvalidPercentage(value=str(value))
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except ArithmeticError:
        raise InvalidPercentage(value=str(value)) from None
    if not number.is_finite() or number < 0 or number > HUNDRED or decimal_places(number) > 4:
        raise InvalidPercentage(value=str(value))
    return number


def percent_of(base: Money, percent: Decimal) -> Money:
    """`percent` % of `base`, rounded half-up to the cent once."""
    return base.times(parse_percent(percent) / HUNDRED, rounding=HALF_UP)


def share_in_percent(part: Money, whole: Money) -> Decimal:
    """What percentage `part` is of `whole`, to 2 decimals (for display: « 30,00 % »)."""
    if whole.is_zero:
        return Decimal(0).quantize(PERCENT_PLACES)
    return (part.amount * HUNDRED / whole.amount).quantize(PERCENT_PLACES, rounding=HALF_UP)


def line_gross(line: Line) -> Money:
    """A line's gross for deposit purposes: its net plus its own VAT, half-up (per-line deposits)."""
    raw = line.net.amount * (HUNDRED + line.vat_rate) / HUNDRED
    return Money(round_to_currency(raw, line.net.currency, HALF_UP), line.net.currency)


def resolve_percent(
    *,
    item_id: int | None,
    party_settings: Mapping[str, Any],
    item_settings: Mapping[str, Any] | None,
    company_default: Decimal | None,
) -> Decimal | None:
    """The default deposit percentage of one line, most specific first:
    item for this party (party setting `deposit_percent_by_item`) > item (`deposit_percent`) > party
    (`deposit_percent`) > company default. None when nothing is configured."""
    by_item = party_settings.get("deposit_percent_by_item") or {}
    if item_id is not None and str(item_id) in by_item:
        return parse_percent(by_item[str(item_id)])
    if item_settings and item_settings.get("deposit_percent") not in (None, ""):
        return parse_percent(item_settings["deposit_percent"])
    if party_settings.get("deposit_percent") not in (None, ""):
        return parse_percent(party_settings["deposit_percent"])
    return company_default


def check_deposit(requested: Money, available: Money, document: str) -> None:
    """A deposit must be positive and fit in what remains of its order (DESIGN §4)."""
    if not requested.is_positive:
        raise NonPositiveAmount(amount=str(requested))
    if requested > available:
        shown = available.max(Money.zero(available.currency))
        raise DepositExceedsOrder(requested=str(requested), available=str(shown), document=document)


def check_deduction(
    requested: Money, deposit_available: Money, invoice_room: Money, deposit: str, invoice: str
) -> None:
    """A deduction is positive, at most what the deposit invoice still holds, and never makes the final
    invoice negative."""
    if not requested.is_positive:
        raise NonPositiveAmount(amount=str(requested))
    if requested > deposit_available:
        raise DeductionExceedsDeposit(requested=str(requested), available=str(deposit_available), deposit=deposit)
    if requested > invoice_room:
        raise DeductionExceedsInvoice(requested=str(requested), available=str(invoice_room), invoice=invoice)


# -- breakdowns ---------------------------------------------------------------------------------------------
def gross_of(breakdown: Iterable[VatLine], currency: str) -> Money:
    return total((b.gross for b in breakdown), currency)


def combine(parts: Iterable[Iterable[VatLine]], currency: str, *, sign: int = 1) -> Breakdown:
    """Sum breakdowns rate by rate (sign=-1 subtracts every part from zero)."""
    nets: dict[Decimal, Money] = {}
    vats: dict[Decimal, Money] = {}
    for breakdown in parts:
        for line in breakdown:
            zero = Money.zero(currency)
            net = line.net if sign > 0 else -line.net
            vat = line.vat if sign > 0 else -line.vat
            nets[line.rate] = nets.get(line.rate, zero) + net
            vats[line.rate] = vats.get(line.rate, zero) + vat
    return tuple(VatLine(rate=r, net=nets[r], vat=vats[r]) for r in sorted(nets, reverse=True))


def subtract(left: Iterable[VatLine], right: Iterable[VatLine], currency: str) -> Breakdown:
    """left − right, rate by rate; rates that end at exactly zero are dropped."""
    out = combine([left, combine([right], currency, sign=-1)], currency)
    return tuple(line for line in out if not (line.net.is_zero and line.vat.is_zero))


def _net_from_gross(gross: Money, rate: Decimal) -> Money:
    return Money(round_to_currency(gross.amount * HUNDRED / (HUNDRED + rate), gross.currency, HALF_UP), gross.currency)


def take(pool: Sequence[VatLine], taken: Sequence[VatLine], amount: Money) -> Breakdown:
    """Cut `amount` (gross) out of `pool`, of which `taken` is already used, split across the pool's rates
    in proportion to the pool's gross per rate.

    Cumulative (see the module docstring): the gross per rate of (taken + amount) is the largest-remainder
    split of that total, the net per rate is its gross / (1 + rate) half-up — or exactly the pool's net when
    the rate is used up — and `taken` is subtracted from both. The result always sums to `amount` exactly and
    net + VAT = gross on every rate. If the earlier parts were not cut this way (deposits attached from
    elsewhere, an order changed in between), the amount is split on what remains of each rate instead.
    """
    currency = amount.currency
    zero = Money.zero(currency)
    if not amount.is_positive:
        raise NonPositiveAmount(amount=str(amount))
    pool_by = {line.rate: line for line in pool}
    taken_by = {line.rate: line for line in combine([taken], currency)}
    remaining_by = {r: (pool_by[r].gross - (taken_by[r].gross if r in taken_by else zero)) for r in pool_by}
    remaining = total(remaining_by.values(), currency)
    if amount > remaining:
        raise ValueError(f"cannot take {amount} from a pool holding {remaining}")
    rates = sorted(pool_by, reverse=True)
    consistent = set(taken_by) <= set(pool_by) and all(v >= zero for v in remaining_by.values())
    if amount == remaining and consistent:
        return subtract(pool, taken, currency)
    parts: dict[Decimal, Money] | None = None
    if consistent:
        taken_total = total((taken_by[r].gross for r in taken_by), currency)
        cumulative = (taken_total + amount).split([pool_by[r].gross.amount for r in rates])
        parts = {r: c - (taken_by[r].gross if r in taken_by else zero) for r, c in zip(rates, cumulative, strict=True)}
        if any(p.is_negative for p in parts.values()):
            parts = None
    if parts is None:
        weights = [remaining_by[r].max(zero).amount for r in rates]
        parts = dict(zip(rates, amount.split(weights), strict=True))
    result = []
    for rate in rates:
        part = parts[rate]
        if part.is_zero:
            continue
        before = taken_by.get(rate)
        net = _net_from_gross(part, rate)
        if consistent:
            cum_gross = part + (before.gross if before else zero)
            cum_net = pool_by[rate].net if cum_gross == pool_by[rate].gross else _net_from_gross(cum_gross, rate)
            candidate = cum_net - (before.net if before else zero)
            exhausted = cum_gross == pool_by[rate].gross
            # keep the cumulative net unless it is absurd for this part on its own (e.g. a 1-cent part)
            sensible = not candidate.is_negative and candidate <= part
            if sensible and (exhausted or abs((candidate - net).amount) <= Decimal("0.01")):
                net = candidate
        result.append(VatLine(rate=rate, net=net, vat=part - net))
    return tuple(result)


# -- deductions on a final invoice --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DeductionCandidate:
    """A deposit invoice a final invoice may deduct, and what it still holds (gross)."""

    deposit_invoice_id: int
    available: Money


class DeductionWarningCode(StrEnum):
    """Why a deposit invoice found for a final invoice is not deducted from it (never silently)."""

    OTHER_PARTY = "deposit_of_another_party"  # issued for another party than the invoice's
    NOT_DEDUCTED = "deposit_not_deducted"  # the invoice deducts less of it than the default (« à 100 % ») would


#: The French sentence of each warning (French is the source language; adapters translate by `code`).
DEDUCTION_WARNING_TEXTS: Mapping[DeductionWarningCode, str] = {
    DeductionWarningCode.OTHER_PARTY: (
        "La facture d'acompte {deposit} a été émise pour {deposit_party}, pas pour {invoice_party} : "
        "elle n'est pas déduite de {invoice}."
    ),
    DeductionWarningCode.NOT_DEDUCTED: (
        "La facture d'acompte {deposit} n'est pas déduite de {invoice} : {missing} non déduits sur {expected} "
        "proposés ({available} encore disponibles)."
    ),
}


def draft_label(number: str | None, document_id: int) -> str:
    """A document's French label: its number, or « brouillon n° 12 » before it is numbered."""
    return number or f"brouillon n° {document_id}"


@dataclass(frozen=True, slots=True)
class DeductionWarning:
    """A deposit invoice left out of a final invoice's deductions, and why — structured, so each adapter words it
    in the user's language: `code` says what, the fields name the documents (number, None for a draft) and the
    parties. `message` is the French sentence (history, logs, the API's `message`)."""

    code: DeductionWarningCode
    deposit_id: int
    deposit_number: str | None
    deposit_party: str
    invoice_id: int
    invoice_number: str | None
    invoice_party: str
    #: NOT_DEDUCTED only: the default deduction, what the invoice deducts, what the deposit invoice still holds
    #: after this invoice (gross − reversed − deducted anywhere).
    expected: Money | None = None
    deducted: Money | None = None
    available: Money | None = None

    @property
    def missing(self) -> Money | None:
        """What the invoice leaves undeducted compared with the default deduction."""
        if self.expected is None or self.deducted is None:
            return None
        return self.expected - self.deducted

    @property
    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "deposit_id": self.deposit_id,
            "deposit_number": self.deposit_number,
            "deposit_party": self.deposit_party,
            "invoice_id": self.invoice_id,
            "invoice_number": self.invoice_number,
            "invoice_party": self.invoice_party,
        }
        for name in ("expected", "deducted", "available", "missing"):
            value = getattr(self, name)
            if value is not None:
                params[name] = str(value.amount)
        if self.available is not None:
            params["currency"] = self.available.currency
        return params

    @property
    def message(self) -> str:
        return DEDUCTION_WARNING_TEXTS[self.code].format(
            deposit=draft_label(self.deposit_number, self.deposit_id),
            deposit_party=self.deposit_party,
            invoice=draft_label(self.invoice_number, self.invoice_id),
            invoice_party=self.invoice_party,
            expected=self.expected,
            missing=self.missing,
            available=self.available,
        )


def proportional_share(invoice_gross: Money, still_to_invoice: Money) -> Decimal:
    """Which share of the deposits a (partial) invoice deducts by default: its gross over what remained to
    invoice on the order before it, at most 1. The last invoice of an order always gets 1 (all that remains)."""
    if not still_to_invoice.is_positive or invoice_gross >= still_to_invoice:
        return Decimal(1)
    return invoice_gross.amount / still_to_invoice.amount


def plan_deductions(
    candidates: Sequence[DeductionCandidate], room: Money, share: Decimal = Decimal(1)
) -> list[tuple[int, Money]]:
    """The default deductions: `share` of what each deposit invoice still holds (half-up), oldest first,
    never more than the invoice's room (gross − allocations − deductions already there): the final invoice
    never turns negative."""
    planned = []
    left = room
    for candidate in candidates:
        if not left.is_positive:
            break
        want = candidate.available if share >= 1 else candidate.available.times(share, rounding=HALF_UP)
        amount = want.min(candidate.available).min(left)
        if amount.is_positive:
            planned.append((candidate.deposit_invoice_id, amount))
            left = left - amount
    return planned


@dataclass(frozen=True, slots=True)
class Undeducted:
    """A deposit invoice a final invoice deducts less of than the default: `expected` (the default deduction),
    `deducted` (what the invoice deducts), `available` (what the deposit invoice still holds afterwards)."""

    deposit_invoice_id: int
    expected: Money
    deducted: Money
    available: Money

    @property
    def missing(self) -> Money:
        return self.expected - self.deducted


def undeducted_deposits(
    candidates: Sequence[DeductionCandidate], room: Money, share: Decimal, deducted: Mapping[int, Money]
) -> list[Undeducted]:
    """The deposit invoices a final invoice leaves undeducted, in whole or in part: those it deducts less of than
    the default deduction (`plan_deductions`: `share` of what each holds, oldest first, within `room`).

    `candidates` hold what each deposit invoice may give this invoice (its deduction here included), `room` is
    the invoice's gross less its allocations (its own deductions not subtracted), `deducted` what the invoice
    deducts of each. A partial invoice that deducts its proportional share leaves nothing undeducted; the last
    invoice of an order must deduct all that remains. Issuing an invoice that leaves a deposit undeducted
    invoices that deposit twice (once on the deposit invoice, once in the final invoice's total): the user must
    be told, never the deposit dropped silently."""
    expected = dict(plan_deductions(candidates, room, share))
    result = []
    for candidate in candidates:
        zero = Money.zero(candidate.available.currency)
        want = expected.get(candidate.deposit_invoice_id, zero)
        got = deducted.get(candidate.deposit_invoice_id, zero)
        if got < want:
            result.append(Undeducted(candidate.deposit_invoice_id, want, got, candidate.available - got))
    return result


# -- currency -----------------------------------------------------------------------------------------------
def parse_rate(value: Decimal | str | int) -> Decimal:
    """An exchange rate: units of company currency for one unit of the document's currency, > 0, exact."""
    if isinstance(value, float | bool):
        raise InvalidExchangeRate(rate=str(value))
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except ArithmeticError:
        raise InvalidExchangeRate(rate=str(value)) from None
    if not number.is_finite() or number <= 0 or decimal_places(number) > 10:
        raise InvalidExchangeRate(rate=str(value))
    return number


def to_company_currency(amount: Money, rate: Decimal | None, company_currency: str) -> Money:
    """An amount of a document in the company's currency, using the document's exchange rate (half-up once)."""
    if amount.currency == company_currency:
        return amount
    if rate is None:
        raise InvalidExchangeRate(rate="(aucun)")
    return Money(round_to_currency(amount.amount * rate, company_currency, HALF_UP), company_currency)


@dataclass(frozen=True, slots=True)
class Deduction:
    """A deposit invoice deducted on a final invoice (acompte déduit): gross amount and its VAT split."""

    id: int
    invoice_id: int
    deposit_invoice_id: int
    amount: Money
    breakdown: Breakdown
    automatic: bool = False
    invoice_state: State = State.DRAFT
    invoice_number: str | None = None


# -- what a deposit line says it sells ----------------------------------------------------------------------------


def N_(text: str) -> str:  # the catalogue's marker (`pybabel extract -k N_`): the domain imports no adapter
    return text


#: The words of a deposit line (msgids of the catalogue, French the source): a deposit invoice carries the same
#: description of the goods or services as an invoice (CGI ann. II art. 242 nonies A, 6°), so its line says what
#: the order sells, not only its number.
DEPOSIT_LINE_PERCENT = N_("Acompte de {percent} % sur {document}")
DEPOSIT_LINE_AMOUNT = N_("Acompte sur {document}")
DEPOSIT_LINE_ALONE = N_("Acompte de {percent} %")
DEPOSIT_LINE_PLAIN = N_("Acompte")
DEPOSIT_LINE_WHAT = N_("{line} : {what}")
DEPOSIT_LINE_OTHERS = N_("{first} et {count} autre(s)")
#: How long the description of the order's lines may grow before it is shortened (the document number is kept).
DEPOSIT_WHAT_LENGTH = 80


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;:-") + "…"


def deposit_what(descriptions: Sequence[str], translate: Callable[[str], str] = N_) -> str:
    """The order's lines in a few words: each distinct designation once, in order, whole while they fit in
    DEPOSIT_WHAT_LENGTH characters, then « et N autre(s) »; a single long designation is cut with « … »."""
    names = list(dict.fromkeys(" ".join(d.split()) for d in descriptions if d and d.strip()))
    if not names:
        return ""
    kept = [names[0]]
    for index, name in enumerate(names[1:], start=2):
        suffix = 16 if index < len(names) else 0  # room for « et N autre(s) » when more would follow
        if len(", ".join([*kept, name])) + suffix > DEPOSIT_WHAT_LENGTH:
            break
        kept.append(name)
    first = _shorten(", ".join(kept), DEPOSIT_WHAT_LENGTH)
    others = len(names) - len(kept)
    return translate(DEPOSIT_LINE_OTHERS).format(first=first, count=others) if others else first


def deposit_line_name(
    percent: Decimal | None,
    document: str,
    descriptions: Sequence[str],
    translate: Callable[[str], str] = N_,
) -> str:
    """The designation of a deposit invoice's line: « Acompte de 30 % sur la commande CO-2026-00001 : Table en
    chêne, 4 chaises ». `document` names the order (« la commande CO-… », empty without one); `translate` gives the
    words of another language (the identity: French, the language the invoice is issued in). The PDF, the XML
    and the pages all print the stored line, so this is the one place that builds it."""
    pct = None if percent is None else f"{percent.normalize():f}".replace(".", ",")
    if document:
        line = translate(DEPOSIT_LINE_AMOUNT if pct is None else DEPOSIT_LINE_PERCENT)
    else:
        line = translate(DEPOSIT_LINE_PLAIN if pct is None else DEPOSIT_LINE_ALONE)
    line = line.format(percent=pct, document=document)
    what = deposit_what(descriptions, translate)
    return translate(DEPOSIT_LINE_WHAT).format(line=line, what=what) if what else line
