"""A party's statement of account as printed: the accounts capability's statement (opening balance, movements
with their running balance — deducted deposits, refunds and write-offs included — and closing balance) with the
seller's and the party's letterhead, for the PDF template (adapters/exports/pdf.py).

The statement itself is computed by the accounts capability and handed in: printing never works it out again,
and the exports capability does not import the accounts service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from acompte.domain.accounts import Statement as AccountStatement
from acompte.domain.money import Money
from acompte.services.exports.printing import PrintParty, party_lines
from acompte.services.ports import Ctx, UnitOfWork


@dataclass(frozen=True, slots=True)
class StatementLine:
    day: date
    piece: str
    label: str
    debit: Money
    credit: Money
    balance: Money
    due_date: date | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    seller: PrintParty
    buyer: PrintParty
    date_from: date
    date_to: date
    opening: Money
    lines: tuple[StatementLine, ...]
    closing: Money
    mentions: tuple[str, ...] = field(default_factory=tuple)


def printable_statement(uow: UnitOfWork, ctx: Ctx, party_id: int, st: AccountStatement) -> Statement:
    """The statement `st` of the party, as printed (the very `accounts.statement` value the page, the API and
    the CSV show)."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        party = uow.parties.get(ctx.company_id, party_id)
        lines = tuple(
            StatementLine(m.day, m.reference, m.label, m.debit, m.credit, line.balance, m.due_date)
            for line in st.lines
            for m in (line.movement,)
        )
        seller = PrintParty(company.name, party_lines(company.address), company.siren or "", company.vat_number or "")
        buyer = PrintParty(party.name, party_lines(party.address), party.siren, party.vat_number, party.email)
        return Statement(seller, buyer, st.date_from, st.date_to, st.opening, lines, st.closing)
