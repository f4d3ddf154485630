"""What deposits and credits tell the accounting export and e-invoicing: the wiring of issues 3, 4 and 6.

The export (`exports.run_export`), the e-reporting of payments and the Factur-X / PDF views call these functions
directly; each rule lives here once:

- **Deductions of deposit invoices** on issued final invoices (deposits' `deductions`): a `DeductionFact` (the
  imputation, D 4191 + D 44571 / C 411, AC-01; purchases D 401 / C 4091 + C 44566, AC-07) and a
  `DeductedDeposit` (Factur-X BT-113 = `Settlement.deducted`, BT-25/26 = each deposit invoice). Only deposit
  *invoices*: a deposit paid on an order without a deposit invoice follows the order to its invoice as an
  allocation (deposits' carried allocations), and the export imputes it from that allocation's own posting
  (`run_export` step 3), never here, so nothing is imputed twice. The deduction's VAT is the one stored with it
  (cut from the deposit invoice's breakdown as issued); it takes the natures of the final invoice, so it leaves
  the VAT account the invoice used (44571, or 44574 for services without the debits option, AC-02).
- **Deductions removed after export** (the final invoice was cancelled by a credit note and its deposit invoices
  freed, `deposits.return_deposits_to_origin`): a `ReversalFact`, the mirror of the posted imputation, dated and
  referenced on the cancelling credit note. Posted entries never change (PCG art. 420-5).
- **Write-offs** (credits' `write_offs`): a `WriteOffFact`. An overpayment kept from a customer and a customer's
  credit note « comptabilisé » are gains (D 411 / C 758); a small shortfall a customer did not pay is a loss
  (D 658 / C 411); suppliers are the mirror (french-rules.md §1.3, docs/accounting-exports.md). A credit note's
  write-off grows when one of its earlier uses is released: only the growth is posted then (keys
  `wo:<id>:<cumulative minor units>`).
- **Refunds** are payments: the export posts them as payments (D 411 / C 512; a supplier refunding us D 512 /
  C 401). `refund_flow` tells it whose account a refund moves (the flow of the credit it gives back), and the
  export's matching links join the refund to that credit.
- **A credit note's reason**: a commercial gesture (standalone credit note) is a price reduction (709); a credit
  note made from the invoice's lines (a return, a cancellation) mirrors the invoice on 70x.
- **The VAT breakdown of deposit documents** as issued (`deposits.document_breakdown`): their VAT is the gross
  less the net, which the lines cannot recompute to the cent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from acompte.domain.accounting import (
    CreditReason,
    DeductionFact,
    Nature,
    ReversalFact,
    VatPart,
    WriteOffFact,
    natured_parts,
    write_off_kind,
)
from acompte.domain.credits import SourceKind
from acompte.domain.documents import Document, Flow, Kind, State
from acompte.domain.einvoicing import DeductedDeposit
from acompte.domain.errors import ForeignCurrencyNotSupported
from acompte.domain.money import Money
from acompte.domain.payments import Direction, Payment
from acompte.domain.vat import VatLine
from acompte.services.ports import Ctx, UnitOfWork

if TYPE_CHECKING:
    from acompte.services.exports import FactReader

#: Documents whose VAT is a split of their gross, stored when issued (deposits).
DEPOSIT_DOCUMENT_KINDS = frozenset({Kind.DEPOSIT_INVOICE, Kind.DEPOSIT_CREDIT_NOTE})


# -- credit notes and deposit documents ---------------------------------------------------------------------------


def credit_reason(data: Mapping[str, Any]) -> CreditReason:
    """Why a credit note credits: `data["credit_reason"]` when set, else a gesture (standalone credit note) is a
    price reduction (709) and a credit note made from the invoice's lines a return or cancellation (70x)."""
    explicit = data.get("credit_reason")
    if explicit:
        return CreditReason(explicit)
    mode = (data.get("credit") or {}).get("mode")
    return CreditReason.REDUCTION if mode == "standalone" else CreditReason.RETURN


def issued_breakdown(uow: UnitOfWork, ctx: Ctx, document: Document) -> tuple[VatLine, ...]:
    """A document's VAT per rate as issued: for deposit documents the stored split of their gross (deposits own
    that rule), for the others the breakdown of their lines."""
    from acompte.services.deposits import document_breakdown

    return document_breakdown(uow, ctx, document.id)


def issued_parts(
    uow: UnitOfWork, ctx: Ctx, document: Document, reference: Sequence[VatPart], default: Nature
) -> tuple[VatPart, ...]:
    """A deposit invoice's or deposit credit note's VAT as issued, per rate, with the natures of `reference`
    (the order it comes from) at each rate."""
    breakdown = issued_breakdown(uow, ctx, document)
    return natured_parts(((b.rate, b.net, b.vat) for b in breakdown), reference, default)


# -- deductions ------------------------------------------------------------------------------------------------


def deduction_key(deduction_id: int, invoice_id: int) -> str:
    return f"ded:{deduction_id}:doc:{invoice_id}"


def deducted_deposits(
    uow: UnitOfWork, ctx: Ctx, invoice: Document, reference: Sequence[VatPart] = ()
) -> list[DeductedDeposit]:
    """The deposit invoices a final invoice deducts, with the VAT each deduction takes (natures of `reference`,
    the invoice's own parts): Factur-X BT-25/26 and BT-113, the printed « acomptes déduits »."""
    if invoice.kind is not Kind.INVOICE:
        return []
    result = []
    for deduction in uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id):
        deposit = uow.documents.get(ctx.company_id, deduction.deposit_invoice_id)
        parts = natured_parts(((b.rate, b.net, b.vat) for b in deduction.breakdown), reference)
        result.append(DeductedDeposit(deposit.number or deposit.label, deposit.issue_date, parts))
    return result


def _cancelling_credit_note(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> Document | None:
    notes = [
        note
        for note, _ in uow.credits.credit_notes_on(ctx.company_id, invoice_id)
        if note.state is State.VALIDATED and note.number
    ]
    return max(notes, key=lambda n: (n.issue_date, n.id)) if notes else None


def deduction_facts(uow: UnitOfWork, ctx: Ctx, reader: FactReader, date_to: date) -> list[Any]:
    """Imputations of deposit invoices on issued final invoices dated up to `date_to` (those already exported
    too: the export skips them by key, and they tell what remains open on each invoice), and reversals of
    exported imputations whose deduction was removed since."""
    currency = reader.company.currency
    deductions = [d for d in uow.deposits.deductions(ctx.company_id) if d.invoice_state is State.VALIDATED]
    keys = {deduction_key(d.id, d.invoice_id): d for d in deductions}
    facts: list[Any] = []
    for key, deduction in keys.items():
        invoice = reader.document(deduction.invoice_id)
        if invoice.issue_date > date_to or invoice.currency != currency:
            continue  # a later invoice; a foreign-currency one is refused by the run when it is in the period
        deposit = reader.document(deduction.deposit_invoice_id)
        invoice_fact = reader.fact(invoice)
        default = next((p.nature for p in reader.fact(deposit).parts), Nature.GOODS)
        parts = natured_parts(((b.rate, b.net, b.vat) for b in deduction.breakdown), invoice_fact.parts, default)
        facts.append(
            DeductionFact(
                key=key,
                invoice_number=invoice.label,
                invoice_key=f"doc:{invoice.id}",
                deposit_key=f"doc:{deposit.id}",
                deduction_date=invoice.issue_date,
                flow=invoice.flow,
                party=invoice_fact.party,
                parts=parts,
                deposit_number=deposit.label,
            )
        )
    # an exported imputation whose deduction is gone: its final invoice was cancelled by a credit note
    exported = uow.exports.exported_like(ctx.company_id, "ded:")
    reversed_ = {k.removeprefix("rev:") for k in uow.exports.exported_like(ctx.company_id, "rev:ded:")}
    for key in sorted(exported - set(keys) - reversed_):
        invoice_id = int(key.rsplit(":", 1)[1])
        note = _cancelling_credit_note(uow, ctx, invoice_id)
        when = note.issue_date if note is not None else reader.document(invoice_id).issue_date
        if when > date_to:
            continue
        facts.append(
            ReversalFact(
                key=f"rev:{key}",
                reversed_key=key,
                reversal_date=when,
                reason="acompte libéré par l'avoir" if note is not None else "acompte libéré",
                piece_ref=(note.number or "") if note is not None else "",
            )
        )
    return facts


# -- write-offs ------------------------------------------------------------------------------------------------


def write_off_facts(uow: UnitOfWork, ctx: Ctx, reader: FactReader, date_to: date) -> list[WriteOffFact]:
    """Write-offs dated up to `date_to` not yet (wholly) exported: for each, what was written off since the last
    export (a credit note's write-off grows when one of its uses is released later)."""
    exported: dict[int, int] = {}
    for key in uow.exports.exported_like(ctx.company_id, "wo:"):
        _, write_off_id, minor = key.split(":")
        exported[int(write_off_id)] = max(exported.get(int(write_off_id), 0), int(minor))
    facts = []
    for view in uow.credits.write_offs(ctx.company_id):
        if view.write_off_date > date_to:
            continue
        already = exported.get(view.id, 0)
        if view.amount.minor_units <= already:
            continue
        currency = reader.company.currency
        if view.amount.currency != currency:
            raise ForeignCurrencyNotSupported(
                piece=view.source_number or f"écart {view.id}", currency=view.amount.currency, company_currency=currency
            )
        if view.source is not None and view.source.kind is SourceKind.PAYMENT:
            payment = uow.payments.get(ctx.company_id, view.source.id)
            flows = {
                reader.document(d).flow for _, d, _ in uow.exports.allocations_of_payment(ctx.company_id, payment.id)
            }
            flow, what, written = reader.payment_flow(payment, flows), "overpayment", f"pay:{payment.id}"
        else:
            document_id = view.source.id if view.source is not None else int(view.document_id or 0)
            flow = reader.document(document_id).flow
            what = "credit_note" if view.source is not None else "shortfall"
            written = f"doc:{document_id}"
        facts.append(
            WriteOffFact(
                key=f"wo:{view.id}:{view.amount.minor_units}",
                reference=view.source_number or "",
                write_off_date=view.write_off_date,
                flow=flow,
                party=reader.party_ref(view.party_id, flow),
                amount=view.amount - Money.from_minor(already, view.amount.currency),
                kind=write_off_kind(what, flow),
                written_key=written,
            )
        )
    return facts


# -- refunds ---------------------------------------------------------------------------------------------------


def refund_flow(uow: UnitOfWork, ctx: Ctx, payment: Payment) -> Flow | None:
    """The flow whose account a refund payment moves: that of the credit it gives back (a customer's credit note
    or overpayment: sales; a supplier's: purchases). None for a payment that is not a refund."""
    refunds = uow.credits.refunds(ctx.company_id, payment_id=payment.id)
    if not refunds:
        return None
    source = refunds[0].source
    if source.kind is SourceKind.CREDIT_NOTE:
        return uow.documents.get(ctx.company_id, source.id).flow  # type: ignore[no-any-return]
    origin = uow.payments.get(ctx.company_id, source.id)
    return Flow.SALE if origin.direction is Direction.IN else Flow.PURCHASE


# -- everything the export posts from deposits and credits ---------------------------------------------------------


def facts(uow: UnitOfWork, ctx: Ctx, reader: FactReader, date_to: date) -> list[Any]:
    return [*deduction_facts(uow, ctx, reader, date_to), *write_off_facts(uow, ctx, reader, date_to)]
