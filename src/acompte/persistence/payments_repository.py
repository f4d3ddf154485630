"""Payments and allocations in the database: what a payment has used, the payment lists, and the allocations
that tie a payment or a credit note to a document."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, overload

from sqlalchemy import ColumnElement, delete, func, select, union_all

from acompte.domain.errors import AllocationNotFound
from acompte.domain.money import Money
from acompte.domain.payments import Payment, PaymentState
from acompte.persistence import mapping, payment_lists
from acompte.persistence.base import Repo, rowcount
from acompte.persistence.figure_tallies import PaymentMonthRow, first_of_month
from acompte.persistence.rows import AllocationRow, DocumentRow, PaymentRow
from acompte.persistence.settled_sums import payment_used_minor
from acompte.services.views import AllocationView, PaymentFilter, PaymentListTotals, PaymentView


class PaymentRepository(Repo):
    def add(self, payment: Payment) -> int:
        row = PaymentRow(
            company_id=payment.company_id,
            number=payment.number,
            party_id=payment.party_id,
            direction=payment.direction.value,
            method=payment.method,
            digital=payment.digital,
            account_id=payment.account_id,
            payment_date=payment.payment_date,
            amount_minor=payment.amount.minor_units,
            currency=payment.currency,
            state=payment.state.value,
            reference=payment.reference,
            comment=payment.comment,
            exported=payment.exported,
            origin_document_id=payment.origin_document_id,
            exchange_rate=payment.exchange_rate,
            version=1,
            created_at=self.now(),
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def _row(self, company_id: int, payment_id: int, lock: bool = False) -> PaymentRow:
        stmt = select(PaymentRow).where(PaymentRow.company_id == company_id, PaymentRow.id == payment_id)
        return self._one(stmt, "Règlement", payment_id, lock)

    def get(self, company_id: int, payment_id: int, *, lock: bool = False) -> Payment:
        return mapping.payment(self._row(company_id, payment_id, lock))

    def update(self, company_id: int, payment_id: int, **fields: Any) -> None:
        row = self._row(company_id, payment_id)
        for key, value in fields.items():
            if isinstance(value, Money):
                setattr(row, f"{key}_minor", value.minor_units)
            else:
                setattr(row, key, value.value if hasattr(value, "value") else value)
        row.version += 1
        self.session.flush()

    def allocated(self, payment: Payment) -> Money:
        """What the payment has used: allocations, refunds and write-offs (settled_sums.py defines it)."""
        return Money.from_minor(payment_used_minor(self.session, payment.company_id, payment.id), payment.currency)

    def views(
        self,
        company_id: int,
        *,
        party_id: int | None = None,
        method: str | None = None,
        state: str | None = None,
        direction: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        unallocated_only: bool = False,
        limit: int = 50,
        after_id: int | None = None,
    ) -> list[PaymentView]:
        """The filtered payments in id order, after `after_id` (persistence/payment_lists.py)."""
        filters = PaymentFilter(
            party_id=party_id,
            method=method,
            state=state,
            direction=direction,
            date_from=date_from,
            date_to=date_to,
            unallocated_only=unallocated_only,
        )
        after = (after_id, after_id) if after_id is not None else None
        rows, _cursor = payment_lists.chunk(
            self.session, company_id, filters, sort="id", descending=False, after=after, limit=limit
        )
        return rows

    def list_totals(self, company_id: int, filters: PaymentFilter, currency: str) -> PaymentListTotals:
        """Count and totals of every payment `filters` keeps, in one grouped statement."""
        return payment_lists.totals(self.session, company_id, filters, currency)

    def list_page(
        self, company_id: int, filters: PaymentFilter, *, sort: str, descending: bool, offset: int, limit: int
    ) -> list[PaymentView]:
        return payment_lists.page(
            self.session, company_id, filters, sort=sort, descending=descending, offset=offset, limit=limit
        )

    def list_chunk(
        self,
        company_id: int,
        filters: PaymentFilter,
        *,
        sort: str,
        descending: bool,
        after: tuple[Any, int] | None,
        limit: int,
    ) -> tuple[list[PaymentView], tuple[Any, int] | None]:
        return payment_lists.chunk(
            self.session, company_id, filters, sort=sort, descending=descending, after=after, limit=limit
        )

    def monthly_totals(
        self, company_id: int, *, currency: str, date_from: date, date_to: date
    ) -> list[tuple[int, int, str, int]]:
        """The active payments of the period by month and direction: the months' tallies the database keeps
        (persistence/figure_tallies.py, summed by a trigger on payments: a few rows per month whatever the number
        of payments), less the payments of the first month dated before `date_from` and of the last one dated
        after `date_to` (two ranges of ix_payments_company_date, empty for whole months)."""
        m, p = PaymentMonthRow, PaymentRow
        first, last = date_from.replace(day=1), date_to.replace(day=1)
        after_last = date(last.year + last.month // 12, last.month % 12 + 1, 1)
        kept = select(m.month, m.direction, m.minor).where(
            m.company_id == company_id, m.currency == currency, m.month >= first, m.month <= last
        )
        month = first_of_month(self.session, p.payment_date)
        active = (p.company_id == company_id, p.currency == currency, p.state == PaymentState.ACTIVE.value)
        # two ranges, each read through the index on its own (an OR of the two would read the company's payments)
        before = select(month, p.direction, -p.amount_minor).where(
            *active, p.payment_date >= first, p.payment_date < date_from
        )
        after = select(month, p.direction, -p.amount_minor).where(
            *active, p.payment_date > date_to, p.payment_date < after_last
        )
        both = union_all(kept, before, after).subquery()
        stmt = select(both.c.month, both.c.direction, func.sum(both.c.minor)).group_by(both.c.month, both.c.direction)
        found = []
        for day, direction, minor in self.session.execute(stmt):
            day = day if isinstance(day, date) else date.fromisoformat(str(day))
            found.append((day.year, day.month, str(direction), int(minor)))
        return found


class AllocationRepository(Repo):
    @overload
    def add(
        self,
        company_id: int,
        *,
        document_id: int,
        amount: Money,
        payment_id: int | None = None,
        credit_document_id: int | None = None,
        with_time: Literal[False] = False,
    ) -> int: ...

    @overload
    def add(
        self,
        company_id: int,
        *,
        document_id: int,
        amount: Money,
        payment_id: int | None = None,
        credit_document_id: int | None = None,
        with_time: Literal[True],
    ) -> tuple[int, datetime]: ...

    def add(
        self,
        company_id: int,
        *,
        document_id: int,
        amount: Money,
        payment_id: int | None = None,
        credit_document_id: int | None = None,
        with_time: bool = False,
    ) -> int | tuple[int, datetime]:
        """The new allocation's id, or (id, created_at) with `with_time`."""
        row = AllocationRow(
            company_id=company_id,
            payment_id=payment_id,
            credit_document_id=credit_document_id,
            document_id=document_id,
            amount_minor=amount.minor_units,
            currency=amount.currency,
            created_at=self.now(),
        )
        self.session.add(row)
        self.session.flush()
        return (row.id, row.created_at) if with_time else row.id

    def get(self, company_id: int, allocation_id: int) -> AllocationView:
        found = self.session.execute(  # one round trip: the allocation with both numbers
            select(AllocationRow, DocumentRow.number, PaymentRow.number)
            .join(DocumentRow, DocumentRow.id == AllocationRow.document_id)
            .outerjoin(PaymentRow, PaymentRow.id == AllocationRow.payment_id)
            .where(AllocationRow.company_id == company_id, AllocationRow.id == allocation_id)
        ).first()
        if found is None:
            raise AllocationNotFound(id=allocation_id)
        row, document_number, payment_number = found
        return _allocation_view(row, document_number, payment_number)

    def delete(self, company_id: int, allocation_id: int) -> None:
        """Delete one allocation; AllocationNotFound when no row went (another transaction removed it first), so
        that an undo is never recorded twice."""
        done = self.session.execute(
            delete(AllocationRow).where(AllocationRow.company_id == company_id, AllocationRow.id == allocation_id)
        )
        if rowcount(done) != 1:
            raise AllocationNotFound(id=allocation_id)
        self.session.flush()

    def move(self, company_id: int, allocation_id: int, *, document_id: int, amount: Money | None = None) -> None:
        row = self.session.scalars(
            select(AllocationRow).where(AllocationRow.company_id == company_id, AllocationRow.id == allocation_id)
        ).one()
        row.document_id = document_id
        if amount is not None:
            row.amount_minor = amount.minor_units
        self.session.flush()

    def for_document(self, company_id: int, document_id: int) -> list[AllocationView]:
        return self._matching(company_id, AllocationRow.document_id == document_id)

    def for_payment(self, company_id: int, payment_id: int) -> list[AllocationView]:
        return self._matching(company_id, AllocationRow.payment_id == payment_id)

    def for_credit(self, company_id: int, credit_document_id: int) -> list[AllocationView]:
        return self._matching(company_id, AllocationRow.credit_document_id == credit_document_id)

    def _matching(self, company_id: int, condition: ColumnElement[bool]) -> list[AllocationView]:
        rows = self.session.scalars(
            select(AllocationRow).where(AllocationRow.company_id == company_id, condition).order_by(AllocationRow.id)
        )
        return self._views(list(rows))

    def _views(self, rows: list[AllocationRow]) -> list[AllocationView]:
        if not rows:
            return []
        doc_ids = {r.document_id for r in rows}
        pay_ids = {r.payment_id for r in rows if r.payment_id is not None}
        numbers = dict(
            self.session.execute(
                select(DocumentRow.id, DocumentRow.number).where(
                    DocumentRow.company_id == rows[0].company_id, DocumentRow.id.in_(doc_ids)
                )
            ).all()
        )
        pay_numbers = (
            dict(
                self.session.execute(
                    select(PaymentRow.id, PaymentRow.number).where(
                        PaymentRow.company_id == rows[0].company_id, PaymentRow.id.in_(pay_ids)
                    )
                ).all()
            )
            if pay_ids
            else {}
        )
        return [
            _allocation_view(r, numbers.get(r.document_id), pay_numbers.get(r.payment_id) if r.payment_id else None)
            for r in rows
        ]


def _allocation_view(row: AllocationRow, document_number: str | None, payment_number: str | None) -> AllocationView:
    return AllocationView(
        id=row.id,
        document_id=row.document_id,
        document_number=document_number,
        amount=Money.from_minor(row.amount_minor, row.currency),
        payment_id=row.payment_id,
        payment_number=payment_number,
        credit_document_id=row.credit_document_id,
        created_at=row.created_at,
    )
