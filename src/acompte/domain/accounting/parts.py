"""VAT parts: the net and VAT of a document per (rate, nature), and the exact shares of them that a payment, a
deposit or a deduction carries (largest remainder, so the shares always add up to the whole)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from acompte.domain.accounting.chart import Nature
from acompte.domain.errors import InvalidSetting, Reason
from acompte.domain.money import HALF_UP, Money, round_to_currency, total
from acompte.domain.vat import VatRounding, normalize_rate, vat_of


@dataclass(frozen=True, slots=True)
class VatPart:
    """The net and VAT of one (rate, nature) of a document, or of a share of it."""

    rate: Decimal
    nature: Nature
    net: Money
    vat: Money

    @property
    def gross(self) -> Money:
        return self.net + self.vat


@dataclass(frozen=True, slots=True)
class FactLine:
    """A document line as accounting needs it. `recall` marks a deposit deduction line (quantity −1);
    `deposit_key` the deposit it takes back, when the line names its own (else the document's `deposit_key`)."""

    net: Money
    rate: Decimal
    nature: Nature = Nature.GOODS
    recall: bool = False
    deposit_key: str | None = None


def vat_parts(
    lines: Sequence[FactLine], currency: str, rounding: VatRounding = VatRounding.PER_RATE
) -> tuple[VatPart, ...]:
    """Net and VAT per (rate, nature), with the document's rounding rule (docs/rounding.md).

    VAT is computed per rate exactly as the document totals are; when goods and services share a rate, that
    VAT is split between them in proportion to their nets (largest remainder, so it sums exactly).
    """
    by_rate: dict[Decimal, dict[Nature, Money]] = {}
    line_vat: dict[Decimal, Money] = {}
    for line in lines:
        rate = normalize_rate(line.rate)
        natures = by_rate.setdefault(rate, {})
        natures[line.nature] = natures.get(line.nature, Money.zero(currency)) + line.net
        if rounding is VatRounding.PER_LINE:
            line_vat[rate] = line_vat.get(rate, Money.zero(currency)) + vat_of(line.net, rate)
    parts: list[VatPart] = []
    for rate in sorted(by_rate, reverse=True):
        natures = by_rate[rate]
        net_total = total(natures.values(), currency)
        vat_total = line_vat[rate] if rounding is VatRounding.PER_LINE else vat_of(net_total, rate)
        order = sorted(natures, key=lambda n: n.value)
        weights = [max(natures[n].amount, Decimal(0)) for n in order]
        shares = (
            vat_total.split(weights) if sum(weights) > 0 else (vat_total, *(Money.zero(currency),) * (len(order) - 1))
        )
        for nature, vat in zip(order, shares, strict=True):
            parts.append(VatPart(rate, nature, natures[nature], vat))
    return tuple(parts)


def natured_parts(
    breakdown: Iterable[tuple[Decimal, Money, Money]], reference: Sequence[VatPart], default: Nature = Nature.GOODS
) -> tuple[VatPart, ...]:
    """Parts from a per-rate breakdown (rate, net, VAT) that knows no nature: at each rate, net and VAT are split
    between the natures of `reference` at that rate in proportion to their nets (largest remainder, exact), or
    all go to `default` when the reference has none at that rate.

    A deposit invoice's deduction takes the natures of the final invoice it is deducted from, so that its VAT
    leaves the same account the invoice put it in (44571, or 44574 for services without the debits option).
    """
    result: list[VatPart] = []
    for rate, net, vat in breakdown:
        rate = normalize_rate(rate)
        natures = [(p.nature, p.net.amount) for p in reference if normalize_rate(p.rate) == rate and p.net.is_positive]
        if len(natures) <= 1:
            result.append(VatPart(rate, natures[0][0] if natures else default, net, vat))
            continue
        weights = [w for _, w in natures]
        for (nature, _), n, v in zip(natures, net.split(weights), vat.split(weights), strict=True):
            result.append(VatPart(rate, nature, n, v))
    return tuple(result)


def parts_total(parts: Iterable[VatPart], currency: str) -> Money:
    return total((p.gross for p in parts), currency)


def share(parts: Sequence[VatPart], amount: Money) -> tuple[VatPart, ...]:
    """The content of a VAT-inclusive `amount` taken from a document with these parts.

    The gross is split across parts in proportion to their gross (exactly, largest remainder); in each part the
    net keeps the document's own net/gross ratio (half-up), the VAT is the rest. `share(parts, total)` == parts.
    """
    live = [p for p in parts if not p.gross.is_zero]
    if not live:
        raise InvalidSetting(reason=Reason.SPLIT_OF_ZERO_DOCUMENT)
    grosses = amount.split([p.gross.amount for p in live])
    result = []
    for part, gross in zip(live, grosses, strict=True):
        net = Money(
            round_to_currency(gross.amount * part.net.amount / part.gross.amount, amount.currency, HALF_UP),
            amount.currency,
        )
        result.append(VatPart(part.rate, part.nature, net, gross - net))
    return tuple(result)


def share_between(parts: Sequence[VatPart], before: Money, after: Money) -> tuple[VatPart, ...]:
    """What a payment moving the paid total from `before` to `after` settles, part by part.

    Taking differences of cumulative shares makes the payments of a document add up exactly to its parts,
    whatever the number of payments (the last one takes the rounding remainders).
    """
    low = {(p.rate, p.nature): p for p in share(parts, before)} if not before.is_zero else {}
    result = []
    for part in share(parts, after):
        prev = low.get((part.rate, part.nature))
        if prev is not None:
            part = VatPart(part.rate, part.nature, part.net - prev.net, part.vat - prev.vat)
        result.append(part)
    return tuple(result)


def subtract_parts(parts: Sequence[VatPart], minus: Iterable[VatPart]) -> tuple[VatPart, ...]:
    """Parts less other parts of the same (rate, nature) (what remains open after deductions)."""
    remaining = {(p.rate, p.nature): p for p in parts}
    for m in minus:
        key = (normalize_rate(m.rate), m.nature)
        base = remaining.get(key)
        if base is None:
            base = VatPart(key[0], m.nature, Money.zero(m.net.currency), Money.zero(m.net.currency))
        remaining[key] = VatPart(base.rate, base.nature, base.net - m.net, base.vat - m.vat)
    return tuple(p for p in remaining.values() if not (p.net.is_zero and p.vat.is_zero))
