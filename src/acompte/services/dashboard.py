"""The home page's figures (« Tableau de bord »): what customers owe and what is owed to suppliers, by age; the
deposits received that no final invoice has taken yet; the credits waiting for a decision; the cash received
and paid out per month; and the documents that need an action today.

Nothing is worked out here: each figure is summed by the database with the definitions of the read model that
the list behind it shows (`uow.figures`, services/ports/figures.py: the facts the document lists sum), so the
dashboard and that list (or API answer) agree to the cent, in a few grouped statements whatever the company's
size —
- owed, overdue and the age buckets: `accounts.aged_balance` (GET /aged-balance, « Balance âgée »);
- the overdue documents: the same sums and instalments the aged balance read (`accounts.aged.aged_detail`),
  the oldest listed by the database;
- payments with money left, split into wholly unallocated payments and overpayments: what `credits.list_overpayments`
  (GET /overpayments, « Trop-perçus ») lists;
- credit notes with an unused amount: what `credits.list_credit_notes` (GET /credits, « Avoirs ») lists under
  the one rule of a credit still in hand, `queries.in_hand`;
- deposits not yet taken by a final invoice: the payments allocated to quotes, orders and delivery notes (and
  to draft invoices) — a « règlement d'acompte » stays there until its document is invoiced — plus what the
  issued deposit invoices received and still carry (`DepositUsage.carried`: total − reversed − deducted on
  issued invoices, the figure the document positions read, up to what was paid on each);
- deposits requested and not received: the deposit tab of each quote or order with a request
  (`deposits.deposit_position`, GET /documents/{id}/deposits), read for those documents only;
- drafts waiting: the document list's count (the count `documents.document_list` shows), as the database keeps
  it (persistence/figure_tallies.py);
- cash per month: the active payments by month and direction, as the database keeps them summed (refunds are
  payments the other way, so a refund to a customer is cash out).

The figures over the whole company that would otherwise sum every document or payment (drafts, deposits not
invoiced, cash per month) are tallies kept by database triggers with the facts (persistence/figure_tallies.py),
checked against the facts by `acompte verify` and the property tests.

Figures are in the company currency; documents and payments in another currency are left out, as the aged
balance and the list totals leave them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from acompte.domain.accounts import Aged, Instalment
from acompte.domain.documents import Flow, Kind
from acompte.domain.money import Money, total
from acompte.domain.payments import Direction
from acompte.services.accounts.aged import AgedDetail, aged_detail
from acompte.services.deposit_figures import DepositAwaited
from acompte.services.deposits.family import requested_of
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.ports.figures import (
    DUE_TODAY,
    LATE_1_30,
    LATE_31_60,
    LATE_61_90,
    LATE_OVER_90,
    OpenDocument,
    Tallied,
)

#: How many documents of each kind of action the page lists (the count says how many there are in all).
ACTION_LIMIT = 10
#: The months of the cash chart, the current one included.
CASH_MONTHS = 12
#: The drafts the page counts: documents waiting to be issued.
DRAFT_KINDS = (Kind.INVOICE, Kind.DEPOSIT_INVOICE, Kind.CREDIT_NOTE)


@dataclass(frozen=True, slots=True)
class Tally:
    """How many, and how much in all."""

    count: int
    total: Money


@dataclass(frozen=True, slots=True)
class MonthCash:
    """The cash of one month: payments received and paid out (refunds included), active payments only."""

    month: date  # the first day of the month
    cash_in: Money
    cash_out: Money

    @property
    def net(self) -> Money:
        return self.cash_in - self.cash_out


@dataclass(frozen=True, slots=True)
class DueDocument:
    """An invoice with instalments due: what is due by `as_of`, since when."""

    document_id: int
    kind: str
    flow: str
    number: str | None
    party_id: int
    party_name: str
    oldest_due_date: date
    days_late: int
    amount_due: Money
    balance_due: Money


@dataclass(frozen=True, slots=True)
class DueDocuments:
    """Every invoice with something due, counted and summed; the oldest `ACTION_LIMIT` of them listed."""

    tally: Tally
    oldest: tuple[DueDocument, ...]


@dataclass(frozen=True, slots=True)
class Overpayment:
    """A payment received with money left after settling something: keep it, use it, refund it, write it off."""

    payment_id: int
    number: str
    party_id: int
    party_name: str
    payment_date: date
    remaining: Money


@dataclass(frozen=True, slots=True)
class DepositsAwaited:
    """Every deposit requested and not received (count, and what is still expected); the oldest listed."""

    tally: Tally
    oldest: tuple[DepositAwaited, ...]


@dataclass(frozen=True, slots=True)
class Drafts:
    """The drafts of one kind (sales), waiting to be issued."""

    kind: str
    flow: str
    count: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    currency: str
    as_of: date
    #: customers: what invoices still owe, by age of each instalment (the aged balance's totals)
    receivable: Aged
    #: suppliers: what we still owe on their invoices, by age
    payable: Aged
    #: what customers have in hand and not used (payments left + credit notes), beside what they owe
    customer_credits: Money
    #: deposits received on quotes, orders, delivery notes and draft invoices: not invoiced yet
    deposits_not_invoiced: Tally
    #: what the issued deposit invoices received that no issued final invoice deducts yet
    deposits_not_deducted: Tally
    #: customers' payments with money left: nothing allocated at all
    unallocated_payments: Tally
    #: customers' payments that settled something and have money left: a decision is waiting
    overpayments: Tally
    #: customers' credit notes with an unused amount, by status (unused, partially used)
    credit_notes_unused: Tally
    credit_notes_partially_used: Tally
    cash: tuple[MonthCash, ...]
    #: actions of the day
    overdue_invoices: DueDocuments  # customers' invoices past their due date: to chase
    invoices_to_pay: DueDocuments  # suppliers' invoices due today or before: to pay
    overpayments_to_decide: tuple[Overpayment, ...]
    drafts: tuple[Drafts, ...]
    deposits_awaited: DepositsAwaited  # deposits requested on quotes and orders, not received yet

    @property
    def unused_credit_notes(self) -> Tally:
        return _add(self.credit_notes_unused, self.credit_notes_partially_used)

    @property
    def deposits(self) -> Money:
        """Deposits received and not yet taken by a final invoice (not invoiced + not deducted)."""
        return self.deposits_not_invoiced.total + self.deposits_not_deducted.total

    @property
    def cash_in(self) -> Money:
        return total((m.cash_in for m in self.cash), self.currency)

    @property
    def cash_out(self) -> Money:
        return total((m.cash_out for m in self.cash), self.currency)


def _add(a: Tally, b: Tally) -> Tally:
    return Tally(a.count + b.count, a.total + b.total)


def _tally(found: Tallied, currency: str) -> Tally:
    return Tally(found.count, Money.from_minor(found.minor, currency))


def _listed(amounts: list[Money], currency: str) -> Tally:
    return Tally(len(amounts), total(amounts, currency))


def dashboard(uow: UnitOfWork, ctx: Ctx, *, as_of: date | None = None) -> Dashboard:
    """Every figure of the home page, read in one transaction (one consistent picture)."""
    with uow:
        as_of = as_of or uow.clock.today()
        company, figures = ctx.company_id, uow.figures
        currency = uow.companies.currency(company)
        # what is due is read with the aged sums: customers' invoices late (before today), suppliers' due today
        receivable = aged_detail(
            uow, ctx, flow=Flow.SALE, as_of=as_of, currency=currency, due_before=as_of, due_limit=ACTION_LIMIT
        )
        payable = aged_detail(
            uow,
            ctx,
            flow=Flow.PURCHASE,
            as_of=as_of,
            currency=currency,
            due_before=as_of + timedelta(days=1),
            due_limit=ACTION_LIMIT,
        )
        sale, received = Flow.SALE.value, Direction.IN.value
        # the customers' payments in hand the aged balance read, split as the overpayments list shows them
        unallocated, overpaid = (
            Tallied(
                sum(h.count for h in receivable.payments_held if h.used_some is used),
                sum(h.minor for h in receivable.payments_held if h.used_some is used),
            )
            for used in (False, True)
        )
        unused, partly_used = figures.credit_notes_left(company, flow=sale, currency=currency)
        not_invoiced = figures.deposits_not_invoiced(company, flow=sale, currency=currency)
        not_deducted = figures.deposits_not_deducted(company, flow=sale, currency=currency)
        oldest_overpaid = figures.oldest_overpayments(
            company, direction=received, currency=currency, limit=ACTION_LIMIT
        )
        return Dashboard(
            currency=currency,
            as_of=as_of,
            receivable=receivable.totals,
            payable=payable.totals,
            customer_credits=receivable.unapplied_credits,
            deposits_not_invoiced=_tally(not_invoiced, currency),
            deposits_not_deducted=_tally(not_deducted, currency),
            unallocated_payments=_tally(unallocated, currency),
            overpayments=_tally(overpaid, currency),
            credit_notes_unused=_tally(unused, currency),
            credit_notes_partially_used=_tally(partly_used, currency),
            cash=monthly_cash(uow, ctx, as_of=as_of, currency=currency),
            overdue_invoices=_due(receivable, currency, as_of, include_today=False),
            invoices_to_pay=_due(payable, currency, as_of, include_today=True),
            overpayments_to_decide=tuple(
                Overpayment(
                    o.payment_id,
                    o.number,
                    o.party_id,
                    o.party_name,
                    o.payment_date,
                    Money.from_minor(o.remaining_minor, currency),
                )
                for o in oldest_overpaid
            ),
            drafts=_draft_counts(uow, ctx, Flow.SALE),
            deposits_awaited=_deposits_awaited(uow, ctx, currency),
        )


def first_month(as_of: date, months: int = CASH_MONTHS) -> date:
    """The first day of the oldest month of a chart of `months` months ending with `as_of`'s month."""
    index = as_of.year * 12 + as_of.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def monthly_cash(
    uow: UnitOfWork, ctx: Ctx, *, as_of: date, currency: str, months: int = CASH_MONTHS
) -> tuple[MonthCash, ...]:
    """Cash in and out per month over the `months` months ending with `as_of`'s month, oldest first; a month
    without payments is there with zeros."""
    start = first_month(as_of, months)
    with uow:
        sums = uow.payments.monthly_totals(ctx.company_id, currency=currency, date_from=start, date_to=as_of)
    by_key = {(year, month, direction): minor for year, month, direction, minor in sums}
    result = []
    for i in range(months):
        index = start.year * 12 + start.month - 1 + i
        year, month = index // 12, index % 12 + 1
        result.append(
            MonthCash(
                month=date(year, month, 1),
                cash_in=Money.from_minor(by_key.get((year, month, Direction.IN.value), 0), currency),
                cash_out=Money.from_minor(by_key.get((year, month, Direction.OUT.value), 0), currency),
            )
        )
    return tuple(result)


def _due(aged: AgedDetail, currency: str, as_of: date, *, include_today: bool) -> DueDocuments:
    """The invoices of the aged balance with an instalment due before `as_of` (or on it, with `include_today`),
    oldest first: the same sums and instalments the aged balance adds up. An invoice without terms is one
    instalment: its age class says whether it is due, the database lists the oldest (`aged.oldest_due`, read
    with the sums, due before the day that `include_today` names); an invoice with terms is due for its
    instalments due."""
    due_ages = {LATE_1_30, LATE_31_60, LATE_61_90, LATE_OVER_90} | ({DUE_TODAY} if include_today else set())
    count = sum(s.count for s in aged.sums if s.age in due_ages)
    minor = sum(s.minor for s in aged.sums if s.age in due_ages)
    found = [_one_instalment(d, as_of, currency) for d in aged.oldest_due]
    for document, instalments in aged.scheduled:
        with_terms = _due_document(document, instalments, as_of, include_today, currency)
        if with_terms is not None:
            found.append(with_terms)
            count += 1
            minor += with_terms.amount_due.minor_units
    found.sort(key=lambda d: (d.oldest_due_date, d.document_id))
    return DueDocuments(Tally(count, Money.from_minor(minor, currency)), tuple(found[:ACTION_LIMIT]))


def _one_instalment(d: OpenDocument, as_of: date, currency: str) -> DueDocument:
    due = d.due_date or d.issue_date
    owed = Money.from_minor(d.balance_minor, currency)
    return DueDocument(
        d.id, d.kind, d.flow, d.number, d.party_id, d.party_name, due, max(0, (as_of - due).days), owed, owed
    )


def _due_document(
    d: OpenDocument, instalments: tuple[Instalment, ...], as_of: date, include_today: bool, currency: str
) -> DueDocument | None:
    due = [
        i
        for i in instalments
        if i.remaining.is_positive and (i.due_date < as_of or (include_today and i.due_date == as_of))
    ]
    if not due:
        return None
    oldest = min(i.due_date for i in due)
    return DueDocument(
        document_id=d.id,
        kind=d.kind,
        flow=d.flow,
        number=d.number,
        party_id=d.party_id,
        party_name=d.party_name,
        oldest_due_date=oldest,
        days_late=max(0, (as_of - oldest).days),
        amount_due=total((i.remaining for i in due), currency),
        balance_due=Money.from_minor(d.balance_minor, currency),
    )


def _deposits_awaited(uow: UnitOfWork, ctx: Ctx, currency: str) -> DepositsAwaited:
    """The quotes and orders with a deposit requested (noted on them) that their deposit tab shows as not all
    received (`deposits.deposit_position`'s requested and deposits paid: payments on them and on their deposit
    invoices, read with them in one statement), and from which nothing but deposit documents was made yet (a
    quote turned into an order is followed on the order)."""
    found = []
    for c in uow.figures.deposit_requests(ctx.company_id, flow=Flow.SALE.value, currency=currency):
        requested, _percent = requested_of(Money.from_minor(c.gross_minor, currency), {"deposit_request": c.request})
        received = Money.from_minor(c.received_minor, currency)
        if requested is None or received >= requested:
            continue
        found.append(
            DepositAwaited(c.id, c.kind, c.number, c.party_id, c.party_name, c.issue_date, requested, received)
        )
    return DepositsAwaited(_listed([a.missing for a in found], currency), tuple(found[:ACTION_LIMIT]))


def _draft_counts(uow: UnitOfWork, ctx: Ctx, flow: Flow) -> tuple[Drafts, ...]:
    """The counts the document list gives for its drafts of each of `DRAFT_KINDS` (the database keeps them)."""
    counts = uow.figures.draft_counts(ctx.company_id, flow=flow.value, kinds=[k.value for k in DRAFT_KINDS])
    return tuple(Drafts(kind.value, flow.value, counts[kind.value]) for kind in DRAFT_KINDS)
