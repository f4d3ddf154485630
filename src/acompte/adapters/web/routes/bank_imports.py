"""« Banque »: the company's bank accounts with their last statement import, the import form (a statement file,
its format — recognised when not given — and, for CSV, the bank's saved mapping), and the bank lines with their
filters (account, state, booking dates)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from acompte.adapters.bank_formats.upload import import_file
from acompte.adapters.i18n.catalogue import N_
from acompte.adapters.web import security
from acompte.adapters.web.errors import error_text
from acompte.adapters.web.routes._credits_common import form_of
from acompte.adapters.web.routes._payments_common import can_write
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain import errors as e
from acompte.domain.banking.lines import LineState
from acompte.domain.banking.statements import DATE_FORMATS, ENCODINGS, LineFilter, StatementFormat
from acompte.services import companies
from acompte.services.banking import csv_mappings, imports
from acompte.services.ports import Ctx

router = APIRouter()
PAGE_SIZE = 50

#: The words of each format and line state, as the pages show them.
FORMATS = {
    StatementFormat.CAMT053: N_("camt.053 (relevé de fin de journée)"),
    StatementFormat.CAMT054: N_("camt.054 (avis de crédit / débit)"),
    StatementFormat.OFX: N_("OFX"),
    StatementFormat.CSV: N_("CSV"),
}
STATES = {LineState.OPEN: N_("À rapprocher"), LineState.RECONCILED: N_("Rapprochée"), LineState.IGNORED: N_("Ignorée")}


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) <= 18 else None


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _bank_page(
    request: Request, ctx: Ctx, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    uow = security.uow_of(request)
    accounts = imports.bank_accounts(uow, ctx)
    mappings = csv_mappings.list_mappings(uow, ctx)
    context: dict[str, Any] = {
        "accounts": accounts,
        "account_options": [(a.account.id, f"{a.account.name} {a.account.iban}".strip()) for a in accounts],
        "mappings": mappings,
        "mapping_options": [(m.id, m.name) for m in mappings],
        "formats": [(f.value, translate(request, text)) for f, text in FORMATS.items()],
        "recent": imports.list_imports(uow, ctx, limit=10),
        "names": {a.account.id: a.account.name for a in accounts},
        "values": values,
        "errors": errors,
        "editable": can_write(request),
    }
    return render(request, "bank/index.html", context, status)


@router.get("/bank")
def bank_page(request: Request, ctx: security.PageRead) -> Response:
    return _bank_page(request, ctx, {"form_key": security.new_form_key()}, {})


@router.post("/bank/imports")
def bank_import(request: Request, ctx: security.PageWrite) -> Response:
    form = form_of(request)
    upload = security.posted_form(request).get("file")
    errors: dict[str, str] = {}
    account = _int(form.get("account_id"))
    if account is None:
        errors["account_id"] = translate(request, "Choisissez le compte bancaire.")
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors["file"] = translate(request, "Choisissez le fichier du relevé.")
    chosen = form.get("format", "")
    if chosen and chosen not in {f.value for f in StatementFormat}:
        errors["format"] = translate(request, "Format inconnu.")
    if errors or account is None or not isinstance(upload, UploadFile):
        return _bank_page(request, ctx, form, errors, 422)
    uow = security.uow_of(request)
    key = form.get(security.FORM_KEY_FIELD)
    with uow:
        replay = security.replayed(uow, ctx, request, key)
        if replay is not None:
            return replay
    try:
        summary = import_file(
            uow,
            ctx,
            account,
            upload.file.read(),
            file_name=upload.filename or "",
            format=StatementFormat(chosen) if chosen else None,
            mapping_id=_int(form.get("mapping_id")),
        )
    except e.NotFound as exc:
        if exc.params.get("entity") == csv_mappings.MAPPING:  # a mapping deleted meanwhile: say so by its field
            return _bank_page(request, ctx, form, {"mapping_id": error_text(request, exc)}, 422)
        raise
    except e.DomainError as exc:
        field = "mapping_id" if exc.reason is e.Reason.STATEMENT_MAPPING_REQUIRED else "file"
        return _bank_page(request, ctx, form, {field: error_text(request, exc)}, 422)
    location = f"/bank/lines?account_id={summary.account_id}"
    with uow:
        security.remember(uow, ctx, key, location)
        uow.commit()
    flash = translate(
        request,
        "Relevé importé : {added} ligne(s) ajoutée(s), {skipped} déjà présente(s).",
        added=summary.added,
        skipped=summary.skipped,
    )
    return redirect(request, location, flash=flash)


@router.get("/bank/lines")
def bank_lines(
    request: Request,
    ctx: security.PageRead,
    account_id: str | None = None,
    state: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    page: int = 1,
) -> Response:
    uow = security.uow_of(request)
    account = _int(account_id)
    if account is not None:
        imports.get_account(uow, ctx, account)  # another company's account: not found
    chosen_state = LineState(state) if state in {s.value for s in LineState} else None
    where = LineFilter(account_id=account, state=chosen_state, date_from=_day(date_from), date_to=_day(date_to))
    currency = companies.get_company(uow, ctx).currency
    first = imports.line_page(uow, ctx, where, page=1, size=PAGE_SIZE, currency=currency)
    pages = max(1, (first.count + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(1, page), pages)
    found = first if page == 1 else imports.line_page(uow, ctx, where, page=page, size=PAGE_SIZE, currency=currency)
    filters = {
        "account_id": str(account) if account is not None else "",
        "state": chosen_state.value if chosen_state else "",
        "date_from": date_from or "" if _day(date_from) else "",
        "date_to": date_to or "" if _day(date_to) else "",
    }
    kept = {k: v for k, v in filters.items() if v}
    accounts = imports.bank_accounts(uow, ctx)
    context = {
        "lines": found.lines,
        "count": found.count,
        "total": found.total if account is not None else None,
        "page": page,
        "pages": pages,
        "filters": filters,
        "query_string": urlencode(kept),
        "accounts": accounts,
        "names": {a.account.id: a.account.name for a in accounts},
        "states": [(s.value, translate(request, text)) for s, text in STATES.items()],
        "state_words": {s.value: translate(request, text) for s, text in STATES.items()},
    }
    return render(request, "bank/lines.html", context)


# -- CSV mappings -----------------------------------------------------------------------------------------------

#: The column fields of the mapping form, with their labels.
COLUMN_LABELS = {
    "date": N_("Date d'opération"),
    "value_date": N_("Date de valeur"),
    "amount": N_("Montant (signé)"),
    "debit": N_("Débit"),
    "credit": N_("Crédit"),
    "label": N_("Libellé"),
    "reference": N_("Référence"),
    "counterparty": N_("Contrepartie"),
    "iban": N_("IBAN"),
}
DELIMITER_LABELS = {";": N_("point-virgule ;"), ",": N_("virgule ,"), "\t": N_("tabulation"), "|": N_("barre |")}


def _mapping_form(request: Request, values: dict[str, str], errors: dict[str, str], status: int = 200) -> Response:
    context = {
        "values": values,
        "errors": errors,
        "columns": [(name, translate(request, text)) for name, text in COLUMN_LABELS.items()],
        "delimiters": [(value, translate(request, text)) for value, text in DELIMITER_LABELS.items()],
        "encodings": [(value, value) for value in ENCODINGS],
        "date_formats": [(value, value) for value in DATE_FORMATS],
    }
    return render(request, "bank/mapping.html", context, status)


@router.get("/bank/mappings/new")
def mapping_new_page(request: Request, ctx: security.PageWrite) -> Response:
    values = {"delimiter": ";", "encoding": "utf-8", "decimal_comma": "on", "date_format": "dd/mm/yyyy"}
    return _mapping_form(request, {**values, "skip_rows": "0", "header": "on", "form_key": security.new_form_key()}, {})


@router.post("/bank/mappings/new")
def mapping_create(request: Request, ctx: security.PageWrite) -> Response:
    form = form_of(request)
    skip = form.get("skip_rows", "0").strip() or "0"
    if not skip.isdigit():
        return _mapping_form(request, form, {"skip_rows": translate(request, "Un nombre de lignes.")}, 422)
    try:
        mapping = csv_mappings.create_mapping(
            security.uow_of(request),
            ctx,
            name=form.get("name", ""),
            columns={name: form.get(f"column_{name}", "") for name in COLUMN_LABELS},
            delimiter=form.get("delimiter", ";"),
            encoding=form.get("encoding", "utf-8"),
            decimal_comma=form.get("decimal_comma") == "on",
            date_format=form.get("date_format", "dd/mm/yyyy"),
            skip_rows=int(skip[:3]),
            header=form.get("header") == "on",
        )
    except e.DomainError as exc:
        field = str(exc.params.get("field") or "__all__")
        if field == "columns":
            column = str(exc.params.get("column") or "")
            field = f"column_{column}" if column in COLUMN_LABELS else "__all__"
        return _mapping_form(request, form, {field: error_text(request, exc)}, 422)
    return redirect(request, "/bank", flash=translate(request, "Format CSV {name} enregistré.", name=mapping.name))


@router.post("/bank/mappings/{mapping_id}/delete")
def mapping_delete(request: Request, ctx: security.PageWrite, mapping_id: str) -> Response:
    found = _int(mapping_id)
    if found is None:
        raise e.NotFound(entity=csv_mappings.MAPPING, id=mapping_id[:40])
    mapping = csv_mappings.get_mapping(security.uow_of(request), ctx, found)
    csv_mappings.delete_mapping(security.uow_of(request), ctx, found)
    return redirect(request, "/bank", flash=translate(request, "Format CSV {name} supprimé.", name=mapping.name))
