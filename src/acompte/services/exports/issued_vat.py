"""The VAT of deposit documents as issued, and the deposit invoices a final invoice deducts.

A deposit invoice or deposit credit note splits a gross amount: its VAT is the gross less the net, stored per
rate when it is issued (the deposits capability writes that split). Its lines cannot recompute it to the cent,
so the PDF, the Factur-X and the journal entries all read the stored split here. The rule is the one the
deposits capability applies to its own screens: the stored split when there is one, else the breakdown of the
document's lines (`domain.deposits.issued_breakdown`, the one rule both read). The stored split is read
straight from the stored data so that exporting never calls the deposits service.

The deductions of deposit invoices on a final invoice (Factur-X BT-25/26 and BT-113, the printed « acomptes
déduits ») take the VAT stored with each deduction, with the natures of the final invoice.
"""

from __future__ import annotations

from collections.abc import Sequence

from acompte.domain.accounting import Nature, VatPart, natured_parts
from acompte.domain.deposits import Breakdown
from acompte.domain.deposits import issued_breakdown as breakdown_as_issued
from acompte.domain.documents import Document, Kind
from acompte.domain.einvoicing import DeductedDeposit
from acompte.domain.vat import VatLine, VatRounding
from acompte.services.ports import Ctx, UnitOfWork

#: Documents whose VAT is a split of their gross, stored when issued (deposits).
DEPOSIT_DOCUMENT_KINDS = frozenset({Kind.DEPOSIT_INVOICE, Kind.DEPOSIT_CREDIT_NOTE})


def issued_breakdown(uow: UnitOfWork, ctx: Ctx, document: Document) -> tuple[VatLine, ...]:
    """A document's VAT per rate as issued: for deposit documents the stored split of their gross, for the
    others the breakdown of their lines."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        current = uow.documents.get(ctx.company_id, document.id)
        stored = uow.deposits.breakdowns(ctx.company_id, [current]).get(current.id)
        return breakdown_as_issued(current, stored, company.vat_rounding)


def issued_parts(
    uow: UnitOfWork, ctx: Ctx, document: Document, reference: Sequence[VatPart], default: Nature
) -> tuple[VatPart, ...]:
    """A deposit invoice's or deposit credit note's VAT as issued, per rate, with the natures of `reference`
    (the order it comes from) at each rate."""
    breakdown = issued_breakdown(uow, ctx, document)
    return natured_parts(((b.rate, b.net, b.vat) for b in breakdown), reference, default)


def parts_as_issued(
    document: Document,
    stored: Breakdown | None,
    rounding: VatRounding,
    reference: Sequence[VatPart],
    default: Nature,
) -> tuple[VatPart, ...]:
    """`issued_parts` of a document whose stored split (`stored`, None when it has none) was read already."""
    breakdown = breakdown_as_issued(document, stored, rounding)
    return natured_parts(((b.rate, b.net, b.vat) for b in breakdown), reference, default)


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
