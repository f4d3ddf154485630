"""A company's rows out as JSON values, and back in under new ids (the `CompanyRows` port).

Generic over the mapped tables: a table is archived when it has a `company_id` column (and is not skipped
below, knowingly), so a table added later travels without change here. `companies` is the company's own row,
`users` are the company's members (matched by e-mail on import: an existing user of the target keeps their
password and simply gains the membership).

On import every row gets a new id from the target (which may hold other companies), and every reference is
rewritten through the old → new maps:
- foreign-key columns, read from the table metadata, and the id columns that are not foreign keys (the
  history's `document_id` / `payment_id` / `party_id`, a posting's `allocation_id`: `PLAIN_REFERENCES`);
- ids inside JSON columns (a document's `data`, the history's `data`, settings), found by key name
  (`JSON_ID_KEYS` and the list / pair / dict shapes below), at any depth;
- the accounting export's source keys (`doc:12`, `ded:3:doc:12`, `imp:5:doc:12`, `wo:4:1000`, `pay:8`).
A reference to a row that no longer exists (a deleted draft, a removed allocation, an unwound refund: the
history still names them) has no new id: it becomes null in columns and JSON, and the negated old id inside a
source key (still an integer where the key is parsed, never equal to a real id, unique as the old one was).

Order: parents before children (the foreign keys, plus the tables the source keys name), rows of a table in id
order (a document's origin comes before it); the history last, event by event in its original order, through
the ORM (one flush per event: whatever is computed when an event row is inserted sees the previous one).
JSON columns of the other tables may name rows written after them (a draft declining a later deposit
invoice): they are rewritten once every row is in. Nothing else is updated after insert.
"""

from __future__ import annotations

import base64
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    Table,
    and_,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.sql.util import sort_tables

from acompte.domain.addresses import parse_address
from acompte.persistence import (  # noqa: F401  (their tables are on Base.metadata, which the archive walks)
    access_rows,
    bank_rows,
    document_sums,
    document_totals,
    figure_tallies,
    issued_rows,
    payment_sums,
)
from acompte.persistence.base import Repo
from acompte.persistence.rows import Base
from acompte.persistence.types import DecimalText
from acompte.services.ports.archive import ArchiveProblem, ArchiveRefused, JsonRow

COMPANIES, USERS, MEMBERSHIPS, EVENTS = "companies", "users", "memberships", "events"

#: Company tables left out, and why. A table with `company_id` that is not listed here is archived.
SKIPPED: dict[str, str] = {
    "idempotency_keys": "stored answers to retried POSTs, kept 24 h: meaningless on another server",
    "credentials": "API tokens and web sessions are secrets of this server: create new tokens after the move",
    "login_attempts": "login throttling state of this server",
    "login_locks": "login throttling state of this server",
    "event_chain": "the history's hash chain: the target computes its own as the events are inserted",
    "history_heads": "the history's hash chain: the target computes its own as the events are inserted",
    "payment_sums": "each payment's summary: the target's triggers build it as the payments and their uses are "
    "inserted (copied too, it would count every use twice)",
    "document_sums": "each document's sums: the target's triggers rebuild them as the documents and facts go in",
    "document_totals": "the lists' totals: the target's triggers rebuild them as the documents' sums change",
    "document_tallies": "the dashboard's counts of documents: the target's triggers rebuild them as they go in",
    "payment_months": "the dashboard's cash per month: the target's triggers rebuild it as the payments go in",
}

#: Id columns that are not foreign keys (the history outlives what it names), and the table they name.
PLAIN_REFERENCES: dict[tuple[str, str], str] = {
    (EVENTS, "document_id"): "documents",
    (EVENTS, "payment_id"): "payments",
    (EVENTS, "party_id"): "parties",
    ("allocation_postings", "allocation_id"): "allocations",
}

#: Keys of JSON values holding one id, and the table it names.
JSON_ID_KEYS: dict[str, str] = {
    **dict.fromkeys(
        (
            "document_id",
            "credit_document_id",
            "target_document_id",
            "target_id",
            "origin_id",
            "invoice_id",
            "deposit_id",
            "deposit_invoice_id",
            "recall_deposit_id",
            "corrected_deposit_id",
        ),
        "documents",
    ),
    **dict.fromkeys(("payment_id", "refund_payment_id", "source_payment_id"), "payments"),
    "party_id": "parties",
    "item_id": "items",
    "allocation_id": "allocations",
    "refund_id": "refunds",
    "write_off_id": "write_offs",
    "deduction_id": "deductions",
    "token_id": "credentials",
    "user_id": USERS,
    "account_id": "treasury_accounts",
    "bank_account_id": "party_bank_accounts",
    "run_id": "export_runs",
    "line_id": "bank_lines",
    "match_id": "bank_matches",
}
#: Keys of JSON lists of ids; of lists of [id, amount] pairs; of objects keyed by id.
JSON_ID_LISTS = {
    "corrected_ids": "documents",
    "deductions_declined": "documents",
    **dict.fromkeys(
        ("recorded_payment_ids", "linked_payment_ids", "cancelled_payment_ids", "unlinked_payment_ids"), "payments"
    ),
}
JSON_ID_PAIRS = {"shares": "documents"}
JSON_ID_KEYED = {"deposit_percent_by_item": "items"}

#: Text columns holding accounting source keys, and what each tag of a key names.
SOURCE_KEY_COLUMNS = {("exported_sources", "source_key"), ("journal_entries", "source"), ("journal_lines", "match_key")}
SOURCE_TAGS = {
    "doc": "documents",
    "pay": "payments",
    "ded": "deductions",
    "wo": "write_offs",
    "imp": "allocation_postings",
    "fee": "bank_matches",
}
_SOURCE_ID = re.compile(r"\b(doc|pay|ded|wo|imp|fee):(\d+)")


def archived_tables() -> list[Table]:
    """The tables an archive holds, in the order they are written back."""
    tables = [
        t
        for t in Base.metadata.tables.values()
        if t.name in (COMPANIES, USERS) or ("company_id" in t.c and t.name not in SKIPPED)
    ]
    by_name = {t.name: t for t in tables}
    extra = [
        (by_name[parent], by_name[table])
        for table, column in SOURCE_KEY_COLUMNS
        if table in by_name
        for parent in SOURCE_TAGS.values()
        if parent in by_name and parent != table
    ]
    ordered = [t for t in sort_tables(tables, extra_dependencies=extra) if t.name != EVENTS]
    return ordered + ([by_name[EVENTS]] if EVENTS in by_name else [])


def _references(table: Table) -> dict[str, str]:
    """Column -> the table whose id it holds (company_id excepted)."""
    refs = {
        col.name: fk.column.table.name
        for col in table.c
        for fk in col.foreign_keys
        if col.name != "company_id" and fk.column.name == "id"
    }
    refs.update({col: target for (name, col), target in PLAIN_REFERENCES.items() if name == table.name})
    return refs


def _has_new_id(table: Table) -> bool:
    pk = list(table.primary_key.columns)
    return len(pk) == 1 and pk[0].name == "id" and isinstance(pk[0].type, Integer)


# -- values <-> JSON ------------------------------------------------------------------------------------------


def _to_json(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()  # instants are stored in UTC
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _from_json(table_name: str, column: Column[Any], value: Any) -> Any:
    """The column's Python value, refusing what does not fit (a float for a decimal, text for an integer)."""
    if value is None:
        return None
    kind = column.type
    try:
        if isinstance(kind, DecimalText):
            if not isinstance(value, str):
                raise TypeError("decimal as text expected")
            return Decimal(value)
        if isinstance(kind, JSON):
            return value
        if isinstance(kind, DateTime):
            return datetime.fromisoformat(value).astimezone(UTC)
        if isinstance(kind, Date):
            return date.fromisoformat(value)
        if isinstance(kind, LargeBinary):
            return base64.b64decode(value, validate=True)
        if isinstance(kind, Boolean):
            if not isinstance(value, bool):
                raise TypeError("boolean expected")
            return value
        if isinstance(kind, Integer):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError("integer expected")
            return value
        if not isinstance(value, str):
            raise TypeError("text expected")
        return value
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise ArchiveRefused(
            ArchiveProblem.DAMAGED,
            part=table_name,
            detail=f"{column.name}: {exc}",
        ) from exc


# -- id maps --------------------------------------------------------------------------------------------------


class IdMap:
    """Old id -> new id, per table. An id with no new one names a row that no longer exists."""

    def __init__(self) -> None:
        self.ids: dict[str, dict[int, int]] = defaultdict(dict)

    def new(self, table: str, old: int) -> int | None:
        return self.ids[table].get(old)

    def json(self, value: Any) -> Any:
        """`value` with the ids found by key name replaced, at any depth."""
        if isinstance(value, list):
            return [self.json(v) for v in value]
        if not isinstance(value, dict):
            return value
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in JSON_ID_KEYS and _is_id(item):
                out[key] = self.new(JSON_ID_KEYS[key], item)
            elif key in JSON_ID_LISTS and isinstance(item, list):
                out[key] = [self.new(JSON_ID_LISTS[key], i) if _is_id(i) else i for i in item]
            elif key in JSON_ID_PAIRS and isinstance(item, list):
                out[key] = [
                    [self.new(JSON_ID_PAIRS[key], p[0]), *p[1:]] if isinstance(p, list) and p and _is_id(p[0]) else p
                    for p in item
                ]
            elif key in JSON_ID_KEYED and isinstance(item, dict):
                keyed = {}
                for k, v in item.items():
                    new = self.new(JSON_ID_KEYED[key], int(k)) if str(k).isdigit() else None
                    if new is not None:
                        keyed[str(new)] = v  # an entry for a row that no longer exists is dropped
                out[key] = keyed
            else:
                out[key] = self.json(item)
        return out

    def source_key(self, key: str | None) -> str | None:
        if key is None:
            return None

        def one(match: re.Match[str]) -> str:
            tag, old = match.group(1), int(match.group(2))
            new = self.new(SOURCE_TAGS[tag], old)
            return f"{tag}:{new if new is not None else -old}"

        return _SOURCE_ID.sub(one, key)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- the repository -------------------------------------------------------------------------------------------


class ArchiveRepository(Repo):
    def schema_revision(self) -> str:
        return str(self.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one())

    def export_rows(self, company_id: int) -> list[tuple[str, list[JsonRow]]]:
        out = []
        for table in archived_tables():
            if table.name == COMPANIES:
                where = table.c.id == company_id
            elif table.name == USERS:
                members = Base.metadata.tables[MEMBERSHIPS]
                where = table.c.id.in_(select(members.c.user_id).where(members.c.company_id == company_id))
            else:
                where = table.c.company_id == company_id
            stmt = select(table).where(where).order_by(*table.primary_key.columns)
            rows = [
                {col.name: _to_json(col, value) for col, value in zip(table.c, row, strict=True)}
                for row in self.session.execute(stmt)
            ]
            out.append((table.name, rows))
        return out

    def import_rows(self, tables: Mapping[str, Sequence[JsonRow]]) -> int:
        order = archived_tables()
        tables = _with_structured_addresses(tables)
        self._check_shape(tables, {t.name: t for t in order})
        ids = IdMap()
        json_later: list[tuple[Table, dict[str, Any], str, Any]] = []  # (table, primary key, column, raw JSON)
        company_id = 0
        for table in order:
            rows = tables.get(table.name, ())
            refs, keyed = _references(table), _has_new_id(table)
            json_columns = [c.name for c in table.c if isinstance(c.type, JSON)]
            for raw in rows:
                new_id: int | None
                values = {c.name: _from_json(table.name, c, raw[c.name]) for c in table.c if c.name in raw}
                old_id = values.pop("id", None) if keyed else None
                if "company_id" in table.c:
                    values["company_id"] = company_id
                for column, target in refs.items():
                    if values.get(column) is not None:
                        values[column] = self._reference(ids, table, column, target, values[column])
                for column in [c for t, c in SOURCE_KEY_COLUMNS if t == table.name and c in values]:
                    values[column] = ids.source_key(values[column])
                if table.name == EVENTS:
                    for column in json_columns:
                        values[column] = ids.json(values.get(column))
                    new_id = self._insert_event(values)
                elif table.name == USERS and (existing := self._user_by_email(table, values)) is not None:
                    new_id = existing
                else:
                    new_id = self._insert(table, values, keyed)
                if keyed and old_id is not None and new_id is not None:
                    ids.ids[table.name][old_id] = new_id
                if table.name == COMPANIES:
                    company_id = new_id or 0
                if table.name not in (EVENTS, USERS):
                    primary = {c.name: (new_id if keyed else values[c.name]) for c in table.primary_key.columns}
                    json_later += [(table, primary, c, values.get(c)) for c in json_columns]
        for table, primary, column, raw_json in json_later:
            remapped = ids.json(raw_json)
            if remapped != raw_json:
                where = and_(*(table.c[k] == v for k, v in primary.items()))
                if "company_id" in table.c:
                    where = and_(where, table.c.company_id == company_id)
                self.session.execute(update(table).where(where).values({column: remapped}))
        self.session.flush()
        return company_id

    # -- helpers --

    def _check_shape(self, tables: Mapping[str, Sequence[JsonRow]], known: Mapping[str, Table]) -> None:
        unknown = sorted(set(tables) - set(known))
        if unknown:
            raise ArchiveRefused(ArchiveProblem.INCOMPATIBLE, detail=f"tables inconnues : {', '.join(unknown)}")
        for name, rows in tables.items():
            columns = {c.name for c in known[name].c}
            for row in rows:
                extra = set(row) - columns
                if extra:
                    detail = f"colonnes inconnues dans {name} : {', '.join(sorted(extra))}"
                    raise ArchiveRefused(ArchiveProblem.INCOMPATIBLE, detail=detail)
        if len(tables.get(COMPANIES, ())) != 1:
            raise ArchiveRefused(ArchiveProblem.DAMAGED, part=COMPANIES, detail="une société attendue")

    def _reference(self, ids: IdMap, table: Table, column: str, target: str, old: int) -> int | None:
        new = ids.new(target, old)
        if new is None and (table.name, column) not in PLAIN_REFERENCES:
            # a foreign key always names a row of the company, written before this one
            detail = f"{table.name}.{column} = {old} : ligne absente de {target}"
            raise ArchiveRefused(ArchiveProblem.DAMAGED, part=table.name, detail=detail)
        return new

    def _insert(self, table: Table, values: dict[str, Any], keyed: bool) -> int | None:
        if keyed:
            return int(self.session.execute(insert(table).values(values).returning(table.c.id)).scalar_one())
        self.session.execute(insert(table).values(values))
        return None

    def _insert_event(self, values: dict[str, Any]) -> int:
        mapped = _mapped_class(EVENTS)
        row = mapped(**values)
        self.session.add(row)
        self.session.flush()
        return int(row.id)

    def _user_by_email(self, table: Table, values: dict[str, Any]) -> int | None:
        found = self.session.execute(select(table.c.id).where(table.c.email == values.get("email"))).scalar()
        return None if found is None else int(found)


def _mapped_class(table_name: str) -> Callable[..., Any]:
    for mapped in Base.__subclasses__():
        if mapped.__tablename__ == table_name:
            return mapped
    raise LookupError(table_name)


def _with_structured_addresses(tables: Mapping[str, Sequence[JsonRow]]) -> dict[str, Sequence[JsonRow]]:
    """An archive written before addresses had their fields (migration 0013) holds one `address` text per
    company and party: it is read into the fields as the migration reads it, so that archive still imports."""
    result: dict[str, Sequence[JsonRow]] = dict(tables)
    for name in (COMPANIES, "parties"):
        rows = tables.get(name, ())
        if any("address" in row for row in rows):
            result[name] = [_address_fields(row) for row in rows]
    return result


def _address_fields(row: JsonRow) -> JsonRow:
    if "address" not in row:
        return row
    fields = {k: v for k, v in row.items() if k != "address"}
    return {**parse_address(str(row["address"] or "")).fields(), **fields}
