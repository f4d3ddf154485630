"""Bounded searches over amounts, in minor units: the open documents of one party whose balances add up exactly
to a bank line, and the card payments of a few days that a card settlement covers less the bank's fee.

Both are bounded (items read, size of a combination, combinations tried) and deterministic: the same facts in
the same order give the same answer, and a bank line costs the same whatever the party's history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from itertools import combinations
from math import comb
from typing import TypeVar

K = TypeVar("K")

#: How many of a party's open documents a combination is taken from (the oldest due first).
MAX_ITEMS = 14
#: How many documents one combination holds at most.
MAX_SIZE = 5
#: How many combinations are tried at most for one line and one party.
MAX_COMBINATIONS = 10_000

#: How many of a party's open documents the wider search takes two or three from, when the first found none.
WIDE_ITEMS = 64
#: How many documents a combination of the wider search holds at most.
WIDE_SIZE = 3

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
    sizes = range(2, min(max_size, len(pool)) + 1)
    if sum(comb(len(pool), size) for size in sizes) > max_combinations:
        return _first_within(target, pool, sizes, max_combinations)
    # Every combination can be tried: a size is searched only when sums of fewer items say it may add up (most
    # lines are paid by no combination, and trying them all costs a few thousand sums a line).
    reach = _Reach([amount for _key, amount in pool])
    for size in sizes:
        if reach.may_add_up(target, size):
            for combo in combinations(pool, size):
                if sum(amount for _key, amount in combo) == target:
                    return tuple(key for key, _amount in combo)
    return None


def _first_within(
    target: int, pool: Sequence[tuple[K, int]], sizes: range, max_combinations: int
) -> tuple[K, ...] | None:
    tried = 0
    for size in sizes:
        for combo in combinations(pool, size):
            tried += 1
            if tried > max_combinations:
                return None
            if sum(amount for _key, amount in combo) == target:
                return tuple(key for key, _amount in combo)
    return None


class _Reach:
    """The sums of one, two and three of the amounts (an item may count twice: a sum found here is only
    possible, one not found is impossible), to rule out the sizes no combination of which adds up."""

    def __init__(self, amounts: Sequence[int]) -> None:
        self.amounts = amounts
        self.ordered = sorted(amounts)
        self.ones = frozenset(amounts)
        self._twos: frozenset[int] | None = None
        self._threes: frozenset[int] | None = None

    @property
    def twos(self) -> frozenset[int]:
        if self._twos is None:
            self._twos = frozenset(a + b for a, b in combinations(self.amounts, 2))
        return self._twos

    @property
    def threes(self) -> frozenset[int]:
        if self._threes is None:
            self._threes = frozenset(a + b + c for a, b, c in combinations(self.amounts, 3))
        return self._threes

    def may_add_up(self, target: int, size: int) -> bool:
        if sum(self.ordered[:size]) > target or sum(self.ordered[-size:]) < target:
            return False
        if size == 2:
            return any(target - a in self.ones for a in self.amounts)
        if size == 3:
            return any(target - s in self.ones for s in self.twos)
        if size == 4:
            return any(target - s in self.twos for s in self.twos)
        if size == 5:
            return any(target - s in self.twos for s in self.threes)
        return True


def wide_subset(target: int, items: Sequence[tuple[K, int]], *, max_items: int = WIDE_ITEMS) -> tuple[K, ...] | None:
    """Two or three items among the first `max_items` (positive amounts) whose amounts add up to `target`: two
    before three, then the first combination in the items' order; None when none does. A party paying several
    invoices at once may pay any of its open ones, not only its oldest. The amounts are indexed by value, so
    three items cost a look-up per pair of the first two, and pairs already above the target are not tried."""
    pool = [(key, amount) for key, amount in items if amount > 0][:max_items]
    if target <= 0 or len(pool) < 2:
        return None
    amounts = [amount for _key, amount in pool]
    last: dict[int, int] = {}  # each amount's last position: a later one exists when it is past the others
    for i, amount in enumerate(amounts):
        last[amount] = i
    found = _wide(target, amounts, last)
    return None if found is None else tuple(pool[i][0] for i in found)


def _wide(target: int, amounts: Sequence[int], last: dict[int, int]) -> tuple[int, ...] | None:
    n = len(amounts)
    for i, amount in enumerate(amounts):
        if last.get(target - amount, -1) > i:
            return (i, _next(amounts, target - amount, i))
    if n < 3 or sum(sorted(amounts)[:3]) > target:
        return None
    for i in range(n - 2):
        left = target - amounts[i]
        if left <= 0:
            continue
        for j in range(i + 1, n - 1):
            rest = left - amounts[j]
            if rest > 0 and last.get(rest, -1) > j:
                return (i, j, _next(amounts, rest, j))
    return None


def _next(amounts: Sequence[int], amount: int, after: int) -> int:
    return next(k for k in range(after + 1, len(amounts)) if amounts[k] == amount)


def card_settlement(
    received: int,
    on: date,
    payments: Sequence[tuple[K, date, int]],
    *,
    max_fee_rate: Decimal = MAX_CARD_FEE_RATE,
    window_days: int = CARD_WINDOW_DAYS,
    one_day: bool = False,
) -> tuple[tuple[K, ...], int, int] | None:
    """The card payments of consecutive days (all those of each day, in the `window_days` before `on`) whose sum
    less `received` is a fee between 0 and `max_fee_rate` of that sum: (keys, sum, fee), the smallest fee first,
    then the latest days. None when no run of days fits, or when it is a single payment without a fee (that is a
    payment's exact amount, proposed as such). With `one_day`, a single day before `on`, the latest
    first, then the smallest fee: a terminal's daily remittance is credited a business day or two after the day
    it covers, at the acquirer's commission (a fixed rate, not the smallest one that fits)."""
    if received <= 0:
        return None
    recent = sorted(
        ((key, day, amount) for key, day, amount in payments if 0 <= (on - day).days <= window_days and amount > 0),
        key=lambda p: p[1],
    )
    # The days, and what the days up to each one hold (sum, count): a run of days is the difference of two.
    days: list[date] = []
    summed, counted = [0], [0]
    for _key, day, amount in recent:
        if not days or days[-1] != day:
            days.append(day)
            summed.append(summed[-1])
            counted.append(counted[-1])
        summed[-1] += amount
        counted[-1] += 1
    best: tuple[int, int, int, int, int] | None = None  # (rank, i, j)
    for i, first in enumerate(days):
        if one_day and first == on:
            continue
        for j in range(i, i + 1 if one_day else len(days)):
            covered = summed[j + 1] - summed[i]
            fee = covered - received
            if fee < 0 or Decimal(fee) > max_fee_rate * covered:
                continue
            if counted[j + 1] - counted[i] == 1 and fee == 0:
                continue
            rank = (-first.toordinal(), fee, 0) if one_day else (fee, -days[j].toordinal(), -first.toordinal())
            if best is None or rank < best[:3]:
                best = (*rank, i, j)
    if best is None:
        return None
    i, j = best[3], best[4]
    keys = tuple(key for key, day, _amount in recent if days[i] <= day <= days[j])
    return keys, summed[j + 1] - summed[i], summed[j + 1] - summed[i] - received
