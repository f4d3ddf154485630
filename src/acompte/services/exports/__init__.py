"""The exports capability: what leaves the system about issued documents and payments.

- `run`               accounting export runs: post a period's entries once, numbered per journal and year
- `posted`            reading posted entries back: runs, ledgers with matching letters, a document's entries
- `facts`             stored documents and payments read as accounting facts (`FactReader`)
- `settlement_facts`  deductions, reversals and write-offs of deposits and credits, as facts to post
- `run_postings`      how earlier runs booked the allocations a run's payments settle, and what the run books
- `issued_vat`        the VAT of deposit documents as issued, and the deposits a final invoice deducts
- `einvoicing`        the EN 16931 view of an issued document, what refuses issue, the « Encaissée » status
- `ereporting`        payment data reports for VAT due on receipt
- `printing`          what a printed document shows; `statements`: a statement of account as printed
- `render_inputs`     what an issued document's file shows, frozen as text at issue (read back for rendering)
- `issued_files`      an issued document's files: frozen at issue, rendered once after commit, kept with their hash

Inside the package the imports go one way, in this order: issued_vat <- facts <- settlement_facts <- run,
ereporting; run_postings <- exchange <- run; issued_vat <- einvoicing <- printing <- statements, render_inputs;
render_inputs <- issued_files; facts <- posted. Nothing here imports another capability's service. This module
re-exports the export runs and the ledger, so that callers write `exports.run_export(...)` and `exports.ledger(...)`.
"""

from acompte.domain.accounting import AccountingSettings
from acompte.services.exports.facts import FactReader, accounting_settings, party_ref, year_end_of
from acompte.services.exports.posted import Ledger, RunSummary, document_entries, get_run, ledger, list_runs
from acompte.services.exports.run import (
    DEPOSIT_TARGETS,
    POSTED_KINDS,
    ExportResult,
    Fact,
    FactProvider,
    run_export,
)

__all__ = [
    "DEPOSIT_TARGETS",
    "POSTED_KINDS",
    "AccountingSettings",
    "ExportResult",
    "Fact",
    "FactProvider",
    "FactReader",
    "Ledger",
    "RunSummary",
    "accounting_settings",
    "document_entries",
    "get_run",
    "ledger",
    "list_runs",
    "party_ref",
    "run_export",
    "year_end_of",
]
