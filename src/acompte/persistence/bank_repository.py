"""`uow.bank`: imported statements and their lines. Lines are inserted once (their dedup key is unique per
account) and change only their state and version afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from acompte.domain.banking.lines import BankLine, LineState, NewBankLine
from acompte.domain.banking.statements import BankImport, CsvMapping, LineFilter, StatementAccount, StatementFormat
from acompte.domain.money import Money
from acompte.persistence.bank_rows import BankCsvMappingRow, BankImportRow, BankLineRow
from acompte.persistence.rows import TreasuryAccountRow
from acompte.services.ports.clock import Clock, SystemClock


def _line(row: BankLineRow) -> BankLine:
    return BankLine(
        id=row.id,
        account_id=row.account_id,
        import_id=row.import_id,
        position=row.position,
        booking_date=row.booking_date,
        value_date=row.value_date,
        amount=Money.from_minor(row.amount_minor, row.currency),
        label=row.label,
        reference=row.reference,
        entry_reference=row.entry_reference,
        counterparty_name=row.counterparty_name,
        counterparty_iban=row.counterparty_iban,
        transaction_code=row.transaction_code,
        state=LineState(row.state),
        version=row.version,
    )


class BankRepository:
    def __init__(self, session: Session, clock: Clock | None = None) -> None:
        self.session = session
        self.clock: Clock = clock or SystemClock()

    def add_import(
        self,
        company_id: int,
        account_id: int,
        *,
        format: str,
        file_sha256: str,
        currency: str,
        file_name: str = "",
        statement_ref: str = "",
        period: tuple[date | None, date | None] = (None, None),
        balances: tuple[Money | None, Money | None] = (None, None),
        imported_by: str = "",
    ) -> int:
        opening, closing = balances
        row = BankImportRow(
            company_id=company_id,
            account_id=account_id,
            format=format,
            file_name=file_name,
            file_sha256=file_sha256,
            statement_ref=statement_ref,
            currency=currency,
            period_from=period[0],
            period_to=period[1],
            opening_balance_minor=opening.minor_units if opening is not None else None,
            closing_balance_minor=closing.minor_units if closing is not None else None,
            lines_added=0,
            lines_skipped=0,
            imported_by=imported_by,
            imported_at=self.clock.now(),
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def add_line(self, company_id: int, account_id: int, import_id: int, line: NewBankLine, dedup_key: str) -> int:
        row = BankLineRow(
            company_id=company_id,
            account_id=account_id,
            import_id=import_id,
            position=line.position,
            booking_date=line.booking_date,
            value_date=line.value_date,
            amount_minor=line.amount.minor_units,
            currency=line.amount.currency,
            label=line.label,
            reference=line.reference,
            entry_reference=line.entry_reference,
            dedup_key=dedup_key,
            counterparty_name=line.counterparty_name,
            counterparty_iban=line.counterparty_iban,
            transaction_code=line.transaction_code,
            state=LineState.OPEN.value,
            version=1,
            created_at=self.clock.now(),
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def line(self, company_id: int, line_id: int, *, lock: bool = False) -> BankLine | None:
        query = select(BankLineRow).where(BankLineRow.company_id == company_id, BankLineRow.id == line_id)
        row = self.session.scalar(query.with_for_update() if lock else query)
        return _line(row) if row is not None else None

    def lines(
        self, company_id: int, account_id: int | None = None, state: LineState | None = None, limit: int = 500
    ) -> Sequence[BankLine]:
        query = select(BankLineRow).where(BankLineRow.company_id == company_id)
        if account_id is not None:
            query = query.where(BankLineRow.account_id == account_id)
        if state is not None:
            query = query.where(BankLineRow.state == state.value)
        query = query.order_by(BankLineRow.booking_date, BankLineRow.id).limit(limit)
        return [_line(row) for row in self.session.scalars(query)]

    def set_state(self, company_id: int, line_id: int, state: LineState, expected_version: int) -> bool:
        """Move a line to `state` if it is still at `expected_version`; False when another change came first."""
        done = self.session.execute(
            update(BankLineRow)
            .where(
                BankLineRow.company_id == company_id,
                BankLineRow.id == line_id,
                BankLineRow.version == expected_version,
            )
            .values(state=state.value, version=BankLineRow.version + 1)
        )
        return bool(getattr(done, "rowcount", 0) == 1)

    # -- statement imports ---------------------------------------------------------------------------------

    def statement_accounts(self, company_id: int) -> list[StatementAccount]:
        """The company's active bank accounts, statements are imported into."""
        rows = self.session.scalars(
            select(TreasuryAccountRow)
            .where(
                TreasuryAccountRow.company_id == company_id,
                TreasuryAccountRow.kind == "bank",
                TreasuryAccountRow.active.is_(True),
            )
            .order_by(TreasuryAccountRow.id)
        )
        return [_account(row) for row in rows]

    def statement_account(self, company_id: int, account_id: int, *, lock: bool = False) -> StatementAccount | None:
        """One bank account; `lock` holds its row to the commit, so that two imports into it run one after the
        other (the second then sees the lines of the first as already there)."""
        query = select(TreasuryAccountRow).where(
            TreasuryAccountRow.company_id == company_id,
            TreasuryAccountRow.id == account_id,
            TreasuryAccountRow.kind == "bank",
        )
        row = self.session.scalar(query.with_for_update() if lock else query)
        return _account(row) if row is not None else None

    def existing_keys(self, company_id: int, account_id: int, keys: Sequence[str]) -> set[str]:
        """Which of `keys` the account's lines already have.

        A handful of keys is looked up; more are matched against every key of the account, read in one narrow
        scan. A long `IN (…)` list is filtered row by row whenever PostgreSQL's statistics are behind (right
        after a large import, before autovacuum analyses the table): 500 keys against 10 000 lines took half a
        second a query, the whole account's keys take a few milliseconds."""
        wanted = set(keys)
        query = select(BankLineRow.dedup_key).where(
            BankLineRow.company_id == company_id, BankLineRow.account_id == account_id
        )
        if len(wanted) <= _FEW_KEYS:
            query = query.where(BankLineRow.dedup_key.in_(sorted(wanted)))
        return wanted.intersection(self.session.scalars(query))

    def add_lines(
        self, company_id: int, account_id: int, import_id: int, lines: Sequence[tuple[NewBankLine, str]]
    ) -> None:
        """Insert many new lines at once (one multi-row statement per batch: a 10 000-line file stays fast)."""
        now = self.clock.now()
        values = [
            {
                "company_id": company_id,
                "account_id": account_id,
                "import_id": import_id,
                "position": line.position,
                "booking_date": line.booking_date,
                "value_date": line.value_date,
                "amount_minor": line.amount.minor_units,
                "currency": line.amount.currency,
                "label": line.label,
                "reference": line.reference,
                "entry_reference": line.entry_reference[:100],
                "dedup_key": key,
                "counterparty_name": line.counterparty_name,
                "counterparty_iban": line.counterparty_iban,
                "transaction_code": line.transaction_code,
                "state": LineState.OPEN.value,
                "version": 1,
                "created_at": now,
            }
            for line, key in lines
        ]
        for start in range(0, len(values), _CHUNK):
            self.session.execute(insert(BankLineRow), values[start : start + _CHUNK])

    def set_import_counts(self, company_id: int, import_id: int, *, added: int, skipped: int) -> None:
        self.session.execute(
            update(BankImportRow)
            .where(BankImportRow.company_id == company_id, BankImportRow.id == import_id)
            .values(lines_added=added, lines_skipped=skipped)
        )

    def imports(
        self, company_id: int, account_id: int | None = None, *, after_id: int | None = None, limit: int = 500
    ) -> list[BankImport]:
        """Imports, newest first (by id): `after_id` continues below the id of the last one seen."""
        query = select(BankImportRow).where(BankImportRow.company_id == company_id)
        if account_id is not None:
            query = query.where(BankImportRow.account_id == account_id)
        if after_id is not None:
            query = query.where(BankImportRow.id < after_id)
        return [_import(row) for row in self.session.scalars(query.order_by(BankImportRow.id.desc()).limit(limit))]

    def last_imports(self, company_id: int) -> dict[int, BankImport]:
        """Each account's latest import."""
        latest = (
            select(func.max(BankImportRow.id))
            .where(BankImportRow.company_id == company_id)
            .group_by(BankImportRow.account_id)
        )
        rows = self.session.scalars(
            select(BankImportRow).where(BankImportRow.company_id == company_id, BankImportRow.id.in_(latest))
        )
        return {row.account_id: _import(row) for row in rows}

    def find_lines(
        self,
        company_id: int,
        where: LineFilter,
        *,
        after_id: int | None = None,
        offset: int = 0,
        limit: int = 500,
        newest_first: bool = False,
    ) -> list[BankLine]:
        """Lines by filter: by id (for cursor paging, `after_id`), or newest booking first (pages of a screen)."""
        query = self._filtered(select(BankLineRow), company_id, where)
        if after_id is not None:
            query = query.where(BankLineRow.id > after_id)
        order = (BankLineRow.booking_date.desc(), BankLineRow.id.desc()) if newest_first else (BankLineRow.id.asc(),)
        return [_line(row) for row in self.session.scalars(query.order_by(*order).offset(offset).limit(limit))]

    def count_lines(self, company_id: int, where: LineFilter) -> tuple[int, int]:
        """How many lines match, and their signed sum in minor units."""
        query = self._filtered(
            select(func.count(BankLineRow.id), func.coalesce(func.sum(BankLineRow.amount_minor), 0)),
            company_id,
            where,
        )
        count, amount = self.session.execute(query).one()
        return int(count), int(amount)

    @staticmethod
    def _filtered(query: Any, company_id: int, where: LineFilter) -> Any:
        query = query.where(BankLineRow.company_id == company_id)
        if where.account_id is not None:
            query = query.where(BankLineRow.account_id == where.account_id)
        if where.state is not None:
            query = query.where(BankLineRow.state == where.state.value)
        if where.date_from is not None:
            query = query.where(BankLineRow.booking_date >= where.date_from)
        if where.date_to is not None:
            query = query.where(BankLineRow.booking_date <= where.date_to)
        return query

    # -- CSV mappings --------------------------------------------------------------------------------------

    def add_mapping(self, company_id: int, mapping: CsvMapping) -> int:
        row = BankCsvMappingRow(
            company_id=company_id, name=mapping.name, settings=mapping.settings(), created_at=self.clock.now()
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def mappings(self, company_id: int) -> list[CsvMapping]:
        rows = self.session.scalars(
            select(BankCsvMappingRow).where(BankCsvMappingRow.company_id == company_id).order_by(BankCsvMappingRow.id)
        )
        return [_mapping(row) for row in rows]

    def mapping(self, company_id: int, mapping_id: int) -> CsvMapping | None:
        row = self.session.scalar(
            select(BankCsvMappingRow).where(
                BankCsvMappingRow.company_id == company_id, BankCsvMappingRow.id == mapping_id
            )
        )
        return _mapping(row) if row is not None else None

    def remove_mapping(self, company_id: int, mapping_id: int) -> bool:
        done = self.session.execute(
            delete(BankCsvMappingRow).where(
                BankCsvMappingRow.company_id == company_id, BankCsvMappingRow.id == mapping_id
            )
        )
        return bool(getattr(done, "rowcount", 0) == 1)


#: Up to this many keys are looked up by value; more are matched against the account's keys (`existing_keys`).
_FEW_KEYS = 50
#: Rows per multi-row statement (PostgreSQL takes at most 65 535 parameters in one).
_CHUNK = 500


def _account(row: TreasuryAccountRow) -> StatementAccount:
    return StatementAccount(id=row.id, name=row.name, iban=row.iban or "", currency=row.currency or "EUR")


def _import(row: BankImportRow) -> BankImport:
    def money(minor: int | None) -> Money | None:
        return Money.from_minor(minor, row.currency) if minor is not None else None

    return BankImport(
        id=row.id,
        account_id=row.account_id,
        format=StatementFormat(row.format),
        file_name=row.file_name,
        file_sha256=row.file_sha256,
        statement_ref=row.statement_ref,
        currency=row.currency,
        period=(row.period_from, row.period_to),
        opening=money(row.opening_balance_minor),
        closing=money(row.closing_balance_minor),
        lines_added=row.lines_added,
        lines_skipped=row.lines_skipped,
        imported_by=row.imported_by,
        imported_at=row.imported_at,
    )


def _mapping(row: BankCsvMappingRow) -> CsvMapping:
    settings: dict[str, Any] = dict(row.settings or {})
    return CsvMapping(
        id=row.id,
        name=row.name,
        columns={str(k): str(v) for k, v in (settings.get("columns") or {}).items()},
        delimiter=str(settings.get("delimiter", ";")),
        encoding=str(settings.get("encoding", "utf-8")),
        decimal_comma=bool(settings.get("decimal_comma", True)),
        date_format=str(settings.get("date_format", "dd/mm/yyyy")),
        skip_rows=int(settings.get("skip_rows", 0)),
        header=bool(settings.get("header", True)),
    )
