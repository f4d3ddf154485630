"""The aged balance's figures as grouped SQL (services/ports/figures.py): what each party owes by age class and
holds in hand, or the same summed over every party for the dashboard.

What is owed is read from the open invoices' summary rows (persistence/document_sums.py: their balance due, kept
by triggers with the facts) through the partial index of the open ones, so only open documents are read and none
of their facts is summed; what is held, from the payments' summary rows (persistence/payment_sums.py) and the
credit notes' summary rows. Both are folded in the database: one row per party (the aged balance) or per age
class (the dashboard), never one per document — at 1 000 000 documents a company has some 250 000 open ones,
and turning each into a Python object cost more than reading them. Statements are filtered by company (and
party, flow, currency), never by a list of ids: their parameters do not grow with the data.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import BigInteger, and_, case, cast, func, literal, literal_column, null, select, text, union_all
from sqlalchemy.orm import Session, aliased

from acompte.domain.documents import CREDIT_KINDS, Kind, State
from acompte.persistence.document_lists import party_name
from acompte.persistence.document_sums import DocumentSumsRow
from acompte.persistence.payment_sums import PaymentSumRow, held
from acompte.persistence.rows import DocumentRow, PartyRow, PaymentRow
from acompte.services.ports.figures import (
    AGE_CLASSES,
    BUCKET_AGES,
    DUE_TODAY,
    HELD_CREDIT_NOTE,
    HELD_PAYMENT,
    LATE_1_30,
    LATE_31_60,
    LATE_61_90,
    LATE_OVER_90,
    NOT_YET_DUE,
    AgedParty,
    AgeTally,
    HeldTally,
    OpenDocument,
)

VALIDATED = State.VALIDATED.value
RECEIVABLE = (Kind.INVOICE.value, Kind.DEPOSIT_INVOICE.value)
CREDITS = tuple(sorted(k.value for k in CREDIT_KINDS))
#: How far an invoice's origin chain goes up to its order (quote → order → delivery note → invoice).
ORIGIN_HOPS = 4
#: The age class of what a party holds, beside those of what it owes (one column of the same grouped row).
HELD = len(AGE_CLASSES)
#: The transaction in which the session's planner settings were made (`session.info`).
_TUNED = "acompte.figures_tuned"
#: The columns of an open document the dashboard lists that the summary does not hold (read for the few listed).
_DOCUMENT_ROW_COLUMNS = ("number", "issue_date", "due_date")


def _constants(values: tuple[str, ...]) -> list[Any]:
    """Written into the statement, not bound: PostgreSQL proves that a query matches a partial index from
    constants, never from parameters."""
    return [literal_column(f"'{v}'") for v in values]


def _open_sums(company_id: int, flow: str, currency: str, party_id: int | None, *, terms: int = 0) -> list[Any]:
    """The summary rows of the validated invoices and deposit invoices of the flow and currency that still owe
    something, without payment terms (with, `terms` 1) — what the partial index ix_document_sums_open holds.
    Their `balance_minor` is the lists' balance due of these kinds (total − deducted − paid − credited − written
    off), kept by triggers with the facts."""
    s = DocumentSumsRow
    where = [
        s.company_id == company_id,
        s.flow == flow,
        s.currency == currency,
        s.state == literal_column(f"'{VALIDATED}'"),
        s.kind.in_(_constants(tuple(sorted(RECEIVABLE)))),
        s.balance_minor > literal_column("0"),
        s.terms == terms,
    ]
    if party_id is not None:
        where.append(s.party_id == party_id)
    return where


def _age(due: Any, as_of: date) -> Any:
    """The age class (services/ports/figures.py) of an instalment due on `due`, on `as_of`."""
    days = timedelta(days=1)
    return case(
        (due > as_of, NOT_YET_DUE),
        (due == as_of, DUE_TODAY),
        (due >= as_of - 30 * days, LATE_1_30),
        (due >= as_of - 60 * days, LATE_31_60),
        (due >= as_of - 90 * days, LATE_61_90),
        else_=LATE_OVER_90,
    )


def _owed(company_id: int, flow: str, currency: str, as_of: date, party_id: int | None) -> Any:
    """(party, age class, amount) of each open document without payment terms: one instalment, due on its due
    date (or its issue date)."""
    s = DocumentSumsRow
    return select(
        s.party_id.label("party_id"), _age(s.due_on, as_of).label("age"), s.balance_minor.label("amount")
    ).where(*_open_sums(company_id, flow, currency, party_id))


def _payments_held(company_id: int, direction: str, currency: str, party_id: int | None) -> Any:
    """(party, used something, amount left) of each active payment of the direction and currency with money left:
    the company's, from its summary rows (ix_payment_sums_held, or the table when most of it is read); for one
    party, its payments by ix_payments_party (the held index is not by party: its range is the company's)."""
    s = PaymentSumRow
    used_some = case((s.used_minor > literal_column("0"), 1), else_=0)
    stmt = select(s.party_id.label("party_id"), used_some.label("used_some"), s.left_minor.label("amount"))
    stmt = stmt.where(s.company_id == company_id, s.direction == direction, s.currency == currency, *held(s))
    if party_id is None:
        return stmt
    p = PaymentRow
    return stmt.join(p, p.id == s.payment_id).where(p.company_id == company_id, p.party_id == party_id)


def _credit_notes_held(company_id: int, flow: str, currency: str, party_id: int | None) -> Any:
    """(party, used something, credit left) of each validated credit note of the flow and currency with credit
    left and nothing written off (the lists' credit left: total − used − refunded − written off), from its
    summary row; for one party, its documents by ix_documents_list_party."""
    s = DocumentSumsRow
    left = s.gross_minor - s.used - s.refunded - s.cwo
    used_some = case((s.used + s.refunded != literal_column("0"), 1), else_=0)
    stmt = select(s.party_id.label("party_id"), used_some.label("used_some"), left.label("amount")).where(
        s.company_id == company_id,
        s.flow == flow,
        s.currency == currency,
        s.state == literal_column(f"'{VALIDATED}'"),
        s.kind.in_(_constants(CREDITS)),
        s.cwo <= literal_column("0"),
        left > literal_column("0"),
    )
    if party_id is None:
        return stmt
    d = DocumentRow
    return stmt.join(d, d.id == s.document_id).where(
        d.company_id == company_id, d.party_id == party_id, d.kind.in_(_constants(CREDITS)), d.flow == flow
    )


class AgedFiguresRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _tune(self) -> None:
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

    def _execute(self, stmt: Any) -> Any:
        self._tune()
        return self.session.execute(stmt)

    def _rows(self, stmt: Any) -> Any:
        """`_execute` for a statement of plain columns, through Core: the ORM's loading of each row cost about
        10 µs, and the aged balance reads 20 000 of them at 1 000 000 documents."""
        self._tune()
        return self.session.connection().execute(stmt)

    # -- the aged balance: one row per party -------------------------------------------------------------------
    def aged_by_party(
        self,
        company_id: int,
        *,
        flow: str,
        direction: str,
        currency: str,
        as_of: date,
        party_id: int | None = None,
    ) -> list[AgedParty]:
        zero = literal(0, BigInteger)
        payments = _payments_held(company_id, direction, currency, party_id).subquery()
        credit_notes = _credit_notes_held(company_id, flow, currency, party_id).subquery()
        parts = union_all(
            _owed(company_id, flow, currency, as_of, party_id),
            *(select(h.c.party_id, literal(HELD).label("age"), h.c.amount) for h in (payments, credit_notes)),
        ).subquery("parts")
        # One row per party, its amounts by bucket side by side, as integers (a sum is numeric in PostgreSQL,
        # and 140 000 decimals cost more to read than the rows); grouped before the names are joined, so that
        # the parties go through the join, not the documents.
        amounts = (
            cast(func.sum(case((parts.c.age.in_(ages), parts.c.amount), else_=zero)), BigInteger).label(f"b{i}")
            for i, ages in enumerate((*BUCKET_AGES, (HELD,)))
        )
        sums = select(parts.c.party_id, *amounts).group_by(parts.c.party_id).subquery("sums")
        stmt = select(PartyRow.name, sums).join(PartyRow, PartyRow.id == sums.c.party_id)
        stmt = stmt.where(PartyRow.company_id == company_id)
        return [AgedParty(r[1], r[0], tuple(r[2:-1]), r[-1]) for r in self._rows(stmt)]

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

    # -- the dashboard: the same figures over every party --------------------------------------------------------
    def aged_by_age_and_oldest_due(
        self, company_id: int, *, flow: str, currency: str, as_of: date, before: date, limit: int
    ) -> tuple[list[AgeTally], list[OpenDocument]]:
        # Two statements, each reading the partial index of the open documents alone (party, due date, balance)
        # for all of them: a sub-query shared by the sums and the list was materialized with the summary's other
        # columns, reading every open row from the table (36 000 pages at 1 000 000 documents).
        s = DocumentSumsRow
        open_ = _open_sums(company_id, flow, currency, None)
        due = [*open_, s.due_on < before]
        each = select(_age(s.due_on, as_of).label("age"), s.balance_minor.label("balance")).where(*open_).subquery()
        sums = select(each.c.age, func.count(), func.sum(each.c.balance), null()).group_by(each.c.age)
        # with them, the `limit`-th oldest due date: the list reads the rows due up to that day, and only those
        dates = select(s.due_on).where(*due).order_by(s.due_on).limit(limit).subquery()
        last = select(null(), null(), null(), func.max(dates.c.due_on))
        tallies: list[AgeTally] = []
        cutoff: date | None = None
        for age, n, minor, day in self._execute(union_all(sums, last)):
            if age is not None:
                tallies.append(AgeTally(int(age), int(n), int(minor)))
            elif day is not None:
                cutoff = day
        if cutoff is None:
            return tallies, []
        # A day the planner can estimate (bound, not a sub-query's): it reads the index for the few rows due by
        # then, where a guess of a third of them chose to read the whole table.
        oldest = (
            select(s.party_id, s.balance_minor, s.document_id, s.kind, s.gross_minor, s.due_on)
            .where(*due, s.due_on <= cutoff)
            .order_by(s.due_on, s.document_id)
            .limit(limit)
            .subquery()
        )
        # The few oldest read their number and dates from the documents (the summary keeps only what it indexes).
        listed = (
            select(oldest, *(DocumentRow.__table__.c[c] for c in _DOCUMENT_ROW_COLUMNS), PartyRow.name)
            .join(DocumentRow, DocumentRow.id == oldest.c.document_id)
            .join(PartyRow, PartyRow.id == oldest.c.party_id)
            .where(DocumentRow.company_id == company_id, PartyRow.company_id == company_id)
        )
        found = [
            OpenDocument(
                id=r.document_id,
                kind=r.kind,
                flow=flow,
                number=r.number,
                party_id=r.party_id,
                party_name=r.name,
                issue_date=r.issue_date,
                due_date=r.due_date,
                gross_minor=int(r.gross_minor),
                balance_minor=int(r.balance_minor),
                data={},
                order_date=None,
            )
            for r in self._execute(listed)
        ]
        found.sort(key=lambda d: (d.due_date or d.issue_date, d.id))
        return tallies, found

    def held_by_use(self, company_id: int, *, flow: str, direction: str, currency: str) -> list[HeldTally]:
        parts = union_all(
            _payments_held(company_id, direction, currency, None).add_columns(literal(HELD_PAYMENT).label("source")),
            _credit_notes_held(company_id, flow, currency, None).add_columns(literal(HELD_CREDIT_NOTE).label("source")),
        ).subquery("held")
        stmt = select(parts.c.source, parts.c.used_some, func.count(), func.sum(parts.c.amount))
        stmt = stmt.group_by(parts.c.source, parts.c.used_some)
        return [HeldTally(int(s), bool(u), int(n), int(m)) for s, u, n, m in self._execute(stmt)]


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
