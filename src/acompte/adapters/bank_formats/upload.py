"""A statement file as an interface receives it (the API's upload, the web form, the command line) → the import
use case: the account is looked up first (another company's id is simply not found, whatever the file), the
file read with the account's currency and, for CSV, the bank's saved mapping, then imported."""

from __future__ import annotations

import hashlib

from acompte.adapters.bank_formats import read_statement
from acompte.domain.banking.statements import ImportSummary, StatementFormat
from acompte.services.banking import csv_mappings, imports
from acompte.services.ports import Ctx, UnitOfWork


def import_file(
    uow: UnitOfWork,
    ctx: Ctx,
    account_id: int,
    data: bytes,
    *,
    file_name: str = "",
    format: StatementFormat | None = None,
    mapping_id: int | None = None,
    progress: imports.Progress | None = None,
) -> ImportSummary:
    account = imports.get_account(uow, ctx, account_id)
    mapping = csv_mappings.get_mapping(uow, ctx, mapping_id) if mapping_id is not None else None
    statement = read_statement(data, format, currency=account.currency, mapping=mapping)
    return imports.import_statement(
        uow,
        ctx,
        account.id,
        statement,
        file_name=file_name,
        file_sha256=hashlib.sha256(data).hexdigest(),
        progress=progress,
    )
