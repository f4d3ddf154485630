"""The party accounts' whole-company figures as grouped SQL (services/ports/figures.py): the aged balance and what
parties hold in hand (persistence/aged_figures.py), the overpayments and credit notes left, and the dashboard's
deposit figures.

Every figure starts from the facts the document lists read (persistence/document_lists.py), so a figure and the
list behind it agree to the cent. The statements are filtered by company (and party, flow, currency), never by
a list of ids: their parameters do not grow with the data, and the database reads each fact once per statement.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from sqlalchemy import and_, case, func, or_, select, text
from sqlalchemy.orm import aliased

from acompte.domain.documents import CREDIT_KINDS, Kind, State
from acompte.domain.positions import COMMERCIAL_KINDS
from acompte.persistence.aged_figures import AgedFiguresRepository
from acompte.persistence.document_lists import (
    Positioned,
    deposit_carried,
    filtered,
    payments_on,
)
from acompte.persistence.payment_sums import PaymentSumRow, held
from acompte.persistence.rows import (
    AllocationRow,
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
        n = self._credit_notes(company_id, flow, currency, None)
        used = case((n.c.used != 0, 1), else_=0).label("used_some")
        found = {
            int(kind): Tallied(int(c), int(m))
            for kind, c, m in self._execute(select(used, func.count(), func.sum(n.c.left)).group_by(used))
        }
        return found.get(0, Tallied()), found.get(1, Tallied())

    def deposit_requests(self, company_id: int, *, flow: str, currency: str) -> list[AskedDeposit]:
        stmt = (
            select(DocumentRow, PartyRow.name)
            .join(PartyRow, PartyRow.id == DocumentRow.party_id)
            .where(
                DocumentRow.company_id == company_id,
                DocumentRow.flow == flow,
                DocumentRow.currency == currency,
                DocumentRow.state == VALIDATED,
                DocumentRow.kind.in_(COMMERCIAL),
                _deposit_requested(self.session.get_bind().dialect.name),
                ~_made_beyond_deposits(DocumentRow),
            )
            .order_by(DocumentRow.issue_date, DocumentRow.id)
        )
        return [
            AskedDeposit(r.id, r.kind, r.number, r.party_id, name, r.issue_date)
            for r, name in self._execute(stmt)
            if (r.data or {}).get(DEPOSIT_REQUEST_KEY)
        ]

    # -- deposits ---------------------------------------------------------------------------------------------
    # Both figures below need what each document received in payments (and, for a deposit invoice, what its
    # deposit credit notes reverse and issued invoices deduct): per-document sums over every allocation of the
    # company, ~1 s at 1 000 000 documents. A per-document summary kept by the database would make each a range
    # of its rows; it belongs with the documents' own sums (their balance due), not with payment_sums.
    def deposits_not_invoiced(self, company_id: int, *, flow: str, currency: str) -> Tallied:
        waiting = or_(
            and_(DocumentRow.state == VALIDATED, DocumentRow.kind.in_(COMMERCIAL)),
            and_(DocumentRow.state == DRAFT, DocumentRow.kind.in_(RECEIVABLE)),
        )
        paid = (
            select(func.sum(AllocationRow.amount_minor).label("paid"))
            .join(DocumentRow, DocumentRow.id == AllocationRow.document_id)
            .where(
                AllocationRow.company_id == company_id,
                AllocationRow.payment_id.isnot(None),
                DocumentRow.company_id == company_id,
                DocumentRow.flow == flow,
                DocumentRow.currency == currency,
                waiting,
            )
            .group_by(AllocationRow.document_id)
            .subquery()
        )
        return _tallied(self._execute(select(func.count(), func.sum(paid.c.paid)).where(paid.c.paid > 0)).one())

    def deposits_not_deducted(self, company_id: int, *, flow: str, currency: str) -> Tallied:
        carried, _ = deposit_carried(DocumentRow)
        paid = payments_on(DocumentRow)
        # OFFSET 0 keeps the sums a sub-query of their own: pulled up into the CASE and its filter, PostgreSQL
        # ran each of their correlated sub-plans four times per deposit invoice
        each = (
            select(carried.label("carried"), paid.label("paid"))
            .where(
                DocumentRow.company_id == company_id,
                DocumentRow.kind == Kind.DEPOSIT_INVOICE.value,
                DocumentRow.state == VALIDATED,
                DocumentRow.flow == flow,
                DocumentRow.currency == currency,
            )
            .offset(0)
            .subquery()
        )
        received = case((each.c.carried < each.c.paid, each.c.carried), else_=each.c.paid)
        stmt = select(func.count(), func.sum(received)).where(received > 0)
        return _tallied(self._execute(stmt).one())


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
