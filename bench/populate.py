"""Fast bulk population of the migrated schema with data shaped like what the services write.

Rows are generated once in Python and written with COPY on PostgreSQL and with `executemany` inside one
transaction on SQLite, straight into the tables the Alembic migrations built. Companies are created through
`services.companies.create_company` (so they have their VAT rates, payment methods, bank account and till);
everything below them is inserted in bulk: parties, documents (one line each), payments and allocations, and
the number-series counters so that the services continue each series without a gap or a duplicate.

Every party gets the same 50 documents (`PARTY_DOCUMENTS`, amounts aside), so a party's account has the same size
whatever the size of the database:

======  ===================================  ========================================================
j % 10  document                             settlement
======  ===================================  ========================================================
0-3     validated sale invoice               by (j + j // 10) % 4: unpaid, half paid, paid, paid
4       validated deposit invoice            same rule
5       validated order                      same rule (a deposit paid on the order)
6       validated quote                      never paid
7       draft invoice (no number)            never paid
8       cancelled order (numbered)           never paid
9       validated delivery note              never paid
======  ===================================  ========================================================

Each (part) payment is one payment of exactly the allocated amount, except those of documents 20-29 which are
10.00 larger (an overpayment left unallocated), and every party has one payment on account, nothing allocated.
Not written: the history (events) of these rows, which no measured read touches.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from acompte.domain.numbering import DEFAULT_PREFIXES, format_number
from acompte.persistence.company_keys import WHOLE_DATABASE
from acompte.persistence.rows import Base
from acompte.services import companies
from acompte.services.ports import UnitOfWork

PARTY_DOCUMENTS = 50
CHUNK_PARTIES = 400  # parties generated and written per round (20 000 documents)
VAT = Decimal("2E+1")  # 20 %, as normalize_rate() stores it

COLUMNS: dict[str, tuple[str, ...]] = {
    "parties": (
        "id", "company_id", "name", "is_customer", "is_supplier", "email", "siren", "vat_number", "street",
        "postcode", "city", "country", "settings", "created_at",
    ),
    "documents": (
        "id", "company_id", "kind", "flow", "state", "number", "party_id", "currency", "issue_date", "due_date",
        "origin_id", "net_minor", "vat_minor", "gross_minor", "notes", "data", "version", "created_at",
        "validated_at",
    ),
    "document_lines": (
        "id", "company_id", "document_id", "position", "item_id", "designation", "quantity", "unit_price",
        "discount_percent", "vat_rate", "net_minor",
    ),
    "payments": (
        "id", "company_id", "number", "party_id", "direction", "method", "digital", "account_id", "payment_date",
        "amount_minor", "currency", "state", "reference", "comment", "exported", "origin_document_id", "version",
        "created_at",
    ),
    "allocations": (
        "id", "company_id", "payment_id", "credit_document_id", "document_id", "amount_minor", "currency",
        "created_at",
    ),
}  # fmt: skip

# (kind, state) of the j-th document of a party, by j % 10
PATTERN: tuple[tuple[str, str], ...] = (
    ("invoice", "validated"),
    ("invoice", "validated"),
    ("invoice", "validated"),
    ("invoice", "validated"),
    ("deposit_invoice", "validated"),
    ("order", "validated"),
    ("quote", "validated"),
    ("invoice", "draft"),
    ("order", "cancelled"),
    ("delivery", "validated"),
)
SETTLED_KINDS = {"invoice", "deposit_invoice", "order"}


def vat_of(net_minor: int) -> int:
    """20 % of a positive amount of minor units, rounded half-up (the domain's rule for one rate)."""
    return (net_minor * 20 + 50) // 100


def _minor_to_text(minor: int) -> Decimal:
    return (Decimal(minor) / 100).quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------------------------- sinks


class Sink:
    """Writes rows to one table inside the connection's transaction; reserves primary keys."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def reserve_ids(self, table: str, n: int) -> Sequence[int]:
        raise NotImplementedError

    def write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError


class SqliteSink(Sink):
    """executemany of Core inserts, so that every value goes through the same type processors as the ORM's."""

    def reserve_ids(self, table: str, n: int) -> Sequence[int]:
        # The caller holds the write lock (BEGIN IMMEDIATE): nobody else can take ids meanwhile.
        seq = self.conn.execute(text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table}).scalar()
        # the largest id of every company's rows: ids are shared by the whole table
        top = self.conn.execute(text(f"SELECT max(id) FROM {table}").execution_options(**WHOLE_DATABASE)).scalar()
        base = max(int(seq or 0), int(top or 0)) + 1
        return range(base, base + n)

    def write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            columns = COLUMNS[table]
            self.conn.execute(Base.metadata.tables[table].insert(), [dict(zip(columns, r, strict=True)) for r in rows])


class PostgresSink(Sink):
    """COPY … FROM STDIN on the session's own connection (same transaction)."""

    def reserve_ids(self, table: str, n: int) -> Sequence[int]:
        # nextval() is safe even while other sessions insert into the same table.
        return list(
            self.conn.execute(
                text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
                {"t": table, "n": n},
            ).scalars()
        )

    def write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        raw = self.conn.connection.dbapi_connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_pg_value(v) for v in row])


def _pg_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # DecimalText columns hold the exact text
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def sink_for(conn: Connection) -> Sink:
    return PostgresSink(conn) if conn.dialect.name == "postgresql" else SqliteSink(conn)


# ------------------------------------------------------------------------------------------ companies


@dataclass
class CompanyData:
    """A populated company: its id, bank account, its parties in order, and its open invoices per party."""

    id: int
    account_id: int
    parties: list[int] = field(default_factory=list)
    documents: int = 0


def create_companies(uow_factory: Any, names: Iterable[str]) -> list[CompanyData]:
    """Companies are made by the service, exactly as `acompte init` makes them."""
    result = []
    for name in names:
        uow: UnitOfWork = uow_factory()
        company_id = companies.create_company(uow, name=name, currency="EUR", siren="123456782")
        accounts = companies.accounts(uow_factory(), _ctx(company_id))
        bank = next(a[0] for a in accounts if a[2] == "bank")
        result.append(CompanyData(id=company_id, account_id=bank))
    return result


def _ctx(company_id: int) -> Any:
    from acompte.services.ports import Ctx

    return Ctx(company_id, actor="bench")


# ---------------------------------------------------------------------------------------- generation


@dataclass
class _Counters:
    """Number-series counters of one company during one population phase (one year)."""

    year: int
    values: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def next(self, key: str) -> str:
        self.values[key] += 1
        return format_number(DEFAULT_PREFIXES[key], self.year, self.values[key])


def populate_parties(
    engine: Engine,
    company: CompanyData,
    n_parties: int,
    *,
    year: int,
    tag: str = "",
    start: date | None = None,
    days: int | None = None,
    month: int | None = None,
) -> int:
    """Add `n_parties` parties of PARTY_DOCUMENTS documents each to a company. Returns documents written.

    Documents are dated over `days` days from `start` (by default the whole of `year`, or of its `month`: a
    month as busy as one wishes) in the order they are numbered, so that numbers and dates go up together in
    every series, as validation would have made them. A second population of the same company and year
    continues its number series, so it must be dated after the first one.
    """
    total_docs = n_parties * PARTY_DOCUMENTS
    written = 0
    if month is not None:
        start = date(year, month, 1)
        days = ((date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - start).days
    start = start or date(year, 1, 1)
    days = days or (date(year + 1, 1, 1) - start).days
    if start.year != year or (start + timedelta(days=days - 1)).year != year:
        raise ValueError(f"{days} days from {start} do not stay within {year}")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        counters = _Counters(year, _saved_counters(conn, company.id, year))
        sink = sink_for(conn)
        for chunk_start in range(0, n_parties, CHUNK_PARTIES):
            chunk = min(CHUNK_PARTIES, n_parties - chunk_start)
            party_ids = sink.reserve_ids("parties", chunk)
            sink.write(
                "parties",
                [
                    (pid, company.id, f"Client {tag}{chunk_start + i + 1:06d}", True, False,
                     f"client{pid}@example.fr", "", "", "1 rue de la Paix", "75002", "Paris", "FR", {}, now)
                    for i, pid in enumerate(party_ids)
                ],
            )  # fmt: skip
            doc_ids = iter(sink.reserve_ids("documents", chunk * PARTY_DOCUMENTS))
            docs: list[tuple[Any, ...]] = []
            settled: list[tuple[int, int, int, date, bool]] = []  # (party, document, amount, date, overpaid)
            for pid in party_ids:
                for j in range(PARTY_DOCUMENTS):
                    seq = written + len(docs)
                    day = start + timedelta(days=seq * days // total_docs)
                    kind, state = PATTERN[j % 10]
                    doc_id = next(doc_ids)
                    net = 5_000 + (doc_id * 2_654_435_761) % 200_000
                    vat = vat_of(net)
                    gross = net + vat
                    number = None if state == "draft" else counters.next(f"{kind}/sale")
                    docs.append(
                        (doc_id, company.id, kind, "sale", state, number, pid, "EUR", day, day + timedelta(days=30),
                         None, net, vat, gross, "", {}, 1 if state == "draft" else 3, now,
                         None if state == "draft" else now)
                    )  # fmt: skip
                    if kind in SETTLED_KINDS and state == "validated":
                        rule = (j + j // 10) % 4  # the same for every party
                        overpaid = j // 10 == 2
                        if rule == 1:
                            settled.append((pid, doc_id, gross // 2, day, overpaid))
                        elif rule >= 2:
                            settled.append((pid, doc_id, gross, day, overpaid))
            sink.write("documents", docs)
            line_ids = sink.reserve_ids("document_lines", len(docs))
            sink.write(
                "document_lines",
                [
                    (lid, company.id, d[0], 1, None, "Prestation de service", Decimal(1), _minor_to_text(d[11]),
                     Decimal(0), VAT, d[11])
                    for lid, d in zip(line_ids, docs, strict=True)
                ],
            )  # fmt: skip
            pay_ids = iter(sink.reserve_ids("payments", len(settled) + chunk))
            payments: list[tuple[Any, ...]] = []
            allocations: list[tuple[Any, ...]] = []
            alloc_ids = iter(sink.reserve_ids("allocations", len(settled)))
            for pid, doc_id, amount, day, overpaid in settled:
                pay_id = next(pay_ids)
                paid = amount + (1_000 if overpaid else 0)
                payments.append(_payment(pay_id, company, counters.next("payment/in"), pid, day, paid, now))
                allocations.append((next(alloc_ids), company.id, pay_id, None, doc_id, amount, "EUR", now))
            last_day = start + timedelta(days=(written + len(docs) - 1) * days // total_docs)
            for pid in party_ids:  # a payment on account, nothing allocated yet
                payments.append(
                    _payment(next(pay_ids), company, counters.next("payment/in"), pid, last_day, 25_000, now)
                )
            sink.write("payments", payments)
            sink.write("allocations", allocations)
            written += len(docs)
            company.parties.extend(party_ids)
        _save_counters(conn, company.id, counters)
    company.documents += written
    return written


def _payment(pay_id: int, company: CompanyData, number: str, party_id: int, day: date, minor: int, now: datetime):  # type: ignore[no-untyped-def]
    return (
        pay_id, company.id, number, party_id, "in", "transfer", False, company.account_id, day, minor, "EUR",
        "active", f"VIR {number}", "", False, None, 1, now,
    )  # fmt: skip


def _saved_counters(conn: Connection, company_id: int, year: int) -> defaultdict[str, int]:
    rows = conn.execute(
        text("SELECT key, last_value FROM number_series WHERE company_id = :c AND year = :y"),
        {"c": company_id, "y": year},
    )
    return defaultdict(int, {str(key): int(value) for key, value in rows})


def _save_counters(conn: Connection, company_id: int, counters: _Counters) -> None:
    table = Base.metadata.tables["number_series"]
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    for key, value in counters.values.items():
        stmt = insert(table).values(company_id=company_id, key=key, year=counters.year, last_value=value)
        conn.execute(
            stmt.on_conflict_do_update(index_elements=["company_id", "key", "year"], set_={"last_value": value})
        )


def populate_pool(engine: Engine, company: CompanyData, n_parties: int, invoices_per_party: int) -> list[list[int]]:
    """Unpaid validated invoices of 1 200.00 € (for the write benchmark), per party: [[doc ids of party], …]."""
    year = date.today().year - 1
    counters = _Counters(year)
    now = datetime.now(UTC)
    result: list[list[int]] = []
    with engine.begin() as conn:
        sink = sink_for(conn)
        party_ids = sink.reserve_ids("parties", n_parties)
        sink.write(
            "parties",
            [
                (pid, company.id, f"Client payeur {pid}", True, False, "", "", "", "", "", "", "FR", {}, now)
                for pid in party_ids
            ],
        )
        doc_ids = iter(sink.reserve_ids("documents", n_parties * invoices_per_party))
        docs = []
        for pid in party_ids:
            mine = []
            for _ in range(invoices_per_party):
                doc_id = next(doc_ids)
                docs.append(
                    (doc_id, company.id, "invoice", "sale", "validated", counters.next("invoice/sale"), pid, "EUR",
                     date(year, 12, 31), None, None, 100_000, 20_000, 120_000, "", {}, 3, now, now)
                )  # fmt: skip
                mine.append(doc_id)
            result.append(mine)
        sink.write("documents", docs)
        line_ids = sink.reserve_ids("document_lines", len(docs))
        sink.write(
            "document_lines",
            [
                (lid, company.id, d[0], 1, None, "Prestation", Decimal(1), Decimal("1000.00"), Decimal(0), VAT, 100_000)
                for lid, d in zip(line_ids, docs, strict=True)
            ],
        )
        _save_counters(conn, company.id, counters)
    company.parties.extend(party_ids)
    company.documents += len(docs)
    return result


def analyze(engine: Engine) -> None:
    """Refresh the planner's statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) would."""
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def count_documents(engine: Engine) -> int:
    with engine.connect() as conn:  # every company's: the database's size
        return int(
            conn.execute(text("SELECT count(*) FROM documents").execution_options(**WHOLE_DATABASE)).scalar() or 0
        )
