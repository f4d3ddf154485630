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

from acompte.domain.addresses import EU_MEMBER_STATES
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


# -- VAT regimes, categories and exemption reasons (EN 16931 BT-118/151, BT-120, BT-121) ----------------------


class VatRegime(StrEnum):
    """How a sale is taxed, chosen per customer (or derived from its country and VAT number: `default_regime`).

    It decides the category of the lines at 0 % and the mention printed; a line at a positive rate is taxed
    (category S) whatever the regime."""

    DOMESTIC = "domestic"  # French VAT
    INTRA_EU = "intra_eu"  # to a business in another member state: goods K (art. 262 ter I), services AE
    EXPORT = "export"  # outside the EU: goods G (art. 262 I), services outside the scope (art. 259-1)
    REVERSE_CHARGE = "reverse_charge"  # the buyer pays the VAT (e.g. construction subcontracting, art. 283-2 nonies)
    EXEMPT = "exempt"  # exempt, for the reason the user gives (art. 261 CGI…): category E


class VatCategory(StrEnum):
    STANDARD = "S"
    ZERO = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    INTRA_EU = "K"
    EXPORT = "G"


#: The exemption reason codes of EN 16931 (code list VATEX, as the CEN 1.3.16 rules accept it, BR-CL-22).
VATEX_CODES = frozenset(
    {
        "VATEX-EU-79-C", "VATEX-EU-132", *(f"VATEX-EU-132-1{c}" for c in "ABCDEFGHIJKLMNOPQ"), "VATEX-EU-135-1",
        "VATEX-EU-143", *(f"VATEX-EU-143-1{c}" for c in ("A", "B", "C", "D", "E", "F", "FA", "G", "H", "I", "J", "K",
        "L")), "VATEX-EU-144", "VATEX-EU-146-1E", "VATEX-EU-148", *(f"VATEX-EU-148-{c}" for c in "ABCDEFG"),
        "VATEX-EU-151", *(f"VATEX-EU-151-1{c}" for c in ("A", "AA", "B", "C", "D", "E")), "VATEX-EU-153",
        "VATEX-EU-159", "VATEX-EU-309", "VATEX-EU-AE", "VATEX-EU-D", "VATEX-EU-F", "VATEX-EU-G", "VATEX-EU-I",
        "VATEX-EU-IC", "VATEX-EU-J", "VATEX-EU-O", "VATEX-FR-298SEXDECIESA", "VATEX-FR-AE",
        *(f"VATEX-FR-CGI261-{n}" for n in "1234578"), "VATEX-FR-CGI261A", "VATEX-FR-CGI261B",
        *(f"VATEX-FR-CGI261C-{n}" for n in "123"), *(f"VATEX-FR-CGI261D-{n}" for n in ("1", "1BIS", "2", "3", "4")),
        "VATEX-FR-CGI261E-1", "VATEX-FR-CGI261E-2", "VATEX-FR-CGI275", "VATEX-FR-CGI277A", "VATEX-FR-CGI295",
        "VATEX-FR-CNWVAT", "VATEX-FR-FRANCHISE",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class VatTreatment:
    """The category of a line or of a VAT breakdown, with the exemption reason (BT-120 text, BT-121 code) that
    is also the mention printed on the invoice (CGI ann. II art. 242 nonies A, I-13°)."""

    category: VatCategory
    reason_code: str = ""
    reason: str = ""


TAXED = VatTreatment(VatCategory.STANDARD)
ZERO_RATED = VatTreatment(VatCategory.ZERO)
INTRA_EU_GOODS = VatTreatment(VatCategory.INTRA_EU, "VATEX-EU-IC", "Exonération de TVA, article 262 ter I du CGI")
EXPORT_GOODS = VatTreatment(VatCategory.EXPORT, "VATEX-EU-G", "Exonération de TVA, article 262 I du CGI")
EXPORT_SERVICES = VatTreatment(VatCategory.EXPORT, "VATEX-EU-G", "TVA non applicable, article 259-1 du CGI")
REVERSE_CHARGE = VatTreatment(VatCategory.REVERSE_CHARGE, "VATEX-EU-AE", "Autoliquidation")


def default_regime(country: str, vat_number: str, home: str = "FR") -> VatRegime:
    """The regime a customer gets unless one is chosen: French VAT at home and for a consumer elsewhere in the
    EU; an intra-community supply to a business of another member state (it has a VAT number); an export
    outside the EU."""
    country = (country or home).upper()
    if country == home:
        return VatRegime.DOMESTIC
    if country in EU_MEMBER_STATES:
        return VatRegime.INTRA_EU if vat_number else VatRegime.DOMESTIC
    return VatRegime.EXPORT


def treatment(
    regime: VatRegime, rate: Decimal, *, services: bool, exemption: VatTreatment | None = None
) -> VatTreatment:
    """The category and exemption reason of a line at `rate` under `regime`. `exemption`: the reason the user
    chose, for the exempt regime (its category is E), or replacing the legal wording of the others."""
    if rate > 0:
        return TAXED
    if regime is VatRegime.EXEMPT:
        reason = exemption or VatTreatment(VatCategory.EXEMPT)
        return VatTreatment(VatCategory.EXEMPT, reason.reason_code, reason.reason)
    base = {
        VatRegime.INTRA_EU: REVERSE_CHARGE if services else INTRA_EU_GOODS,
        VatRegime.EXPORT: EXPORT_SERVICES if services else EXPORT_GOODS,
        VatRegime.REVERSE_CHARGE: REVERSE_CHARGE,
    }.get(regime, ZERO_RATED)
    if exemption is not None and base is not ZERO_RATED and (exemption.reason or exemption.reason_code):
        return VatTreatment(base.category, exemption.reason_code or base.reason_code, exemption.reason or base.reason)
    return base
