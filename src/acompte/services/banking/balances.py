"""A bank account's balance as per the bank and as per acompte, and the difference explained.

- **As per the bank**: the closing balance of the last imported statement that gives one, else the account's
  opening balance plus every imported line.
- **As per acompte**: the opening balance plus the payments recorded on the account (in − out, cancelled ones
  left out) less the bank fees confirmed with card settlements.
- **The difference** is what the two do not share yet: lines on the statement not reconciled (money in, money
  out), lines set aside (booked elsewhere), and payments recorded but not on the statement yet. Whatever these do
  not explain is shown as such (a statement missing between two imports, a payment on the wrong account)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from acompte.domain.errors import NotFound
from acompte.domain.money import Money
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.ports.banking import UnmatchedPayment


@dataclass(frozen=True, slots=True)
class AccountBalance:
    account_id: int
    name: str
    currency: str
    opening: Money
    opening_date: date | None
    #: as per the bank, and whether it is a statement's closing balance (else opening + imported lines)
    bank: Money
    bank_from_statement: bool
    bank_date: date | None
    #: as per acompte
    books: Money
    #: lines to reconcile: money in, money out (negative), how many
    open_in: Money
    open_out: Money
    open_count: int
    #: lines set aside (booked elsewhere, transfers between own accounts)
    ignored: Money
    #: payments recorded but on no statement yet: in, out (negative), how many, and the first of them
    unmatched_in: Money
    unmatched_out: Money
    unmatched_count: int
    unmatched: tuple[UnmatchedPayment, ...]

    @property
    def difference(self) -> Money:
        """Bank − acompte."""
        return self.bank - self.books

    @property
    def explained(self) -> Money:
        return self.open_in + self.open_out + self.ignored - (self.unmatched_in + self.unmatched_out)

    @property
    def unexplained(self) -> Money:
        return self.difference - self.explained


def account_balance(uow: UnitOfWork, ctx: Ctx, account_id: int, *, listed: int = 50) -> AccountBalance:
    with uow:
        figures = uow.bank_matches.account_figures(ctx.company_id, account_id)
        if figures is None:
            raise NotFound(entity="Compte bancaire", id=account_id)
        unmatched = uow.bank_matches.unmatched_payments(ctx.company_id, account_id, figures.currency, limit=listed)
    from_statement = figures.last_closing is not None
    bank = figures.last_closing if figures.last_closing is not None else figures.opening + figures.lines_total
    return AccountBalance(
        account_id=figures.account_id,
        name=figures.name,
        currency=figures.currency,
        opening=figures.opening,
        opening_date=figures.opening_date,
        bank=bank,
        bank_from_statement=from_statement,
        bank_date=figures.last_closing_date,
        books=figures.opening + figures.recorded_total - figures.fees_total,
        open_in=figures.open_in,
        open_out=figures.open_out,
        open_count=figures.open_count,
        ignored=figures.ignored_total,
        unmatched_in=figures.unmatched_in,
        unmatched_out=figures.unmatched_out,
        unmatched_count=figures.unmatched_count,
        unmatched=tuple(unmatched),
    )
