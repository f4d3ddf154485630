"""Bank lines written straight into the store, for the tests of matching and reconciliation (the import of
statement files has tests of its own)."""

from __future__ import annotations

import uuid
from datetime import date

from acompte.domain.banking.lines import BankLine, NewBankLine
from acompte.domain.money import Money
from acompte.services.ports import Ctx, UnitOfWork


def bank_account(uow: UnitOfWork, ctx: Ctx) -> int:
    """The company's first bank account (every company is created with one)."""
    with uow:
        return next(account_id for account_id, _name, kind in uow.companies.accounts(ctx.company_id) if kind == "bank")


def bank_line(
    uow: UnitOfWork,
    ctx: Ctx,
    amount: str,
    *,
    account_id: int | None = None,
    booking_date: date = date(2026, 12, 1),
    currency: str = "EUR",
    **fields: str,
) -> BankLine:
    """One open line of `amount` (signed: negative is money out) on the company's bank account."""
    account = account_id if account_id is not None else bank_account(uow, ctx)
    with uow:
        import_id = uow.bank.add_import(
            ctx.company_id, account, format="csv", file_sha256=uuid.uuid4().hex * 2, currency=currency
        )
        new = NewBankLine(
            position=0, booking_date=booking_date, value_date=None, amount=Money.of(amount, currency), **fields
        )
        line_id = uow.bank.add_line(ctx.company_id, account, import_id, new, dedup_key=uuid.uuid4().hex)
        uow.commit()
    with uow:
        found = uow.bank.line(ctx.company_id, line_id)
    assert found is not None
    return found
