"""What the reconciliation page shows: the bank lines of one account (to reconcile by default, searchable), the
selected line with its candidates (or its match, once reconciled), the open documents a line may be split across,
and the account's balances. Reads only."""

from __future__ import annotations

from dataclasses import dataclass

from acompte.domain.banking.confirmation import BankMatch
from acompte.domain.banking.facts import OpenDocument
from acompte.domain.banking.lines import BankLine, LineState
from acompte.domain.errors import NotFound
from acompte.services.banking import balances, matching
from acompte.services.banking.balances import AccountBalance
from acompte.services.banking.matching import CandidateView
from acompte.services.ports import Ctx, UnitOfWork

#: How many lines the page lists, and how many open documents a split may choose from.
LINES_SHOWN = 300
DOCUMENTS_SHOWN = 200


@dataclass(frozen=True, slots=True)
class Screen:
    accounts: tuple[tuple[int, str], ...]
    account_id: int | None
    balance: AccountBalance | None
    lines: tuple[BankLine, ...]
    line: BankLine | None
    candidates: tuple[CandidateView, ...]
    match: BankMatch | None
    documents: tuple[OpenDocument, ...]
    parties: tuple[tuple[int, str], ...]

    def neighbour(self, step: int) -> BankLine | None:
        """The line before (-1) or after (+1) the selected one in the list."""
        if self.line is None:
            return self.lines[0] if self.lines and step > 0 else None
        ids = [line.id for line in self.lines]
        if self.line.id not in ids:
            return self.lines[0] if self.lines else None
        at = ids.index(self.line.id) + step
        return self.lines[at] if 0 <= at < len(self.lines) else None


def _matches(line: BankLine, query: str) -> bool:
    words = query.lower().split()
    text = " ".join(
        (line.label, line.reference, line.counterparty_name, line.counterparty_iban, str(line.amount.amount))
    ).lower()
    return all(word in text for word in words)


def screen(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    account_id: int | None = None,
    line_id: int | None = None,
    state: LineState | None = LineState.OPEN,
    query: str = "",
) -> Screen:
    with uow:
        accounts = tuple((a[0], a[1]) for a in uow.companies.accounts(ctx.company_id) if a[2] == "bank")
        selected = uow.bank.line(ctx.company_id, line_id) if line_id is not None else None
        if line_id is not None and selected is None:
            raise NotFound(entity="Ligne bancaire", id=line_id)
        if account_id is None:
            account_id = selected.account_id if selected is not None else (accounts[0][0] if accounts else None)
        elif account_id not in {a[0] for a in accounts}:
            raise NotFound(entity="Compte bancaire", id=account_id)
        lines: list[BankLine] = []
        if account_id is not None:
            lines = [
                line
                for line in uow.bank.lines(ctx.company_id, account_id, state, limit=LINES_SHOWN)
                if not query or _matches(line, query)
            ]
        if selected is None and lines:
            selected = lines[0]
        match = None
        documents: list[OpenDocument] = []
        if selected is not None:
            match = uow.bank_matches.active_for_lines(ctx.company_id, [selected.id]).get(selected.id)
            if selected.state is LineState.OPEN:
                flow = "sale" if selected.received else "purchase"
                documents = [
                    d
                    for d in uow.bank_facts.open_documents(ctx.company_id, selected.amount.currency)
                    if d.flow == flow and not d.is_credit
                ][:DOCUMENTS_SHOWN]
        parties = uow.bank_facts.all_parties(ctx.company_id)
    found = (
        tuple(matching.candidates(uow, ctx, selected.id))
        if selected is not None and selected.state is LineState.OPEN
        else ()
    )
    balance = balances.account_balance(uow, ctx, account_id) if account_id is not None else None
    return Screen(
        accounts=accounts,
        account_id=account_id,
        balance=balance,
        lines=tuple(lines),
        line=selected,
        candidates=found,
        match=match,
        documents=tuple(documents),
        parties=tuple(sorted(parties, key=lambda p: p[1].lower())),
    )
