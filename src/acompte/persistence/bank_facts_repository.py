"""`uow.bank_facts`: what the matcher of bank lines reads from the ledger, in a few statements per line.

Open documents carry what their position leaves to move (open_balances: balance due, credit left, a
cancellation), so a document whose money moved elsewhere is not open. Each read takes a `Narrowing`: the rows
with the line's amount to move, the numbers its text names, the parties it recognises, the card payments of the
days before it; the narrowing conditions are on the rows' own columns (and an index), and the correlated sums
of a position are computed only for the rows they keep. Without a narrowing, a read returns every open fact of
the company in the currency, once, for matching many lines in memory."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, and_, cast, exists, func, literal, not_, or_, select
from sqlalchemy.orm import Session, aliased

from acompte.domain.banking.facts import HeldCredit, Narrowing, OpenDocument, OpenPayment
from acompte.domain.banking.references import compact_reference
from acompte.domain.documents import Kind, State
from acompte.domain.money import Money
from acompte.domain.numbering import format_number
from acompte.persistence.bank_rows import BankMatchPaymentRow, BankMatchRow, PartyBankAccountRow
from acompte.persistence.document_lists import planner
from acompte.persistence.open_balances import open_balances
from acompte.persistence.positions_repository import chunks
from acompte.persistence.rows import (
    AllocationRow,
    DeductionRow,
    DocumentRow,
    PartyRow,
    PaymentRow,
    RefundRow,
    TreasuryAccountRow,
    WriteOffRow,
)
from acompte.persistence.settled_sums import payment_used_scalar

#: What a bank line can settle or give back: invoices, deposit invoices and credit notes.
MATCHED_KINDS = (Kind.INVOICE, Kind.DEPOSIT_INVOICE, Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE)
#: Separators a supplier's number is compared without (references.compact_reference does the same in Python).
_SEPARATORS = (" ", "-", "/", ".", "_", ":", "#", "%")
#: Accented letters folded in SQL before a name is compared (the matcher compares names exactly afterwards).
_FOLD = {"é": "e", "è": "e", "ê": "e", "ë": "e", "à": "a", "â": "a", "ç": "c", "î": "i", "ï": "i", "ô": "o"}
_FOLD |= {"ù": "u", "û": "u", "ü": "u", "É": "e", "È": "e", "Ê": "e", "À": "a", "Ç": "c", "Ô": "o"}
#: At most this many parties are read for a name: a name shared by more says nothing of the payer.
NAMED_PARTIES_LIMIT = 20


def _compact(column: Any) -> Any:
    for separator in _SEPARATORS:
        column = func.replace(column, separator, "")
    return func.upper(column)


def _folded(column: Any) -> Any:
    for accented, plain in _FOLD.items():
        column = func.replace(column, accented, plain)
    return func.lower(column)


def _number_matches(column: Any, numbers: Sequence[tuple[str | None, int, int]]) -> list[Any]:
    found = []
    for prefix, year, value in numbers:
        if prefix is not None:
            found.append(column == format_number(prefix, year, value))
        else:
            found.append(column.like(f"%-{year}-{value:05d}"))
    return found


def _touched(doc: Any) -> Any:
    """Something already settled part of the document, or used part of the credit note: only then can what is
    left differ from its total."""
    return or_(
        exists().where(AllocationRow.document_id == doc.id),
        exists().where(AllocationRow.credit_document_id == doc.id),
        exists().where(DeductionRow.invoice_id == doc.id),
        exists().where(WriteOffRow.document_id == doc.id),
        exists().where(WriteOffRow.credit_document_id == doc.id),
        exists().where(RefundRow.source_credit_id == doc.id),
    )


def _active_match(payment_id: Any) -> Any:
    return (
        select(BankMatchPaymentRow.payment_id)
        .join(BankMatchRow, BankMatchRow.id == BankMatchPaymentRow.match_id)
        .where(BankMatchPaymentRow.payment_id == payment_id, BankMatchRow.undone_at.is_(None))
        .exists()
    )


class BankFactsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open_documents(self, company_id: int, currency: str, narrowing: Narrowing | None = None) -> list[OpenDocument]:
        planner(self.session)  # PostgreSQL: a read of every open document costs less than compiling it
        narrowed = [] if narrowing is None else [or_(*self._document_narrowing(narrowing))]
        stmt = open_balances(company_id, currency, [k.value for k in MATCHED_KINDS], narrowed)
        return [
            OpenDocument(
                id=row.id,
                number=row.number or "",
                supplier_reference=row.supplier_reference or "",
                party_id=row.party_id,
                flow=row.flow,
                kind=row.kind,
                due_date=row.due_date,
                issue_date=row.issue_date,
                open=Money.from_minor(int(row.open), currency),
            )
            for row in self.session.execute(stmt)
        ]

    @staticmethod
    def _document_narrowing(n: Narrowing) -> list[Any]:
        amount, gross = n.amount.minor_units, DocumentRow.gross_minor
        found = [gross == amount, and_(gross > amount, _touched(DocumentRow))]
        found += _number_matches(DocumentRow.number, n.numbers)
        if n.party_ids:
            found.append(DocumentRow.party_id.in_(sorted(n.party_ids)))
        text = compact_reference(n.text)
        if text:
            reference = _compact(DocumentRow.supplier_reference)
            found.append(
                and_(DocumentRow.supplier_reference != "", literal(text).contains(reference, autoescape=False))
            )
        return found

    def unreconciled_payments(
        self, company_id: int, currency: str, narrowing: Narrowing | None = None, *, card_methods: Sequence[str] = ()
    ) -> list[OpenPayment]:
        """Active payments into or out of a bank account that no active bank match stands for."""
        where: list[Any] = [
            PaymentRow.company_id == company_id,
            PaymentRow.currency == currency,
            PaymentRow.state == "active",
            TreasuryAccountRow.kind == "bank",
            not_(_active_match(PaymentRow.id)),
        ]
        if narrowing is not None:
            direction = "in" if narrowing.received else "out"
            wanted = [PaymentRow.amount_minor == narrowing.amount.minor_units]
            wanted += _number_matches(PaymentRow.number, narrowing.numbers)
            if narrowing.card_days is not None and card_methods:
                first, last = narrowing.card_days
                wanted.append(and_(PaymentRow.method.in_(card_methods), PaymentRow.payment_date.between(first, last)))
            where += [PaymentRow.direction == direction, or_(*wanted)]
        stmt = (
            select(PaymentRow)
            .join(TreasuryAccountRow, TreasuryAccountRow.id == PaymentRow.account_id)
            .where(*where)
            .order_by(PaymentRow.payment_date, PaymentRow.id)
        )
        return [
            OpenPayment(
                id=p.id,
                number=p.number,
                party_id=p.party_id,
                method=p.method,
                direction=p.direction,
                payment_date=p.payment_date,
                amount=Money.from_minor(p.amount_minor, p.currency),
                reference=p.reference or "",
            )
            for p in self.session.scalars(stmt)
        ]

    def held_credits(self, company_id: int, currency: str, narrowing: Narrowing | None = None) -> list[HeldCredit]:
        """Payments with a part left unused (an overpayment), which a refund may give back."""
        left = PaymentRow.amount_minor - payment_used_scalar()
        where: list[Any] = [
            PaymentRow.company_id == company_id,
            PaymentRow.currency == currency,
            PaymentRow.state == "active",
        ]
        if narrowing is not None:
            # A credit goes back the other way: a customer's overpayment (in) is refunded by a debit (out).
            direction = "out" if narrowing.received else "in"
            amount = narrowing.amount.minor_units
            wanted = [left == amount]
            if narrowing.party_ids:
                wanted.append(and_(PaymentRow.party_id.in_(sorted(narrowing.party_ids)), left >= amount))
            where += [PaymentRow.direction == direction, PaymentRow.amount_minor >= amount, or_(*wanted)]
        stmt = select(PaymentRow, left.label("left")).where(*where).order_by(PaymentRow.id)
        found = []
        for payment, rest in self.session.execute(stmt):
            if int(rest) > 0:
                found.append(
                    HeldCredit(
                        payment.id,
                        payment.number,
                        payment.party_id,
                        payment.direction,
                        payment.payment_date,
                        Money.from_minor(int(rest), currency),
                    )
                )
        return found

    def deposit_requests(
        self, company_id: int, currency: str, narrowing: Narrowing | None = None
    ) -> list[tuple[int, str, int, str, Money, dict[str, Any], Money]]:
        """Validated orders that note a deposit request and have no issued invoice yet: (id, number, party, flow,
        gross, data, received), `received` being the payments allocated to the order and the totals of its issued
        deposit invoices (each is an open document of its own)."""
        child = aliased(DocumentRow)
        paid = (
            select(func.coalesce(func.sum(AllocationRow.amount_minor), 0))
            .where(AllocationRow.document_id == DocumentRow.id)
            .correlate(DocumentRow)
            .scalar_subquery()
        )
        invoiced = (
            select(func.coalesce(func.sum(child.gross_minor), 0))
            .where(
                child.origin_id == DocumentRow.id,
                child.kind == Kind.DEPOSIT_INVOICE.value,
                child.state == State.VALIDATED.value,
            )
            .correlate(DocumentRow)
            .scalar_subquery()
        )
        final = (
            select(child.id)
            .where(
                child.origin_id == DocumentRow.id,
                child.kind == Kind.INVOICE.value,
                child.state == State.VALIDATED.value,
            )
            .correlate(DocumentRow)
            .exists()
        )
        where: list[Any] = [
            DocumentRow.company_id == company_id,
            DocumentRow.kind == Kind.ORDER.value,
            DocumentRow.state == State.VALIDATED.value,
            DocumentRow.currency == currency,
            cast(DocumentRow.data, String).like('%"deposit_request"%'),
            not_(final),
        ]
        if narrowing is not None:
            where.append(DocumentRow.flow == ("sale" if narrowing.received else "purchase"))
        stmt = select(DocumentRow, (paid + invoiced).label("received")).where(*where).order_by(DocumentRow.id)
        return [
            (
                row.id,
                row.number or "",
                row.party_id,
                row.flow,
                Money.from_minor(row.gross_minor, currency),
                dict(row.data or {}),
                Money.from_minor(int(received), currency),
            )
            for row, received in self.session.execute(stmt)
        ]

    def parties_named(self, company_id: int, words: Sequence[str]) -> list[tuple[int, str]]:
        """Parties whose name holds one of `words` (accents and case folded): (id, name), for the matcher to
        compare the whole names."""
        if not words:
            return []
        folded = _folded(PartyRow.name)
        stmt = (
            select(PartyRow.id, PartyRow.name)
            .where(PartyRow.company_id == company_id, or_(*(folded.contains(w, autoescape=True) for w in words)))
            .order_by(PartyRow.id)
            .limit(NAMED_PARTIES_LIMIT * 5)
        )
        return [(int(i), str(name)) for i, name in self.session.execute(stmt)]

    def all_parties(self, company_id: int) -> list[tuple[int, str]]:
        """Every party's (id, name): for matching many lines at once."""
        stmt = select(PartyRow.id, PartyRow.name).where(PartyRow.company_id == company_id).order_by(PartyRow.id)
        return [(int(i), str(name)) for i, name in self.session.execute(stmt)]

    def all_ibans(self, company_id: int) -> dict[str, frozenset[int]]:
        """Every IBAN parties hold, with who holds it: for matching many lines at once."""
        held: dict[str, set[int]] = {}
        stmt = select(PartyBankAccountRow.iban, PartyBankAccountRow.party_id).where(
            PartyBankAccountRow.company_id == company_id
        )
        for iban, party_id in self.session.execute(stmt):
            held.setdefault(str(iban), set()).add(int(party_id))
        return {iban: frozenset(ids) for iban, ids in held.items()}

    def party_names(self, company_id: int, party_ids: Sequence[int]) -> dict[int, str]:
        """The names of the parties candidates name (those of one line, or of every line of the proposals), read
        in chunks within any driver's parameter limit."""
        found: dict[int, str] = {}
        for chunk in chunks(sorted(set(party_ids))):
            stmt = select(PartyRow.id, PartyRow.name).where(PartyRow.company_id == company_id, PartyRow.id.in_(chunk))
            found |= {int(i): str(name) for i, name in self.session.execute(stmt)}
        return found
