"""The ledger the bank-matching benchmark matches against: written through the services, or in bulk.

Both ledgers create the company's customers and suppliers and their IBANs through the services (a few hundred
calls), then take the same orders from `bank_matching.build`: a validated document, a deposit asked on an order,
a payment allocated or not. `ServiceLedger` carries out each order with the services, as a bookkeeper would
(about 0.1–0.3 s each: the PDF rendered at issue, the history, the checks). `BulkLedger` keeps the rows those
services write and inserts them at the end in one transaction: the documents with their line, numbers taken in
the same order from the same series, dates, states, versions and data (deduction encoding and paid-at-issue of
a sale invoice, the deposit request of an order), the payments with their number, account and digital flag, and
their allocations; then the series' counters. It writes no history (events) and no issued file, which the
matcher does not read (an issued file missing is produced on its first download). Test:
tests/test_bench_smoke.py compares what the matcher reads of both ledgers, built from the same seed.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from stdnum.iso7064 import mod_97_10

from acompte.domain.documents import INVOICE_KINDS, Flow, Kind, LineInput, totals_of
from acompte.domain.documents import supplier_reference as domain_supplier_reference
from acompte.domain.einvoicing import PAID_AT_ISSUE
from acompte.domain.money import Money
from acompte.domain.numbering import DEFAULT_PREFIXES, format_number, series_key
from acompte.domain.payments import Direction, treasury_account
from acompte.persistence.rows import Base
from acompte.services.ports import Ctx, UnitOfWork

_SURNAMES = [
    "Dupont", "Durand", "Martin", "Bernard", "Petit", "Robert", "Richard", "Moreau", "Laurent", "Simon", "Michel",
    "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Lambert", "Fontaine",
    "Rousseau", "Vincent", "Muller",
]  # fmt: skip
_TRADES = [
    "Menuiserie", "Boulangerie", "Garage", "Plomberie", "Pharmacie", "Librairie", "Fromagerie", "Coiffure",
    "Imprimerie", "Electricite", "Carrosserie", "Boucherie", "Fleuriste", "Opticien", "Couverture", "Maconnerie",
    "Charpente", "Peinture", "Serrurerie", "Traiteur",
]  # fmt: skip
_SUPPLY = [
    "Bois", "Quincaillerie", "Metaux", "Peintures", "Outillage", "Transports", "Emballages", "Vernis", "Visserie",
    "Panneaux",
]  # fmt: skip
_PLACES = ["Jura", "Vosges", "Alsace", "Savoie", "Bretagne"]


def iban_for(n: int) -> str:
    bban = f"3000400003{n:011d}01"
    return "FR" + mod_97_10.calc_check_digits(bban + "FR") + bban


class Ledger:
    """The parties (through the services) and what every kind of ledger offers `build`."""

    def __init__(
        self, uow: UnitOfWork, ctx: Ctx, chance: random.Random, customers: int = 500, suppliers: int = 50
    ) -> None:
        from acompte.services import parties
        from acompte.services.banking import party_accounts

        self.uow, self.ctx, self.chance = uow, ctx, chance
        names = [f"{t} {s}" for t in _TRADES for s in _SURNAMES][:customers]
        self.customers = [parties.create_party(uow, ctx, name=n).id for n in names]
        self.customer_names = dict(zip(self.customers, names, strict=True))
        supplier_names = [f"{s} du {p}" for s in _SUPPLY for p in _PLACES][:suppliers]
        self.suppliers = [
            parties.create_party(uow, ctx, name=n, customer=False, supplier=True).id for n in supplier_names
        ]
        self.supplier_names = dict(zip(self.suppliers, supplier_names, strict=True))
        self.ibans: dict[int, str] = {}
        for i, party in enumerate(self.customers + self.suppliers):
            if i % 2 == 0:  # half the parties have an IBAN on file
                self.ibans[party] = iban_for(i)
                party_accounts.add_party_account(uow, ctx, party, self.ibans[party])

    def money(self, low: int, high: int) -> Decimal:
        return (Decimal(self.chance.randrange(low * 100, high * 100)) / 100).quantize(Decimal("0.01"))

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        return None

    def document(
        self, party: int, day: date, *, kind: Kind = Kind.INVOICE, flow: Flow = Flow.SALE, supplier_reference: str = ""
    ) -> tuple[int, str, Money]:
        """A validated document of one line (a net amount drawn at random, 20 % VAT), issued on `day`."""
        raise NotImplementedError

    def request_deposit(self, order: int, percent: str) -> None:
        raise NotImplementedError

    def payment(
        self,
        party: int,
        amount: Money,
        day: date,
        method: str,
        *,
        to: tuple[tuple[int, Money], ...] = (),
        direction: Direction = Direction.IN,
    ) -> tuple[int, str]:
        raise NotImplementedError


class ServiceLedger(Ledger):
    """Every document and payment through the services, one use case each."""

    def document(
        self, party: int, day: date, *, kind: Kind = Kind.INVOICE, flow: Flow = Flow.SALE, supplier_reference: str = ""
    ) -> tuple[int, str, Money]:
        from acompte.services import documents

        net = self.money(40, 4000)
        draft = documents.create_document(
            self.uow,
            self.ctx,
            kind=kind,
            flow=flow,
            party_id=party,
            lines=[LineInput("Prestation", Decimal(1), net, Decimal(20), Decimal(0))],
            supplier_reference=supplier_reference,
        )
        view = documents.validate_document(self.uow, self.ctx, draft.id, today=day)
        return view.id, view.document.number, view.document.gross

    def request_deposit(self, order: int, percent: str) -> None:
        from acompte.services import deposits

        deposits.request_deposit(self.uow, self.ctx, order, percent=percent)

    def payment(
        self,
        party: int,
        amount: Money,
        day: date,
        method: str,
        *,
        to: tuple[tuple[int, Money], ...] = (),
        direction: Direction = Direction.IN,
    ) -> tuple[int, str]:
        from acompte.services import payments

        view = payments.record_payment(
            self.uow,
            self.ctx,
            party_id=party,
            amount=amount,
            method=method,
            payment_date=day,
            allocations=to,
            direction=direction,
        )
        return view.id, view.payment.number


class BulkLedger(Ledger):
    """The rows the services would write, kept in memory and inserted on leaving the `with` block, in one
    transaction that holds the ids it reserved on entering (at most `documents` documents and `payments`
    payments)."""

    def __init__(
        self,
        engine: Engine,
        uow: UnitOfWork,
        ctx: Ctx,
        chance: random.Random,
        customers: int = 500,
        suppliers: int = 50,
        *,
        documents: int,
        payments: int,
    ) -> None:
        super().__init__(uow, ctx, chance, customers, suppliers)
        from acompte.services.exports.deduction_encoding import ENCODING_KEY, company_encoding

        self.engine, self.most_documents, self.most_payments = engine, documents, payments
        with uow:
            self.company = uow.companies.get(ctx.company_id)
            self.accounts = [(a[0], a[2]) for a in uow.companies.accounts(ctx.company_id)]
            self.today, self.now = uow.clock.today(), uow.clock.now()
        self.sale_invoice_data: dict[str, Any] = {
            ENCODING_KEY: company_encoding(self.company).value,
            PAID_AT_ISSUE: None,
        }
        self.rows: dict[str, list[dict[str, Any]]] = {
            t: [] for t in ("documents", "document_lines", "payments", "allocations")
        }
        self.counters: dict[tuple[str, int], int] = {}
        self.gross: dict[int, Money] = {}
        self.conn: Connection | None = None

    def __enter__(self) -> BulkLedger:
        from bench.populate import sink_for

        self.conn = self.engine.connect()
        self.conn.begin()  # BEGIN IMMEDIATE on SQLite: the ids reserved stay ours until the commit
        sink = sink_for(self.conn)
        self.ids = {
            "documents": iter(sink.reserve_ids("documents", self.most_documents)),
            "document_lines": iter(sink.reserve_ids("document_lines", self.most_documents)),
            "payments": iter(sink.reserve_ids("payments", self.most_payments)),
            "allocations": iter(sink.reserve_ids("allocations", self.most_payments * 3)),
        }
        table = Base.metadata.tables["number_series"]
        stored = self.conn.execute(
            select(table.c.key, table.c.year, table.c.last_value).where(table.c.company_id == self.ctx.company_id)
        )
        self.counters = {(key, year): value for key, year, value in stored}
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        assert self.conn is not None
        try:
            if kind is None:
                for table, rows in self.rows.items():
                    if rows:  # in this order: documents before their lines, payments before allocations
                        self.conn.execute(Base.metadata.tables[table].insert(), rows)
                self._save_counters(self.conn)
                self.conn.commit()
        finally:
            self.conn.close()
            self.conn = None

    def _number(self, key: str, year: int) -> str:
        value = self.counters.get((key, year), 0) + 1
        self.counters[(key, year)] = value
        return format_number(self.company.prefix(key, DEFAULT_PREFIXES[key]), year, value)

    def _save_counters(self, conn: Connection) -> None:
        table = Base.metadata.tables["number_series"]
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        for (key, year), value in sorted(self.counters.items()):
            stmt = insert(table).values(company_id=self.ctx.company_id, key=key, year=year, last_value=value)
            conn.execute(
                stmt.on_conflict_do_update(index_elements=["company_id", "key", "year"], set_={"last_value": value})
            )

    def document(
        self, party: int, day: date, *, kind: Kind = Kind.INVOICE, flow: Flow = Flow.SALE, supplier_reference: str = ""
    ) -> tuple[int, str, Money]:
        from acompte.services.documents import price_lines

        net = self.money(40, 4000)
        currency = self.company.currency
        priced = price_lines(
            self.uow, self.company, [LineInput("Prestation", Decimal(1), net, Decimal(20), Decimal(0))], currency, kind
        )
        totals = totals_of(priced, currency, self.company.vat_rounding)
        doc_id = next(self.ids["documents"])
        number = self._number(series_key(kind, flow), day.year)
        data = dict(self.sale_invoice_data) if (kind, flow) == (Kind.INVOICE, Flow.SALE) else {}
        self.rows["documents"].append(
            {
                "id": doc_id,
                "company_id": self.ctx.company_id,
                "kind": kind.value,
                "flow": flow.value,
                "state": "validated",
                "number": number,
                "party_id": party,
                "currency": currency,
                # an invoice is dated on its validation day; an order keeps the day it was typed
                "issue_date": day if kind in INVOICE_KINDS else self.today,
                "due_date": None,
                "origin_id": None,
                "net_minor": totals.net.minor_units,
                "vat_minor": totals.vat.minor_units,
                "gross_minor": totals.gross.minor_units,
                "notes": "",
                "data": data,
                "version": 3,  # created, its lines priced, validated
                "created_at": self.now,
                "validated_at": self.now,
                "exchange_rate": None,
                "supplier_reference": domain_supplier_reference(flow, supplier_reference),
            }
        )
        for line in priced:
            self.rows["document_lines"].append(
                {
                    "id": next(self.ids["document_lines"]),
                    "company_id": self.ctx.company_id,
                    "document_id": doc_id,
                    "position": line.position,
                    "item_id": line.item_id,
                    "designation": line.designation,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "discount_percent": line.discount_percent,
                    "vat_rate": line.vat_rate,
                    "net_minor": line.net.minor_units,
                }
            )
        self.gross[doc_id] = totals.gross
        return doc_id, number, totals.gross

    def request_deposit(self, order: int, percent: str) -> None:
        from acompte.services.deposits.family import money_text, percent_or_amount

        value, pct = percent_or_amount(self.gross[order], None, percent)
        row = next(r for r in reversed(self.rows["documents"]) if r["id"] == order)
        row["data"] = {**row["data"], "deposit_request": {"amount": money_text(value), "percent": str(pct)}}

    def payment(
        self,
        party: int,
        amount: Money,
        day: date,
        method: str,
        *,
        to: tuple[tuple[int, Money], ...] = (),
        direction: Direction = Direction.IN,
    ) -> tuple[int, str]:
        found = self.company.method(method)
        assert found is not None, method
        pay_id = next(self.ids["payments"])
        number = self._number(f"payment/{direction.value}", day.year)
        self.rows["payments"].append(
            {
                "id": pay_id,
                "company_id": self.ctx.company_id,
                "number": number,
                "party_id": party,
                "direction": direction.value,
                "method": method,
                "digital": found.digital,
                "account_id": treasury_account(self.accounts, method, None),
                "payment_date": day,
                "amount_minor": amount.minor_units,
                "currency": amount.currency,
                "state": "active",
                "reference": "",
                "comment": "",
                "exported": False,
                "origin_document_id": None,
                "version": 1,
                "created_at": self.now,
                "exchange_rate": None,
            }
        )
        for document_id, part in to:
            self.rows["allocations"].append(
                {
                    "id": next(self.ids["allocations"]),
                    "company_id": self.ctx.company_id,
                    "payment_id": pay_id,
                    "credit_document_id": None,
                    "document_id": document_id,
                    "amount_minor": part.minor_units,
                    "currency": part.currency,
                    "created_at": self.now,
                }
            )
        return pay_id, number


#: What a row is, whatever its company: its own id, its company and its instants left out, the ids it refers to
#: replaced by what they name (a party's name, a document's or a payment's number, an account's name).
_LEFT_OUT = frozenset({"id", "company_id", "created_at", "validated_at"})


def rows_of(engine: Engine, company_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """A company's ledger rows (documents, their lines, payments, allocations, number series, parties' IBANs),
    each as the tuple of its values named as above, sorted: two ledgers built alike give equal answers."""
    tables = Base.metadata.tables
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:

        def names(table: str, column: str) -> dict[int, Any]:
            t = tables[table]
            return dict(conn.execute(select(t.c.id, t.c[column]).where(t.c.company_id == company_id)).all())

        refer = {
            "party_id": names("parties", "name"),
            "document_id": names("documents", "number"),
            "origin_id": names("documents", "number"),
            "origin_document_id": names("documents", "number"),
            "credit_document_id": names("documents", "number"),
            "payment_id": names("payments", "number"),
            "account_id": names("treasury_accounts", "name"),
        }
        for name in ("documents", "document_lines", "payments", "allocations", "number_series", "party_bank_accounts"):
            table = tables[name]
            columns = [c for c in table.c if c.name not in _LEFT_OUT]
            rows = conn.execute(select(*columns).where(table.c.company_id == company_id)).all()
            found[name] = sorted(
                tuple(
                    refer[c.name].get(v, v) if c.name in refer and v is not None else v
                    for c, v in zip(columns, row, strict=True)
                )
                for row in rows
            )
    return found
