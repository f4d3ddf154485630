"""The party account (« Gestion commerciale »): what a party owes and what it has in hand, settling one with
the other in one action, payment terms and instalments, the statement of account and the aged balance.

For a customer (flow `sale`) "due" is what the customer owes; for a supplier (flow `purchase`) it is what we
owe the supplier. In both, "in hand" are the payments with money left and the unused credit notes, and the
balance is due minus in hand. `ledger_balance` computes the same figure from movements alone (documents,
payments, refunds, write-offs), without looking at allocations: the two always agree (a property test).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from acompte.domain import lifecycle
from acompte.domain.accounts import (
    Aged,
    Instalment,
    Movement,
    MovementKind,
    PaymentTerms,
    build_statement,
    schedule,
)
from acompte.domain.credits import CreditRef, CreditStatus, Excess, SourceKind, direction_of
from acompte.domain.documents import INVOICE_KINDS, Flow, Kind, State
from acompte.domain.errors import (
    DocumentFrozen,
    InvalidPaymentTerms,
    OverAllocation,
)
from acompte.domain.events import Event, EventKind
from acompte.domain.lifecycle import Action
from acompte.domain.money import Money, total
from acompte.domain.parties import Party
from acompte.services import credits, parties, payments, positions
from acompte.services.credit_views import (
    AccountView,
    AgedBalanceView,
    AgedRow,
    CreditItem,
    DueItem,
    SettlementProposal,
    SettleResult,
    StatementView,
)
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.queries import (
    EVERYTHING,
    OWED_KINDS,
    RECEIVABLE_KINDS,
    account_documents,
    credit_notes_in_hand,
    payments_in_hand,
)
from acompte.services.views import AllocationView, DocumentSummary

PAYMENT_TERMS_KEY = "payment_terms"


def _flow_for(party: Party, flow: Flow | None) -> Flow:
    if flow is not None:
        return flow
    return Flow.SALE if party.is_customer else Flow.PURCHASE


def _currency(uow: UnitOfWork, ctx: Ctx, currency: str | None) -> str:
    return currency or uow.companies.get(ctx.company_id).currency  # type: ignore[no-any-return]


# -- payment terms and instalments ----------------------------------------------------------------------------


def set_party_payment_terms(uow: UnitOfWork, ctx: Ctx, party_id: int, terms: PaymentTerms) -> Party:
    """The party's default payment terms, copied onto its documents by `set_payment_terms`."""
    with uow:
        party = uow.parties.get(ctx.company_id, party_id)
        settings = {**party.settings, PAYMENT_TERMS_KEY: terms.to_data()}
        updated = parties.update_party(uow, ctx, party_id, settings=settings)
        uow.commit()
        return updated


def set_payment_terms(
    uow: UnitOfWork, ctx: Ctx, document_id: int, terms: PaymentTerms | None = None
) -> list[Instalment]:
    """Put payment terms on a document that may still change (an invoice draft, an order): `terms`, or the
    party's default terms when None. An issued invoice keeps the terms it was issued with."""
    with uow:
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        if not lifecycle.is_allowed(document.kind, document.state, Action.EDIT):
            if document.kind in INVOICE_KINDS and document.state is State.VALIDATED:
                raise DocumentFrozen(number=document.label)
            lifecycle.check(document.kind, document.state, Action.EDIT)
        if terms is None:
            party = uow.parties.get(ctx.company_id, document.party_id)
            stored = party.settings.get(PAYMENT_TERMS_KEY)
            if not stored:
                raise InvalidPaymentTerms(reason=f"{party.name} n'a pas de conditions de règlement par défaut")
            terms = PaymentTerms.from_data(stored)
        data = uow.documents.data(ctx.company_id, document_id)
        before = data.get(PAYMENT_TERMS_KEY)
        uow.documents.set_data(ctx.company_id, document_id, {**data, PAYMENT_TERMS_KEY: terms.to_data()})
        uow.events.add(
            Event(
                EventKind.PAYMENT_TERMS_SET,
                ctx.company_id,
                document_id=document_id,
                party_id=document.party_id,
                data={"before": before, "after": terms.to_data()},
            ),
            ctx.actor,
        )
        result = document_instalments(uow, ctx, document_id)
        uow.commit()
        return result


def _due_items(uow: UnitOfWork, ctx: Ctx, summaries: Sequence[DocumentSummary]) -> list[DueItem]:
    """Each document with its instalments; what it still owes is its position's balance due, taken from the
    earliest instalments first."""
    context = uow.credits.document_context(ctx.company_id, [s.id for s in summaries])
    items = []
    for s in summaries:
        position = s.position
        assert position is not None, "account documents carry their position"
        data, order_date = context.get(s.id, ({}, None))
        stored = data.get(PAYMENT_TERMS_KEY)
        terms = PaymentTerms.from_data(stored) if stored else None
        instalments = schedule(
            position.total,
            terms,
            s.issue_date,
            order_date=order_date,
            due_date=s.due_date,
            settled=position.total - position.balance_due,
        )
        items.append(
            DueItem(
                document_id=s.id,
                kind=s.kind,
                number=s.number,
                issue_date=s.issue_date,
                position=position,
                instalments=instalments,
            )
        )
    return sorted(items, key=lambda i: (i.next_due_date or i.issue_date, i.issue_date, i.document_id))


def document_instalments(uow: UnitOfWork, ctx: Ctx, document_id: int) -> list[Instalment]:
    """The instalments of a document, each with what it has received (oldest due date paid first)."""
    with uow:
        document = uow.documents.get(ctx.company_id, document_id)
        summary = DocumentSummary(
            id=document.id,
            kind=document.kind.value,
            flow=document.flow.value,
            state=document.state.value,
            number=document.number,
            party_id=document.party_id,
            party_name="",
            issue_date=document.issue_date,
            due_date=document.due_date,
            settlement=uow.documents.settlement(document),
            position=positions.position(uow, ctx, document),
        )
        return list(_due_items(uow, ctx, [summary])[0].instalments)


# -- the account ----------------------------------------------------------------------------------------------


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
    as_of = as_of or date.today()
    with uow:
        party = uow.parties.get(ctx.company_id, party_id)
        flow = _flow_for(party, flow)
        currency = _currency(uow, ctx, currency)
        due = _due_items(
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
    account = party_account(uow, ctx, party_id, flow=flow, currency=currency)
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


@dataclass(frozen=True, slots=True)
class NewPayment:
    """A payment recorded in the same action as the settlement (the « nouveau règlement » line)."""

    amount: Money
    method: str
    payment_date: date | None = None
    reference: str = ""
    comment: str = ""
    account_id: int | None = None


def settle(
    uow: UnitOfWork,
    ctx: Ctx,
    party_id: int,
    *,
    documents: Sequence[int | tuple[int, Money | None]],
    credits_used: Sequence[CreditRef] = (),
    new_payment: NewPayment | None = None,
    excess: Excess = Excess.KEEP,
    refund_method: str | None = None,
    flow: Flow | None = None,
) -> SettleResult:
    """Settle the selected documents with the selected credits, in the order given, and — optionally — a new
    payment recorded in the same action (used last). A document given with an amount takes exactly that amount
    (refused if the credits cannot cover it); without one it takes its balance due, as far as credits go.
    What the new payment does not settle follows `excess` (kept as credit by default). One transaction.
    """
    with uow:
        party = uow.parties.get(ctx.company_id, party_id)
        flow = _flow_for(party, flow)
        currency = _currency(uow, ctx, None)
        # Lock what is read: payments first, then documents (credit notes and settled documents), by id.
        for ref in sorted((r for r in credits_used if r.kind is SourceKind.PAYMENT), key=lambda r: r.id):
            uow.payments.get(ctx.company_id, ref.id, lock=True)
        wanted = [(d, None) if isinstance(d, int) else d for d in documents]
        doc_ids = sorted({d for d, _ in wanted} | {r.id for r in credits_used if r.kind is SourceKind.CREDIT_NOTE})
        for doc_id in doc_ids:
            uow.documents.get(ctx.company_id, doc_id, lock=True)
        sources = list(dict.fromkeys(credits_used))  # keep order, drop repeats
        payment_id = None
        if new_payment is not None:
            recorded = payments.record_payment(
                uow,
                ctx,
                party_id=party_id,
                amount=new_payment.amount,
                method=new_payment.method,
                direction=direction_of(flow),
                payment_date=new_payment.payment_date,
                reference=new_payment.reference,
                comment=new_payment.comment,
                account_id=new_payment.account_id,
            )
            payment_id = recorded.id
            currency = new_payment.amount.currency
            sources.append(CreditRef.payment(payment_id))
        left: dict[CreditRef, Money] = {}
        for ref in sources:
            if ref.kind is SourceKind.PAYMENT:
                payment = uow.payments.get(ctx.company_id, ref.id)
                left[ref] = uow.credits.payment_use(payment).remaining
            else:
                left[ref] = uow.credits.credit_use(uow.documents.get(ctx.company_id, ref.id)).remaining
        made: list[AllocationView] = []
        for doc_id, amount in wanted:
            document = uow.documents.get(ctx.company_id, doc_id)
            need = amount if amount is not None else uow.documents.settlement(document).balance_due
            for ref in sources:
                if not need.is_positive:
                    break
                part = need.min(left[ref])
                if not part.is_positive:
                    continue
                if ref.kind is SourceKind.PAYMENT:
                    made.append(payments.allocate(uow, ctx, payment_id=ref.id, document_id=doc_id, amount=part))
                else:
                    made.append(credits.use_credit(uow, ctx, credit_id=ref.id, document_id=doc_id, amount=part))
                left[ref] = left[ref] - part
                need = need - part
            if amount is not None and need.is_positive:
                raise OverAllocation(
                    requested=str(amount),
                    available=str(amount - need),
                    source="les crédits sélectionnés",
                )
        result_excess = Money.zero(currency)
        refund_view = write_off_view = None
        if payment_id is not None:
            handled = credits.handle_excess(uow, ctx, payment_id, excess, refund_method=refund_method)
            result_excess, refund_view, write_off_view = handled.excess, handled.refund, handled.write_off
        uow.events.add(
            Event(
                EventKind.ACCOUNT_SETTLED,
                ctx.company_id,
                party_id=party_id,
                payment_id=payment_id,
                data={
                    "flow": flow.value,
                    "allocations": [
                        {"allocation_id": a.id, "document_id": a.document_id, "amount": str(a.amount.amount)}
                        for a in made
                    ],
                    "credits": [{"kind": r.kind.value, "id": r.id} for r in sources],
                    "excess": {"amount": str(result_excess.amount), "choice": excess.value},
                },
            ),
            ctx.actor,
        )
        result = SettleResult(
            payment_id=payment_id,
            allocations=tuple(made),
            excess=result_excess,
            refund=refund_view,
            write_off=write_off_view,
        )
        uow.commit()
        return result


# -- statement of account and ledger balance ------------------------------------------------------------------

_LABELS = {
    Kind.INVOICE.value: "Facture",
    Kind.DEPOSIT_INVOICE.value: "Facture d'acompte",
    Kind.CREDIT_NOTE.value: "Avoir",
    Kind.DEPOSIT_CREDIT_NOTE.value: "Avoir d'acompte",
}
_KINDS = {
    Kind.INVOICE.value: MovementKind.INVOICE,
    Kind.DEPOSIT_INVOICE.value: MovementKind.DEPOSIT_INVOICE,
    Kind.CREDIT_NOTE.value: MovementKind.CREDIT_NOTE,
    Kind.DEPOSIT_CREDIT_NOTE.value: MovementKind.CREDIT_NOTE,
}
# Within a day: documents, then payments, then refunds, then write-offs (then creation order).
_STEP = 1_000_000_000_000


def _source_flow(uow: UnitOfWork, ctx: Ctx, source: CreditRef) -> Flow:
    if source.kind is SourceKind.PAYMENT:
        return uow.payments.get(ctx.company_id, source.id).direction.flow  # type: ignore[no-any-return]
    return uow.documents.get(ctx.company_id, source.id).flow  # type: ignore[no-any-return]


def movements(uow: UnitOfWork, ctx: Ctx, party_id: int, *, flow: Flow, currency: str) -> list[Movement]:
    """Every movement of the party's account for one flow and currency: invoices and deposit invoices (debit),
    credit notes and deducted deposits (credit), payments (credit), refunds and write-offs (debit)."""
    with uow:
        result: list[Movement] = []
        documents = uow.documents.summaries(
            ctx.company_id,
            party_id=party_id,
            flow=flow.value,
            states=[State.VALIDATED.value],
            kinds=[k.value for k in (*RECEIVABLE_KINDS, Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE)],
            limit=EVERYTHING,
        )
        for d in documents:
            if d.settlement.gross.currency != currency:
                continue
            sign = 1 if Kind(d.kind) in RECEIVABLE_KINDS else -1
            gross = d.settlement.gross
            result.append(
                Movement(
                    day=d.issue_date,
                    kind=_KINDS[d.kind],
                    reference=d.number or "",
                    label=_LABELS[d.kind],
                    amount=gross if sign > 0 else -gross,
                    document_id=d.id,
                    sequence=d.id,
                )
            )
            if sign > 0 and d.settlement.deducted.is_positive:
                result.append(
                    Movement(
                        day=d.issue_date,
                        kind=MovementKind.DEDUCTION,
                        reference=d.number or "",
                        label="Acomptes déduits",
                        amount=-d.settlement.deducted,
                        document_id=d.id,
                        sequence=d.id,
                    )
                )
        refunds = {r.payment_id: r for r in uow.credits.refunds(ctx.company_id, party_id=party_id)}
        natural = direction_of(flow)
        for view in uow.payments.views(ctx.company_id, party_id=party_id, state="active", limit=EVERYTHING):
            p = view.payment
            if p.currency != currency:
                continue
            refund = refunds.get(p.id)
            if refund is not None:
                if _source_flow(uow, ctx, refund.source) is flow:
                    label = f"Remboursement de {refund.source_number}"
                    result.append(
                        Movement(
                            p.payment_date, MovementKind.REFUND, p.number, label, p.amount, None, p.id, 2 * _STEP + p.id
                        )
                    )
            elif p.direction is natural:
                label = "Règlement" + (f" ({p.reference})" if p.reference else "")
                result.append(
                    Movement(p.payment_date, MovementKind.PAYMENT, p.number, label, -p.amount, None, p.id, _STEP + p.id)
                )
        for w in uow.credits.write_offs(ctx.company_id, party_id=party_id):
            if w.amount.currency != currency:
                continue
            if w.source is None:  # a shortfall written off lowers what the document owes: a credit
                if uow.documents.get(ctx.company_id, w.document_id).flow is not flow:
                    continue
                result.append(
                    Movement(
                        w.write_off_date,
                        MovementKind.WRITE_OFF,
                        w.source_number or "",
                        "Écart de règlement",
                        -w.amount,
                        w.document_id,
                        None,
                        3 * _STEP + w.id,
                    )
                )
                continue
            if _source_flow(uow, ctx, w.source) is not flow:
                continue
            # a credit written off is no longer the party's: a debit
            label = "Avoir comptabilisé" if w.source.kind is SourceKind.CREDIT_NOTE else "Écart de règlement"
            result.append(
                Movement(
                    w.write_off_date,
                    MovementKind.WRITE_OFF,
                    w.source_number or "",
                    label,
                    w.amount,
                    w.source.id if w.source.kind is SourceKind.CREDIT_NOTE else None,
                    w.source.id if w.source.kind is SourceKind.PAYMENT else None,
                    3 * _STEP + w.id,
                )
            )
        return result


def statement(
    uow: UnitOfWork,
    ctx: Ctx,
    party_id: int,
    *,
    date_from: date,
    date_to: date,
    flow: Flow | None = None,
    currency: str | None = None,
) -> StatementView:
    """The statement of account (« relevé de compte ») for a period: opening balance, movements with a running
    balance, closing balance."""
    with uow:
        party = uow.parties.get(ctx.company_id, party_id)
        flow = _flow_for(party, flow)
        currency = _currency(uow, ctx, currency)
        found = movements(uow, ctx, party_id, flow=flow, currency=currency)
        return StatementView(party.id, party.name, flow.value, build_statement(found, date_from, date_to, currency))


def statements(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    date_from: date,
    date_to: date,
    flow: Flow = Flow.SALE,
    currency: str | None = None,
) -> list[StatementView]:
    """The statement of every party with an opening balance or a movement in the period."""
    with uow:
        role = "customer" if flow is Flow.SALE else "supplier"
        result = []
        for party in uow.parties.list(ctx.company_id, role=role):
            view = statement(uow, ctx, party.id, date_from=date_from, date_to=date_to, flow=flow, currency=currency)
            if view.statement.lines or not view.statement.opening.is_zero:
                result.append(view)
        return result


def ledger_balance(
    uow: UnitOfWork, ctx: Ctx, party_id: int, *, flow: Flow | None = None, currency: str | None = None
) -> Money:
    """The party's balance from movements alone: the statement's closing balance plus the orders of the account
    (commitments not invoiced yet, less what they had deducted). Equals `party_account(...).balance`."""
    with uow:
        party = uow.parties.get(ctx.company_id, party_id)
        flow = _flow_for(party, flow)
        currency = _currency(uow, ctx, currency)
        ledger = total((m.amount for m in movements(uow, ctx, party_id, flow=flow, currency=currency)), currency)
        orders = account_documents(
            uow,
            ctx,
            flow=flow,
            currency=currency,
            party_id=party_id,
            kinds=[k for k in OWED_KINDS if k not in RECEIVABLE_KINDS],
        )
        not_invoiced = (o.position.left_to_invoice for o in orders if o.position and o.position.left_to_invoice)
        return ledger + total(not_invoiced, currency)


# -- aged balance ---------------------------------------------------------------------------------------------


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
    as_of = as_of or date.today()
    with uow:
        currency = _currency(uow, ctx, currency)
        docs = account_documents(
            uow, ctx, flow=flow, currency=currency, party_id=party_id, kinds=RECEIVABLE_KINDS, open_only=True
        )
        items = _due_items(uow, ctx, docs)
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
        return AgedBalanceView(
            flow=flow.value,
            currency=currency,
            as_of=as_of,
            rows=tuple(rows),
            totals=totals,
            unapplied_credits=total((r.unapplied_credits for r in rows), currency),
        )


__all__ = [
    "CreditStatus",
    "NewPayment",
    "aged_balance",
    "document_instalments",
    "ledger_balance",
    "movements",
    "party_account",
    "set_party_payment_terms",
    "set_payment_terms",
    "settle",
    "statement",
    "statements",
    "suggest_settlement",
]
