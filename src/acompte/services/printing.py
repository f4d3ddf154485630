"""Printing a document or a statement of account, for the callers that import `acompte.services.printing`.

Documents are printed by the exports capability (`acompte.services.exports.printing`). A statement of account
joins two capabilities: the accounts capability computes it, the exports capability prints it
(`acompte.services.exports.statements`); `statement` does both in one transaction, here, outside either
package, so that neither imports the other.
"""

from __future__ import annotations

from datetime import date

from acompte.domain.dates import DateField, check_date
from acompte.services import accounts
from acompte.services.exports.printing import (
    TITLES,
    PrintableDocument,
    PrintLine,
    PrintParty,
    PrintPayment,
    party_lines,
    printable_document,
)
from acompte.services.exports.statements import Statement, StatementLine, printable_statement
from acompte.services.ports import Ctx, UnitOfWork

__all__ = [
    "TITLES",
    "PrintLine",
    "PrintParty",
    "PrintPayment",
    "PrintableDocument",
    "Statement",
    "StatementLine",
    "party_lines",
    "printable_document",
    "statement",
]


def statement(uow: UnitOfWork, ctx: Ctx, party_id: int, *, date_from: date, date_to: date) -> Statement:
    """A party's statement of account as printed: the very `accounts.statement` value the page, the API and the
    CSV show, with the seller's and the party's letterhead."""
    check_date(date_from, DateField.DATE_FROM)
    check_date(date_to, DateField.DATE_TO)
    with uow:
        account = accounts.statement(uow, ctx, party_id, date_from=date_from, date_to=date_to)
        return printable_statement(uow, ctx, party_id, account.statement)
