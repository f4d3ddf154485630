"""Exports: accounting export runs (accountant) and their FEC and CSV files, the journal entries of a document, the
PDF of a document or of a statement of account, Factur-X (PDF/A-3 with its CII XML) and its XML, the
« Encaissée » e-invoicing status, the e-reporting payment data.

Files are sent as they are (`application/pdf`, `application/xml`, `text/plain` for the FEC, `text/csv`), with a
`Content-Disposition` naming them; errors stay `application/problem+json`. An issued invoice kind's PDF, Factur-X
and XML are the bytes stored when it was issued (services/exports/issued_files.py), with their SHA-256 as `ETag`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import Query, Response

from acompte.adapters.api.dependencies import (
    AccountingCtx,
    DateFrom,
    DateTo,
    PageParams,
    ReadCtx,
    Uow,
    WriteCtx,
    parse_id,
    period,
)
from acompte.adapters.api.routing import capability_router, problem
from acompte.adapters.api.schemas.common import Page
from acompte.adapters.api.schemas.exports import (
    CollectedIn,
    EinvoiceStatusesOut,
    EinvoiceStatusOut,
    EntriesOut,
    ExportResultOut,
    ExportRunIn,
    ExportRunOut,
    JournalEntryOut,
    PaymentReportOut,
    PaymentReportsOut,
)
from acompte.adapters.exports.ereporting import write_payment_reports_csv
from acompte.adapters.exports.fec import DEFAULT_ENCODING, fec_filename, write_csv, write_fec
from acompte.adapters.exports.pdf import statement_pdf
from acompte.domain.errors import MissingLegalIdentifier
from acompte.domain.issued_files import FileKind
from acompte.services import companies, exports, printing
from acompte.services.exports import Ledger, einvoicing, ereporting, issued_files

router = capability_router("", "exports")
DOCUMENT = "Document"
RUN = "Export comptable"
NO_FACTURX = problem("The document has no Factur-X: a draft, a purchase or a commercial document")


def _file(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    """The documented 200 response of a file download."""
    return {200: {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}}


def _download(content: bytes, media_type: str, filename: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "fichier"
    return Response(content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{safe}"'})


def _send(file: issued_files.Download) -> Response:
    """A document's file; an issued one's carries its SHA-256 (ETag, and `X-Content-SHA256`)."""
    response = _download(file.content, file.media_type, file.filename)
    if file.sha256:
        response.headers["ETag"] = f'"{file.sha256}"'
        response.headers["X-Content-SHA256"] = file.sha256
    return response


def _letters(ledger: Ledger) -> list[JournalEntryOut]:
    by_entry: dict[int, dict[int, Any]] = {}
    for (i, j), match in ledger.matches.items():
        by_entry.setdefault(i, {})[j] = match
    return [JournalEntryOut.of(posted, by_entry.get(i)) for i, posted in enumerate(ledger.entries)]


# -- accounting export runs ------------------------------------------------------------------------------------


@router.post(
    "/exports",
    status_code=201,
    summary="Post the period's issued documents and payments that no run has posted yet (accountant)",
)
def run_export(body: ExportRunIn, ctx: AccountingCtx, uow: Uow, response: Response) -> ExportResultOut:
    result = exports.run_export(uow, ctx, date_from=body.date_from, date_to=body.date_to)
    response.headers["Location"] = f"/api/v1/exports/{result.run_id}"
    return ExportResultOut.model_validate(result)


@router.get("/exports", summary="Accounting export runs (ordered by id)")
def list_exports(ctx: ReadCtx, uow: Uow, paging: PageParams) -> Page[ExportRunOut]:
    rows, cursor = paging.slice(exports.list_runs(uow, ctx))
    return Page(items=[ExportRunOut.model_validate(r) for r in rows], next_cursor=cursor)


@router.get("/exports/{run_id}", summary="Read an accounting export run")
def get_export(run_id: str, ctx: ReadCtx, uow: Uow) -> ExportRunOut:
    return ExportRunOut.model_validate(exports.get_run(uow, ctx, parse_id(run_id, RUN)))


@router.get("/exports/{run_id}/entries", summary="The journal entries a run posted, with their matching letters")
def export_entries(run_id: str, ctx: ReadCtx, uow: Uow) -> EntriesOut:
    return EntriesOut(entries=_letters(exports.ledger(uow, ctx, run_id=parse_id(run_id, RUN))))


@router.get(
    "/exports/{run_id}/fec",
    summary="The FEC (Fichier des écritures comptables) of a run, or of its whole financial year",
    response_class=Response,
    responses=_file("text/plain", "The FEC file (ISO 8859-15 by default, tab or pipe separated)"),
)
def export_fec(
    run_id: str,
    ctx: ReadCtx,
    uow: Uow,
    scope: Annotated[Literal["run", "year"], Query(description="This run's entries, or the financial year's")] = "run",
    separator: Annotated[Literal["tab", "pipe"], Query(description="Field separator")] = "tab",
) -> Response:
    run = exports.get_run(uow, ctx, parse_id(run_id, RUN))
    company = companies.get_company(uow, ctx)
    if not company.siren:
        raise MissingLegalIdentifier(what="le SIREN", whose=company.name)
    if scope == "year":
        ledger = exports.ledger(uow, ctx, fiscal_year_end=run.fiscal_year_end)
    else:
        ledger = exports.ledger(uow, ctx, run_id=run.id)
    content = write_fec(ledger, separator="|" if separator == "pipe" else "\t")
    filename = fec_filename(company.siren, ledger.closing_date)
    return _download(content, f"text/plain; charset={DEFAULT_ENCODING}", filename)


@router.get(
    "/exports/{run_id}/csv",
    summary="The entries of a run as a CSV for accounting software",
    response_class=Response,
    responses=_file("text/csv", "Semicolon separated, UTF-8 with BOM, decimal comma"),
)
def export_csv(run_id: str, ctx: ReadCtx, uow: Uow) -> Response:
    run = exports.get_run(uow, ctx, parse_id(run_id, RUN))
    content = write_csv(exports.ledger(uow, ctx, run_id=run.id))
    return _download(content, "text/csv; charset=utf-8", f"ecritures-{run.date_from:%Y%m%d}-{run.date_to:%Y%m%d}.csv")


@router.get(
    "/documents/{document_id}/journal-entries",
    summary="The posted journal entries of a document and of what settles it (empty until exported)",
)
def document_entries(document_id: str, ctx: ReadCtx, uow: Uow) -> EntriesOut:
    found = exports.document_entries(uow, ctx, parse_id(document_id, DOCUMENT))
    return EntriesOut(entries=[JournalEntryOut.of(p) for p in found])


# -- printed documents and e-invoicing -------------------------------------------------------------------------


@router.get(
    "/documents/{document_id}/pdf",
    summary="The document as printed (PDF): an issued invoice kind's stored file, a draft rendered now",
    response_class=Response,
    responses=_file("application/pdf", "The PDF"),
)
def document_pdf_file(document_id: str, ctx: ReadCtx, uow: Uow) -> Response:
    return _send(issued_files.document_file(uow, ctx, parse_id(document_id, DOCUMENT), FileKind.PDF))


@router.get(
    "/documents/{invoice_id}/facturx",
    summary="The Factur-X of an issued sale invoice, deposit invoice or credit note (PDF/A-3 with its CII XML)",
    response_class=Response,
    responses={**_file("application/pdf", "The Factur-X PDF (EN 16931 profile), as stored at issue"), 409: NO_FACTURX},
)
def facturx(invoice_id: str, ctx: ReadCtx, uow: Uow) -> Response:
    return _send(issued_files.document_file(uow, ctx, parse_id(invoice_id, DOCUMENT), FileKind.FACTURX))


@router.get(
    "/documents/{invoice_id}/facturx/xml",
    summary="The CII XML (Factur-X EN 16931) of an issued sale invoice, deposit invoice or credit note",
    response_class=Response,
    responses={**_file("application/xml", "The CII XML embedded in the stored Factur-X"), 409: NO_FACTURX},
)
def facturx_xml(invoice_id: str, ctx: ReadCtx, uow: Uow) -> Response:
    return _send(issued_files.document_file(uow, ctx, parse_id(invoice_id, DOCUMENT), FileKind.FACTURX_XML))


@router.get("/documents/{document_id}/einvoice-statuses", summary="The e-invoicing statuses of a document")
def einvoice_statuses(document_id: str, ctx: ReadCtx, uow: Uow) -> EinvoiceStatusesOut:
    doc_id = parse_id(document_id, DOCUMENT)
    found = einvoicing.statuses(uow, ctx, doc_id)
    return EinvoiceStatusesOut(document_id=str(doc_id), statuses=[EinvoiceStatusOut.model_validate(s) for s in found])


@router.post(
    "/documents/{invoice_id}/mark-collected",
    summary="Mark an issued, fully paid sale invoice « Encaissée » (e-invoicing status)",
)
def mark_collected(invoice_id: str, body: CollectedIn, ctx: WriteCtx, uow: Uow) -> EinvoiceStatusesOut:
    doc_id = parse_id(invoice_id, DOCUMENT)
    with uow:
        einvoicing.mark_collected(uow, ctx, doc_id, on=body.date)
        found = einvoicing.statuses(uow, ctx, doc_id)
        uow.commit()
    return EinvoiceStatusesOut(document_id=str(doc_id), statuses=[EinvoiceStatusOut.model_validate(s) for s in found])


@router.get(
    "/parties/{party_id}/statement/pdf",
    summary="A customer's statement of account of a period, as a PDF",
    response_class=Response,
    responses=_file("application/pdf", "The PDF"),
)
def statement_pdf_file(
    party_id: str, ctx: ReadCtx, uow: Uow, date_from: DateFrom = None, date_to: DateTo = None
) -> Response:
    start, end = period(date_from, date_to, uow.clock.today())
    view = printing.statement(uow, ctx, parse_id(party_id, "Tiers"), date_from=start, date_to=end)
    return _download(statement_pdf(view), "application/pdf", f"releve-{view.buyer.name}-{end:%Y%m%d}.pdf")


# -- e-reporting -------------------------------------------------------------------------------------------------


@router.get(
    "/ereporting/payments",
    summary="The e-reporting payment data of a period (services whose VAT is due on receipt)",
)
def payment_reports(ctx: ReadCtx, uow: Uow, date_from: DateFrom = None, date_to: DateTo = None) -> PaymentReportsOut:
    start, end = period(date_from, date_to, uow.clock.today())
    found = ereporting.payment_reports(uow, ctx, date_from=start, date_to=end)
    return PaymentReportsOut(date_from=start, date_to=end, reports=[PaymentReportOut.model_validate(r) for r in found])


@router.get(
    "/ereporting/payments/csv",
    summary="The e-reporting payment data of a period as a CSV",
    response_class=Response,
    responses=_file("text/csv", "Semicolon separated, UTF-8 with BOM, decimal comma"),
)
def payment_reports_csv(ctx: ReadCtx, uow: Uow, date_from: DateFrom = None, date_to: DateTo = None) -> Response:
    start, end = period(date_from, date_to, uow.clock.today())
    found = ereporting.payment_reports(uow, ctx, date_from=start, date_to=end)
    content = write_payment_reports_csv(found)
    return _download(content, "text/csv; charset=utf-8", f"e-reporting-paiements-{start:%Y%m%d}-{end:%Y%m%d}.csv")
