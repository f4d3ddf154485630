"""`uow.bank_accounts`: the company's treasury accounts (bank accounts and cash registers) with their bank
details, ledger account, currency and opening balance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from acompte.domain.banking.accounts import TreasuryAccount
from acompte.domain.money import Money
from acompte.domain.payments import AccountKind
from acompte.persistence.base import Repo
from acompte.persistence.rows import TreasuryAccountRow

ENTITY = "Compte de trésorerie"


def _account(row: TreasuryAccountRow) -> TreasuryAccount:
    return TreasuryAccount(
        id=row.id,
        name=row.name,
        kind=AccountKind(row.kind),
        iban=row.iban,
        bic=row.bic,
        ledger_account=row.ledger_account,
        currency=row.currency,
        opening_balance=Money.from_minor(row.opening_balance_minor, row.currency),
        opening_date=row.opening_date,
        active=row.active,
        version=row.version,
    )


class BankAccountRepository(Repo):
    def add(
        self,
        company_id: int,
        *,
        name: str,
        kind: AccountKind,
        iban: str,
        bic: str,
        ledger_account: str,
        opening_balance: Money,
        opening_date: date | None,
    ) -> TreasuryAccount:
        row = TreasuryAccountRow(
            company_id=company_id,
            name=name,
            kind=kind.value,
            iban=iban,
            bic=bic,
            ledger_account=ledger_account,
            currency=opening_balance.currency,
            opening_balance_minor=opening_balance.minor_units,
            opening_date=opening_date,
            active=True,
            version=1,
        )
        self.session.add(row)
        self.session.flush()
        return _account(row)

    def get(self, company_id: int, account_id: int, *, lock: bool = False) -> TreasuryAccount:
        query = select(TreasuryAccountRow).where(
            TreasuryAccountRow.company_id == company_id, TreasuryAccountRow.id == account_id
        )
        return _account(self._one(query, ENTITY, account_id, lock=lock))

    def list(
        self, company_id: int, *, kind: AccountKind | None = None, include_inactive: bool = False
    ) -> Sequence[TreasuryAccount]:
        query = select(TreasuryAccountRow).where(TreasuryAccountRow.company_id == company_id)
        if kind is not None:
            query = query.where(TreasuryAccountRow.kind == kind.value)
        if not include_inactive:
            query = query.where(TreasuryAccountRow.active.is_(True))
        return [_account(row) for row in self.session.scalars(query.order_by(TreasuryAccountRow.id))]

    def update(self, company_id: int, account_id: int, changed: TreasuryAccount) -> TreasuryAccount:
        """Write `changed` (read and locked in this transaction) and raise its version."""
        row = self._one(
            select(TreasuryAccountRow).where(
                TreasuryAccountRow.company_id == company_id, TreasuryAccountRow.id == account_id
            ),
            ENTITY,
            account_id,
        )
        row.name, row.iban, row.bic = changed.name, changed.iban, changed.bic
        row.ledger_account, row.currency = changed.ledger_account, changed.currency
        row.opening_balance_minor, row.opening_date = changed.opening_balance.minor_units, changed.opening_date
        row.active, row.version = changed.active, row.version + 1
        self.session.flush()
        return _account(row)
