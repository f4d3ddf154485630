"""The aged balance: what is due on invoices, per party, by age of each instalment, beside the credits in hand
not yet used.

Summed by the database (`uow.figures`, services/ports/figures.py) from the facts the document lists read: an
open invoice without payment terms is one instalment, due on its due date (or its date), so its age class is a
GROUP BY, and the database answers one row per party with its amounts by age class and what it holds; only
invoices carrying payment terms are read one by one, for the domain to split them into their instalments
(`terms.open_instalments`, the rule the party account follows). The dashboard reads the same sums over every
party (`aged_detail`): one row per age class, not per party. A few statements whatever the size of the company,
none carrying a list of ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from acompte.domain.accounts import AgeBucket, Aged, Instalment, bucket_of
from acompte.domain.credits import direction_of
from acompte.domain.dates import DateField, check_optional
from acompte.domain.documents import Flow
from acompte.domain.money import Money
from acompte.services.accounts.terms import open_instalments
from acompte.services.accounts.views import AgedBalanceView, AgedRow
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.ports.figures import (
    AGE_CLASSES,
    DUE_TODAY,
    HELD_PAYMENT,
    LATE_1_30,
    LATE_31_60,
    LATE_61_90,
    LATE_OVER_90,
    NOT_YET_DUE,
    AgedParty,
    AgeTally,
    HeldTally,
    OpenDocument,
)

#: The aged balance's bucket of each age class the database answers.
BUCKET_OF_AGE = {
    NOT_YET_DUE: AgeBucket.NOT_DUE,
    DUE_TODAY: AgeBucket.NOT_DUE,
    LATE_1_30: AgeBucket.DAYS_1_30,
    LATE_31_60: AgeBucket.DAYS_31_60,
    LATE_61_90: AgeBucket.DAYS_61_90,
    LATE_OVER_90: AgeBucket.OVER_90,
}
BUCKETS = tuple(AgeBucket)
#: Each age class's place in `BUCKETS`.
_PLACE = {age: BUCKETS.index(BUCKET_OF_AGE[age]) for age in AGE_CLASSES}
_PLACE_OF_BUCKET = {bucket: place for place, bucket in enumerate(BUCKETS)}

Scheduled = tuple[tuple[OpenDocument, tuple[Instalment, ...]], ...]


def aged_balance(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    party_id: int | None = None,
    flow: Flow = Flow.SALE,
    as_of: date | None = None,
    currency: str | None = None,
) -> AgedBalanceView:
    """What is due on invoices, per party, by age of each instalment: not yet due, 1–30, 31–60, 61–90 and over
    90 days past due; beside it, the credits in hand not yet used. For one party or for all."""
    check_optional(as_of, DateField.AS_OF)
    as_of = as_of or uow.clock.today()
    with uow:
        company, figures = ctx.company_id, uow.figures
        currency = currency or uow.companies.currency(company)
        found = figures.aged_by_party(
            company,
            flow=flow.value,
            direction=direction_of(flow).value,
            currency=currency,
            as_of=as_of,
            party_id=party_id,
        )
        parties = {p.party_id: p for p in found}
        scheduled: dict[int, tuple[str, list[int]]] = {}
        for d, instalments in _scheduled(uow, ctx, flow=flow, currency=currency, party_id=party_id):
            buckets = scheduled.setdefault(d.party_id, (d.party_name, [0] * len(BUCKETS)))[1]
            _add_due(buckets, instalments, as_of)
        for pid, (name, buckets) in scheduled.items():
            p = parties.get(pid)
            owed = buckets if p is None else [a + b for a, b in zip(p.owed, buckets, strict=True)]
            parties[pid] = AgedParty(pid, name if p is None else p.party_name, tuple(owed), 0 if p is None else p.held)
        # Most buckets of most parties are empty: their (bucket, zero) pairs are shared (immutable), which spares
        # building and garbage-collecting some 100 000 objects for a company of 20 000 parties.
        zero = Money.zero(currency)
        empty = tuple((b, zero) for b in BUCKETS)

        def money(minor: int) -> Money:
            return Money.from_minor(minor, currency) if minor else zero

        rows = []
        for p in sorted(parties.values(), key=lambda p: (p.party_name.lower(), p.party_id)):
            amounts = empty
            if any(p.owed):
                amounts = tuple(
                    (bucket, money(minor)) if minor else pair
                    for bucket, pair, minor in zip(BUCKETS, empty, p.owed, strict=True)
                )
            rows.append(AgedRow(p.party_id, p.party_name, Aged(currency, amounts), money(p.held)))
        summed = [sum(column) for column in zip(*(p.owed for p in parties.values()), strict=True)] or [0] * len(BUCKETS)
        return AgedBalanceView(
            flow=flow.value,
            currency=currency,
            as_of=as_of,
            rows=tuple(rows),
            totals=_aged(summed, currency),
            unapplied_credits=Money.from_minor(sum(p.held for p in parties.values()), currency),
        )


@dataclass(frozen=True, slots=True)
class AgedDetail:
    """The aged balance's totals over every party, with what they were summed from: the open invoices without
    terms by age class, each invoice with payment terms with its instalments, the credits in hand (the
    dashboard's overdue list and credit figures read them)."""

    totals: Aged
    unapplied_credits: Money
    sums: tuple[AgeTally, ...]
    scheduled: Scheduled
    payments_held: tuple[HeldTally, ...]
    #: the first open documents without terms due before `due_before`, oldest due first
    oldest_due: tuple[OpenDocument, ...] = ()


def aged_detail(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    flow: Flow = Flow.SALE,
    as_of: date | None = None,
    currency: str | None = None,
    due_before: date,
    due_limit: int = 0,
) -> AgedDetail:
    """The whole company's aged balance totals and the sums and instalments behind them, read once, with the
    first `due_limit` open documents without terms due before `due_before` in the same read. Its totals are
    those of `aged_balance`'s view."""
    check_optional(as_of, DateField.AS_OF)
    as_of = as_of or uow.clock.today()
    with uow:
        company, figures = ctx.company_id, uow.figures
        currency = currency or uow.companies.currency(company)
        sums, oldest_due = figures.aged_by_age_and_oldest_due(
            company, flow=flow.value, currency=currency, as_of=as_of, before=due_before, limit=due_limit
        )
        scheduled = _scheduled(uow, ctx, flow=flow, currency=currency, party_id=None)
        held = figures.held_by_use(company, flow=flow.value, direction=direction_of(flow).value, currency=currency)
        summed = [0] * len(BUCKETS)
        for s in sums:
            summed[_PLACE[s.age]] += s.minor
        for _, instalments in scheduled:
            _add_due(summed, instalments, as_of)
        return AgedDetail(
            totals=_aged(summed, currency),
            unapplied_credits=Money.from_minor(sum(h.minor for h in held), currency),
            sums=tuple(sums),
            scheduled=scheduled,
            payments_held=tuple(h for h in held if h.source == HELD_PAYMENT),
            oldest_due=tuple(oldest_due),
        )


def _scheduled(uow: UnitOfWork, ctx: Ctx, *, flow: Flow, currency: str, party_id: int | None) -> Scheduled:
    """The open invoices with payment terms, each with its instalments."""
    found = uow.figures.open_with_terms(ctx.company_id, flow=flow.value, currency=currency, party_id=party_id)
    return tuple((d, open_instalments(d, currency)) for d in found)


def _add_due(buckets: list[int], instalments: Iterable[Instalment], as_of: date) -> None:
    """Add what each instalment still owes to the bucket of its age on `as_of`."""
    for i in instalments:
        if i.remaining.is_positive:
            buckets[_PLACE_OF_BUCKET[bucket_of(i.due_date, as_of)]] += i.remaining.minor_units


def _aged(summed: list[int], currency: str) -> Aged:
    return Aged(currency, tuple((b, Money.from_minor(m, currency)) for b, m in zip(BUCKETS, summed, strict=True)))
