"""Credit notes (avoirs), their use on documents, write-offs, overpayments (trop-perçus) and refunds.

Each public function is one user action in one transaction. A credit note is a document of kind
`credit_note` (series AV for sales, AF for purchases): made from an issued invoice (all of it or some lines and
quantities — a return) or standalone (a commercial gesture). It is numbered and frozen when issued through
`documents.validate_document`, which calls `before_issue` / `after_issue` below.

Undo is exact: `cancel_credit_use` gives back what `use_credit` took, `unwind_refund` what `refund` took; the
history keeps both, and the action can be redone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from acompte.domain import credits as rules
from acompte.domain.credits import CreditRef, CreditStatus, CreditUse, Excess, SourceKind
from acompte.domain.documents import Document, Flow, Kind, LineInput, State
from acompte.domain.errors import (
    CreditLinesMismatch,
    CreditNotIssued,
    CreditWrittenOff,
    InvalidSetting,
    NonPositiveAmount,
    NotACredit,
    PaymentCancelled,
)
from acompte.domain.events import AllocationRemoved, Event, EventKind
from acompte.domain.money import Money
from acompte.domain.payments import Payment, PaymentState
from acompte.services import documents, payments, positions
from acompte.services.credit_views import (
    CreditNoteView,
    CreditUseLine,
    OverpaymentView,
    RefundView,
    SettleResult,
    WriteOffView,
)
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import AllocationView, DocumentView, PaymentView

# -- deposits (issue 3) ----------------------------------------------------------------------------------------


def _on_invoice_cancelled(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> None:
    """A credit note cancels an invoice in full: the deposits moved from the order to that invoice go back to the
    order (deposits owns that rule). Called inside the issuing transaction, after the credit note is numbered and
    before it settles what the invoice still owes."""
    from acompte.services.deposits import return_deposits_to_origin

    return_deposits_to_origin(uow, ctx, invoice_id)


# -- credit notes ---------------------------------------------------------------------------------------------


def _credit_data(data: dict[str, Any]) -> dict[str, Any]:
    return dict(data.get("credit") or {})


def _credited_on(
    uow: UnitOfWork, ctx: Ctx, invoice_id: int, *, exclude: int | None = None
) -> tuple[dict[int, Decimal], Money | None]:
    """Quantities per invoice line and gross already credited by *validated* credit notes on an invoice.

    The gross counts every credit note that corrects the invoice: all of one that corrects it alone, the share
    recorded on it by one that corrects several invoices.
    """
    quantities: dict[int, Decimal] = {}
    gross: Money | None = None
    for note, data in uow.credits.credit_notes_on(ctx.company_id, invoice_id):
        if note.id == exclude or note.state is not State.VALIDATED:
            continue
        share = rules.share_on(
            invoice_id, note.gross, rules.corrected_ids(note.origin_id, data), _credit_data(data).get("shares")
        )
        gross = share if gross is None else gross + share
        if note.origin_id != invoice_id:
            continue
        pairs = {int(c): int(o) for c, o in _credit_data(data).get("origin_lines", [])}
        for line in note.lines:
            origin = pairs.get(line.position)
            if origin is not None:
                quantities[origin] = quantities.get(origin, Decimal(0)) + line.quantity
    return quantities, gross


def _corrected_invoices(uow: UnitOfWork, ctx: Ctx, ids: Sequence[int]) -> list[Document]:
    """The invoices a credit note corrects, in its order, each row locked (by id, so two clerks lock alike)."""
    locked = {i: uow.documents.get(ctx.company_id, i, lock=True) for i in sorted(set(ids))}
    return [locked[i] for i in ids]


@dataclass(frozen=True, slots=True)
class InvoiceCredits:
    """How much of an invoice its credit notes have corrected."""

    invoice_id: int
    gross: Money
    credited: Money
    credit_note_ids: tuple[int, ...]

    @property
    def remaining(self) -> Money:
        return self.gross - self.credited

    @property
    def fully_credited(self) -> bool:
        """« Annulée par avoir »: the credit notes equal the invoice (it stays numbered, never deleted)."""
        return self.credited == self.gross


def invoice_credits(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> InvoiceCredits:
    with uow:
        invoice = uow.documents.get(ctx.company_id, invoice_id)
        _, credited = _credited_on(uow, ctx, invoice_id)
        ids = tuple(
            n.id for n, _ in uow.credits.credit_notes_on(ctx.company_id, invoice_id) if n.state is State.VALIDATED
        )  # also those that correct it with other invoices
        return InvoiceCredits(invoice.id, invoice.gross, credited or Money.zero(invoice.currency), ids)


def credit_invoice(
    uow: UnitOfWork,
    ctx: Ctx,
    invoice_id: int,
    *,
    lines: Sequence[tuple[int, Decimal]] | None = None,
    comment: str = "",
    issue: bool = True,
    apply_to_origin: bool = True,
    today: date | None = None,
) -> DocumentView:
    """Credit an issued invoice: all that is not yet credited (`lines=None`) or (line position, quantity) pairs.

    The credit note mirrors the invoice lines. Issued at once by default (numbered, frozen). With
    `apply_to_origin`, it first settles what the invoice still owes; the rest stays available as credit. A
    credit note that completes the invoice cancels it: it always settles the invoice's balance.
    """
    with uow:
        invoice = uow.documents.get(ctx.company_id, invoice_id, lock=True)
        rules.check_creditable(invoice)
        credited, _ = _credited_on(uow, ctx, invoice_id)
        credited_lines = rules.credit_lines(invoice, credited, lines)
        data = {
            "credit": {
                "mode": "invoice",
                "origin_lines": [[i, c.origin_position] for i, c in enumerate(credited_lines, start=1)],
                "apply_to_origin": apply_to_origin,
            }
        }
        draft = documents.create_document(
            uow,
            ctx,
            kind=Kind.CREDIT_NOTE,
            flow=invoice.flow,
            party_id=invoice.party_id,
            lines=[c.line for c in credited_lines],
            currency=invoice.currency,
            notes=comment,
            origin_id=invoice.id,
            data=data,
            event_data={"origin_number": invoice.number, "mode": "invoice"},
            issue_date=today,
        )
        view = documents.validate_document(uow, ctx, draft.id, today=today) if issue else draft
        uow.commit()
        return view


def create_credit_note(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    party_id: int,
    lines: Sequence[LineInput],
    flow: Flow | None = None,
    comment: str = "",
    origin_id: int | None = None,
    corrected_ids: Sequence[int] = (),
    currency: str | None = None,
    issue: bool = True,
    apply_to_origin: bool = False,
    today: date | None = None,
) -> DocumentView:
    """A standalone credit note — a commercial gesture with free designations and a comment.

    It still names the invoice(s) it corrects (CGI art. 289 I-5): `origin_id`, and/or `corrected_ids` for
    several; at least one issued invoice of the same party, flow and currency (flow and currency default to the
    invoice's), else MissingCorrectedInvoice / NotCreditable / CorrectedInvoiceMismatch and nothing is written.
    Its lines are free, not copied from the invoices, and not bounded by them: only its gross is, by the sum of
    their gross totals less what was already credited on them (OverCredit). A paid invoice may be referenced:
    the credit then stays in hand (`apply_to_origin` False by default) to be used or refunded.
    """
    with uow:
        ids = rules.corrected_ids(origin_id, {"corrected_ids": list(corrected_ids)})
        invoices = _corrected_invoices(uow, ctx, ids)
        flow, currency = rules.check_corrected_invoices(invoices, party_id=party_id, flow=flow, currency=currency)
        data: dict[str, Any] = {"credit": {"mode": "standalone", "apply_to_origin": apply_to_origin}}
        if len(ids) > 1:
            data["corrected_ids"] = list(ids)
        draft = documents.create_document(
            uow,
            ctx,
            kind=Kind.CREDIT_NOTE,
            flow=flow,
            party_id=party_id,
            lines=lines,
            currency=currency,
            notes=comment,
            origin_id=ids[0],
            data=data,
            event_data={"mode": "standalone", "corrects": [i.number for i in invoices]},
            issue_date=today,
        )
        view = documents.validate_document(uow, ctx, draft.id, today=today) if issue else draft
        uow.commit()
        return view


def before_issue(uow: UnitOfWork, ctx: Ctx, credit: Document) -> None:
    """Called by documents.validate_document before numbering a credit note: it names issued invoices of its
    party, flow and currency, and still fits them (a return: the invoice's lines; any credit note: what remains
    to credit on its invoices). A credit note correcting several invoices records the share of each."""
    if not credit.gross.is_positive:
        raise NonPositiveAmount(amount=str(credit.gross))
    stored = uow.documents.data(ctx.company_id, credit.id)
    ids = rules.corrected_ids(credit.origin_id, stored)
    invoices = _corrected_invoices(uow, ctx, ids)
    rules.check_corrected_invoices(invoices, party_id=credit.party_id, flow=credit.flow, currency=credit.currency)
    data = _credit_data(stored)
    credited: dict[int, Money] = {}
    for invoice in invoices:
        quantities, gross = _credited_on(uow, ctx, invoice.id, exclude=credit.id)
        credited[invoice.id] = gross or Money.zero(invoice.currency)
        if data.get("mode") == "invoice" and invoice.id == credit.origin_id:
            _check_mirrors(credit, invoice, quantities, data)
    shares = rules.credit_shares(invoices, credited, credit.gross)
    if len(invoices) > 1:
        data["shares"] = [[invoice_id, str(amount.amount)] for invoice_id, amount in shares]
        uow.documents.set_data(ctx.company_id, credit.id, {**stored, "credit": data})


def _check_mirrors(credit: Document, invoice: Document, credited: dict[int, Decimal], data: dict[str, Any]) -> None:
    """A return repeats the invoice lines it credits, within the quantities left on them."""
    pairs = {int(c): int(o) for c, o in data.get("origin_lines", [])}
    if set(pairs) != {line.position for line in credit.lines}:
        raise CreditLinesMismatch(credit=credit.label, invoice=invoice.label)
    expected = rules.credit_lines(invoice, credited, [(pairs[line.position], line.quantity) for line in credit.lines])
    by_origin = {c.origin_position: c.line for c in expected}
    for line in credit.lines:
        want = by_origin[pairs[line.position]]
        if (line.designation, line.unit_price, line.vat_rate, line.discount_percent) != (
            want.designation,
            want.unit_price,
            want.vat_rate,
            want.discount_percent,
        ):
            raise CreditLinesMismatch(credit=credit.label, invoice=invoice.label)


def after_issue(uow: UnitOfWork, ctx: Ctx, credit_id: int, *, today: date | None = None) -> None:
    """Called by documents.validate_document once a credit note is numbered, for each invoice it corrects: a
    credit note that completes an invoice cancels it (deposit hooks, then the invoice's credit notes settle what
    it still owes); otherwise it settles the invoice only if asked to (`apply_to_origin`)."""
    credit = uow.documents.get(ctx.company_id, credit_id)
    stored = uow.documents.data(ctx.company_id, credit.id)
    data = _credit_data(stored)
    for invoice_id in rules.corrected_ids(credit.origin_id, stored):
        _after_issue_on(uow, ctx, credit, invoice_id, apply=bool(data.get("apply_to_origin")))


def _after_issue_on(uow: UnitOfWork, ctx: Ctx, credit: Document, invoice_id: int, *, apply: bool) -> None:
    invoice = uow.documents.get(ctx.company_id, invoice_id, lock=True)
    _, credited = _credited_on(uow, ctx, invoice.id)
    fully = credited == invoice.gross
    if fully:
        uow.events.add(
            Event(
                EventKind.INVOICE_CREDITED_IN_FULL,
                ctx.company_id,
                document_id=invoice.id,
                party_id=invoice.party_id,
                data={
                    "credit_document_id": credit.id,
                    "credit_number": credit.number,
                    "gross": str(invoice.gross.amount),
                },
            ),
            ctx.actor,
        )
        _on_invoice_cancelled(uow, ctx, invoice.id)
    if not (fully or apply):
        return
    # This credit note first; when the invoice is cancelled, its earlier credit notes too (newest first): an
    # invoice cancelled by credit notes never stays due while its own credits sit unused. Each first gives at most
    # its share of the invoice (a credit note correcting several invoices keeps the rest for the others).
    notes = {n.id: (n, d) for n, d in uow.credits.credit_notes_on(ctx.company_id, invoice.id)}
    candidates = [credit.id]
    if fully:
        candidates += sorted((i for i, (n, _) in notes.items() if n.state is State.VALIDATED), reverse=True)
    order = list(dict.fromkeys(candidates))
    for capped in (True, False):
        for candidate_id in order:
            candidate = uow.documents.get(ctx.company_id, candidate_id, lock=True)
            use = uow.credits.credit_use(candidate)
            if use.status is CreditStatus.WRITTEN_OFF:
                continue
            amount = uow.documents.settlement(invoice).balance_due.min(use.remaining)
            if capped and candidate_id in notes:
                _, data = notes[candidate_id]
                references = rules.corrected_ids(candidate.origin_id, data)
                amount = amount.min(
                    rules.share_on(invoice.id, candidate.gross, references, _credit_data(data).get("shares"))
                )
            if amount.is_positive:
                use_credit(uow, ctx, credit_id=candidate.id, document_id=invoice.id, amount=amount)


# -- using a credit note --------------------------------------------------------------------------------------


def _credit_note(uow: UnitOfWork, ctx: Ctx, credit_id: int, *, lock: bool = False) -> Document:
    credit = uow.documents.get(ctx.company_id, credit_id, lock=lock)
    rules.check_is_credit(credit)
    return credit  # type: ignore[no-any-return]


def use_credit(
    uow: UnitOfWork, ctx: Ctx, *, credit_id: int, document_id: int, amount: Money | None = None
) -> AllocationView:
    """Settle part of a document with a credit note. Without an amount: as much as both sides allow.

    Locks the credit note, then the document, before reading what remains on each.
    """
    with uow:
        credit = _credit_note(uow, ctx, credit_id, lock=True)
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        use = uow.credits.credit_use(credit)
        balance_due = positions.balance_due(uow, ctx, document)
        if amount is None:
            amount = use.remaining.min(balance_due)
        rules.check_credit_use(credit, use, document, balance_due, amount)
        allocation_id = uow.allocations.add(
            ctx.company_id, credit_document_id=credit.id, document_id=document.id, amount=amount
        )
        common = {"allocation_id": allocation_id, "amount": str(amount.amount)}
        uow.events.add(
            Event(
                EventKind.CREDIT_USED,
                ctx.company_id,
                document_id=credit.id,
                party_id=credit.party_id,
                data={
                    **common,
                    "target_document_id": document.id,
                    "target_number": document.number,
                    "credit_remaining": {
                        "before": str(use.remaining.amount),
                        "after": str((use.remaining - amount).amount),
                    },
                },
            ),
            ctx.actor,
        )
        uow.events.add(
            Event(
                EventKind.CREDIT_ALLOCATED,
                ctx.company_id,
                document_id=document.id,
                party_id=document.party_id,
                data={
                    **common,
                    "credit_document_id": credit.id,
                    "credit_number": credit.number,
                    "document_balance": {
                        "before": str(balance_due.amount),
                        "after": str((balance_due - amount).amount),
                    },
                },
            ),
            ctx.actor,
        )
        view = uow.allocations.get(ctx.company_id, allocation_id)
        uow.commit()
        return view  # type: ignore[no-any-return]


def cancel_credit_use(uow: UnitOfWork, ctx: Ctx, allocation_id: int, *, reason: str = "") -> AllocationView:
    """Undo a credit note's use: the credit note and the document get the amount back exactly.

    Refused on a written-off credit note (its write-off is final, and so is what it had settled).
    """
    with uow:
        allocation = uow.allocations.get(ctx.company_id, allocation_id)
        if allocation.credit_document_id is None:
            raise NotACredit(document=f"le rapprochement {allocation_id}")
        credit = _credit_note(uow, ctx, allocation.credit_document_id, lock=True)
        use = uow.credits.credit_use(credit)
        if use.status is CreditStatus.WRITTEN_OFF:
            raise CreditWrittenOff(credit=credit.label)
        document = uow.documents.get(ctx.company_id, allocation.document_id, lock=True)
        balance = uow.documents.settlement(document).balance_due
        uow.allocations.delete(ctx.company_id, allocation_id)
        common = {"allocation_id": allocation_id, "amount": str(allocation.amount.amount), "reason": reason}
        uow.events.add(
            Event(
                EventKind.ALLOCATION_REMOVED,
                ctx.company_id,
                document_id=document.id,
                party_id=document.party_id,
                data={
                    **common,
                    "credit_document_id": credit.id,
                    "credit_number": credit.number,
                    "document_number": document.number,
                    "document_balance": {
                        "before": str(balance.amount),
                        "after": str((balance + allocation.amount).amount),
                    },
                },
            ),
            ctx.actor,
        )
        uow.events.add(
            Event(
                EventKind.CREDIT_USE_CANCELLED,
                ctx.company_id,
                document_id=credit.id,
                party_id=credit.party_id,
                data={
                    **common,
                    "target_document_id": document.id,
                    "target_number": document.number,
                    "credit_remaining": {
                        "before": str(use.remaining.amount),
                        "after": str((use.remaining + allocation.amount).amount),
                    },
                },
            ),
            ctx.actor,
        )
        uow.commit()
        return allocation  # type: ignore[no-any-return]


def credit_use_released(uow: UnitOfWork, ctx: Ctx, released: AllocationRemoved, document: Document) -> None:
    """An allocation whose source is a credit note was released (its document cancelled or deleted): the credit
    note's history shows its use undone. A written-off credit note stays written off — its write-off is final —
    so what comes back to it is written off too (and recorded)."""
    assert released.credit_document_id is not None
    allocation = released
    reason = released.reason
    credit = uow.documents.get(ctx.company_id, released.credit_document_id)
    uow.events.add(
        Event(
            EventKind.CREDIT_USE_CANCELLED,
            ctx.company_id,
            document_id=credit.id,
            party_id=credit.party_id,
            data={
                "allocation_id": allocation.allocation_id,
                "amount": str(allocation.amount.amount),
                "reason": reason,
                "target_document_id": document.id,
                "target_number": document.number,
            },
        ),
        ctx.actor,
    )
    written = uow.credits.write_offs(ctx.company_id, source=CreditRef.credit_note(credit.id))
    if written:
        before = written[0].amount
        uow.credits.add_to_write_off(ctx.company_id, written[0].id, allocation.amount)
        uow.events.add(
            Event(
                EventKind.CREDIT_WRITTEN_OFF,
                ctx.company_id,
                document_id=credit.id,
                party_id=credit.party_id,
                data={
                    "write_off_id": written[0].id,
                    "number": credit.number,
                    "amount": str(allocation.amount.amount),
                    "reason": f"use released after the write-off ({reason})",
                    "written_off": {"before": str(before.amount), "after": str((before + allocation.amount).amount)},
                },
            ),
            ctx.actor,
        )


def write_off_credit(
    uow: UnitOfWork, ctx: Ctx, credit_id: int, *, reason: str = "", today: date | None = None
) -> WriteOffView:
    """« Comptabiliser » a credit note: what remains of it is written off for good. It stays in the history
    but can no longer be used. Only a credit note with an unused amount can be written off, once."""
    with uow:
        credit = _credit_note(uow, ctx, credit_id, lock=True)
        use = uow.credits.credit_use(credit)
        amount = rules.check_credit_write_off(credit, use)
        write_off_id = uow.credits.add_write_off(
            ctx.company_id,
            party_id=credit.party_id,
            source=CreditRef.credit_note(credit.id),
            amount=amount,
            write_off_date=today or date.today(),
            reason=reason,
        )
        uow.events.add(
            Event(
                EventKind.CREDIT_WRITTEN_OFF,
                ctx.company_id,
                document_id=credit.id,
                party_id=credit.party_id,
                data={
                    "write_off_id": write_off_id,
                    "number": credit.number,
                    "amount": str(amount.amount),
                    "reason": reason,
                    "status": {"before": use.status.value, "after": CreditStatus.WRITTEN_OFF.value},
                    "credit_remaining": {"before": str(use.remaining.amount), "after": "0"},
                },
            ),
            ctx.actor,
        )
        view = uow.credits.write_offs(ctx.company_id, write_off_id=write_off_id)[0]
        uow.commit()
        return view  # type: ignore[no-any-return]


def get_credit_note(uow: UnitOfWork, ctx: Ctx, credit_id: int) -> CreditNoteView:
    with uow:
        credit = _credit_note(uow, ctx, credit_id)
        if credit.state is not State.VALIDATED:
            raise CreditNotIssued(credit=credit.label)
        return uow.credits.credit_notes(ctx.company_id, credit_id=credit_id)[0]  # type: ignore[no-any-return]


def credit_uses(uow: UnitOfWork, ctx: Ctx, source: CreditRef) -> list[CreditUseLine]:
    """Where a credit went (« Utilisations »): the documents a credit note — or a payment, for an overpayment —
    settles now, with the amount and when, oldest first. Refunds and write-offs are read with `list_refunds`
    and the write-offs list. Company-scoped: another company's credit raises NotFound."""
    with uow:
        if source.kind is SourceKind.CREDIT_NOTE:
            _credit_note(uow, ctx, source.id)
            allocations = uow.allocations.for_credit(ctx.company_id, source.id)
        else:
            uow.payments.get(ctx.company_id, source.id)
            allocations = uow.allocations.for_payment(ctx.company_id, source.id)
        return [
            CreditUseLine(
                allocation_id=a.id,
                source=source,
                document_id=a.document_id,
                document_number=a.document_number,
                amount=a.amount,
                used_at=a.created_at,
            )
            for a in allocations
        ]


def list_credit_notes(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    party_id: int | None = None,
    flow: Flow | None = None,
    status: CreditStatus | None = None,
) -> list[CreditNoteView]:
    """The credit notes list (« Avoirs »), filterable by status: unused, partially used, settled, written off."""
    with uow:
        views = uow.credits.credit_notes(ctx.company_id, party_id=party_id, flow=flow.value if flow else None)
        return [v for v in views if status is None or v.status is status]


# -- overpayments ---------------------------------------------------------------------------------------------


def _payment_label(payment: Payment) -> str:
    return f"le règlement {payment.number}"


def _active_payment(uow: UnitOfWork, ctx: Ctx, payment_id: int, *, lock: bool = False) -> Payment:
    payment = uow.payments.get(ctx.company_id, payment_id, lock=lock)
    if payment.state is PaymentState.CANCELLED:
        raise PaymentCancelled(number=payment.number)
    return payment  # type: ignore[no-any-return]


def list_overpayments(
    uow: UnitOfWork, ctx: Ctx, *, party_id: int | None = None, flow: Flow | None = None, limit: int = 10_000
) -> list[OverpaymentView]:
    """Payments with money left (« Trop-perçus »): party, date, origin, what remains. Refund payments never
    appear (they are wholly used by the credit they give back)."""
    with uow:
        direction = rules.direction_of(flow).value if flow else None
        views = uow.payments.views(
            ctx.company_id, party_id=party_id, direction=direction, unallocated_only=True, limit=limit
        )
        return overpayments_of(uow, ctx, views)


def overpayments_of(uow: UnitOfWork, ctx: Ctx, views: Sequence[PaymentView]) -> list[OverpaymentView]:
    """The overpayment views of payment views already read with money left (`unallocated_only`)."""
    with uow:
        found = [v.payment for v in views]
        uses = uow.credits.payment_uses(ctx.company_id, found)
        origins = uow.credits.allocated_documents(ctx.company_id, [p.id for p in found])
        names = {v.payment.id: v.party_name for v in views}
        return [
            OverpaymentView(
                payment_id=p.id,
                number=p.number,
                party_id=p.party_id,
                party_name=names[p.id],
                direction=p.direction.value,
                method=p.method,
                payment_date=p.payment_date,
                amount=p.amount,
                use=uses[p.id],
                origin_numbers=origins.get(p.id, ()),
            )
            for p in found
        ]


def write_off_overpayment(
    uow: UnitOfWork,
    ctx: Ctx,
    payment_id: int,
    *,
    amount: Money | None = None,
    reason: str = "",
    today: date | None = None,
) -> WriteOffView:
    """Write off a small overpayment (« écart de règlement ») within the company threshold: a recorded action."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        payment = _active_payment(uow, ctx, payment_id, lock=True)
        use = uow.credits.payment_use(payment)
        amount = amount if amount is not None else use.remaining
        threshold = rules.write_off_threshold(company.settings, payment.currency)
        rules.check_overpayment_write_off(_payment_label(payment), use.remaining, amount, threshold)
        write_off_id = uow.credits.add_write_off(
            ctx.company_id,
            party_id=payment.party_id,
            source=CreditRef.payment(payment.id),
            amount=amount,
            write_off_date=today or date.today(),
            reason=reason,
        )
        uow.events.add(
            Event(
                EventKind.OVERPAYMENT_WRITTEN_OFF,
                ctx.company_id,
                payment_id=payment.id,
                party_id=payment.party_id,
                data={
                    "write_off_id": write_off_id,
                    "number": payment.number,
                    "amount": str(amount.amount),
                    "threshold": str(threshold.amount),
                    "reason": reason,
                    "payment_unallocated": {
                        "before": str(use.remaining.amount),
                        "after": str((use.remaining - amount).amount),
                    },
                },
            ),
            ctx.actor,
        )
        view = uow.credits.write_offs(ctx.company_id, write_off_id=write_off_id)[0]
        uow.commit()
        return view  # type: ignore[no-any-return]


def write_off_shortfall(
    uow: UnitOfWork,
    ctx: Ctx,
    document_id: int,
    *,
    amount: Money | None = None,
    reason: str = "",
    today: date | None = None,
) -> WriteOffView:
    """Write off a small amount a document still owes (« écart de règlement », e.g. 0.02 short) within the
    company threshold: a recorded action; the document is then paid."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        balance_due = positions.balance_due(uow, ctx, document)
        amount = amount if amount is not None else balance_due
        threshold = rules.write_off_threshold(company.settings, document.currency)
        rules.check_shortfall_write_off(document, balance_due, amount, threshold)
        write_off_id = uow.credits.add_write_off(
            ctx.company_id,
            party_id=document.party_id,
            source=None,
            document_id=document.id,
            amount=amount,
            write_off_date=today or date.today(),
            reason=reason,
        )
        uow.events.add(
            Event(
                EventKind.SHORTFALL_WRITTEN_OFF,
                ctx.company_id,
                document_id=document.id,
                party_id=document.party_id,
                data={
                    "write_off_id": write_off_id,
                    "number": document.number,
                    "amount": str(amount.amount),
                    "threshold": str(threshold.amount),
                    "reason": reason,
                    "document_balance": {
                        "before": str(balance_due.amount),
                        "after": str((balance_due - amount).amount),
                    },
                },
            ),
            ctx.actor,
        )
        view = uow.credits.write_offs(ctx.company_id, write_off_id=write_off_id)[0]
        uow.commit()
        return view  # type: ignore[no-any-return]


# -- refunds --------------------------------------------------------------------------------------------------


def refund(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    source: CreditRef,
    method: str,
    amount: Money | None = None,
    payment_date: date | None = None,
    reference: str = "",
    comment: str = "",
    account_id: int | None = None,
) -> RefundView:
    """Give a credit back (all of it by default): an outgoing payment to a customer, or an incoming payment from
    a supplier. The refund payment and the credit are linked so the refund is traceable and can be unwound."""
    with uow:
        if source.kind is SourceKind.PAYMENT:
            origin_payment = _active_payment(uow, ctx, source.id, lock=True)
            remaining = uow.credits.payment_use(origin_payment).remaining
            party_id, direction = origin_payment.party_id, rules.opposite(origin_payment.direction)
            label, origin_document_id = _payment_label(origin_payment), None
            source_number = origin_payment.number
        else:
            credit = _credit_note(uow, ctx, source.id, lock=True)
            use = uow.credits.credit_use(credit)
            rules.check_credit_usable(credit, use)
            remaining = use.remaining
            party_id, direction = credit.party_id, rules.opposite(rules.direction_of(credit.flow))
            label, origin_document_id = credit.label, credit.id
            source_number = credit.number
        amount = amount if amount is not None else remaining
        rules.check_refund(label, remaining, amount)
        refund_payment = payments.record_payment(
            uow,
            ctx,
            party_id=party_id,
            amount=amount,
            method=method,
            direction=direction,
            payment_date=payment_date,
            account_id=account_id,
            reference=reference,
            comment=comment,
            origin_document_id=origin_document_id,
            event_data={"refund_of": {"kind": source.kind.value, "id": source.id, "number": source_number}},
        )
        refund_id = uow.credits.add_refund(
            ctx.company_id, party_id=party_id, payment_id=refund_payment.id, source=source, amount=amount
        )
        data = {
            "refund_id": refund_id,
            "amount": str(amount.amount),
            "refund_payment_id": refund_payment.id,
            "refund_number": refund_payment.payment.number,
            "source": {"kind": source.kind.value, "id": source.id, "number": source_number},
            "credit_remaining": {"before": str(remaining.amount), "after": str((remaining - amount).amount)},
        }
        uow.events.add(
            Event(
                EventKind.REFUND_RECORDED,
                ctx.company_id,
                payment_id=refund_payment.id,
                document_id=origin_document_id,
                party_id=party_id,
                data=data,
            ),
            ctx.actor,
        )
        if source.kind is SourceKind.PAYMENT:
            uow.events.add(
                Event(EventKind.REFUND_RECORDED, ctx.company_id, payment_id=source.id, party_id=party_id, data=data),
                ctx.actor,
            )
        view = uow.credits.get_refund(ctx.company_id, refund_id)
        uow.commit()
        return view  # type: ignore[no-any-return]


def unwind_refund(uow: UnitOfWork, ctx: Ctx, refund_id: int, *, reason: str = "") -> RefundView:
    """Undo a refund: the refund payment is cancelled and the credit gets the amount back exactly. Refused when
    the refund payment is digital or exported (record a new payment the other way instead)."""
    from acompte.services.payment_changes import cancel_payment

    with uow:
        view = uow.credits.get_refund(ctx.company_id, refund_id)
        cancel_payment(uow, ctx, view.payment_id, reason=reason or "remboursement annulé")
        uow.commit()
        return view  # type: ignore[no-any-return]


def list_refunds(
    uow: UnitOfWork, ctx: Ctx, *, party_id: int | None = None, source: CreditRef | None = None
) -> list[RefundView]:
    with uow:
        return list(uow.credits.refunds(ctx.company_id, party_id=party_id, source=source))


# -- the excess of a new payment ------------------------------------------------------------------------------


def handle_excess(
    uow: UnitOfWork,
    ctx: Ctx,
    payment_id: int,
    choice: Excess = Excess.KEEP,
    *,
    refund_method: str | None = None,
    refund_date: date | None = None,
    reason: str = "",
) -> SettleResult:
    """Apply the user's explicit choice to what a payment has left: keep it as credit (default), refund it, or
    write it off within the threshold. Each choice is recorded."""
    with uow:
        payment = _active_payment(uow, ctx, payment_id, lock=True)
        excess = uow.credits.payment_use(payment).remaining
        refund_view = write_off_view = None
        if excess.is_positive:
            if choice is Excess.KEEP:
                uow.events.add(
                    Event(
                        EventKind.OVERPAYMENT_KEPT,
                        ctx.company_id,
                        payment_id=payment.id,
                        party_id=payment.party_id,
                        data={"number": payment.number, "amount": str(excess.amount)},
                    ),
                    ctx.actor,
                )
            elif choice is Excess.REFUND:
                refund_view = refund(
                    uow,
                    ctx,
                    source=CreditRef.payment(payment.id),
                    method=refund_method or payment.method,
                    amount=excess,
                    payment_date=refund_date or payment.payment_date,
                    comment=reason,
                )
            elif choice is Excess.WRITE_OFF:
                write_off_view = write_off_overpayment(uow, ctx, payment.id, amount=excess, reason=reason)
            else:  # pragma: no cover - StrEnum exhaustiveness
                raise InvalidSetting(reason=f"choix inconnu : {choice}")
        result = SettleResult(
            payment_id=payment.id,
            allocations=tuple(uow.allocations.for_payment(ctx.company_id, payment.id)),
            excess=excess,
            refund=refund_view,
            write_off=write_off_view,
        )
        uow.commit()
        return result


def receive_payment(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    party_id: int,
    amount: Money,
    method: str,
    allocations: Sequence[tuple[int, Money]] = (),
    excess: Excess = Excess.KEEP,
    refund_method: str | None = None,
    reason: str = "",
    **payment: Any,
) -> SettleResult:
    """Record a payment with its allocations and decide, explicitly, what happens to what it does not settle
    (also for an overpaid deposit invoice: it is a document like any other here). One transaction."""
    with uow:
        view = payments.record_payment(
            uow, ctx, party_id=party_id, amount=amount, method=method, allocations=allocations, **payment
        )
        result = handle_excess(uow, ctx, view.id, excess, refund_method=refund_method, reason=reason)
        uow.commit()
        return result


__all__ = [
    "CreditRef",
    "CreditStatus",
    "CreditUse",
    "Excess",
    "InvoiceCredits",
    "SourceKind",
    "after_issue",
    "before_issue",
    "cancel_credit_use",
    "create_credit_note",
    "credit_invoice",
    "credit_use_released",
    "get_credit_note",
    "handle_excess",
    "invoice_credits",
    "list_credit_notes",
    "list_overpayments",
    "list_refunds",
    "receive_payment",
    "refund",
    "unwind_refund",
    "use_credit",
    "write_off_credit",
    "write_off_overpayment",
    "write_off_shortfall",
]
