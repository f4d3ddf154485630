"""What deposits and credits tell the accounting export, as facts it posts like the rest.

- **Deductions of deposit invoices** on issued final invoices (deposits' `deductions`): a `DeductionFact` (the
  imputation, D 4191 + D 44571 / C 411, AC-01; purchases D 401 / C 4091 + C 44566, AC-07). Only deposit
  *invoices*: a deposit paid on an order without a deposit invoice follows the order to its invoice as an
  allocation (deposits' carried allocations), and the export imputes it from that allocation's own posting
  (`run_export` step 3), never here, so nothing is imputed twice. The deduction's VAT is the one stored with it
  (cut from the deposit invoice's breakdown as issued); it takes the natures of the final invoice, so it leaves
  the VAT account the invoice used (44571, or 44574 for services without the debits option, AC-02). A final
  invoice issued with the `deduction_line` encoding recalls its deposits by lines: its own sales entry debits
  4191 (AC-10), so its deductions make no imputation here.
- **Deductions removed after export** (the final invoice was cancelled by a credit note and its deposit invoices
  freed): a `ReversalFact`, the mirror of the posted imputation, dated and referenced on the cancelling credit
  note. Posted entries never change (PCG art. 420-5).
- **Write-offs** (credits' `write_offs`): a `WriteOffFact`. An overpayment kept from a customer and a customer's
  credit note « comptabilisé » are gains (D 411 / C 758); a small shortfall a customer did not pay is a loss
  (D 658 / C 411); suppliers are the mirror (french-rules.md §1.3, docs/accounting-exports.md). A credit note's
  write-off grows when one of its uses is released: only the growth is posted then (keys
  `wo:<id>:<cumulative minor units>`).

- **Bank fees** (bank reconciliation's matches): the commission a card settlement's bank line keeps, a
  `BankFeeFact` (D 627 / C 512) dated on the line; a fee whose match was undone after its export is reversed.

Refunds are payments: the export posts them as payments (facts.refund_flow tells whose account they move).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from acompte.domain.accounting import (
    BankFeeFact,
    DeductionFact,
    Nature,
    ReversalFact,
    WriteOffFact,
    natured_parts,
    write_off_kind,
)
from acompte.domain.credits import SourceKind
from acompte.domain.documents import Document, State
from acompte.domain.einvoicing import DeductionEncoding
from acompte.domain.errors import ForeignCurrencyNotSupported
from acompte.domain.money import Money
from acompte.services.exports.facts import FactReader
from acompte.services.ports import Ctx, UnitOfWork

# -- deductions ------------------------------------------------------------------------------------------------


def deduction_key(deduction_id: int, invoice_id: int) -> str:
    return f"ded:{deduction_id}:doc:{invoice_id}"


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
    deductions = [d for d in reader.deductions() if d.invoice_state is State.VALIDATED]
    reader.prefetch([id_ for d in deductions for id_ in (d.invoice_id, d.deposit_invoice_id)])
    keys = {deduction_key(d.id, d.invoice_id): d for d in deductions}
    facts: list[Any] = []
    for key, deduction in keys.items():
        invoice = reader.document(deduction.invoice_id)
        if invoice.issue_date > date_to:
            continue
        if invoice.currency != currency:  # its deposits' euros would not clear 4191 at the invoice's rate
            raise ForeignCurrencyNotSupported(piece=invoice.label, currency=invoice.currency, company_currency=currency)
        if reader.encoding(invoice) is DeductionEncoding.DEDUCTION_LINE:
            continue  # recalled by a line of the invoice: its own sales entry debits 4191 (AC-10)
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
                received_key=f"pay:{view.received_payment_id}" if view.received_payment_id is not None else None,
            )
        )
    return facts


# -- bank fees -------------------------------------------------------------------------------------------------


def bank_fee_facts(uow: UnitOfWork, ctx: Ctx, reader: FactReader, date_to: date) -> list[Any]:
    """Fees of active bank matches dated up to `date_to`, and reversals of exported fees whose match was undone."""
    found: list[Any] = []
    exported = uow.exports.exported_like(ctx.company_id, "fee:")
    reversed_ = {k.removeprefix("rev:") for k in uow.exports.exported_like(ctx.company_id, "rev:fee:")}
    for fee in uow.bank_matches.fees(ctx.company_id):
        key = f"fee:{fee.match_id}"
        if fee.amount.currency != reader.company.currency:
            raise ForeignCurrencyNotSupported(
                piece=fee.reference or fee.label, currency=fee.amount.currency, company_currency=reader.company.currency
            )
        if fee.undone_on is None:
            if fee.booking_date <= date_to:
                found.append(BankFeeFact(key, fee.reference or fee.label[:40], fee.booking_date, fee.amount))
        elif key in exported and key not in reversed_ and fee.undone_on <= date_to:
            found.append(
                ReversalFact(
                    key=f"rev:{key}", reversed_key=key, reversal_date=fee.undone_on, reason="rapprochement annulé"
                )
            )
    return found


# -- everything the export posts from deposits, credits and bank reconciliation -------------------------------------


def facts(uow: UnitOfWork, ctx: Ctx, reader: FactReader, date_to: date) -> list[Any]:
    return [
        *deduction_facts(uow, ctx, reader, date_to),
        *write_off_facts(uow, ctx, reader, date_to),
        *bank_fee_facts(uow, ctx, reader, date_to),
    ]
