"""The company and its reference data: settings, VAT rates, payment methods, treasury accounts, number series,
parties (customers and suppliers) and items."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from acompte.domain.addresses import PostalAddress, parse_address
from acompte.domain.errors import NotFound
from acompte.domain.parties import Company, Item, Party
from acompte.domain.payments import Method
from acompte.persistence import mapping
from acompte.persistence.base import Repo
from acompte.persistence.company_settings import settings_cache
from acompte.persistence.read_cache import cached
from acompte.persistence.rows import (
    CompanyRow,
    ItemRow,
    NumberSeriesRow,
    PartyRow,
    PaymentMethodRow,
    TreasuryAccountRow,
    VatRateRow,
)
from acompte.persistence.searches import contains
from acompte.services.ports.clock import Clock
from acompte.services.views import PaymentMethodView


class CompanyRepository(Repo):
    """Reads a company once per unit of work: `get` keeps what it read (the company, its VAT rates and methods)
    until this repository changes any of it, a locked read asks again, or the transaction is rolled back
    (`forget`). One unit of work is one transaction: another one's change is not seen either way before commit,
    and a use case that changes the settings locks the row (`get(lock=True)`) first.

    Across transactions the settings are kept per engine (`settings_cache`), keyed by the company's version:
    every change of them through this repository raises the version, so one short statement reading it tells
    whether what is kept is still the company as committed."""

    def __init__(self, session: Session, clock: Clock | None = None) -> None:
        super().__init__(session, clock)
        self._read: dict[int, Company] = {}
        #: this transaction changed a company's settings: what it reads is not committed, never shared
        self._changed = False

    def forget(self) -> None:
        self._read.clear()
        self._changed = False

    def _changing(self) -> None:
        self._read.clear()
        self._changed = True

    def add(
        self,
        *,
        name: str,
        currency: str,
        vat_rates: Iterable[Decimal],
        methods: Iterable[Method],
        siren: str | None = None,
        vat_number: str | None = None,
        address: PostalAddress | None = None,
        vat_rounding: str = "per_rate",
        settings: dict[str, Any] | None = None,
    ) -> int:
        row = CompanyRow(
            name=name,
            currency=currency,
            siren=siren,
            vat_number=vat_number,
            **(address or PostalAddress()).fields(),
            vat_rounding=vat_rounding,
            settings=settings or {},
            created_at=self.now(),
        )
        self._changing()
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

    def get(self, company_id: int, *, lock: bool = False) -> Company:
        """The company with its active VAT rates and methods; `lock` holds its row until the transaction ends
        (a change of its settings checks the version it saw, then writes)."""
        if not lock and company_id in self._read:
            return self._read[company_id]
        shared = None if lock or self._changed else settings_cache(self.session)
        if shared is not None:
            stamp = self.session.execute(
                select(CompanyRow.version, CompanyRow.created_at).where(CompanyRow.id == company_id)
            ).first()
            if stamp is None:
                raise NotFound(entity="Société", id=company_id)
            kept = shared.get(company_id, tuple(stamp))
            if kept is not None:
                company = self._read[company_id] = kept
                return company
        query = select(CompanyRow).where(CompanyRow.id == company_id)
        if lock:  # the row as committed now, not as this session may have read it before
            query = query.with_for_update().execution_options(populate_existing=True)
        row = self._one(query, "Société", company_id)
        rates = list(self.session.scalars(select(VatRateRow).where(VatRateRow.company_id == company_id)))
        methods = list(
            self.session.scalars(
                select(PaymentMethodRow)
                .where(PaymentMethodRow.company_id == company_id)
                .order_by(PaymentMethodRow.code)
            )
        )
        company = self._read[company_id] = mapping.company(row, rates, methods)
        if shared is not None and not self._changed:
            # keyed by the version read with the row, before its rates and methods: these can only be as new
            shared.keep(company_id, (row.version, row.created_at), company)
        return company

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
        """Set the given columns; an `address` given as one text box is read into its fields (parse_address).
        The version goes up by one unless it is one of the columns given."""
        self._changing()
        if "address" in fields:
            fields.update(parse_address(fields.pop("address")).fields())
        row = self._one(select(CompanyRow).where(CompanyRow.id == company_id), "Société", company_id)
        fields.setdefault("version", row.version + 1)
        for key, value in fields.items():
            setattr(row, key, value)
        self.session.flush()

    def _new_version(self, company_id: int) -> None:
        """The settings kept per engine are keyed by the version: any change of them raises it."""
        self.session.execute(
            update(CompanyRow).where(CompanyRow.id == company_id).values(version=CompanyRow.version + 1)
        )

    def set_vat_rates(self, company_id: int, rates: Iterable[Decimal]) -> None:
        self._changing()
        wanted = set(rates)
        existing = {
            r.rate: r for r in self.session.scalars(select(VatRateRow).where(VatRateRow.company_id == company_id))
        }
        for rate, row in existing.items():
            row.active = rate in wanted
        for rate in wanted - set(existing):
            self.session.add(VatRateRow(company_id=company_id, rate=rate, label=f"{rate} %", active=True))
        self.session.flush()
        self._new_version(company_id)

    def set_method(self, company_id: int, method: Method, active: bool = True) -> None:
        self._changing()
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
        self._new_version(company_id)

    def add_account(self, company_id: int, *, name: str, kind: str, iban: str = "") -> int:
        row = TreasuryAccountRow(company_id=company_id, name=name, kind=kind, iban=iban, active=True)
        self.session.add(row)
        self.session.flush()
        return row.id

    def accounts(self, company_id: int) -> builtins.list[tuple[int, str, str]]:
        rows = self.session.execute(
            select(TreasuryAccountRow.id, TreasuryAccountRow.name, TreasuryAccountRow.kind)
            .where(TreasuryAccountRow.company_id == company_id, TreasuryAccountRow.active.is_(True))
            .order_by(TreasuryAccountRow.id)
        )
        return [(r.id, r.name, r.kind) for r in rows]


class SeriesRepository(Repo):
    def next_value(self, company_id: int, key: str, year: int) -> int:
        """Take the next value of a number series under a row lock; the caller's transaction makes it gapless.

        One upsert that increments the counter and returns it (one round trip; SQLite before 3.35 has no
        RETURNING and reads it back). Its row lock is held to commit, so concurrent validations wait in turn.
        """
        return self.next_values(company_id, key, year, 1)

    def next_values(self, company_id: int, key: str, year: int, count: int) -> int:
        """Take the next `count` values in one upsert (an export numbers its entries so); answers the first."""
        if count < 1:
            raise ValueError("a block of numbers holds at least one")
        dialect = self.session.get_bind().dialect
        insert = pg_insert if dialect.name == "postgresql" else sqlite_insert
        stmt = (
            insert(NumberSeriesRow)
            .values(company_id=company_id, key=key, year=year, last_value=count)
            .on_conflict_do_update(
                index_elements=["company_id", "key", "year"],
                set_={"last_value": NumberSeriesRow.last_value + count},
            )
        )
        if dialect.insert_returning:
            return int(self.session.execute(stmt.returning(NumberSeriesRow.last_value)).scalar_one()) - count + 1
        self.session.execute(stmt)
        last = self.session.scalars(
            select(NumberSeriesRow.last_value).where(
                NumberSeriesRow.company_id == company_id,
                NumberSeriesRow.key == key,
                NumberSeriesRow.year == year,
            )
        ).one()
        return int(last) - count + 1

    def peek(self, company_id: int) -> list[tuple[str, int, int]]:
        rows = self.session.execute(
            select(NumberSeriesRow.key, NumberSeriesRow.year, NumberSeriesRow.last_value).where(
                NumberSeriesRow.company_id == company_id
            )
        )
        return [(r.key, r.year, r.last_value) for r in rows]


_PARTIES = frozenset({"parties"})


class PartyRepository(Repo):
    def add(self, company_id: int, **fields: Any) -> int:
        row = PartyRow(company_id=company_id, created_at=self.now(), **fields)
        self.session.add(row)
        self.session.flush()
        return row.id

    def get(self, company_id: int, party_id: int) -> Party:
        """The party, read once per transaction until its table is written (the view, the payment terms, the
        e-invoice and the printed document of one use case all ask for it)."""
        return cached(
            self.session,
            ("party", company_id, party_id),
            _PARTIES,
            lambda: mapping.party(
                self._one(
                    select(PartyRow).where(PartyRow.company_id == company_id, PartyRow.id == party_id),
                    "Tiers",
                    party_id,
                )
            ),
        )

    def update(self, company_id: int, party_id: int, **fields: Any) -> None:
        row = self._one(
            select(PartyRow).where(PartyRow.company_id == company_id, PartyRow.id == party_id), "Tiers", party_id
        )
        for key, value in fields.items():
            setattr(row, key, value)
        self.session.flush()

    def list(
        self, company_id: int, *, role: str | None = None, search: str | None = None, limit: int | None = None
    ) -> list[Party]:
        stmt = select(PartyRow).where(PartyRow.company_id == company_id)
        if role == "customer":
            stmt = stmt.where(PartyRow.is_customer.is_(True))
        elif role == "supplier":
            stmt = stmt.where(PartyRow.is_supplier.is_(True))
        if search:
            # `%` and `_` keep their LIKE meaning here, as they always had; on PostgreSQL the name's trigram index
            # (0021_search_indexes) finds the parties that hold the text
            stmt = stmt.where(contains(func.lower(PartyRow.name), search, escape=False))
        stmt = stmt.order_by(PartyRow.name, PartyRow.id)
        return [mapping.party(r) for r in self.session.scalars(stmt if limit is None else stmt.limit(limit))]


class ItemRepository(Repo):
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
