"""The aged balance: what is due on invoices, per party, by age of each instalment, beside the credits in hand
not yet used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from acompte.domain.accounts import Aged, Instalment
from acompte.domain.dates import DateField, check_optional
from acompte.domain.documents import Flow
from acompte.domain.money import Money, total
from acompte.services.accounts.holdings import credit_notes_in_hand, payments_in_hand
from acompte.services.accounts.scope import account_currency
from acompte.services.accounts.terms import due_items
from acompte.services.accounts.views import AgedBalanceView, AgedRow, DueItem
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.queries import RECEIVABLE_KINDS, account_documents
from acompte.services.views import DocumentSummary


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
    """The aged balance with what it was read from: each open invoice (its summary) and its instalments."""

    view: AgedBalanceView
    documents: tuple[DocumentSummary, ...]
    items: tuple[DueItem, ...]


def aged_detail(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    party_id: int | None = None,
    flow: Flow = Flow.SALE,
    as_of: date | None = None,
    currency: str | None = None,
) -> AgedDetail:
    """The aged balance and the documents and instalments behind it, read once (the dashboard lists the
    overdue invoices from the same instalments it sums)."""
    check_optional(as_of, DateField.AS_OF)
    as_of = as_of or uow.clock.today()
    with uow:
        currency = account_currency(uow, ctx, currency)
        docs = account_documents(
            uow, ctx, flow=flow, currency=currency, party_id=party_id, kinds=RECEIVABLE_KINDS, open_only=True
        )
        items = due_items(uow, ctx, docs)
        names = {d.party_id: d.party_name for d in docs}
        by_party: dict[int, list[Instalment]] = {}
        party_of = {d.id: d.party_id for d in docs}
        for item in items:
            by_party.setdefault(party_of[item.document_id], []).extend(item.instalments)
        unapplied: dict[int, Money] = {}
        for p in payments_in_hand(uow, ctx, flow=flow, currency=currency, party_id=party_id):
            unapplied[p.party_id] = unapplied.get(p.party_id, Money.zero(currency)) + p.remaining
            names.setdefault(p.party_id, p.party_name)
        for n in credit_notes_in_hand(uow, ctx, flow=flow, currency=currency, party_id=party_id):
            unapplied[n.party_id] = unapplied.get(n.party_id, Money.zero(currency)) + n.remaining
            names.setdefault(n.party_id, n.party_name)
        rows = [
            AgedRow(
                party_id=pid,
                party_name=names[pid],
                aged=Aged.of(by_party.get(pid, []), as_of, currency),
                unapplied_credits=unapplied.get(pid, Money.zero(currency)),
            )
            for pid in sorted(set(by_party) | set(unapplied), key=lambda i: (names[i].lower(), i))
        ]
        totals = Aged.of([], as_of, currency)
        for row in rows:
            totals = totals + row.aged
        view = AgedBalanceView(
            flow=flow.value,
            currency=currency,
            as_of=as_of,
            rows=tuple(rows),
            totals=totals,
            unapplied_credits=total((r.unapplied_credits for r in rows), currency),
        )
        return AgedDetail(view, tuple(docs), tuple(items))
