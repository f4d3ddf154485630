"""The aged balance: what is due on invoices, per party, by age of each instalment, beside the credits in hand
not yet used.

Summed by the database (`uow.figures`, services/ports/figures.py) from the facts the document lists read: an
open invoice without payment terms is one instalment, due on its due date (or its date), so its age class is a
GROUP BY; only invoices carrying payment terms are read one by one, for the domain to split them into their
instalments (`terms.open_instalments`, the rule the party account follows). A few statements whatever the size
of the company, none carrying a list of ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from acompte.domain.accounts import AgeBucket, Aged, Instalment, bucket_of
from acompte.domain.credits import direction_of
from acompte.domain.dates import DateField, check_optional
from acompte.domain.documents import Flow
from acompte.domain.money import Money
from acompte.services.accounts.scope import account_currency
from acompte.services.accounts.terms import open_instalments
from acompte.services.accounts.views import AgedBalanceView, AgedRow
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.ports.figures import (
    DUE_TODAY,
    LATE_1_30,
    LATE_31_60,
    LATE_61_90,
    LATE_OVER_90,
    NOT_YET_DUE,
    AgedSum,
    HeldSum,
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
    return aged_detail(uow, ctx, party_id=party_id, flow=flow, as_of=as_of, currency=currency).view


@dataclass(frozen=True, slots=True)
class AgedDetail:
    """The aged balance with what it was summed from: the open invoices without terms by party and age class,
    and each invoice with payment terms with its instalments (the dashboard's overdue list reads both)."""

    view: AgedBalanceView
    sums: tuple[AgedSum, ...]
    scheduled: tuple[tuple[OpenDocument, tuple[Instalment, ...]], ...]
    payments_held: tuple[HeldSum, ...]
    #: with `due_before`: the first open documents without terms due before it, oldest due first
    oldest_due: tuple[OpenDocument, ...] = ()


def aged_detail(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    party_id: int | None = None,
    flow: Flow = Flow.SALE,
    as_of: date | None = None,
    currency: str | None = None,
    due_before: date | None = None,
    due_limit: int = 0,
) -> AgedDetail:
    """The aged balance and the sums and instalments behind it, read once; with `due_before` (the whole
    company's), also the first `due_limit` open documents without terms due before that day, in the same read."""
    check_optional(as_of, DateField.AS_OF)
    as_of = as_of or uow.clock.today()
    with uow:
        currency = account_currency(uow, ctx, currency)
        company, figures = ctx.company_id, uow.figures
        oldest_due: list[OpenDocument] = []
        if due_before is not None and party_id is None:
            sums, oldest_due = figures.aged_sums_and_oldest_due(
                company, flow=flow.value, currency=currency, as_of=as_of, before=due_before, limit=due_limit
            )
        else:
            sums = figures.aged_sums(company, flow=flow.value, currency=currency, as_of=as_of, party_id=party_id)
        scheduled = tuple(
            (d, open_instalments(d, currency))
            for d in figures.open_with_terms(company, flow=flow.value, currency=currency, party_id=party_id)
        )
        names: dict[int, str] = {}
        owed: dict[int, dict[AgeBucket, int]] = {}

        def add(party: int, name: str, bucket: AgeBucket, minor: int) -> None:
            names.setdefault(party, name)
            buckets = owed.setdefault(party, dict.fromkeys(AgeBucket, 0))
            buckets[bucket] += minor

        for s in sums:
            add(s.party_id, s.party_name, BUCKET_OF_AGE[s.age], s.minor)
        for d, instalments in scheduled:
            for i in instalments:
                if i.remaining.is_positive:
                    add(d.party_id, d.party_name, bucket_of(i.due_date, as_of), i.remaining.minor_units)
            names.setdefault(d.party_id, d.party_name)
            owed.setdefault(d.party_id, dict.fromkeys(AgeBucket, 0))
        unapplied: dict[int, int] = {}
        direction = direction_of(flow).value
        payments = tuple(figures.payments_held(company, direction=direction, currency=currency, party_id=party_id))
        held = [*payments, *figures.credit_notes_held(company, flow=flow.value, currency=currency, party_id=party_id)]
        for h in held:
            unapplied[h.party_id] = unapplied.get(h.party_id, 0) + h.minor
            names.setdefault(h.party_id, h.party_name)
        zero = dict.fromkeys(AgeBucket, 0)
        rows = [
            AgedRow(
                party_id=pid,
                party_name=names[pid],
                aged=Aged(currency, tuple((b, Money.from_minor(m, currency)) for b, m in owed.get(pid, zero).items())),
                unapplied_credits=Money.from_minor(unapplied.get(pid, 0), currency),
            )
            for pid in sorted(set(owed) | set(unapplied), key=lambda i: (names[i].lower(), i))
        ]
        # summed in minor units: adding 2 000 rows' Aged values built five Money values each
        summed = dict.fromkeys(AgeBucket, 0)
        for buckets in owed.values():
            for bucket, minor in buckets.items():
                summed[bucket] += minor
        totals = Aged(currency, tuple((b, Money.from_minor(m, currency)) for b, m in summed.items()))
        view = AgedBalanceView(
            flow=flow.value,
            currency=currency,
            as_of=as_of,
            rows=tuple(rows),
            totals=totals,
            unapplied_credits=Money.from_minor(sum(unapplied.values()), currency),
        )
        return AgedDetail(view, tuple(sums), scheduled, payments, tuple(oldest_due))
