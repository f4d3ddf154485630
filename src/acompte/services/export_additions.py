"""Accounting reads the API needs that services/exports.py does not offer yet (kept apart while that module
changes on another branch; to fold into it once merged)."""

from __future__ import annotations

from acompte.domain.accounting import PostedEntry
from acompte.domain.errors import NotFound
from acompte.services.exports import RunSummary, list_runs
from acompte.services.ports import Ctx, UnitOfWork


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


def get_run(uow: UnitOfWork, ctx: Ctx, run_id: int) -> RunSummary:
    """One accounting export run (NotFound when it is not one of the company's)."""
    for run in list_runs(uow, ctx):
        if run.id == run_id:
            return run
    raise NotFound(entity="Export comptable", id=run_id)
