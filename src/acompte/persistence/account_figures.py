"""The party accounts' whole-company figures as grouped SQL (services/ports/figures.py): the aged balance and what
parties hold in hand (persistence/aged_figures.py), the overpayments and credit notes left, and the dashboard's
deposit figures.

Every figure starts from the facts the document lists read (persistence/document_lists.py), so a figure and the
list behind it agree to the cent. The statements are filtered by company (and party, flow, currency), never by
a list of ids: their parameters do not grow with the data, and the database reads each fact once per statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import pairwise
from typing import Any

from sqlalchemy import bindparam, case, func, or_, select, text
from sqlalchemy.orm import aliased

from acompte.domain.documents import CREDIT_KINDS, Kind, State
from acompte.domain.positions import COMMERCIAL_KINDS
from acompte.persistence.aged_figures import AgedFiguresRepository
from acompte.persistence.document_lists import (
    Positioned,
    filtered,
)
from acompte.persistence.document_sums import DocumentSumsRow
from acompte.persistence.figure_tallies import (
    DocumentTallyRow,
    credit_left,
    credit_notes_with_credit,
    deposit_invoices_paid,
    holds,
)
from acompte.persistence.payment_sums import PaymentSumRow, held
from acompte.persistence.rows import (
    DeductionRow,
    DocumentRow,
    PartyRow,
    PaymentRow,
)
from acompte.services.ports.figures import (
    AskedDeposit,
    HeldPayment,
    Tallied,
)
from acompte.services.views import DocumentFilter

VALIDATED, DRAFT = State.VALIDATED.value, State.DRAFT.value
DEPOSIT_KINDS = (Kind.DEPOSIT_INVOICE.value, Kind.DEPOSIT_CREDIT_NOTE.value)
#: Where a quote or an order notes the deposit asked of the customer.
DEPOSIT_REQUEST_KEY = "deposit_request"
RECEIVABLE = (Kind.INVOICE.value, Kind.DEPOSIT_INVOICE.value)
CREDITS = tuple(k.value for k in CREDIT_KINDS)
COMMERCIAL = tuple(k.value for k in COMMERCIAL_KINDS)
#: How far an invoice's origin chain goes up to its order (quote → order → delivery note → invoice).
ORIGIN_HOPS = 4


def _tallied(row: Any) -> Tallied:
    return Tallied(int(row[0] or 0), int(row[1] or 0))


class AccountFiguresRepository(AgedFiguresRepository):
    """The aged balance's reads (persistence/aged_figures.py) and the dashboard's other figures."""

    # -- what parties hold -----------------------------------------------------------------------------------
    def _payments(self, company_id: int, direction: str, currency: str, party_id: int | None) -> Any:
        """Active payments of the direction and currency with money left, and what each has used (allocated,
        refunded, given back, written off: settled_sums' definition), from their summary rows
        (persistence/payment_sums.py): a range of the partial index of payments with money left, company first,
        whatever the number of allocations."""
        s = PaymentSumRow
        where = [s.company_id == company_id, s.direction == direction, s.currency == currency, *held(s)]
        if party_id is not None:
            where.append(s.party_id == party_id)
        return select(
            s.payment_id.label("id"),
            s.party_id,
            s.amount_minor,
            s.used_minor.label("used"),
            s.left_minor.label("left"),
            s.payment_date,
        ).where(*where)

    def oldest_overpayments(self, company_id: int, *, direction: str, currency: str, limit: int) -> list[HeldPayment]:
        # the held payments' index read in date order until `limit` of them have used something
        p = (
            self._payments(company_id, direction, currency, None)
            .where(PaymentSumRow.used_minor > 0)
            .order_by(PaymentSumRow.payment_date, PaymentSumRow.payment_id)
            .limit(limit)
            .subquery()
        )
        stmt = (
            select(p, PaymentRow.number, PartyRow.name)
            .join(PaymentRow, PaymentRow.id == p.c.id)
            .join(PartyRow, PartyRow.id == p.c.party_id)
            .where(PaymentRow.company_id == company_id)
            .order_by(p.c.payment_date, p.c.id)
        )
        return [
            HeldPayment(r.id, r.number, r.party_id, r.name, r.payment_date, int(r.left)) for r in self._execute(stmt)
        ]

    def _credit_notes(self, company_id: int, flow: str, currency: str, party_id: int | None) -> Any:
        """Validated credit notes with credit left and nothing written off (the lists' credit left)."""
        docs = filtered(
            company_id,
            DocumentFilter(flow=flow, state=VALIDATED, party_id=party_id),
            extra=[DocumentRow.kind.in_(CREDITS), DocumentRow.currency == currency],
        )
        left = Positioned(docs).credit_left
        held = select(docs.c.party_id, docs.c.party_name, (docs.c.used + docs.c.refunded).label("used"))
        return held.add_columns(left.label("left")).where(docs.c.cwo <= 0, left > 0).subquery()

    def credit_notes_left(self, company_id: int, *, flow: str, currency: str) -> tuple[Tallied, Tallied]:
        # `_credit_notes`' rows and figures, read from the summary rows alone: a range of the partial index of
        # the credit notes with credit left (figure_tallies.CREDIT_LEFT), however many credit notes were used up
        s = DocumentSumsRow
        used = case((s.used + s.refunded != 0, 1), else_=0).label("used_some")
        stmt = (
            select(used, func.count(), func.sum(credit_left(s)))
            .where(s.company_id == company_id, s.flow == flow, s.currency == currency, *credit_notes_with_credit(s))
            .group_by(used)
        )
        found = {int(kind): Tallied(int(c), int(m)) for kind, c, m in self._execute(stmt)}
        return found.get(0, Tallied()), found.get(1, Tallied())

    def deposit_requests(self, company_id: int, *, flow: str, currency: str) -> list[AskedDeposit]:
        stmt = _deposit_requests_statement(self.session.get_bind().dialect.name)
        found = []
        for r, name, got in self._execute(stmt.params(company_id=company_id, flow=flow, currency=currency)):
            request = (r.data or {}).get(DEPOSIT_REQUEST_KEY)
            if request:
                found.append(
                    AskedDeposit(
                        r.id, r.kind, r.number, r.party_id, name, r.issue_date, r.gross_minor, dict(request), int(got)
                    )
                )
        return found

    def draft_counts(self, company_id: int, *, flow: str, kinds: Sequence[str]) -> dict[str, int]:
        # the tallies kept by the database (figure_tallies.py): a few rows per kind, whatever the number of drafts
        t = DocumentTallyRow
        stmt = (
            select(t.kind, func.sum(t.n))
            .where(t.company_id == company_id, t.flow == flow, t.state == DRAFT, t.kind.in_(list(kinds)))
            .group_by(t.kind)
        )
        counted = {str(kind): int(n or 0) for kind, n in self._execute(stmt)}
        return {kind: counted.get(kind, 0) for kind in kinds}

    # -- deposits ---------------------------------------------------------------------------------------------
    def deposits_not_invoiced(self, company_id: int, *, flow: str, currency: str) -> Tallied:
        # the tallies kept by the database (figure_tallies.py): the documents holding deposits and what they
        # hold, summed by the trigger as payments are allocated and documents issued
        t = DocumentTallyRow
        stmt = select(func.sum(t.held_n), func.sum(t.held_minor)).where(
            t.company_id == company_id, t.flow == flow, t.currency == currency, holds(t.kind, t.state)
        )
        return _tallied(self._execute(stmt).one())

    def deposits_not_deducted(self, company_id: int, *, flow: str, currency: str) -> Tallied:
        # The issued deposit invoices that received payments (a range of the partial index
        # ix_document_sums_deposits_paid, their payments read from their summary rows): an unpaid one carries
        # nothing to count; for each, what its deposit credit notes reverse and issued invoices deduct.
        s = DocumentSumsRow
        note, invoice = aliased(DocumentRow), aliased(DocumentRow)
        reversed_ = (
            select(func.coalesce(func.sum(note.gross_minor), 0))
            .where(
                note.company_id == company_id,
                note.origin_id == s.document_id,
                note.kind == Kind.DEPOSIT_CREDIT_NOTE.value,
                note.state == VALIDATED,
            )
            .correlate(s)
            .scalar_subquery()
        )
        deducted = (
            select(func.coalesce(func.sum(DeductionRow.amount_minor), 0))
            .join(invoice, invoice.id == DeductionRow.invoice_id)
            .where(
                DeductionRow.company_id == company_id,
                DeductionRow.deposit_invoice_id == s.document_id,
                invoice.state == VALIDATED,
            )
            .correlate(s)
            .scalar_subquery()
        )
        # OFFSET 0 keeps the sums a sub-query of their own: pulled up into the CASE and its filter, PostgreSQL
        # ran each of their correlated sub-plans four times per deposit invoice
        each = (
            select((s.gross_minor - reversed_ - deducted).label("carried"), s.pay.label("paid"))
            .where(s.company_id == company_id, s.flow == flow, s.currency == currency, *deposit_invoices_paid(s))
            .offset(0)
            .subquery()
        )
        received = case((each.c.carried < each.c.paid, each.c.carried), else_=each.c.paid)
        stmt = select(func.count(), func.sum(received)).where(received > 0)
        return _tallied(self._execute(stmt).one())


@cache
def _deposit_requests_statement(dialect: str) -> Any:
    """The deposit requests with what each received, built once per dialect (company, flow and currency bound
    when run): its sub-queries walk the origin chain, and building them cost more than the database's answer.

    What each received: the payments on it (its summary's allocated and written off, as `Documents.settlement`
    counts them) and on its issued deposit invoices of its currency. Nothing but deposit documents was made from
    it, so those deposit invoices are its children."""
    company_id: Any = bindparam("company_id")
    own = aliased(DocumentSumsRow)
    child, child_sums = aliased(DocumentRow), aliased(DocumentSumsRow)
    on_deposits = (
        select(func.coalesce(func.sum(child_sums.pay), 0))
        .select_from(child)
        .join(child_sums, child_sums.document_id == child.id)
        .where(
            child.company_id == company_id,
            child.origin_id == DocumentRow.id,
            child.kind == Kind.DEPOSIT_INVOICE.value,
            child.state == VALIDATED,
            child.currency == DocumentRow.currency,
        )
        .correlate(DocumentRow)
        .scalar_subquery()
    )
    received = own.pay + own.cred + own.wo + on_deposits
    return (
        select(DocumentRow, PartyRow.name, received.label("received"))
        .join(PartyRow, PartyRow.id == DocumentRow.party_id)
        .join(own, own.document_id == DocumentRow.id)
        .where(
            DocumentRow.company_id == company_id,
            DocumentRow.flow == bindparam("flow"),
            DocumentRow.currency == bindparam("currency"),
            DocumentRow.state == VALIDATED,
            DocumentRow.kind.in_(COMMERCIAL),
            _deposit_requested(dialect),
            ~_made_beyond_deposits(DocumentRow),
        )
        .order_by(DocumentRow.issue_date, DocumentRow.id)
    )


def _deposit_requested(dialect: str) -> Any:
    """A deposit request is noted on the document: written as ix_documents_deposit_request's condition, key
    included, so that the database reads that index (a bound key would not prove the index's condition)."""
    if dialect == "postgresql":
        return text(f"(documents.data ->> '{DEPOSIT_REQUEST_KEY}') IS NOT NULL")
    return text(f"json_extract(documents.data, '$.{DEPOSIT_REQUEST_KEY}') IS NOT NULL")


def _made_beyond_deposits(root: Any) -> Any:
    """Something other than a deposit document, not cancelled, made from `root` at any depth."""
    found = []
    for depth in range(1, ORIGIN_HOPS + 1):
        chain = [aliased(DocumentRow) for _ in range(depth)]
        stmt = select(chain[0].id).select_from(chain[0])
        for parent, child in pairwise(chain):
            stmt = stmt.join(child, child.origin_id == parent.id)
        last = chain[-1]
        found.append(
            stmt.where(
                chain[0].origin_id == root.id, last.kind.notin_(DEPOSIT_KINDS), last.state != State.CANCELLED.value
            )
            .correlate(root)
            .exists()
        )
    return or_(*found)
