"""Repositories: company-scoped reads and writes of rows, returning domain records or read views.

Every query filters on `company_id`. `lock=True` takes a row lock (SELECT … FOR UPDATE) on PostgreSQL; on
SQLite the whole transaction already holds the write lock (BEGIN IMMEDIATE, see engine.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, case, delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from acompte.domain.allocations import Settlement
from acompte.domain.documents import Document, Line
from acompte.domain.errors import AllocationNotFound, NotFound
from acompte.domain.events import Event
from acompte.domain.money import Money
from acompte.domain.parties import Company, Item, Party
from acompte.domain.payments import Method, Payment
from acompte.persistence import document_lists, mapping
from acompte.persistence.credits_repository import (
    document_settled_scalar,
    document_sums_minor,
    payment_used_minor,
    payment_used_scalar,
)
from acompte.persistence.rows import (
    AllocationRow,
    CompanyRow,
    DeductionRow,
    DocumentLineRow,
    DocumentRow,
    EventRow,
    ItemRow,
    NumberSeriesRow,
    PartyRow,
    PaymentMethodRow,
    PaymentRow,
    TreasuryAccountRow,
    VatRateRow,
)
from acompte.services.views import (
    AllocationView,
    DocumentFilter,
    DocumentListRow,
    DocumentListTotals,
    DocumentSummary,
    EventView,
    PaymentMethodView,
    PaymentView,
)


def now() -> datetime:
    return datetime.now(UTC)


class _Repo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _one(self, stmt: Select[Any], entity: str, id_: int, lock: bool = False) -> Any:
        if lock:
            stmt = stmt.with_for_update()
        row = self.session.scalars(stmt).first()
        if row is None:
            raise NotFound(entity=entity, id=id_)
        return row


class CompanyRepository(_Repo):
    def add(
        self,
        *,
        name: str,
        currency: str,
        vat_rates: Iterable[Decimal],
        methods: Iterable[Method],
        siren: str | None = None,
        vat_number: str | None = None,
        address: str = "",
        vat_rounding: str = "per_rate",
        settings: dict[str, Any] | None = None,
    ) -> int:
        row = CompanyRow(
            name=name,
            currency=currency,
            siren=siren,
            vat_number=vat_number,
            address=address,
            vat_rounding=vat_rounding,
            settings=settings or {},
            created_at=now(),
        )
        self.session.add(row)
        self.session.flush()
        for rate in vat_rates:
            self.session.add(VatRateRow(company_id=row.id, rate=rate, label=f"{rate} %", active=True))
        for method in methods:
            self.session.add(
                PaymentMethodRow(
                    company_id=row.id, code=method.code, label=method.label, digital=method.digital, active=True
                )
            )
        self.session.flush()
        return row.id

    def get(self, company_id: int) -> Company:
        row = self._one(select(CompanyRow).where(CompanyRow.id == company_id), "Société", company_id)
        rates = list(self.session.scalars(select(VatRateRow).where(VatRateRow.company_id == company_id)))
        methods = list(
            self.session.scalars(
                select(PaymentMethodRow)
                .where(PaymentMethodRow.company_id == company_id)
                .order_by(PaymentMethodRow.code)
            )
        )
        return mapping.company(row, rates, methods)

    def methods(self, company_id: int, *, include_inactive: bool = False) -> list[PaymentMethodView]:
        """The company's payment methods by code; the ones turned off too when asked."""
        query = select(PaymentMethodRow).where(PaymentMethodRow.company_id == company_id)
        if not include_inactive:
            query = query.where(PaymentMethodRow.active.is_(True))
        rows = self.session.scalars(query.order_by(PaymentMethodRow.code))
        return [PaymentMethodView(mapping.method(r), r.active) for r in rows]

    def currency(self, company_id: int) -> str:
        """The company's currency alone: one short query, where `get` also reads its VAT rates and methods."""
        currency = self.session.scalar(select(CompanyRow.currency).where(CompanyRow.id == company_id))
        if currency is None:
            raise NotFound(entity="Société", id=company_id)
        return str(currency)

    def list(self) -> list[Company]:
        ids = self.session.scalars(select(CompanyRow.id).order_by(CompanyRow.id)).all()
        return [self.get(i) for i in ids]

    def update(self, company_id: int, **fields: Any) -> None:
        row = self._one(select(CompanyRow).where(CompanyRow.id == company_id), "Société", company_id)
        for key, value in fields.items():
            setattr(row, key, value)
        self.session.flush()

    def set_vat_rates(self, company_id: int, rates: Iterable[Decimal]) -> None:
        wanted = set(rates)
        existing = {
            r.rate: r for r in self.session.scalars(select(VatRateRow).where(VatRateRow.company_id == company_id))
        }
        for rate, row in existing.items():
            row.active = rate in wanted
        for rate in wanted - set(existing):
            self.session.add(VatRateRow(company_id=company_id, rate=rate, label=f"{rate} %", active=True))
        self.session.flush()

    def set_method(self, company_id: int, method: Method, active: bool = True) -> None:
        row = self.session.get(PaymentMethodRow, (company_id, method.code))
        if row is None:
            self.session.add(
                PaymentMethodRow(
                    company_id=company_id, code=method.code, label=method.label, digital=method.digital, active=active
                )
            )
        else:
            row.label, row.digital, row.active = method.label, method.digital, active
        self.session.flush()

    def add_account(self, company_id: int, *, name: str, kind: str, iban: str = "") -> int:
        row = TreasuryAccountRow(company_id=company_id, name=name, kind=kind, iban=iban, active=True)
        self.session.add(row)
        self.session.flush()
        return row.id

    def accounts(self, company_id: int) -> list[tuple[int, str, str]]:
        rows = self.session.execute(
            select(TreasuryAccountRow.id, TreasuryAccountRow.name, TreasuryAccountRow.kind)
            .where(TreasuryAccountRow.company_id == company_id, TreasuryAccountRow.active.is_(True))
            .order_by(TreasuryAccountRow.id)
        )
        return [(r.id, r.name, r.kind) for r in rows]


class SeriesRepository(_Repo):
    def next_value(self, company_id: int, key: str, year: int) -> int:
        """Take the next value of a number series under a row lock; the caller's transaction makes it gapless.

        One upsert that increments the counter and returns it (one round trip; SQLite before 3.35 has no
        RETURNING and reads it back). Its row lock is held to commit, so concurrent validations wait in turn.
        """
        dialect = self.session.get_bind().dialect
        insert = pg_insert if dialect.name == "postgresql" else sqlite_insert
        stmt = (
            insert(NumberSeriesRow)
            .values(company_id=company_id, key=key, year=year, last_value=1)
            .on_conflict_do_update(
                index_elements=["company_id", "key", "year"], set_={"last_value": NumberSeriesRow.last_value + 1}
            )
        )
        if dialect.insert_returning:
            return int(self.session.execute(stmt.returning(NumberSeriesRow.last_value)).scalar_one())
        self.session.execute(stmt)
        return int(
            self.session.scalars(
                select(NumberSeriesRow.last_value).where(
                    NumberSeriesRow.company_id == company_id,
                    NumberSeriesRow.key == key,
                    NumberSeriesRow.year == year,
                )
            ).one()
        )

    def peek(self, company_id: int) -> list[tuple[str, int, int]]:
        rows = self.session.execute(
            select(NumberSeriesRow.key, NumberSeriesRow.year, NumberSeriesRow.last_value).where(
                NumberSeriesRow.company_id == company_id
            )
        )
        return [(r.key, r.year, r.last_value) for r in rows]


class PartyRepository(_Repo):
    def add(self, company_id: int, **fields: Any) -> int:
        row = PartyRow(company_id=company_id, created_at=now(), **fields)
        self.session.add(row)
        self.session.flush()
        return row.id

    def get(self, company_id: int, party_id: int) -> Party:
        return mapping.party(
            self._one(
                select(PartyRow).where(PartyRow.company_id == company_id, PartyRow.id == party_id), "Tiers", party_id
            )
        )

    def update(self, company_id: int, party_id: int, **fields: Any) -> None:
        row = self._one(
            select(PartyRow).where(PartyRow.company_id == company_id, PartyRow.id == party_id), "Tiers", party_id
        )
        for key, value in fields.items():
            setattr(row, key, value)
        self.session.flush()

    def list(self, company_id: int, *, role: str | None = None, search: str | None = None) -> list[Party]:
        stmt = select(PartyRow).where(PartyRow.company_id == company_id)
        if role == "customer":
            stmt = stmt.where(PartyRow.is_customer.is_(True))
        elif role == "supplier":
            stmt = stmt.where(PartyRow.is_supplier.is_(True))
        if search:
            stmt = stmt.where(func.lower(PartyRow.name).contains(search.lower()))
        return [mapping.party(r) for r in self.session.scalars(stmt.order_by(PartyRow.name, PartyRow.id))]


class ItemRepository(_Repo):
    def add(self, company_id: int, **fields: Any) -> int:
        row = ItemRow(company_id=company_id, **fields)
        self.session.add(row)
        self.session.flush()
        return row.id

    def get(self, company_id: int, item_id: int) -> Item:
        return mapping.item(
            self._one(
                select(ItemRow).where(ItemRow.company_id == company_id, ItemRow.id == item_id), "Article", item_id
            )
        )

    def list(self, company_id: int) -> list[Item]:
        stmt = select(ItemRow).where(ItemRow.company_id == company_id).order_by(ItemRow.name, ItemRow.id)
        return [mapping.item(r) for r in self.session.scalars(stmt)]


def _allocated_to_document() -> Any:
    """What the enclosing query's document has received: allocations and small shortfalls written off
    (credits_repository), correlated so that it reads only that document's rows. A GROUP BY over every
    allocation joined afterwards would make any list cost grow with the whole database (bench/run.py: about
    1 s per party read at 1 000 000 documents)."""
    return document_settled_scalar()


def _deducted_from_document() -> Any:
    """Deposits deducted on the enclosing query's final invoice (deductions, issue 3), correlated likewise."""
    return (
        select(func.coalesce(func.sum(DeductionRow.amount_minor), 0))
        .where(DeductionRow.invoice_id == DocumentRow.id)
        .correlate(DocumentRow)
        .scalar_subquery()
    )


class DocumentRepository(_Repo):
    def _row(self, company_id: int, document_id: int, lock: bool = False) -> DocumentRow:
        stmt = select(DocumentRow).where(DocumentRow.company_id == company_id, DocumentRow.id == document_id)
        return self._one(stmt, "Document", document_id, lock)  # type: ignore[no-any-return]

    def add(self, document: Document, *, notes: str = "", data: dict[str, Any] | None = None) -> int:
        row = DocumentRow(
            company_id=document.company_id,
            kind=document.kind.value,
            flow=document.flow.value,
            state=document.state.value,
            number=document.number,
            party_id=document.party_id,
            currency=document.currency,
            issue_date=document.issue_date,
            due_date=document.due_date,
            origin_id=document.origin_id,
            net_minor=document.net.minor_units,
            vat_minor=0,
            gross_minor=document.gross.minor_units,
            notes=notes,
            data=data or {},
            version=1,
            created_at=now(),
            exchange_rate=document.exchange_rate,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def get(self, company_id: int, document_id: int, *, lock: bool = False, lines: bool = True) -> Document:
        """The document; `lines=False` skips reading its lines (totals are stored on the document itself)."""
        row = self._row(company_id, document_id, lock)
        if not lines:
            return mapping.document(row)
        found = list(self.session.scalars(select(DocumentLineRow).where(DocumentLineRow.document_id == row.id)))
        return mapping.document(row, found)

    def headers(self, company_id: int, document_ids: Sequence[int]) -> dict[int, Document]:
        """Several documents without their lines, in one query (ids of another company are simply absent)."""
        if not document_ids:
            return {}
        rows = self.session.scalars(
            select(DocumentRow).where(DocumentRow.company_id == company_id, DocumentRow.id.in_(list(document_ids)))
        )
        return {row.id: mapping.document(row) for row in rows}

    def data(self, company_id: int, document_id: int) -> dict[str, Any]:
        return dict(self._row(company_id, document_id).data or {})

    def set_data(self, company_id: int, document_id: int, data: dict[str, Any]) -> None:
        self._row(company_id, document_id).data = data
        self.session.flush()

    def replace_lines(self, document: Document, lines: Sequence[Line], net: Money, vat: Money, gross: Money) -> None:
        row = self._row(document.company_id, document.id)
        self.session.execute(delete(DocumentLineRow).where(DocumentLineRow.document_id == row.id))
        for line in lines:
            self.session.add(
                DocumentLineRow(
                    company_id=row.company_id,
                    document_id=row.id,
                    position=line.position,
                    item_id=line.item_id,
                    designation=line.designation,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    discount_percent=line.discount_percent,
                    vat_rate=line.vat_rate,
                    net_minor=line.net.minor_units,
                )
            )
        row.net_minor, row.vat_minor, row.gross_minor = net.minor_units, vat.minor_units, gross.minor_units
        row.version += 1
        self.session.flush()

    def update(self, company_id: int, document_id: int, **fields: Any) -> None:
        row = self._row(company_id, document_id)
        for key, value in fields.items():
            setattr(row, key, value.value if hasattr(value, "value") else value)
        if "state" in fields and fields["state"] == "validated":
            row.validated_at = now()
        row.version += 1
        self.session.flush()

    def delete(self, company_id: int, document_id: int) -> None:
        row = self._row(company_id, document_id)
        self.session.execute(delete(DocumentLineRow).where(DocumentLineRow.document_id == row.id))
        self.session.delete(row)
        self.session.flush()

    def children(self, company_id: int, document_id: int) -> list[Document]:
        rows = self.session.scalars(
            select(DocumentRow)
            .where(DocumentRow.company_id == company_id, DocumentRow.origin_id == document_id)
            .order_by(DocumentRow.id)
        )
        return [mapping.document(r) for r in rows]

    def settlement(self, document: Document) -> Settlement:
        allocated, deducted = document_sums_minor(self.session, document.company_id, document.id)
        return Settlement(
            gross=document.gross,
            allocated=Money.from_minor(allocated, document.currency),
            deducted=Money.from_minor(deducted, document.currency),
        )

    def list_totals(self, company_id: int, filters: DocumentFilter, currency: str) -> DocumentListTotals:
        """Count and totals of every document `filters` keeps, in SQL (persistence/document_lists.py)."""
        return document_lists.totals(self.session, company_id, filters, currency)

    def list_page(
        self, company_id: int, filters: DocumentFilter, *, sort: str, descending: bool, offset: int, limit: int
    ) -> list[DocumentListRow]:
        return document_lists.page(
            self.session, company_id, filters, sort=sort, descending=descending, offset=offset, limit=limit
        )

    def list_chunk(
        self,
        company_id: int,
        filters: DocumentFilter,
        *,
        sort: str,
        descending: bool,
        after: tuple[Any, int] | None,
        limit: int,
    ) -> tuple[list[DocumentListRow], tuple[Any, int] | None]:
        return document_lists.chunk(
            self.session, company_id, filters, sort=sort, descending=descending, after=after, limit=limit
        )

    def summaries(
        self,
        company_id: int,
        *,
        party_id: int | None = None,
        kind: str | None = None,
        flow: str | None = None,
        state: str | None = None,
        states: Sequence[str] | None = None,
        kinds: Sequence[str] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        search: str | None = None,
        open_only: bool = False,
        limit: int = 50,
        after_id: int | None = None,
    ) -> list[DocumentSummary]:
        allocated = _allocated_to_document()
        deducted = _deducted_from_document()
        stmt = (
            select(DocumentRow, PartyRow.name, allocated.label("allocated"), deducted.label("deducted"))
            .join(PartyRow, PartyRow.id == DocumentRow.party_id)
            .where(DocumentRow.company_id == company_id)
        )
        if party_id is not None:
            stmt = stmt.where(DocumentRow.party_id == party_id)
        if kind:
            stmt = stmt.where(DocumentRow.kind == kind)
        if kinds:
            stmt = stmt.where(DocumentRow.kind.in_(list(kinds)))
        if flow:
            stmt = stmt.where(DocumentRow.flow == flow)
        if state:
            stmt = stmt.where(DocumentRow.state == state)
        if states:
            stmt = stmt.where(DocumentRow.state.in_(list(states)))
        if date_from:
            stmt = stmt.where(DocumentRow.issue_date >= date_from)
        if date_to:
            stmt = stmt.where(DocumentRow.issue_date <= date_to)
        if search:
            stmt = stmt.where(func.lower(func.coalesce(DocumentRow.number, "")).contains(search.lower()))
        if open_only:
            stmt = stmt.where(DocumentRow.gross_minor > allocated + deducted)
        if after_id is not None:
            stmt = stmt.where(DocumentRow.id > after_id)
        stmt = stmt.order_by(DocumentRow.id).limit(limit)
        result = []
        for row, party_name, allocated_minor, deducted_minor in self.session.execute(stmt):
            currency = row.currency
            result.append(
                DocumentSummary(
                    id=row.id,
                    kind=row.kind,
                    flow=row.flow,
                    state=row.state,
                    number=row.number,
                    party_id=row.party_id,
                    party_name=party_name,
                    issue_date=row.issue_date,
                    due_date=row.due_date,
                    settlement=Settlement(
                        gross=Money.from_minor(row.gross_minor, currency),
                        allocated=Money.from_minor(int(allocated_minor), currency),
                        deducted=Money.from_minor(int(deducted_minor), currency),
                    ),
                )
            )
        return result


class PaymentRepository(_Repo):
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
            version=1,
            created_at=now(),
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def _row(self, company_id: int, payment_id: int, lock: bool = False) -> PaymentRow:
        stmt = select(PaymentRow).where(PaymentRow.company_id == company_id, PaymentRow.id == payment_id)
        return self._one(stmt, "Règlement", payment_id, lock)  # type: ignore[no-any-return]

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
        """What the payment has used: allocations, refunds and write-offs (credits_repository defines it)."""
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
        allocated = payment_used_scalar()  # correlated: reads only this payment's allocations, refunds, write-offs
        stmt = (
            select(PaymentRow, PartyRow.name, allocated)
            .join(PartyRow, PartyRow.id == PaymentRow.party_id)
            .where(PaymentRow.company_id == company_id)
        )
        if party_id is not None:
            stmt = stmt.where(PaymentRow.party_id == party_id)
        if method:
            stmt = stmt.where(PaymentRow.method == method)
        if state:
            stmt = stmt.where(PaymentRow.state == state)
        if direction:
            stmt = stmt.where(PaymentRow.direction == direction)
        if date_from:
            stmt = stmt.where(PaymentRow.payment_date >= date_from)
        if date_to:
            stmt = stmt.where(PaymentRow.payment_date <= date_to)
        if unallocated_only:
            stmt = stmt.where(PaymentRow.amount_minor > allocated, PaymentRow.state == "active")
        if after_id is not None:
            stmt = stmt.where(PaymentRow.id > after_id)
        stmt = stmt.order_by(PaymentRow.id).limit(limit)
        return [
            PaymentView(
                payment=mapping.payment(row),
                party_name=name,
                allocated=Money.from_minor(int(minor), row.currency),
            )
            for row, name, minor in self.session.execute(stmt)
        ]


class AllocationRepository(_Repo):
    def add(
        self,
        company_id: int,
        *,
        document_id: int,
        amount: Money,
        payment_id: int | None = None,
        credit_document_id: int | None = None,
        with_time: bool = False,
    ) -> Any:
        """The new allocation's id, or (id, created_at) with `with_time`."""
        row = AllocationRow(
            company_id=company_id,
            payment_id=payment_id,
            credit_document_id=credit_document_id,
            document_id=document_id,
            amount_minor=amount.minor_units,
            currency=amount.currency,
            created_at=now(),
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
        self.session.execute(
            delete(AllocationRow).where(AllocationRow.company_id == company_id, AllocationRow.id == allocation_id)
        )
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
        rows = self.session.scalars(
            select(AllocationRow)
            .where(AllocationRow.company_id == company_id, AllocationRow.document_id == document_id)
            .order_by(AllocationRow.id)
        )
        return self._views(list(rows))

    def for_payment(self, company_id: int, payment_id: int) -> list[AllocationView]:
        rows = self.session.scalars(
            select(AllocationRow)
            .where(AllocationRow.company_id == company_id, AllocationRow.payment_id == payment_id)
            .order_by(AllocationRow.id)
        )
        return self._views(list(rows))

    def for_credit(self, company_id: int, credit_document_id: int) -> list[AllocationView]:
        rows = self.session.scalars(
            select(AllocationRow)
            .where(AllocationRow.company_id == company_id, AllocationRow.credit_document_id == credit_document_id)
            .order_by(AllocationRow.id)
        )
        return self._views(list(rows))

    def _views(self, rows: list[AllocationRow]) -> list[AllocationView]:
        if not rows:
            return []
        doc_ids = {r.document_id for r in rows}
        pay_ids = {r.payment_id for r in rows if r.payment_id is not None}
        numbers = dict(
            self.session.execute(select(DocumentRow.id, DocumentRow.number).where(DocumentRow.id.in_(doc_ids))).all()
        )
        pay_numbers = (
            dict(self.session.execute(select(PaymentRow.id, PaymentRow.number).where(PaymentRow.id.in_(pay_ids))).all())
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


class EventRepository(_Repo):
    def add(self, event: Event, actor: str) -> None:
        self.session.add(
            EventRow(
                company_id=event.company_id,
                occurred_at=now(),
                actor=actor,
                kind=str(event.kind),
                document_id=event.document_id,
                payment_id=event.payment_id,
                party_id=event.party_id,
                data=event.data,
            )
        )

    def query(
        self,
        company_id: int,
        *,
        document_id: int | None = None,
        payment_id: int | None = None,
        party_id: int | None = None,
    ) -> list[EventView]:
        stmt = select(EventRow).where(EventRow.company_id == company_id)
        conditions = []
        if document_id is not None:
            conditions.append(EventRow.document_id == document_id)
            # events about a payment allocated to this document name the document in their data
        if payment_id is not None:
            conditions.append(EventRow.payment_id == payment_id)
        if party_id is not None:
            conditions.append(EventRow.party_id == party_id)
        if conditions:
            stmt = stmt.where(or_(*conditions))
        stmt = stmt.order_by(EventRow.id)
        return [
            EventView(
                id=r.id,
                occurred_at=r.occurred_at,
                actor=r.actor,
                kind=r.kind,
                document_id=r.document_id,
                payment_id=r.payment_id,
                party_id=r.party_id,
                data=dict(r.data or {}),
            )
            for r in self.session.scalars(stmt)
        ]


__all__ = [
    "AllocationRepository",
    "CompanyRepository",
    "DocumentRepository",
    "EventRepository",
    "ItemRepository",
    "PartyRepository",
    "PaymentRepository",
    "SeriesRepository",
    "and_",
    "case",
]
