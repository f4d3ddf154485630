"""The bounded searches: documents adding up exactly to a line, card payments covered by a settlement."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from acompte.domain.banking.subsets import (
    MAX_CARD_FEE_RATE,
    MAX_ITEMS,
    MAX_SIZE,
    WIDE_ITEMS,
    WIDE_SIZE,
    card_settlement,
    exact_subset,
    wide_subset,
)

amounts = st.lists(st.integers(min_value=1, max_value=500_000), min_size=0, max_size=20)


@given(amounts, st.integers(min_value=1, max_value=2_000_000))
def test_a_subset_found_adds_up_exactly(values, target):
    items = list(enumerate(values))
    found = exact_subset(target, items)
    if found is not None:
        assert len(found) >= 2 and len(set(found)) == len(found)
        assert sum(values[i] for i in found) == target


@given(
    st.lists(st.integers(min_value=1, max_value=500_000), min_size=2, max_size=MAX_ITEMS),
    st.data(),
)
def test_a_planted_subset_within_the_bounds_is_found(values, data):
    size = data.draw(st.integers(min_value=2, max_value=min(MAX_SIZE, len(values))))
    planted = data.draw(st.lists(st.sampled_from(range(len(values))), min_size=size, max_size=size, unique=True))
    target = sum(values[i] for i in planted)
    found = exact_subset(target, list(enumerate(values)))
    assert found is not None and sum(values[i] for i in found) == target


def test_the_search_is_deterministic_and_prefers_fewest_items():
    items = [("a", 100), ("b", 200), ("c", 300), ("d", 50), ("e", 250)]
    assert exact_subset(300, items) == ("a", "b")  # before ("d", "e"): the items' order decides
    assert exact_subset(350, items) == ("a", "e")
    assert exact_subset(600, items) == ("a", "b", "c")  # no pair of them makes 600
    assert exact_subset(10_000, items) is None


def test_items_beyond_the_cap_are_not_read():
    items = [(i, 1) for i in range(MAX_ITEMS)] + [("late", 7), ("later", 9)]
    assert exact_subset(16, items) is None


on = date(2026, 12, 10)


@given(
    st.lists(st.integers(min_value=100, max_value=100_000), min_size=2, max_size=6),
    st.integers(min_value=0, max_value=500),  # fee in hundredths of a percent: 0 % to 5 %
)
def test_a_card_settlement_covers_its_payments_less_a_bounded_fee(values, basis_points):
    covered = sum(values)
    fee = covered * basis_points // 10_000
    payments = [(i, on - timedelta(days=1), v) for i, v in enumerate(values)]
    found = card_settlement(covered - fee, on, payments)
    assert found is not None
    _keys, total, kept = found
    assert total - kept == covered - fee and 0 <= kept <= MAX_CARD_FEE_RATE * total


def test_a_fee_above_the_cap_or_below_zero_is_no_settlement():
    payments = [(1, on, 10_000), (2, on, 20_000)]
    assert card_settlement(30_001, on, payments) is None
    assert card_settlement(int(30_000 * (1 - Decimal("0.051"))), on, payments) is None
    assert card_settlement(29_640, on, payments) == ((1, 2), 30_000, 360)


def test_the_run_of_days_with_the_smallest_fee_is_chosen():
    payments = [(1, on - timedelta(days=2), 5_000), (2, on - timedelta(days=1), 10_000), (3, on, 10_000)]
    assert card_settlement(19_800, on, payments) == ((2, 3), 20_000, 200)
    assert card_settlement(10_000, on, [(1, on - timedelta(days=30), 10_100)]) is None


def _every_combination(target, items):  # type: ignore[no-untyped-def]
    """The search as its contract says it, trying every combination in order: what the bounded one must give."""
    from itertools import combinations

    pool = [(key, amount) for key, amount in items if amount > 0][:MAX_ITEMS]
    if target <= 0:
        return None
    for size in range(2, min(MAX_SIZE, len(pool)) + 1):
        for combo in combinations(pool, size):
            if sum(amount for _key, amount in combo) == target:
                return tuple(key for key, _amount in combo)
    return None


@given(
    st.lists(st.integers(min_value=-5, max_value=60), min_size=0, max_size=MAX_ITEMS + 2),
    st.integers(min_value=-1, max_value=250),
)
def test_the_subset_found_is_the_first_of_the_fewest_items_in_the_items_order(values, target):
    # small amounts: many combinations add up to the same target, so the order of the answer is tested
    items = list(enumerate(values))
    assert exact_subset(target, items) == _every_combination(target, items)


def _every_run_of_days(received, payments, one_day=False):  # type: ignore[no-untyped-def]
    recent = sorted(((k, d, a) for k, d, a in payments if 0 <= (on - d).days <= 10 and a > 0), key=lambda p: p[1])
    days = sorted({d for _k, d, _a in recent})
    best = None
    for i, first in enumerate(days):
        if one_day and first == on:
            continue
        for last in days[i : i + 1] if one_day else days[i:]:
            chosen = [(k, a) for k, d, a in recent if first <= d <= last]
            covered = sum(a for _k, a in chosen)
            fee = covered - received
            if fee < 0 or Decimal(fee) > MAX_CARD_FEE_RATE * covered or (len(chosen) == 1 and fee == 0):
                continue
            rank = (-first.toordinal(), fee, 0) if one_day else (fee, -last.toordinal(), -first.toordinal())
            if best is None or rank < best[:3]:
                best = (*rank, tuple(k for k, _a in chosen), covered)
    return None if best is None else (best[3], best[4], best[4] - received)


@given(
    st.lists(st.tuples(st.integers(min_value=0, max_value=14), st.integers(min_value=0, max_value=3_000)), max_size=12),
    st.integers(min_value=-10, max_value=12_000),
)
def test_the_card_settlement_is_the_run_of_days_with_the_smallest_fee_then_the_latest(payments, received):
    dated = [(i, on - timedelta(days=days), amount) for i, (days, amount) in enumerate(payments)]
    assert card_settlement(received, on, dated) == _every_run_of_days(received, dated)


@given(
    st.lists(st.tuples(st.integers(min_value=0, max_value=14), st.integers(min_value=0, max_value=3_000)), max_size=12),
    st.integers(min_value=-10, max_value=12_000),
)
def test_a_one_day_settlement_is_the_latest_day_before_with_a_plausible_fee(payments, received):
    dated = [(i, on - timedelta(days=days), amount) for i, (days, amount) in enumerate(payments)]
    assert card_settlement(received, on, dated, one_day=True) == _every_run_of_days(received, dated, one_day=True)


def test_a_one_day_settlement_takes_every_payment_of_its_day_even_when_another_run_keeps_a_smaller_fee():
    payments = [
        (1, on - timedelta(days=3), 5_950),
        (2, on - timedelta(days=2), 4_000),
        (3, on - timedelta(days=1), 6_000),
        (4, on - timedelta(days=1), 4_000),
    ]
    # 9 880 is the day before (10 000) less 1.2 %, and the two days before it (9 950) less 70
    assert card_settlement(9_880, on, payments) == ((1, 2), 9_950, 70)
    assert card_settlement(9_880, on, payments, one_day=True) == ((3, 4), 10_000, 120)
    assert card_settlement(19_800, on, payments, one_day=True) is None


def _every_small_combination(target, items):  # type: ignore[no-untyped-def]
    from itertools import combinations

    pool = [(key, amount) for key, amount in items if amount > 0][:WIDE_ITEMS]
    if target <= 0:
        return None
    for size in range(2, WIDE_SIZE + 1):
        for combo in combinations(pool, size):
            if sum(amount for _key, amount in combo) == target:
                return tuple(key for key, _amount in combo)
    return None


@given(
    st.lists(st.integers(min_value=-5, max_value=80), min_size=0, max_size=WIDE_ITEMS + 4),
    st.integers(min_value=-1, max_value=250),
)
def test_the_wider_search_gives_the_first_pair_or_triple_in_the_items_order(values, target):
    # small amounts repeat: the first of several combinations adding up is the one the order says
    items = list(enumerate(values))
    assert wide_subset(target, items) == _every_small_combination(target, items)


@given(st.lists(st.integers(min_value=1, max_value=500_000), min_size=3, max_size=WIDE_ITEMS), st.data())
def test_three_documents_beyond_the_oldest_are_found(values, data):
    chosen = sorted(data.draw(st.sets(st.integers(min_value=0, max_value=len(values) - 1), min_size=3, max_size=3)))
    found = wide_subset(sum(values[i] for i in chosen), list(enumerate(values)))
    assert found is not None and 2 <= len(found) <= 3 and len(set(found)) == len(found)
    assert sum(values[i] for i in found) == sum(values[i] for i in chosen)
