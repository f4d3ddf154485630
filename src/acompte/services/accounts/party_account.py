"""The party account (« Gestion commerciale »): what a party owes, with its instalments, beside what it has in
hand, and the settle screen's pre-selection of one against the other.

For a customer (flow `sale`) "due" is what the customer owes; for a supplier (flow `purchase`) it is what we
owe the supplier. In both, "in hand" are the payments with money left and the unused credit notes, and the
balance is due minus in hand.
"""

from __future__ import annotations

from datetime import date

from acompte.domain.credits import CreditRef
from acompte.domain.dates import DateField, check_optional
from acompte.domain.documents import Flow
from acompte.domain.money import Money, total
from acompte.services.accounts.holdings import credit_notes_in_hand, payments_in_hand
from acompte.services.accounts.scope import account_currency, flow_for
from acompte.services.accounts.terms import due_items
from acompte.services.accounts.views import AccountView, CreditItem, SettlementProposal
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.queries import account_documents


def party_account(
    uow: UnitOfWork,
    ctx: Ctx,
    party_id: int,
    *,
    flow: Flow | None = None,
    currency: str | None = None,
    as_of: date | None = None,
) -> AccountView:
    """Left: open orders and invoices with their balance due, oldest due first. Right: unallocated payments,
    overpayments and unused credit notes, oldest first."""
    check_optional(as_of, DateField.AS_OF)
    as_of = as_of or uow.clock.today()
    with uow:
        party = uow.parties.get(ctx.company_id, party_id)
        flow = flow_for(party, flow)
        currency = account_currency(uow, ctx, currency)
        due = due_items(
            uow, ctx, account_documents(uow, ctx, flow=flow, currency=currency, party_id=party_id, open_only=True)
        )
        held: list[CreditItem] = []
        for p in payments_in_hand(uow, ctx, flow=flow, currency=currency, party_id=party_id):
            held.append(
                CreditItem(
                    ref=p.ref,
                    category="overpayment" if p.is_overpayment else "unallocated_payment",
                    number=p.number,
                    day=p.payment_date,
                    total=p.amount,
                    remaining=p.remaining,
                    status=p.use.status,
                )
            )
        for n in credit_notes_in_hand(uow, ctx, flow=flow, currency=currency, party_id=party_id):
            held.append(
                CreditItem(
                    ref=n.ref,
                    category="credit_note",
                    number=n.number,
                    day=n.issue_date,
                    total=n.gross,
                    remaining=n.remaining,
                    status=n.status,
                )
            )
        held.sort(key=lambda c: (c.day, c.ref.kind.value, c.ref.id))
        return AccountView(
            party_id=party.id,
            party_name=party.name,
            flow=flow.value,
            currency=currency,
            as_of=as_of,
            due=tuple(due),
            credits=tuple(held),
            due_total=total((d.balance_due for d in due), currency),
            credit_total=total((c.remaining for c in held), currency),
            overdue_total=total((d.overdue(as_of) for d in due), currency),
        )


def suggest_settlement(
    uow: UnitOfWork, ctx: Ctx, party_id: int, *, flow: Flow | None = None, currency: str | None = None
) -> SettlementProposal:
    """The settle screen's pre-selection: the oldest debts with the oldest credits, as far as credits go."""
    return proposal_for(party_account(uow, ctx, party_id, flow=flow, currency=currency))


def proposal_for(account: AccountView) -> SettlementProposal:
    """`suggest_settlement` over an account already read (the settle screen shows the account beside its
    suggestion: one read of it, not two)."""
    zero = Money.zero(account.currency)
    credits_left = [(c.ref, c.remaining) for c in account.credits]
    chosen_docs: list[tuple[int, Money]] = []
    used: dict[CreditRef, Money] = {}
    i = 0
    for item in account.due:
        need = item.balance_due
        taken = zero
        while need.is_positive and i < len(credits_left):
            ref, left = credits_left[i]
            part = need.min(left)
            taken, need = taken + part, need - part
            used[ref] = used.get(ref, zero) + part
            left = left - part
            credits_left[i] = (ref, left)
            if left.is_zero:
                i += 1
        if taken.is_positive:
            chosen_docs.append((item.document_id, taken))
        if i >= len(credits_left):
            break
    chosen_credits = tuple((c.ref, used[c.ref]) for c in account.credits if c.ref in used)
    return SettlementProposal(
        documents=tuple(chosen_docs),
        credits=chosen_credits,
        difference=total((a for _, a in chosen_credits), account.currency)
        - total((a for _, a in chosen_docs), account.currency),
    )
