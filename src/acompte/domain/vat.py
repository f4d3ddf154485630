"""VAT rates and the one rounding rule for document totals.

The rule (DESIGN §3.1, docs/rounding.md): each line's net amount is rounded half-up to the minor unit; VAT is
computed per rate on the *sum* of the document's line nets for that rate and rounded half-up once. A company
may choose per-line rounding instead (VAT rounded on each line, then summed) — the two may differ by a cent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from acompte.domain.errors import InvalidVatRate
from acompte.domain.money import HALF_UP, Money, round_to_currency, total

HUNDRED = Decimal(100)

#: The French rates a new company starts with (CGI art. 278 to 281 nonies).
FRENCH_RATES: tuple[Decimal, ...] = (Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1"), Decimal("0"))


class VatRounding(StrEnum):
    PER_RATE = "per_rate"
    PER_LINE = "per_line"


def normalize_rate(rate: Decimal | str | int) -> Decimal:
    """A rate as a canonical Decimal percentage ('20.0' and '20' are the same rate)."""
    value = Decimal(str(rate)) if not isinstance(rate, Decimal) else rate
    if not value.is_finite() or value < 0 or value >= HUNDRED:
        raise InvalidVatRate(rate=value)
    return value.normalize() if value != 0 else Decimal(0)


def check_rate(rate: Decimal, allowed: Iterable[Decimal]) -> Decimal:
    normalized = normalize_rate(rate)
    if normalized not in {normalize_rate(r) for r in allowed}:
        raise InvalidVatRate(rate=rate)
    return normalized


@dataclass(frozen=True, slots=True)
class VatLine:
    """The VAT of one rate in a document: the base (net), the VAT amount and the gross."""

    rate: Decimal
    net: Money
    vat: Money

    @property
    def gross(self) -> Money:
        return self.net + self.vat


@dataclass(frozen=True, slots=True)
class Totals:
    """Net (HT), VAT per rate and gross (TTC) of a document."""

    currency: str
    breakdown: tuple[VatLine, ...]

    @property
    def net(self) -> Money:
        return total((b.net for b in self.breakdown), self.currency)

    @property
    def vat(self) -> Money:
        return total((b.vat for b in self.breakdown), self.currency)

    @property
    def gross(self) -> Money:
        return self.net + self.vat

    def gross_by_rate(self) -> dict[Decimal, Money]:
        return {b.rate: b.gross for b in self.breakdown}


def vat_of(net: Money, rate: Decimal) -> Money:
    return Money(round_to_currency(net.amount * rate / HUNDRED, net.currency, HALF_UP), net.currency)


def compute_totals(
    nets_and_rates: Iterable[tuple[Money, Decimal]],
    currency: str,
    rounding: VatRounding = VatRounding.PER_RATE,
) -> Totals:
    """Totals of a document from its (rounded line net, rate) pairs, ordered by descending rate."""
    nets: dict[Decimal, Money] = {}
    vats: dict[Decimal, Money] = {}
    for net, rate in nets_and_rates:
        key = normalize_rate(rate)
        nets[key] = nets.get(key, Money.zero(currency)) + net
        if rounding is VatRounding.PER_LINE:
            vats[key] = vats.get(key, Money.zero(currency)) + vat_of(net, key)
    breakdown = []
    for rate in sorted(nets, reverse=True):
        vat = vats[rate] if rounding is VatRounding.PER_LINE else vat_of(nets[rate], rate)
        breakdown.append(VatLine(rate=rate, net=nets[rate], vat=vat))
    return Totals(currency=currency, breakdown=tuple(breakdown))


def split_gross_by_rate(gross: Money, weights: dict[Decimal, Money]) -> tuple[VatLine, ...]:
    """Split a VAT-inclusive amount across rates in proportion to `weights` (gross per rate).

    Used for deposits: the gross typed by the user is kept exactly; each part's VAT is taken out of its gross
    (net = gross / (1 + rate), half-up) so that net + VAT always equals the part.
    """
    rates = sorted(weights, reverse=True)
    parts: tuple[Money, ...]
    if not rates:
        rates = [Decimal(0)]
        parts = (gross,)
    else:
        parts = gross.split([weights[r].amount for r in rates])
    lines = []
    for rate, part in zip(rates, parts, strict=True):
        net = Money(round_to_currency(part.amount * HUNDRED / (HUNDRED + rate), part.currency, HALF_UP), part.currency)
        lines.append(VatLine(rate=rate, net=net, vat=part - net))
    return tuple(lines)
