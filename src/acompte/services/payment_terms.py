"""Which payment terms an invoice follows and when it is due: the one rule every surface reads.

An invoice's terms are its own (put on the document), else its party's, else — on the sales side — the company's
default (`default_payment_terms` in the company settings). When the invoice is issued without a due date typed
in, the terms that applied are frozen on it and its due date (its last instalment's) is stored: the document's
page, the lists, the aged balance, the statement, the PDF and the Factur-X (BT-9, BT-20) then read the same
figures, and a later change of the party's or the company's terms does not change an issued invoice.
A due date typed in wins; the document then follows only the terms put on it, if any.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from acompte.domain.accounts import PaymentTerms, applicable_terms, describe_terms, final_due_date
from acompte.domain.documents import Document, Flow, Kind, State
from acompte.services.ports import Ctx, UnitOfWork

#: Where terms are kept: in a document's data, in a party's settings.
PAYMENT_TERMS_KEY = "payment_terms"
#: The company's default terms, in its settings.
DEFAULT_PAYMENT_TERMS_KEY = "default_payment_terms"
#: The documents that are due on a date (credit notes are credits, quotes and orders are not invoiced yet).
TERMS_KINDS = frozenset({Kind.INVOICE, Kind.DEPOSIT_INVOICE})


class TermsSource:
    DOCUMENT = "document"
    PARTY = "party"
    COMPANY = "company"


@dataclass(frozen=True, slots=True)
class AppliedTerms:
    """The terms a document follows, where they come from (`document`, `party`, `company`, or "" for none), its
    due date (stored once issued; worked out from the terms for a draft) and the terms in words."""

    terms: PaymentTerms | None
    source: str
    due_date: date | None
    text: str


def _order_date(uow: UnitOfWork, ctx: Ctx, document: Document) -> date | None:
    if document.origin_id is None:
        return None
    return uow.credits.document_context(ctx.company_id, [document.id]).get(document.id, ({}, None))[1]


def _party_or_company(uow: UnitOfWork, ctx: Ctx, party_id: int, flow: Flow) -> tuple[PaymentTerms | None, str]:
    party = uow.parties.get(ctx.company_id, party_id).settings.get(PAYMENT_TERMS_KEY)
    company = uow.companies.get(ctx.company_id).settings.get(DEFAULT_PAYMENT_TERMS_KEY) if flow is Flow.SALE else None
    terms = applicable_terms(party, company)
    return terms, "" if terms is None else TermsSource.PARTY if party else TermsSource.COMPANY


def party_terms(uow: UnitOfWork, ctx: Ctx, party_id: int, flow: Flow) -> PaymentTerms | None:
    """The terms a new invoice of this party follows unless it gets its own: the party's, else (sales) the
    company's default. What a form shows before the invoice exists."""
    with uow:
        return _party_or_company(uow, ctx, party_id, flow)[0]


def applied_terms(uow: UnitOfWork, ctx: Ctx, document: Document) -> AppliedTerms:
    """The terms and due date of `document`, inside the caller's unit of work. An issued document answers what
    it was issued with; a draft what the rule gives today (its own terms, its party's, the company's default)."""
    if document.kind not in TERMS_KINDS:
        return AppliedTerms(None, "", document.due_date, "")
    own = uow.documents.data(ctx.company_id, document.id).get(PAYMENT_TERMS_KEY)
    source, terms = (TermsSource.DOCUMENT, applicable_terms(own)) if own else ("", None)
    if terms is None and document.state is State.DRAFT and document.due_date is None:
        terms, source = _party_or_company(uow, ctx, document.party_id, document.flow)
    if terms is None:
        return AppliedTerms(None, "", document.due_date, "")
    order_date = _order_date(uow, ctx, document)
    due = document.due_date or final_due_date(terms, document.issue_date, order_date)
    return AppliedTerms(terms, source, due, describe_terms(terms, document.issue_date, order_date))


def fix_due_date(uow: UnitOfWork, ctx: Ctx, document: Document, issue_date: date) -> None:
    """At issue, inside the issuing unit of work: without a due date typed in, the terms that apply are frozen on
    the document and its due date stored. `document` is the draft as it was, `issue_date` its date as issued."""
    if document.kind not in TERMS_KINDS or document.due_date is not None:
        return
    applied = applied_terms(uow, ctx, document)
    if applied.terms is None:
        return  # no terms anywhere: payable on receipt, as before
    order_date = _order_date(uow, ctx, document)
    data = uow.documents.data(ctx.company_id, document.id)
    if applied.source != TermsSource.DOCUMENT:
        uow.documents.set_data(ctx.company_id, document.id, {**data, PAYMENT_TERMS_KEY: applied.terms.to_data()})
    due = final_due_date(applied.terms, issue_date, order_date)
    uow.documents.update(ctx.company_id, document.id, due_date=due)


def carried_terms(uow: UnitOfWork, ctx: Ctx, source: Document) -> dict[str, Any] | None:
    """The data a document converted from `source` starts with: the terms put on `source`, if any."""
    stored = uow.documents.data(ctx.company_id, source.id).get(PAYMENT_TERMS_KEY)
    return {PAYMENT_TERMS_KEY: stored} if stored else None


def document_terms(uow: UnitOfWork, ctx: Ctx, document_id: int) -> AppliedTerms:
    """`applied_terms` of one document, in a transaction of its own (the document page, the edit form)."""
    with uow:
        return applied_terms(uow, ctx, uow.documents.get(ctx.company_id, document_id))
