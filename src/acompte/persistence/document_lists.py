"""Document lists in SQL: each row's position, and the count and totals of every filtered row (asked apart from the
pages: persistence/document_pages.py reads a page, a bounded count and the export's chunks).

Each row carries its document's position (domain/positions.py: status, deducted, paid, credited, written off,
net to pay, balance due, invoiced, credit left) computed in SQL from the same facts `services.positions` reads —
the document's own sums (allocations by source, write-offs, deductions, refunds), the `InvoiceCreditedInFull`
history events, deposit credit notes and, for quotes, orders and delivery notes, their family (what was made
from them) — and property tests keep the two equal (tests/services/test_document_list.py,
tests/services/test_document_sums.py).

Cost. The document's own sums are one row of `document_sums` (persistence/document_sums.py), kept by database
triggers in the transaction that writes a fact: a list joins it by its key, so a page, a status filter or the
totals read one row per document, never the allocations. The row also holds what cancels the document (an
invoice credited in full, a deposit invoice reversed) and, for every kind whose position is its own (invoices,
deposit invoices, credit notes), its status: a status filter on those is a condition on the row and its index.
Only a commercial document's figures need more than its own rows (its family): correlated scalars behind a
CASE on the kind, so a list of invoices never walks families. The totals of invoices and credit notes are plain
sums (they are linear): by kind, flow, state and status they are kept by the database (document_totals.py), else
their summary rows are summed; only commercial documents, whose balance is not (never below zero), are summed
row by row. bench/lists.py times it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import date
from functools import cache
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, not_, or_, select, text
from sqlalchemy.orm import Session, aliased

from acompte.domain.documents import CREDIT_KINDS, Kind, State
from acompte.domain.events import EventKind
from acompte.domain.lifecycle import CONVERSIONS
from acompte.domain.money import Money
from acompte.domain.positions import COMMERCIAL_KINDS, TO_SETTLE_KINDS
from acompte.domain.statuses import PositionStatus
from acompte.persistence.document_filters import own_conditions
from acompte.persistence.document_sums import DocumentSumsRow
from acompte.persistence.document_totals import kept_parts
from acompte.persistence.rows import AllocationRow, DeductionRow, DocumentRow, EventRow, PartyRow
from acompte.services.views import DocumentFilter, DocumentListTotals

#: The end of a "due" sort: documents without a due date come after every dated one (ascending).
NO_DUE_DATE = date(9999, 12, 31)

COMMERCIAL = tuple(sorted(k.value for k in COMMERCIAL_KINDS))
CREDITS = tuple(sorted(k.value for k in CREDIT_KINDS))
TO_SETTLE = tuple(sorted(k.value for k in TO_SETTLE_KINDS))
VALIDATED, DRAFT, CANCELLED = State.VALIDATED.value, State.DRAFT.value, State.CANCELLED.value
INVOICE, DEPOSIT_INVOICE = Kind.INVOICE.value, Kind.DEPOSIT_INVOICE.value


def constants(values: tuple[str, ...]) -> list[Any]:
    """The code's own kind names written into the statement rather than bound: the position SQL repeats them
    (and zero) for every figure, and bound they made a list's statement send over 300 parameters."""
    return [literal_column(f"'{value}'") for value in values]


#: Zero, written into the statement (see `constants`).
ZERO: ColumnElement[Any] = literal_column("0")
PAYMENT_STATUSES = frozenset({PositionStatus.UNPAID, PositionStatus.PARTIAL, PositionStatus.PAID})
INVOICING_STATUSES = frozenset({PositionStatus.PARTIALLY_INVOICED, PositionStatus.INVOICED})
#: The statuses a quote, an order or a delivery note can take.
COMMERCIAL_STATUSES = PAYMENT_STATUSES | INVOICING_STATUSES | {PositionStatus.DRAFT, PositionStatus.CANCELLED}


def _generations() -> int:
    """How far below a commercial document its invoices and deposit invoices can be: the longest chain of
    conversions (quote → order → delivery note → invoice); a deposit invoice hangs off a commercial document,
    which is never deeper than the last step of that chain."""

    def longest(kind: Kind) -> int:
        return max((1 + longest(target) for target in CONVERSIONS.get(kind, ())), default=0)

    return max(longest(kind) for kind in CONVERSIONS)


#: Generations of a family the list reads (services.positions walks the same origin links).
FAMILY_GENERATIONS = _generations()

#: The figures every totals row sums, in this order.
FIGURES = ("gross", "deducted", "paid", "credited", "written_off", "net_to_pay", "balance_due", "deposits", "settled")


# -- the facts, as SQL over one document (correlated to `doc`) ---------------------------------------------------


def _sum(amount: Any, *where: Any, to: Any) -> Any:
    return select(func.coalesce(func.sum(amount), 0)).where(*where).correlate(to).scalar_subquery()


def _payments_on(doc: Any) -> Any:
    on = AllocationRow.document_id == doc.id
    return _sum(AllocationRow.amount_minor, on, AllocationRow.payment_id.isnot(None), to=doc)


def _reversed(deposit: Any) -> Any:
    """What the issued deposit credit notes of a deposit invoice reverse."""
    note = aliased(DocumentRow)
    return _sum(
        note.gross_minor,
        note.origin_id == deposit.id,
        note.kind == Kind.DEPOSIT_CREDIT_NOTE.value,
        note.state == VALIDATED,
        to=deposit,
    )


def _deducted_on_issued(deposit: Any) -> Any:
    """What issued final invoices deduct from a deposit invoice."""
    invoice = aliased(DocumentRow)
    return (
        select(func.coalesce(func.sum(DeductionRow.amount_minor), 0))
        .join(invoice, invoice.id == DeductionRow.invoice_id)
        .where(DeductionRow.deposit_invoice_id == deposit.id, invoice.state == VALIDATED)
        .correlate(deposit)
        .scalar_subquery()
    )


def _credited_in_full(invoice: Any) -> Any:
    """The history records that credit notes cancel the invoice in full (positions_repository reads the same)."""
    return (
        select(EventRow.id)
        .where(
            EventRow.company_id == invoice.company_id,
            EventRow.document_id == invoice.id,
            EventRow.kind == EventKind.INVOICE_CREDITED_IN_FULL.value,
        )
        .correlate(invoice)
        .exists()
    )


def _family_sum(figure: Callable[[Any], tuple[Any, list[Any]]]) -> Any:
    """Sum of `figure(member)` over the documents made from the current DocumentRow, generation by generation
    (each a chain of origin links read through the origin index): `figure` gives the amount and its filters."""
    parts = []
    for depth in range(1, FAMILY_GENERATIONS + 1):
        chain = [aliased(DocumentRow) for _ in range(depth)]
        amount, where = figure(chain[-1])
        stmt = select(func.coalesce(func.sum(amount), 0)).select_from(chain[0])
        for parent, child in pairwise(chain):
            stmt = stmt.join(child, child.origin_id == parent.id)
        stmt = stmt.where(chain[0].origin_id == DocumentRow.id, *where).correlate(DocumentRow)
        parts.append(stmt.scalar_subquery())
    result: ColumnElement[Any] = parts[0]
    for part in parts[1:]:
        result = result + part
    return result


def _issued_in_family(member: Any, kind: str) -> list[Any]:
    return [member.kind == kind, member.state == VALIDATED, member.currency == DocumentRow.currency]


def _final_invoiced(member: Any) -> tuple[Any, list[Any]]:
    """Its issued final invoices not cancelled by credit notes (Family.final_invoiced)."""
    return member.gross_minor, [*_issued_in_family(member, INVOICE), not_(_credited_in_full(member))]


def _deposit_carried(member: Any) -> tuple[Any, list[Any]]:
    """What its issued deposit invoices carry outside the final invoices (DepositUsage.carried)."""
    amount = member.gross_minor - _reversed(member) - _deducted_on_issued(member)
    return amount, _issued_in_family(member, DEPOSIT_INVOICE)


def _deposits_paid(member: Any) -> tuple[Any, list[Any]]:
    """What its issued deposit invoices received in payments."""
    return _payments_on(member), _issued_in_family(member, DEPOSIT_INVOICE)


@cache
def _extras(family: bool = True) -> tuple[Any, ...]:
    """The facts beyond the document's own summary, each computed only for the kinds it concerns; without
    `family` (a list of kinds that have none: invoices, credit notes), zeros in their place, so that the
    statement does not carry the family's sub-queries (their planning cost more than the page).

    Built once per process: they depend on no filter, and building their aliased sub-queries costs far more
    Python time (about 30 ms) than the database spends on a page; SQL expressions are immutable, so every
    statement can share them."""
    kind, state, gross, sums = DocumentRow.kind, DocumentRow.state, DocumentRow.gross_minor, DocumentSumsRow
    commercial = kind.in_(constants(COMMERCIAL))
    # What cancels a document is on its summary row, kept with the history and the deposit credit notes.
    cancelled = case(
        (and_(kind == INVOICE, state == VALIDATED, sums.credited_full > 0), 1),
        (and_(kind == DEPOSIT_INVOICE, state == VALIDATED, gross > 0, sums.reversed >= gross), 1),
        else_=0,
    )

    def only(condition: Any, amount: Any) -> Any:
        return case((condition, amount), else_=0)

    if not family:
        return (cancelled.label("cancelled"), *(ZERO.label(name) for name in ("final", "carried", "deposits_paid")))
    return (
        cancelled.label("cancelled"),
        only(commercial, _family_sum(_final_invoiced)).label("final"),
        only(commercial, _family_sum(_deposit_carried)).label("carried"),
        only(commercial, _family_sum(_deposits_paid)).label("deposits_paid"),
    )


def party_name(doc: Any) -> Any:
    """The document's party's name, a scalar read through the parties' key for each row that shows it.

    Not a join: under a status filter the planner cannot estimate how many rows pass (a CASE over sums) and,
    guessing one, joined the parties by a nested loop over all of them — 10 000 unpaid invoices × 2 000 parties
    took 2 s of a 2.4 s page on PostgreSQL. A scalar is read for the rows that use it only (none for totals)."""
    return select(PartyRow.name).where(PartyRow.id == doc.party_id).correlate(doc).scalar_subquery()


def _filtered(
    company_id: int,
    f: DocumentFilter,
    *,
    extra: Sequence[Any] = (),
    columns: Sequence[Any] = (),
    fenced: bool = False,
) -> Any:
    """The filtered documents with their facts: pay / cred (payments / credits allocated to it), wo (shortfall
    written off on it), ded (deposits it deducts), used / refunded / cwo (a credit note's uses, refunds and
    write-off), own_status (the stored status of a kind whose position is its own), all read from the document's
    summary row (document_sums.py, kept by triggers with the facts: one row by its key, whatever the number of
    facts), and the facts of `_extras` (cancellation, family)."""
    sums = DocumentSumsRow
    credit = DocumentRow.kind.in_(constants(CREDITS))

    def as_credit(amount: Any, name: str) -> Any:
        return case((credit, amount), else_=0).label(name)

    stmt = select(
        DocumentRow.id.label("id"),
        DocumentRow.kind.label("kind"),
        DocumentRow.flow.label("flow"),
        DocumentRow.state.label("state"),
        DocumentRow.number.label("number"),
        DocumentRow.party_id.label("party_id"),
        party_name(DocumentRow).label("party_name"),
        DocumentRow.issue_date.label("issue_date"),
        DocumentRow.due_date.label("due_date"),
        DocumentRow.supplier_reference.label("supplier_reference"),
        DocumentRow.currency.label("currency"),
        DocumentRow.gross_minor.label("gross"),
        sums.pay.label("pay"),
        sums.cred.label("cred"),
        sums.wo.label("wo"),
        sums.ded.label("ded"),
        sums.status.label("own_status"),
        *_extras(not own_position(f)),
        as_credit(sums.used, "used"),
        as_credit(sums.refunded, "refunded"),
        as_credit(sums.cwo, "cwo"),
        *columns,
    ).join(sums, sums.document_id == DocumentRow.id)
    stmt = stmt.where(*own_conditions(company_id, f), *extra)
    # `fenced`: kept a sub-query (OFFSET 0), not merged into the statement that reads it. Merged, each use of a
    # family figure by the position's expressions (status, balance, the filter…) repeats its correlated
    # sub-queries: a page of every kind planned some hundred of them (130–160 ms of planning under load).
    return (stmt.offset(0) if fenced else stmt).subquery("docs")


class _Position:
    """A row's position as SQL over the `docs` sub-query (domain.positions.position_of, kind by kind)."""

    def __init__(self, docs: Any) -> None:
        c = self.c = docs.c
        commercial, credit = c.kind.in_(constants(COMMERCIAL)), c.kind.in_(constants(CREDITS))
        zero = ZERO
        self.invoiced = c.final + c.carried
        self.credit_left = c.gross - c.used - c.refunded - c.cwo
        owed_by_commercial = c.gross - c.pay - c.cred - c.wo - self.invoiced
        self.figures = {
            "gross": c.gross,
            "deducted": case((or_(commercial, credit), zero), else_=c.ded),
            "paid": case((credit, zero), (commercial, c.pay + c.deposits_paid), else_=c.pay),
            "credited": case((credit, zero), else_=c.cred),
            "written_off": case((credit, c.cwo), else_=c.wo),
            "net_to_pay": case((credit, zero), (commercial, c.gross), else_=c.gross - c.ded),
            "balance_due": case(
                (credit, zero),
                (commercial, case((owed_by_commercial > 0, owed_by_commercial), else_=zero)),
                else_=c.gross - c.ded - c.pay - c.cred - c.wo,
            ),
            # What the web list shows beside the total: deposits (payments on a commercial document, deposit
            # invoices deducted on an invoice) and what else settled it.
            "deposits": case((commercial, c.pay + c.deposits_paid), (credit, zero), else_=c.ded),
            "settled": case((credit, c.cwo), (commercial, c.cred + c.wo), else_=c.pay + c.cred + c.wo),
        }
        self.settled_for_status = case(
            (commercial, c.pay + c.deposits_paid + c.cred + c.wo), else_=c.ded + c.pay + c.cred + c.wo
        )
        self.commercial, self.credit = commercial, credit

    def status(self) -> Any:
        c, s = self.c, PositionStatus
        left = self.credit_left
        return case(
            (c.state == DRAFT, s.DRAFT.value),
            (or_(c.state == CANCELLED, c.cancelled == 1), s.CANCELLED.value),
            (and_(self.commercial, c.final > 0, c.final >= c.gross), s.INVOICED.value),
            (and_(self.commercial, c.final > 0), s.PARTIALLY_INVOICED.value),
            (and_(self.credit, c.cwo > 0, left == 0), s.WRITTEN_OFF.value),
            (and_(self.credit, left == c.gross), s.UNUSED.value),
            (and_(self.credit, left > 0), s.PARTIALLY_USED.value),
            (and_(self.credit, c.used == 0, c.refunded > 0), s.REFUNDED.value),
            (self.credit, s.USED.value),
            (self._payment(s.UNPAID), s.UNPAID.value),
            (self._payment(s.PAID), s.PAID.value),
            else_=s.PARTIAL.value,
        )

    def _payment(self, status: PositionStatus) -> Any:
        """domain.positions._payment_status over what settled the document."""
        settled, gross = self.settled_for_status, self.c.gross
        if status is PositionStatus.UNPAID:
            return and_(settled == 0, gross > 0)
        if status is PositionStatus.PAID:
            return settled >= gross
        return and_(settled < gross, or_(settled != 0, gross <= 0))

    def to_settle(self) -> Any:
        """Position.to_settle: an order or invoice with a balance due, a credit note with credit left; never a
        cancelled one (drafts are out already: the filter keeps validated documents)."""
        c, owed = self.c, self.c.kind.in_(constants(TO_SETTLE))
        left = or_(and_(owed, self.figures["balance_due"] != 0), and_(self.credit, self.credit_left > 0))
        return and_(c.cancelled == 0, left)

    def predicate(self, f: DocumentFilter) -> list[Any]:
        """The rows of the filter's status (and, asked, those with something to settle)."""
        return [*self._status(f.status), *([self.to_settle()] if f.open else [])]

    def _status(self, status: str | None) -> list[Any]:
        """The rows of `status`: a kind whose position is its own by its stored status (`own_status`, from its
        summary row); a commercial document by cheap conditions first, then the status itself, so that its
        family is read only for the rows that may have it."""
        if not status:
            return []
        c, wanted = self.c, PositionStatus(status)
        own = c.own_status == wanted.value
        if wanted is PositionStatus.DRAFT:
            return [c.state == DRAFT]
        if wanted is PositionStatus.CANCELLED:
            return [or_(c.state == CANCELLED, own)]
        if wanted in INVOICING_STATUSES:
            return [c.state == VALIDATED, self.commercial, self.status() == wanted.value]
        if wanted in PAYMENT_STATUSES:
            family = and_(self.commercial, c.state == VALIDATED, self._payment(wanted), self.status() == wanted.value)
            return [or_(own, family)]
        return [own]


def sort_key(docs: Any, sort: str) -> Any:
    """One never-null expression per sort; the id breaks ties (page order and export chunks)."""
    if sort == "balance":
        return _Position(docs).figures["balance_due"]
    return {
        "date": docs.c.issue_date,
        "number": func.coalesce(docs.c.number, ""),
        "party": func.lower(docs.c.party_name),
        "gross": docs.c.gross,
        "due": func.coalesce(docs.c.due_date, NO_DUE_DATE),
    }[sort]


def totals(session: Session, company_id: int, f: DocumentFilter, currency: str) -> DocumentListTotals:
    """Count of every filtered row and, over those in `currency`, the sums of their positions' figures.

    Invoices and credit notes need no per-document figure (each is a linear sum of its summary row, and the row
    holds its status): their summary rows are summed, alone when the filter is on the columns they copy, else
    joined to the filtered documents. Commercial documents are summed row by row (their balance never goes below
    zero, their status depends on their family), and only when the filter can keep one."""
    _planner(session)
    count = other = 0
    sums = dict.fromkeys(FIGURES, 0)

    def add(same: bool, n: int, figures: dict[str, int]) -> None:
        nonlocal count, other
        count += n
        if not same:
            other += n
            return
        for name in FIGURES:
            sums[name] += figures[name]

    # A list of one kind reads only its part (the database would still walk the filtered rows of the other).
    if (not f.kind or f.kind in COMMERCIAL) and (not f.status or PositionStatus(f.status) in COMMERCIAL_STATUSES):
        commercial = [DocumentRow.kind.in_(constants(COMMERCIAL))]
        for same, n, *values in session.execute(_positioned_totals(company_id, f, currency, extra=commercial)):
            add(bool(same), int(n), dict(zip(FIGURES, map(int, values), strict=True)))
    parts: list[Any] = []
    if not f.kind or f.kind not in COMMERCIAL:
        parts = list(session.execute(_linear_parts(company_id, f, currency)))
    for is_credit, same, *raw in parts:
        n, gross, pay, cred, wo, ded, cwo = map(int, raw)
        if is_credit:
            figures = dict.fromkeys(FIGURES, 0) | {"gross": gross, "written_off": cwo, "settled": cwo}
        else:
            figures = {
                "gross": gross,
                "deducted": ded,
                "paid": pay,
                "credited": cred,
                "written_off": wo,
                "net_to_pay": gross - ded,
                "balance_due": gross - ded - pay - cred - wo,
                "deposits": ded,
                "settled": pay + cred + wo,
            }
        add(bool(same), n, figures)
    money = Money.from_minor
    return DocumentListTotals(count=count, other_currency=other, **{k: money(v, currency) for k, v in sums.items()})


def _positioned_totals(company_id: int, f: DocumentFilter, currency: str, extra: Sequence[Any] = ()) -> Any:
    """(same currency, count, *FIGURES) over the filtered rows, each row's position computed."""
    docs = _filtered(company_id, f, extra=extra, fenced=True)
    position = _Position(docs)
    same = docs.c.currency == currency
    return (
        select(same, func.count(), *(func.coalesce(func.sum(position.figures[name]), 0) for name in FIGURES))
        .where(*position.predicate(f))
        .group_by(same)
    )


#: The filters a summary row answers alone through a walk of its table (it copies these columns of its document;
#: one party's documents are found faster through the documents' party index, hence not here).
_ON_SUMMARY = frozenset({"flow", "kind", "state", "open", "status"})


def _summary_conditions(company_id: int, f: DocumentFilter) -> list[Any] | None:
    """`own_conditions` on the summary rows' copies, when the filter uses none but those (else None: a filter on
    another column, including one added later, needs the documents)."""
    if any(getattr(f, field.name) for field in fields(f) if field.name not in _ON_SUMMARY):
        return None
    s = DocumentSumsRow
    where = [s.company_id == company_id]
    where += [s.kind == f.kind] if f.kind else []
    where += [s.flow == f.flow] if f.flow else []
    where += [s.state == f.state] if f.state else []
    return where


def own_position(f: DocumentFilter) -> bool:
    """Whether the filter keeps only kinds whose position is their own (its status stored on the summary row)."""
    return bool(f.kind) and f.kind not in COMMERCIAL


def summary_status(f: DocumentFilter) -> list[Any]:
    """The filter on the position (a status, « to settle ») as conditions on the summary row of a document whose
    position is its own (invoices, deposit invoices, credit notes): exact for those, never for a commercial one.
    « To settle » (Position.to_settle): issued, not cancelled, a balance due or credit left."""
    s = DocumentSumsRow
    where = [s.status == f.status] if f.status else []
    if f.open:
        credit = s.kind.in_(constants(CREDITS))
        left = or_(
            and_(not_(credit), s.balance_minor != 0),
            and_(credit, s.gross_minor - s.used - s.refunded - s.cwo > 0),
        )
        where += [s.state == VALIDATED, s.status != CANCELLED, left]
    return where


def _linear_parts(company_id: int, f: DocumentFilter, currency: str) -> Any:
    """(credit kind, same currency, count, gross, pay, cred, wo, ded, cwo) rows over the filtered invoices and
    credit notes: the totals the database keeps by kind, flow, state and status (persistence/document_totals.py)
    when the filter is on those only; else their summary rows summed — alone when the filter is on the columns
    they copy, else joined to the filtered documents."""
    s = DocumentSumsRow
    figures = (s.gross_minor, s.pay, s.cred, s.wo, s.ded, s.cwo)
    credit, same = s.kind.in_(constants(CREDITS)), s.currency == currency
    stmt = select(credit, same, func.count(), *(func.coalesce(func.sum(v), 0) for v in figures))
    where = _summary_conditions(company_id, f)
    if where is not None and not f.open:  # the groups the database keeps: a few rows, whatever the company's size
        return kept_parts(company_id, currency, kind=f.kind, flow=f.flow, state=f.state, status=f.status)
    if where is None:
        stmt = stmt.join(DocumentRow, DocumentRow.id == s.document_id)
        where = own_conditions(company_id, f)
    return stmt.where(*where, *summary_status(f), s.kind.notin_(COMMERCIAL)).group_by(credit, same)


def _planner(session: Session) -> None:
    """PostgreSQL: no JIT compilation for these reads. The planner prices each correlated sum as a separate scan,
    so a list of some thousand rows crosses the JIT thresholds and compiles for longer (up to a second) than the
    query runs (bench/lists.py). SET LOCAL ends with the transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


#: What the account figures (persistence/account_figures.py) sum: the same documents and facts as the lists.
filtered, Positioned, planner = _filtered, _Position, _planner
deposit_carried, payments_on = _deposit_carried, _payments_on
