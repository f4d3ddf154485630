"""Reading posted entries back: the runs, a ledger (a run's or a financial year's entries in validation order,
with their matching letters) for the FEC and CSV writers (adapters/exports/fec.py), and the entries that post
or settle one document."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from acompte.domain.accounting import Match, PostedEntry, fiscal_year, match_lines, matched_accounts
from acompte.domain.dates import MAX_DATE, DateField, check_optional
from acompte.domain.errors import NotFound
from acompte.domain.money import Money
from acompte.services.exports.facts import accounting_settings, year_end_of
from acompte.services.ports import Ctx, UnitOfWork


@dataclass(frozen=True, slots=True)
class Ledger:
    """Posted entries in validation order with their matching letters: what the FEC and CSV files print."""

    company_name: str
    siren: str | None
    currency: str
    date_from: date
    date_to: date
    closing_date: date
    entries: tuple[PostedEntry, ...]
    matches: dict[tuple[int, int], Match] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RunSummary:
    id: int
    date_from: date
    date_to: date
    fiscal_year_end: date
    valid_date: date
    entry_count: int
    debit: Money
    actor: str


def list_runs(uow: UnitOfWork, ctx: Ctx) -> list[RunSummary]:
    with uow:
        return [
            RunSummary(r.id, r.date_from, r.date_to, r.fiscal_year_end, r.valid_date, r.entry_count, r.debit, r.actor)
            for r in uow.exports.runs(ctx.company_id)
        ]


def get_run(uow: UnitOfWork, ctx: Ctx, run_id: int) -> RunSummary:
    """One accounting export run (NotFound when it is not one of the company's)."""
    for run in list_runs(uow, ctx):
        if run.id == run_id:
            return run
    raise NotFound(entity="Export comptable", id=run_id)


def ledger(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    run_id: int | None = None,
    fiscal_year_end: date | None = None,
    on: date | None = None,
) -> Ledger:
    """Posted entries of one run, or of a whole financial year (the one closing on `fiscal_year_end`, or the one
    containing `on`), in validation order, with matching letters computed over those entries."""
    check_optional(on, DateField.DATE)
    with uow:
        company = uow.companies.get(ctx.company_id)
        settings = accounting_settings(company)
        if run_id is not None:
            run = uow.exports.run(ctx.company_id, run_id)
            if run is None:
                raise NotFound(entity="Export comptable", id=run_id)
            entries = uow.exports.entries(ctx.company_id, run_id=run_id)
            start, end, closing = run.date_from, run.date_to, run.fiscal_year_end
        else:
            # a run's closing day may lie just beyond the supported dates (a year closing on 30 June 3000 holds
            # 31 December 2999): the year is found from its last supported day
            day = min(fiscal_year_end, MAX_DATE) if fiscal_year_end else on or uow.clock.today()
            start, closing = fiscal_year(day, year_end_of(company))
            end = closing
            entries = uow.exports.entries(ctx.company_id, date_from=start, date_to=end)
        accounts = matched_accounts(settings)
        # the links of the groups these entries' keys belong to, not the company's whole history of allocations
        keys = {
            line.match_key
            for posted in entries
            for line in posted.entry.lines
            if line.match_key is not None and line.account in accounts
        }
        matches = match_lines([p.entry for p in entries], accounts, uow.exports.links(ctx.company_id, keys))
        return Ledger(
            company_name=company.name,
            siren=company.siren,
            currency=company.currency,
            date_from=start,
            date_to=end,
            closing_date=closing,
            entries=tuple(entries),
            matches=matches,
        )


def document_entries(uow: UnitOfWork, ctx: Ctx, document_id: int) -> list[PostedEntry]:
    """The posted journal entries of a document, in validation order: its own entry (sales or purchases
    journal) and every entry that settles or matches it (payments, deductions, credit notes, refunds,
    write-offs: any line whose matching key names the document). Empty until an export run posts them."""
    key = f"doc:{document_id}"
    with uow:
        uow.documents.get(ctx.company_id, document_id)
        return [
            posted
            for posted in uow.exports.entries(ctx.company_id)
            if posted.entry.source == key
            or posted.entry.source.startswith(f"{key}:")
            or any(line.match_key == key for line in posted.entry.lines)
        ]
