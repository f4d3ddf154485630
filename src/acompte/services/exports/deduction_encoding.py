"""How a final invoice shows the deposit invoices it deducts — one choice for the PDF, the Factur-X and the sales
entry, fixed on the invoice when it is issued.

The company chooses (`einvoicing.deduction_encoding`, french-rules §4.2):
- `paid_amount`: the invoice shows its full lines; the deposits are listed under the total and paid amount
  (BT-113); the sales entry is D 411 gross / C 70x / C 44571 and the imputation an entry of its own (AC-01);
- `deduction_line`: each deposit invoice deducted is a line « Acompte déjà facturé FA-… », quantity −1 at a
  positive price, per rate; the totals are net of it (BT-113 = 0) and the one sales entry debits 4191 for it
  (AC-10: D 411 840 + D 4191 300 / C 707 1 000 / C 44571 140).

The deductions themselves are the same rows either way (`deductions`), so the position — net to pay, balance
due, the account — does not depend on the choice. The VAT of a recall line is the VAT stored with its
deduction, never recomputed: the invoice's VAT less its recalls is exactly what the sales entry collects, to
the cent, in the PDF, the XML and the books.

The choice is written into the invoice's data when it is issued (`fix_at_issue`, called by the issue handler
before its file is frozen): a later change of the company setting never changes an issued invoice. An invoice
issued before the choice was stored reads `paid_amount`, which is how its PDF and its entry were made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from acompte.domain.accounting import FactLine
from acompte.domain.documents import Document, Flow, Kind, State
from acompte.domain.einvoicing import DeductedDeposit, DeductionEncoding, recall_designation, recalled_parts
from acompte.domain.parties import Company
from acompte.services.ports import Ctx, UnitOfWork

#: Where the choice is kept: in the final invoice's data once issued, in the company's `einvoicing` settings.
ENCODING_KEY = "deduction_encoding"


def company_encoding(company: Company) -> DeductionEncoding:
    """The company's current choice (`einvoicing.deduction_encoding`, default `paid_amount`)."""
    value = (company.settings.get("einvoicing") or {}).get(ENCODING_KEY) or DeductionEncoding.PAID_AMOUNT.value
    return DeductionEncoding(value)


def encoding_of(uow: UnitOfWork, ctx: Ctx, document: Document, company: Company | None = None) -> DeductionEncoding:
    """The encoding `document` follows: an issued sale invoice the one fixed at its issue; a draft the company's
    current one. Anything else (purchases, deposit invoices, credit notes) deducts nothing by lines."""
    if document.kind is not Kind.INVOICE or document.flow is not Flow.SALE:
        return DeductionEncoding.PAID_AMOUNT
    data = uow.documents.data(ctx.company_id, document.id)
    return encoding_in(document, data, company or uow.companies.get(ctx.company_id))


def encoding_in(document: Document, data: Mapping[str, Any], company: Company) -> DeductionEncoding:
    """`encoding_of` for a document whose stored data was read already (the export reads it per batch)."""
    if document.kind is not Kind.INVOICE or document.flow is not Flow.SALE:
        return DeductionEncoding.PAID_AMOUNT
    stored = data.get(ENCODING_KEY)
    if stored:
        return DeductionEncoding(stored)
    if document.state is State.DRAFT:
        return company_encoding(company)
    return DeductionEncoding.PAID_AMOUNT


def fix_at_issue(uow: UnitOfWork, ctx: Ctx, document_id: int) -> None:
    """Store the company's current choice on a sale final invoice being issued (inside the issue's unit of work)."""
    document = uow.documents.get(ctx.company_id, document_id)
    if document.kind is not Kind.INVOICE or document.flow is not Flow.SALE:
        return
    data = uow.documents.data(ctx.company_id, document.id)
    if data.get(ENCODING_KEY):
        return
    encoding = company_encoding(uow.companies.get(ctx.company_id))
    uow.documents.set_data(ctx.company_id, document.id, {**data, ENCODING_KEY: encoding.value})


def recall_fact_lines(deductions: Sequence[DeductedDeposit], deposit_keys: Sequence[str]) -> tuple[FactLine, ...]:
    """The recall lines of a final invoice as accounting reads them: one per deposit invoice and rate, its net
    negative, on the deposit account (4191), matched with that deposit's lines (`deposit_keys`, in order)."""
    return tuple(
        FactLine(-part.net, part.rate, part.nature, recall=True, deposit_key=key)
        for deposit, key in zip(deductions, deposit_keys, strict=True)
        for part in deposit.parts
    )


__all__ = [
    "ENCODING_KEY",
    "company_encoding",
    "encoding_in",
    "encoding_of",
    "fix_at_issue",
    "recall_designation",
    "recall_fact_lines",
    "recalled_parts",
]
