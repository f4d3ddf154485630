"""The party accounts' whole-company figures as grouped SQL (services/ports/figures.py): the aged balance, what
parties hold in hand, and the dashboard's deposit figures.

Every figure starts from the facts the document lists read (persistence/document_lists.py): the aged balance
reads the open invoices' summary rows (persistence/document_sums.py, their balance kept by triggers with the
facts) through a partial index of the open ones, so it reads open documents only and sums none of their facts;
an aged balance and the list of open invoices agree to the cent, and the property tests tie those sums to
`services.positions`. The statements are filtered by company (and party, flow, currency), never by a list of
ids: their parameters do not grow with the data, and the database reads each fact once per statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from itertools import pairwise
from typing import Any

from sqlalchemy import and_, bindparam, case, cast, func, literal, literal_column, null, or_, select, text, union_all
from sqlalchemy.orm import Session, aliased

from acompte.domain.documents import CREDIT_KINDS, Kind, State
from acompte.domain.positions import COMMERCIAL_KINDS
from acompte.persistence.document_lists import (
    Positioned,
    filtered,
    party_name,
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
    DUE_TODAY,
    LATE_1_30,
    LATE_31_60,
    LATE_61_90,
    LATE_OVER_90,
    NOT_YET_DUE,
    AgedSum,
    AskedDeposit,
    HeldPayment,
    HeldSum,
    OpenDocument,
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


def _open_sums(company_id: int, flow: str, currency: str, party_id: int | None, *, terms: int = 0) -> list[Any]:
    """The summary rows (persistence/document_sums.py) of the validated invoices and deposit invoices of the flow
    and currency that still owe something, without payment terms (with, `terms` 1) — what the partial index
    ix_document_sums_open holds. Their `balance_minor` is the lists' balance due of these kinds: total −
    deducted − paid − credited − written off, kept by triggers with the facts, so the aged balance reads open
    rows only and sums nothing. The index's own condition is written with literals: PostgreSQL proves that a
    query matches a partial index from constants, not parameters."""
    s = DocumentSumsRow
    where = [
        s.company_id == company_id,
        s.flow == flow,
        s.currency == currency,
        s.state == literal_column(f"'{VALIDATED}'"),
        s.kind.in_([literal_column(f"'{k}'") for k in sorted(RECEIVABLE)]),
        s.balance_minor > literal_column("0"),
        s.terms == terms,
    ]
    if party_id is not None:
        where.append(s.party_id == party_id)
    return where


#: The transaction in which the session's planner settings were made (`session.info`).
_TUNED = "acompte.figures_tuned"
#: The columns of an open document the dashboard lists that the summary does not hold (read for the few listed).
_DOCUMENT_ROW_COLUMNS = ("number", "issue_date", "due_date")


def _aged_each(company_id: int, flow: str, currency: str, as_of: date, party_id: int | None) -> Any:
    """The open documents without payment terms (one instalment each): party, age class on `as_of`, balance,
    due date, and the summary's columns the dashboard lists (id, kind, gross)."""
    s = DocumentSumsRow
    due = s.due_on
    days = timedelta(days=1)
    age = case(
        (due > as_of, NOT_YET_DUE),
        (due == as_of, DUE_TODAY),
        (due >= as_of - 30 * days, LATE_1_30),
        (due >= as_of - 60 * days, LATE_31_60),
        (due >= as_of - 90 * days, LATE_61_90),
        else_=LATE_OVER_90,
    )
    return select(
        s.party_id.label("party_id"),
        age.label("age"),
        s.balance_minor.label("balance"),
        due.label("due"),
        s.document_id.label("id"),
        s.kind.label("kind"),
        s.gross_minor.label("gross"),
    ).where(*_open_sums(company_id, flow, currency, party_id))


def _aged_groups(each: Any) -> Any:
    """`_aged_each` by party and age class: how many, how much. Grouped outside `_aged_each`: PostgreSQL would
    not see two renderings of the CASE (new parameters) as one."""
    n, minor = func.count().label("n"), func.sum(each.c.balance).label("minor")
    return select(each.c.party_id, each.c.age, n, minor).group_by(each.c.party_id, each.c.age)


def _aged_sum(r: Any) -> AgedSum:
    return AgedSum(int(r.party_id), r.name, int(r.age), int(r.n), int(r.minor))


def _tallied(row: Any) -> Tallied:
    return Tallied(int(row[0] or 0), int(row[1] or 0))


class AccountFiguresRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _execute(self, stmt: Any) -> Any:
        session = self.session
        if (
            session.get_bind().dialect.name == "postgresql"
            and session.info.get(_TUNED) is not session.get_transaction()
        ):
            # Once per transaction (the dashboard sends a dozen of these reads): `planner`'s no JIT, as these plans
            # are large and compiling them costs more than running them; and a whole company's sums by document
            # hashed in memory rather than sorted through temporary files.
            session.execute(text("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)"))
            session.info[_TUNED] = session.get_transaction()
        return session.execute(stmt)

    # -- what open documents owe -----------------------------------------------------------------------------
    def aged_sums(
        self, company_id: int, *, flow: str, currency: str, as_of: date, party_id: int | None = None
    ) -> list[AgedSum]:
        sums = _aged_groups(_aged_each(company_id, flow, currency, as_of, party_id).subquery()).subquery()
        stmt = select(sums, PartyRow.name).join(PartyRow, PartyRow.id == sums.c.party_id)
        return [_aged_sum(r) for r in self._execute(stmt)]

    def aged_sums_and_oldest_due(
        self, company_id: int, *, flow: str, currency: str, as_of: date, before: date, limit: int
    ) -> tuple[list[AgedSum], list[OpenDocument]]:
        # One statement: the open documents and what settled them are read once for both (a CTE read twice is
        # materialized), where two statements summed the company's allocations twice.
        each = _aged_each(company_id, flow, currency, as_of, None).cte("open_documents")
        no_document = (cast(null(), DocumentRow.__table__.c[c].type).label(c) for c in _DOCUMENT_ROW_COLUMNS)
        sums = _aged_groups(each).add_columns(
            *(cast(null(), each.c[c].type).label(c) for c in ("id", "kind", "gross")),
            *no_document,
            literal(0).label("part"),
        )
        due = select(each.c.party_id, each.c.age, literal(1).label("n"), each.c.balance.label("minor"))
        due = due.add_columns(each.c.id, each.c.kind, each.c.gross, each.c.due).where(each.c.due < before)
        oldest = due.order_by(each.c.due, each.c.id).limit(limit).subquery()
        # The few oldest read their number and dates from the documents (the summary keeps only what it indexes).
        listed = select(
            oldest.c.party_id,
            oldest.c.age,
            oldest.c.n,
            oldest.c.minor,
            oldest.c.id,
            oldest.c.kind,
            oldest.c.gross,
            *(DocumentRow.__table__.c[c] for c in _DOCUMENT_ROW_COLUMNS),
            literal(1).label("part"),
        ).join(DocumentRow, DocumentRow.id == oldest.c.id)
        both = union_all(sums, listed).subquery()
        stmt = select(both, PartyRow.name).join(PartyRow, PartyRow.id == both.c.party_id)
        found: tuple[list[AgedSum], list[OpenDocument]] = ([], [])
        for r in self._execute(stmt):
            if r.part == 0:
                found[0].append(_aged_sum(r))
            else:
                found[1].append(
                    OpenDocument(
                        id=r.id,
                        kind=r.kind,
                        flow=flow,
                        number=r.number,
                        party_id=r.party_id,
                        party_name=r.name,
                        issue_date=r.issue_date,
                        due_date=r.due_date,
                        gross_minor=int(r.gross),
                        balance_minor=int(r.minor),
                        data={},
                        order_date=None,
                    )
                )
        found[1].sort(key=lambda d: (d.due_date or d.issue_date, d.id))
        return found

    def open_with_terms(
        self, company_id: int, *, flow: str, currency: str, party_id: int | None = None
    ) -> list[OpenDocument]:
        # The open ones with terms, from the summary's partial index (its balance is the lists' balance due).
        sums = DocumentSumsRow
        where = [*_open_sums(company_id, flow, currency, party_id, terms=1), DocumentRow.id == sums.document_id]
        docs = (
            select(
                DocumentRow.id.label("id"),
                DocumentRow.kind.label("kind"),
                DocumentRow.flow.label("flow"),
                DocumentRow.number.label("number"),
                DocumentRow.party_id.label("party_id"),
                party_name(DocumentRow).label("party_name"),
                DocumentRow.issue_date.label("issue_date"),
                DocumentRow.due_date.label("due_date"),
                DocumentRow.gross_minor.label("gross"),
                sums.balance_minor.label("balance"),
                DocumentRow.origin_id.label("origin_id"),
                DocumentRow.data.label("data"),
            )
            .where(*where)
            .subquery("docs")
        )
        balance = docs.c.balance
        chain = [aliased(DocumentRow) for _ in range(ORIGIN_HOPS)]
        order_date = case(*((o.kind == Kind.ORDER.value, o.issue_date) for o in chain), else_=None)
        stmt = select(docs, order_date.label("order_date")).select_from(docs)
        parent: Any = docs.c.origin_id
        for origin in chain:
            stmt = stmt.outerjoin(origin, and_(origin.id == parent, origin.company_id == company_id))
            parent = origin.origin_id
        stmt = stmt.where(balance > 0).order_by(docs.c.id)
        return [_open_document(r, dict(r.data or {}), r.order_date) for r in self._execute(stmt)]

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

    def payments_held(
        self, company_id: int, *, direction: str, currency: str, party_id: int | None = None
    ) -> list[HeldSum]:
        each = self._payments(company_id, direction, currency, party_id).subquery()
        used_some = case((each.c.used > 0, 1), else_=0).label("used_some")
        sums = (
            select(each.c.party_id, used_some, func.count().label("n"), func.sum(each.c.left).label("minor"))
            .group_by(each.c.party_id, used_some)
            .subquery()
        )
        stmt = select(sums, PartyRow.name).join(PartyRow, PartyRow.id == sums.c.party_id)
        return [
            HeldSum(int(r.party_id), r.name, int(r.n), int(r.minor), used_some=bool(r.used_some))
            for r in self._execute(stmt)
        ]

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

    def credit_notes_held(
        self, company_id: int, *, flow: str, currency: str, party_id: int | None = None
    ) -> list[HeldSum]:
        n = self._credit_notes(company_id, flow, currency, party_id)
        stmt = select(n.c.party_id, n.c.party_name, func.count(), func.sum(n.c.left))
        stmt = stmt.group_by(n.c.party_id, n.c.party_name)
        return [HeldSum(int(i), name, int(c), int(m)) for i, name, c, m in self._execute(stmt)]

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


def _open_document(r: Any, data: dict[str, Any], order_date: date | None) -> OpenDocument:
    return OpenDocument(
        id=r.id,
        kind=r.kind,
        flow=r.flow,
        number=r.number,
        party_id=r.party_id,
        party_name=r.party_name,
        issue_date=r.issue_date,
        due_date=r.due_date,
        gross_minor=int(r.gross),
        balance_minor=int(r.balance),
        data=data,
        order_date=order_date,
    )
