"""Bank statements: import a file into a bank account, list the imports and the bank lines, and keep the column
mappings of the banks' CSV exports."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Form, Query, Response, UploadFile

from acompte.adapters.api.dependencies import ID_QUERY, PageParams, ReadCtx, Uow, WriteCtx, opt_id, parse_id
from acompte.adapters.api.routing import capability_router
from acompte.adapters.api.schemas.banking_imports import (
    BankImportOut,
    BankLineOut,
    CsvMappingIn,
    CsvMappingOut,
    ImportSummaryOut,
)
from acompte.adapters.api.schemas.common import IsoDate, Page
from acompte.adapters.bank_formats.upload import import_file
from acompte.domain.banking.lines import LineState
from acompte.domain.banking.statements import LineFilter, StatementFormat
from acompte.services.banking import csv_mappings, imports

router = capability_router("", "bank statements")


@router.post(
    "/bank-accounts/{account_id}/imports",
    status_code=201,
    summary="Import a statement file (camt.053, camt.054, OFX or CSV) into a bank account",
    description="The file's new lines are added; lines already there are counted in `skipped`, not added again. "
    "A file that does not add up (opening + lines ≠ closing), of another account or currency, or with a bad "
    "line is refused whole with the line, field and reason (422): nothing is written.",
)
def import_statement(
    account_id: str,
    ctx: WriteCtx,
    uow: Uow,
    response: Response,
    file: Annotated[UploadFile, File(description="The statement file as the bank delivered it")],
    format: Annotated[StatementFormat | None, Form(description="Default: recognised from the file")] = None,
    mapping_id: Annotated[
        str | None, Form(pattern=r"^[0-9]{1,18}$", description="The bank's CSV mapping (CSV files only)")
    ] = None,
) -> ImportSummaryOut:
    account = parse_id(account_id, imports.ACCOUNT)
    summary = import_file(
        uow,
        ctx,
        account,
        file.file.read(),
        file_name=file.filename or "",
        format=format,
        mapping_id=opt_id(mapping_id),
    )
    response.headers["Location"] = f"/api/v1/bank-imports?account_id={account}"
    return ImportSummaryOut.model_validate(summary)


@router.get("/bank-imports", summary="Statement imports, newest first")
def list_imports(ctx: ReadCtx, uow: Uow, paging: PageParams, account_id: ID_QUERY = None) -> Page[BankImportOut]:
    rows = imports.list_imports(
        uow, ctx, account_id=opt_id(account_id), after_id=paging.after_id, limit=paging.limit + 1
    )
    page, cursor = paging.page(rows)
    return Page(items=[BankImportOut.model_validate(row) for row in page], next_cursor=cursor)


@router.get("/bank-lines", summary="Bank lines (ordered by id), by account, state and booking dates")
def list_lines(
    ctx: ReadCtx,
    uow: Uow,
    paging: PageParams,
    account_id: ID_QUERY = None,
    state: Annotated[LineState | None, Query(description="open, reconciled or ignored")] = None,
    date_from: Annotated[IsoDate | None, Query(description="Booked on or after this day")] = None,
    date_to: Annotated[IsoDate | None, Query(description="Booked on or before this day")] = None,
) -> Page[BankLineOut]:
    where = LineFilter(account_id=opt_id(account_id), state=state, date_from=date_from, date_to=date_to)
    rows = imports.list_lines(uow, ctx, where, after_id=paging.after_id, limit=paging.limit + 1)
    page, cursor = paging.page(rows)
    return Page(items=[BankLineOut.model_validate(row) for row in page], next_cursor=cursor)


@router.get("/bank-lines/{line_id}", summary="Read a bank line")
def get_line(line_id: str, ctx: ReadCtx, uow: Uow) -> BankLineOut:
    return BankLineOut.model_validate(imports.get_line(uow, ctx, parse_id(line_id, imports.LINE)))


@router.get("/bank-csv-mappings", summary="The saved column mappings of the banks' CSV exports")
def list_mappings(ctx: ReadCtx, uow: Uow, paging: PageParams) -> Page[CsvMappingOut]:
    rows, cursor = paging.slice(csv_mappings.list_mappings(uow, ctx), key=lambda m: m.id or 0)
    return Page(items=[CsvMappingOut.model_validate(m) for m in rows], next_cursor=cursor)


@router.post("/bank-csv-mappings", status_code=201, summary="Save the column mapping of a bank's CSV export")
def create_mapping(body: CsvMappingIn, ctx: WriteCtx, uow: Uow, response: Response) -> CsvMappingOut:
    mapping = csv_mappings.create_mapping(uow, ctx, **body.fields())
    response.headers["Location"] = f"/api/v1/bank-csv-mappings/{mapping.id}"
    return CsvMappingOut.model_validate(mapping)


@router.delete("/bank-csv-mappings/{mapping_id}", status_code=204, summary="Forget a CSV mapping")
def delete_mapping(mapping_id: str, ctx: WriteCtx, uow: Uow) -> Response:
    csv_mappings.delete_mapping(uow, ctx, parse_id(mapping_id, csv_mappings.MAPPING))
    return Response(status_code=204)
