"""`uow.party_banks`: the IBANs parties hold, typed by a user or learned from a confirmed bank match."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from acompte.domain.banking.lines import PartyBankAccount
from acompte.persistence.bank_rows import PartyBankAccountRow
from acompte.services.ports.clock import Clock, SystemClock


def _account(row: PartyBankAccountRow) -> PartyBankAccount:
    return PartyBankAccount(row.id, row.party_id, row.iban, row.bic, row.label, row.source)


class PartyBankRepository:
    def __init__(self, session: Session, clock: Clock | None = None) -> None:
        self.session = session
        self.clock: Clock = clock or SystemClock()

    def add(
        self, company_id: int, party_id: int, iban: str, *, bic: str = "", label: str = "", source: str = "user"
    ) -> PartyBankAccount:
        """Add `iban` (already checked and in its compact form) to the party; the existing one if it holds it."""
        found = self.session.scalar(
            select(PartyBankAccountRow).where(
                PartyBankAccountRow.company_id == company_id,
                PartyBankAccountRow.party_id == party_id,
                PartyBankAccountRow.iban == iban,
            )
        )
        if found is not None:
            return _account(found)
        row = PartyBankAccountRow(
            company_id=company_id,
            party_id=party_id,
            iban=iban,
            bic=bic,
            label=label,
            source=source,
            created_at=self.clock.now(),
        )
        self.session.add(row)
        self.session.flush()
        return _account(row)

    def of_party(self, company_id: int, party_id: int) -> Sequence[PartyBankAccount]:
        rows = self.session.scalars(
            select(PartyBankAccountRow)
            .where(PartyBankAccountRow.company_id == company_id, PartyBankAccountRow.party_id == party_id)
            .order_by(PartyBankAccountRow.id)
        )
        return [_account(row) for row in rows]

    def parties_with_iban(self, company_id: int, iban: str) -> Sequence[int]:
        return list(
            self.session.scalars(
                select(PartyBankAccountRow.party_id)
                .where(PartyBankAccountRow.company_id == company_id, PartyBankAccountRow.iban == iban)
                .order_by(PartyBankAccountRow.party_id)
            )
        )

    def remove(self, company_id: int, party_id: int, account_id: int) -> bool:
        done = self.session.execute(
            delete(PartyBankAccountRow).where(
                PartyBankAccountRow.company_id == company_id,
                PartyBankAccountRow.party_id == party_id,
                PartyBankAccountRow.id == account_id,
            )
        )
        return bool(getattr(done, "rowcount", 0) == 1)
