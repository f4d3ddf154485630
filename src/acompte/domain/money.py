"""Exact money: a Decimal amount quantized to its currency's minor unit, and the arithmetic allowed on it.

Money is built one way (`Money.of` / `Money.parse`), never from a float. Arithmetic across currencies raises.
Every rounding names its mode: `ROUND_HALF_UP` is the project's rule (see docs/rounding.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from acompte.domain.errors import CurrencyMismatch, InvalidAmount, Reason, UnknownCurrency

# ISO 4217 minor units of the currencies a French business meets. Extend here, nowhere else.
MINOR_UNITS: dict[str, int] = {
    "EUR": 2,
    "USD": 2,
    "GBP": 2,
    "CHF": 2,
    "CAD": 2,
    "AUD": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "PLN": 2,
    "CZK": 2,
    "HUF": 2,
    "RON": 2,
    "MAD": 2,
    "TND": 3,
    "XOF": 0,
    "XPF": 0,
    "JPY": 0,
    "CNY": 2,
    "KWD": 3,
}

HALF_UP = ROUND_HALF_UP


def decimal_places(value: Decimal) -> int:
    """How many digits a finite decimal is written with after the point: 2 for 1.23, 0 for 12, -1 for 1.2E+2.
    NaN and infinities have none: TypeError."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, str):  # 'n', 'N' or 'F': the exponent of a NaN or an infinity
        raise TypeError(f"{value} is not a finite decimal")
    return -exponent


def minor_unit(currency: str) -> int:
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise UnknownCurrency(currency=currency) from None


@cache
def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_unit(currency))


def round_to_currency(value: Decimal, currency: str, rounding: str = HALF_UP) -> Decimal:
    return value.quantize(quantum(currency), rounding=rounding)


#: Minor units below which `from_minor` is exact without checking (the decimal context keeps 28 digits).
_TRUSTED = 10**18


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An exact amount in one currency. Always quantized to the currency's minor unit."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, Decimal) and self.amount.is_zero() and self.amount.is_signed():
            object.__setattr__(self, "amount", -self.amount)  # never show -0.00
        if not isinstance(self.amount, Decimal):
            raise InvalidAmount(value=self.amount, reason=Reason.NOT_A_DECIMAL)
        exponent = self.amount.as_tuple().exponent
        if not self.amount.is_finite() or exponent != -minor_unit(self.currency):
            raise InvalidAmount(value=str(self.amount), reason=Reason.NOT_QUANTIZED, currency=self.currency)

    # -- construction -------------------------------------------------------------------------------
    @classmethod
    def of(cls, value: Decimal | int | str, currency: str, rounding: str | None = None) -> Money:
        """Build from a Decimal, int or decimal string. Extra decimals raise unless a rounding is named."""
        if isinstance(value, float | bool):
            raise InvalidAmount(value=value, reason=Reason.FLOAT_REFUSED)
        try:
            number = Decimal(value) if not isinstance(value, Decimal) else value
        except (InvalidOperation, ValueError):
            raise InvalidAmount(value=value, reason=Reason.NOT_A_DECIMAL) from None
        if not number.is_finite():
            raise InvalidAmount(value=str(value), reason=Reason.NOT_FINITE)
        q = quantum(currency)
        if rounding is None:
            rounded = number.quantize(q, rounding=HALF_UP)
            if rounded != number:
                raise InvalidAmount(
                    value=str(value),
                    reason=Reason.TOO_MANY_DECIMALS,
                    places=minor_unit(currency),
                    currency=currency,
                )
            return cls(rounded, currency)
        return cls(number.quantize(q, rounding=rounding), currency)

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Parse user or API text: '1234.56', '1 234,56', '-3'. Strict on decimals."""
        if not isinstance(text, str):
            raise InvalidAmount(value=text, reason=Reason.TEXT_EXPECTED)
        cleaned = text.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        if "," in cleaned and "." not in cleaned:
            cleaned = cleaned.replace(",", ".")
        if not cleaned or not all(c in "0123456789.-+" for c in cleaned):
            raise InvalidAmount(value=text, reason=Reason.NOT_A_DECIMAL)
        return cls.of(cleaned, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        if cls is Money:
            return _zero(currency)  # immutable: one per currency will do (a ledger adds up tens of thousands)
        return cls(Decimal(0).quantize(quantum(currency)), currency)

    @classmethod
    def from_minor(cls, units: int, currency: str) -> Money:
        places = minor_unit(currency)
        if cls is Money and type(units) is int and -_TRUSTED < units < _TRUSTED:
            # exact by construction (an integer scaled by the minor unit, far below the context's precision), so
            # the checks of __post_init__ are skipped: ledgers read tens of thousands of amounts
            money = object.__new__(Money)
            object.__setattr__(money, "amount", Decimal(units).scaleb(-places))
            object.__setattr__(money, "currency", currency)
            return money
        return cls(Decimal(units).scaleb(-places).quantize(quantum(currency)), currency)

    # -- conversions --------------------------------------------------------------------------------
    @property
    def minor_units(self) -> int:
        return int(self.amount.scaleb(minor_unit(self.currency)))

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    # -- arithmetic ---------------------------------------------------------------------------------
    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(left=self.currency, right=other.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def times(self, factor: Decimal | int, rounding: str = HALF_UP) -> Money:
        """Multiply by an exact factor and round once, with the named mode."""
        if isinstance(factor, float):
            raise InvalidAmount(value=factor, reason=Reason.FLOAT_REFUSED)
        return Money(round_to_currency(self.amount * Decimal(factor), self.currency, rounding), self.currency)

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    @property
    def is_positive(self) -> bool:
        return self.amount > 0

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    def min(self, other: Money) -> Money:
        return self if self <= other else other

    def max(self, other: Money) -> Money:
        return self if self >= other else other

    def split(self, weights: Sequence[Decimal | int]) -> tuple[Money, ...]:
        """Split into parts proportional to `weights` that sum exactly to self (largest remainder).

        Ties on the remainder go to the earliest part, so the split is deterministic.
        """
        if not weights:
            raise ValueError("split needs at least one weight")
        total_weight = sum((Decimal(w) for w in weights), Decimal(0))
        units = self.minor_units
        if total_weight == 0:
            shares = [Decimal(0)] * len(weights)
            shares[0] = Decimal(units)
        else:
            shares = [Decimal(units) * Decimal(w) / total_weight for w in weights]
        floors = [int(s.to_integral_value(rounding="ROUND_FLOOR")) for s in shares]
        left = units - sum(floors)
        order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - floors[i]), i))
        step = 1 if left >= 0 else -1
        for i in order[: abs(left)]:
            floors[i] += step
        return tuple(Money.from_minor(u, self.currency) for u in floors)


@cache
def _zero(currency: str) -> Money:
    return Money(Decimal(0).quantize(quantum(currency)), currency)


def total(amounts: Iterable[Money], currency: str) -> Money:
    """Sum of amounts in one currency (zero for none)."""
    zero = Money.zero(currency)
    amount_sum = zero.amount
    for amount in amounts:
        zero._same(amount)  # what `+` checks, without a Money per step (ledgers sum tens of thousands)
        amount_sum += amount.amount
    return Money(amount_sum, currency)
