"""Bounded searches over amounts, in minor units: the open documents of one party whose balances add up exactly
to a bank line, and the card payments of a few days that a card settlement covers less the bank's fee.

Both are bounded (items read, size of a combination, combinations tried) and deterministic: the same facts in
the same order give the same answer, and a bank line costs the same whatever the party's history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from itertools import combinations
from typing import TypeVar

K = TypeVar("K")

#: How many of a party's open documents a combination is taken from (the oldest due first).
MAX_ITEMS = 14
#: How many documents one combination holds at most.
MAX_SIZE = 5
#: How many combinations are tried at most for one line and one party.
MAX_COMBINATIONS = 10_000

#: The highest fee a card settlement may keep, as a share of the card payments it covers: 5 %. Card
#: commissions in France run from about 0.2 % to 3 %; above this the line is something else.
MAX_CARD_FEE_RATE = Decimal("0.05")
#: How many days before the settlement line the card payments it covers may be.
CARD_WINDOW_DAYS = 10


def exact_subset(
    target: int,
    items: Sequence[tuple[K, int]],
    *,
    max_items: int = MAX_ITEMS,
    max_size: int = MAX_SIZE,
    max_combinations: int = MAX_COMBINATIONS,
) -> tuple[K, ...] | None:
    """Two items or more among the first `max_items` (positive amounts) whose amounts add up to `target`: the
    fewest items first, then the first combination in the items' order; None when no combination within the
    bounds does."""
    pool = [(key, amount) for key, amount in items if amount > 0][:max_items]
    if target <= 0 or len(pool) < 2:
        return None
    tried = 0
    for size in range(2, min(max_size, len(pool)) + 1):
        for combo in combinations(pool, size):
            tried += 1
            if tried > max_combinations:
                return None
            if sum(amount for _key, amount in combo) == target:
                return tuple(key for key, _amount in combo)
    return None


def card_settlement(
    received: int,
    on: date,
    payments: Sequence[tuple[K, date, int]],
    *,
    max_fee_rate: Decimal = MAX_CARD_FEE_RATE,
    window_days: int = CARD_WINDOW_DAYS,
) -> tuple[tuple[K, ...], int, int] | None:
    """The card payments of consecutive days (all those of each day, in the `window_days` before `on`) whose sum
    less `received` is a fee between 0 and `max_fee_rate` of that sum: (keys, sum, fee), the smallest fee first,
    then the latest days. None when no run of days fits, or when it is a single payment without a fee (that is a
    payment's exact amount, proposed as such)."""
    if received <= 0:
        return None
    recent = sorted(
        ((key, day, amount) for key, day, amount in payments if 0 <= (on - day).days <= window_days and amount > 0),
        key=lambda p: p[1],
    )
    days = sorted({day for _key, day, _amount in recent})
    best: tuple[int, int, int, tuple[K, ...], int] | None = None
    for i, first in enumerate(days):
        for last in days[i:]:
            chosen = [(key, amount) for key, day, amount in recent if first <= day <= last]
            covered = sum(amount for _key, amount in chosen)
            fee = covered - received
            if fee < 0 or Decimal(fee) > max_fee_rate * covered:
                continue
            if len(chosen) == 1 and fee == 0:
                continue
            rank = (fee, -last.toordinal(), -first.toordinal())
            if best is None or rank < best[:3]:
                best = (*rank, tuple(key for key, _amount in chosen), covered)
    if best is None:
        return None
    fee, _last, _first, keys, covered = best
    return keys, covered, fee
