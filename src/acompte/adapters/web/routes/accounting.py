"""Comptabilité: the journal entries (« Écritures ») and the accounting export runs (« Exports FEC »).

- `/accounting/entries`: posted entries of a period (or of one run), filtered by journal, 50 per page, with the
  debit and credit totals of the filtered entries (always equal) and a CSV of them (`?format=csv`).
- `/accounting/exports`: the runs so far and the form that posts a period (accountant); each run downloads as a
  FEC (its entries, or its whole financial year) and as a CSV. The e-reporting payment data of a period
  downloads as a CSV.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.exports.ereporting import write_payment_reports_csv
from acompte.adapters.exports.fec import DEFAULT_ENCODING, fec_filename, write_csv, write_fec
from acompte.adapters.web import errors, security
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain.accounting import Journal
from acompte.domain.dates import DateField, field_of, parse_day
from acompte.domain.errors import DomainError, InvalidDate, InvalidExportPeriod, MissingLegalIdentifier
from acompte.domain.money import Money, total
from acompte.services import companies, exports
from acompte.services.exports import Ledger, ereporting
from acompte.services.paging import page_window
from acompte.services.ports import Ctx

router = APIRouter()
PAGE_SIZE = 50


def _date(text: str | None) -> date | None:
    """The day typed, or None when empty or unreadable (a day outside the supported range is left to the use
    case, which refuses it with its sentence)."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _filter_day(request: Request, text: str | None, field: DateField, refused: dict[str, str]) -> date | None:
    """A filter's day, or None when empty or unreadable; a day outside the supported range is None too and its
    sentence goes to `refused` under the field's name, shown next to the field."""
    try:
        return parse_day(text, field) if text else None
    except ValueError:
        return None
    except InvalidDate as exc:
        refused[field.value] = errors.error_text(request, exc)
        return None


def _download(content: bytes, media_type: str, filename: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "fichier"
    return Response(content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{safe}"'})


def _filtered(ledger: Ledger, keep: list[int]) -> Ledger:
    """The ledger with only the entries at `keep` (matching letters kept with their lines)."""
    index = {old: new for new, old in enumerate(keep)}
    matches = {(index[i], j): m for (i, j), m in ledger.matches.items() if i in index}
    return replace(ledger, entries=tuple(ledger.entries[i] for i in keep), matches=matches)


# -- journal entries -------------------------------------------------------------------------------------------


@router.get("/accounting/entries")
def entries_page(
    request: Request,
    ctx: security.PageRead,
    date_from: str | None = None,
    date_to: str | None = None,
    journal: str | None = None,
    run: int | None = None,
    page: int = 1,
    format: str | None = None,
) -> Response:
    uow = security.uow_of(request)
    refused: dict[str, str] = {}
    start = _filter_day(request, date_from, DateField.DATE_FROM, refused)
    end = _filter_day(request, date_to, DateField.DATE_TO, refused)
    if run is not None:
        ledger = exports.ledger(uow, ctx, run_id=run)
    else:
        ledger = exports.ledger(uow, ctx, on=start or end or uow.clock.today())
    code = journal if journal in {j.value for j in Journal} else ""
    keep = [
        i
        for i, posted in enumerate(ledger.entries)
        if (start is None or posted.entry.entry_date >= start)
        and (end is None or posted.entry.entry_date <= end)
        and (not code or posted.entry.journal.value == code)
    ]
    shown = _filtered(ledger, keep)
    if format == "csv":
        name = f"ecritures-{shown.date_from:%Y%m%d}-{shown.date_to:%Y%m%d}.csv"
        return _download(write_csv(shown), "text/csv; charset=utf-8", name)
    page, pages, first = page_window(len(shown.entries), page, PAGE_SIZE)
    rows = []
    for i in range(first, min(first + PAGE_SIZE, len(shown.entries))):
        posted = shown.entries[i]
        lines = [(line, shown.matches.get((i, j))) for j, line in enumerate(posted.entry.lines)]
        rows.append({"posted": posted, "lines": lines})
    currency = ledger.currency
    debit = total((p.entry.debit for p in shown.entries), currency) if shown.entries else Money.zero(currency)
    credit = total((p.entry.credit for p in shown.entries), currency) if shown.entries else Money.zero(currency)
    params = {"date_from": date_from or "", "date_to": date_to or "", "journal": code}
    if run is not None:
        params["run"] = str(run)
    context = {
        "rows": rows,
        "count": len(shown.entries),
        "debit": debit,
        "credit": credit,
        "ledger": ledger,
        "filters": params,
        "errors": refused,
        "run": run,
        "journals": [(j.value, translate(request, j.label)) for j in Journal],
        "page": page,
        "pages": pages,
        "query_string": urlencode({k: v for k, v in params.items() if v}),
    }
    return render(request, "accounting/entries.html", context, 422 if refused else 200)


# -- export runs ------------------------------------------------------------------------------------------------


def _default_period(runs: list[exports.RunSummary], today: date) -> tuple[date, date]:
    """From the day after the last exported period (else the 1st of the month) to yesterday or that day."""
    start = max(r.date_to for r in runs) + timedelta(days=1) if runs else today.replace(day=1)
    return start, max(start, today - timedelta(days=1))


def _exports_page(
    request: Request,
    ctx: Ctx,
    *,
    typed: dict[str, str] | None = None,
    errors_: dict[str, str] | None = None,
) -> Response:
    uow = security.uow_of(request)
    runs = sorted(exports.list_runs(uow, ctx), key=lambda r: r.id, reverse=True)
    today = uow.clock.today()
    start, end = _default_period(runs, today)
    company = companies.get_company(uow, ctx)
    principal = security.session_principal(request)
    context = {
        "runs": runs,
        "values": {"date_from": start.isoformat(), "date_to": end.isoformat(), **(typed or {})},
        "errors": errors_ or {},
        "form_key": security.new_form_key(),
        "siren": company.siren,
        "can_export": principal.role.value in ("admin", "accountant"),
        "report_from": today.replace(day=1).isoformat(),
        "report_to": today.isoformat(),
    }
    return render(request, "accounting/exports.html", context, 422 if errors_ else 200)


@router.get("/accounting/exports")
def exports_page(request: Request, ctx: security.PageRead) -> Response:
    return _exports_page(request, ctx)


@router.post("/accounting/exports")
def run_export(request: Request, ctx: security.PageAccounting) -> Response:
    form = security.posted_form(request)
    typed = {k: str(form.get(k) or "").strip() for k in ("date_from", "date_to")}
    form_key = form.get(security.FORM_KEY_FIELD)
    form_key = form_key if isinstance(form_key, str) else None
    start, end = _date(typed["date_from"]), _date(typed["date_to"])
    if start is None or end is None:
        field = "date_from" if start is None else "date_to"
        return _exports_page(request, ctx, typed=typed, errors_={field: translate(request, "Date invalide.")})
    uow = security.uow_of(request)
    try:
        with uow:
            again = security.replayed(uow, ctx, request, form_key)
            if again is not None:
                return again
            result = exports.run_export(uow, ctx, date_from=start, date_to=end)
            location = f"/accounting/exports#run-{result.run_id}"
            security.remember(uow, ctx, form_key, location)
            uow.commit()
    except DomainError as exc:
        field = "date_to" if isinstance(exc, InvalidExportPeriod) else "__all__"
        field = field_of(exc) if isinstance(exc, InvalidDate) else field
        return _exports_page(request, ctx, typed=typed, errors_={field: errors.error_text(request, exc)})
    message = translate(request, "Export enregistré : {count} écritures", count=len(result.posted))
    return redirect(request, location, flash=message)


@router.get("/accounting/exports/{run_id}/fec")
def run_fec(
    request: Request, run_id: int, ctx: security.PageRead, scope: str = "run", separator: str = "tab"
) -> Response:
    uow = security.uow_of(request)
    run = exports.get_run(uow, ctx, run_id)
    company = companies.get_company(uow, ctx)
    if not company.siren:
        raise MissingLegalIdentifier(what="le SIREN", whose=company.name)
    if scope == "year":
        ledger = exports.ledger(uow, ctx, fiscal_year_end=run.fiscal_year_end)
    else:
        ledger = exports.ledger(uow, ctx, run_id=run.id)
    content = write_fec(ledger, separator="|" if separator == "pipe" else "\t")
    return _download(
        content, f"text/plain; charset={DEFAULT_ENCODING}", fec_filename(company.siren, ledger.closing_date)
    )


@router.get("/accounting/exports/{run_id}/csv")
def run_csv(request: Request, run_id: int, ctx: security.PageRead) -> Response:
    uow = security.uow_of(request)
    run = exports.get_run(uow, ctx, run_id)
    content = write_csv(exports.ledger(uow, ctx, run_id=run.id))
    return _download(content, "text/csv; charset=utf-8", f"ecritures-{run.date_from:%Y%m%d}-{run.date_to:%Y%m%d}.csv")


@router.get("/accounting/ereporting")
def ereporting_csv(
    request: Request, ctx: security.PageRead, date_from: str | None = None, date_to: str | None = None
) -> Response:
    uow = security.uow_of(request)
    end = _date(date_to) or uow.clock.today()
    start = _date(date_from) or end.replace(month=1, day=1)
    found = ereporting.payment_reports(uow, ctx, date_from=start, date_to=end)
    name = f"e-reporting-paiements-{start:%Y%m%d}-{end:%Y%m%d}.csv"
    return _download(write_payment_reports_csv(found), "text/csv; charset=utf-8", name)
