"""`uow.bank`: imported statements and their lines. Lines are inserted once (their dedup key is unique per
account) and change only their state and version afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from acompte.domain.banking.lines import BankLine, LineState, NewBankLine
from acompte.domain.money import Money
from acompte.persistence.bank_rows import BankImportRow, BankLineRow
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
