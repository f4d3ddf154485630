"""Credit notes (avoirs): made from an issued invoice (all of it or some lines and quantities — a return) or
standalone (a commercial gesture that names the invoices it corrects), checked when issued, then settling the
invoices they correct.

A credit note is a document of kind `credit_note` (series AV for sales, AF for purchases), numbered and frozen
by `documents.validate_document`. The credits capability reacts to that (see `handlers`): `before_issue` checks
the credit note still fits its invoices, `after_issue` settles them. A credit note that completes an invoice
publishes `InvoiceCreditedInFull`: the deposits go back to their order first, then the invoice's credit notes
settle what it still owes (`settle_cancelled_invoice`), in the order `bootstrap.message_bus` declares.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from acompte.domain import credits as rules
from acompte.domain.credit_events import InvoiceCreditedInFull
from acompte.domain.credits import CreditStatus
from acompte.domain.dates import DateField, check_optional
from acompte.domain.documents import Document, Flow, Kind, LineInput, State
from acompte.domain.errors import CreditLinesMismatch, InvalidSetting, NonPositiveAmount
from acompte.domain.money import Money
from acompte.services import documents
from acompte.services.credits.lookups import corrected_invoices, credit_data, credited_on
from acompte.services.credits.uses import apply_credit
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import DocumentView

# -- making credit notes ----------------------------------------------------------------------------------------


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
    check_optional(today, DateField.ISSUE_DATE)
    with uow:
        invoice = uow.documents.get(ctx.company_id, invoice_id, lock=True)
        rules.check_creditable(invoice)
        credited, _ = credited_on(uow, ctx, invoice_id)
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
    check_optional(today, DateField.ISSUE_DATE)
    with uow:
        ids = rules.corrected_ids(origin_id, {"corrected_ids": list(corrected_ids)})
        invoices = corrected_invoices(uow, ctx, ids)
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


def create_correcting_credit_note(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    party_id: int | None,
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
    """A standalone credit note with free lines that names the invoices it corrects: `origin_id` (then it never
    exceeds what remains to credit on that invoice, see `create_credit_note`) and/or `corrected_ids`. Every named
    invoice is an issued invoice of the credit note's party (the party defaults to theirs). A sales credit note
    naming none is refused when it is issued (MissingCorrectedInvoice). One transaction."""
    check_optional(today, DateField.ISSUE_DATE)
    with uow:
        named = rules.corrected_ids(origin_id, {"corrected_ids": list(corrected_ids)})
        if party_id is None:
            if not named:
                raise InvalidSetting(reason="un avoir nomme son tiers ou la facture qu'il corrige")
            party_id = uow.documents.get(ctx.company_id, named[0]).party_id
        uow.parties.get(ctx.company_id, party_id)
        view = create_credit_note(
            uow,
            ctx,
            party_id=party_id,
            lines=lines,
            flow=flow,
            comment=comment,
            origin_id=origin_id,
            corrected_ids=corrected_ids,
            currency=currency,
            issue=issue,
            apply_to_origin=apply_to_origin,
            today=today,
        )
        uow.commit()
        return view


# -- issuing: checked, then settling its invoices ---------------------------------------------------------------


def before_issue(uow: UnitOfWork, ctx: Ctx, credit: Document) -> None:
    """Before a credit note is numbered (it is issuing, see `handlers`): it names issued invoices of its
    party, flow and currency, and still fits them (a return: the invoice's lines; any credit note: what remains
    to credit on its invoices). A credit note correcting several invoices records the share of each."""
    if not credit.gross.is_positive:
        raise NonPositiveAmount(amount=str(credit.gross))
    stored = uow.documents.data(ctx.company_id, credit.id)
    ids = rules.corrected_ids(credit.origin_id, stored)
    invoices = corrected_invoices(uow, ctx, ids)
    rules.check_corrected_invoices(invoices, party_id=credit.party_id, flow=credit.flow, currency=credit.currency)
    data = credit_data(stored)
    credited: dict[int, Money] = {}
    for invoice in invoices:
        quantities, gross = credited_on(uow, ctx, invoice.id, exclude=credit.id)
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


def after_issue(uow: UnitOfWork, ctx: Ctx, credit_id: int) -> None:
    """Once a credit note is numbered, for each invoice it corrects: a credit note that completes the invoice
    cancels it (`InvoiceCreditedInFull`, whose handlers settle it); otherwise it settles the invoice only if
    asked to (`apply_to_origin`)."""
    credit = uow.documents.get(ctx.company_id, credit_id)
    stored = uow.documents.data(ctx.company_id, credit.id)
    apply = bool(credit_data(stored).get("apply_to_origin"))
    for invoice_id in rules.corrected_ids(credit.origin_id, stored):
        invoice = uow.documents.get(ctx.company_id, invoice_id, lock=True)
        _, credited = credited_on(uow, ctx, invoice.id)
        if credited == invoice.gross:
            publish(
                uow,
                ctx,
                InvoiceCreditedInFull(
                    company_id=ctx.company_id,
                    document_id=invoice.id,
                    party_id=invoice.party_id,
                    credit_document_id=credit.id,
                    credit_number=credit.number,
                    gross=invoice.gross,
                ),
            )
        elif apply:
            settle_invoice(uow, ctx, credit, invoice.id, cancelled=False)


def settle_cancelled_invoice(uow: UnitOfWork, ctx: Ctx, event: InvoiceCreditedInFull) -> None:
    """An invoice cancelled by credit notes never stays due: they settle what it still owes (run after the
    deposits went back to their order, so that the invoice owes its gross less what was paid on it)."""
    assert event.document_id is not None
    credit = uow.documents.get(ctx.company_id, event.credit_document_id)
    settle_invoice(uow, ctx, credit, event.document_id, cancelled=True)


def settle_invoice(uow: UnitOfWork, ctx: Ctx, credit: Document, invoice_id: int, *, cancelled: bool) -> None:
    """This credit note settles what the invoice still owes; when the invoice is cancelled, its earlier credit
    notes too (newest first). Each first gives at most its share of the invoice (a credit note correcting
    several invoices keeps the rest for the others), then what it has left."""
    invoice = uow.documents.get(ctx.company_id, invoice_id, lock=True)
    notes = {n.id: (n, d) for n, d in uow.credits.credit_notes_on(ctx.company_id, invoice.id)}
    candidates = [credit.id]
    if cancelled:
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
                    rules.share_on(invoice.id, candidate.gross, references, credit_data(data).get("shares"))
                )
            if amount.is_positive:
                apply_credit(uow, ctx, credit_id=candidate.id, document_id=invoice.id, amount=amount)
