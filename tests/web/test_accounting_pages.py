"""Comptabilité pages: journal entries with balanced totals, export runs and their FEC / CSV downloads."""

from __future__ import annotations

import re
from datetime import date, timedelta

from acompte.adapters.exports.fec import read_fec
from acompte.services import companies, exports
from tests.helpers import paid_invoice

TODAY = date.today()
START = TODAY.replace(day=1)


def exported(app, ctx, customer):  # type: ignore[no-untyped-def]
    """One invoice of 1 000,00 € HT paid by transfer today, posted by an export run."""
    paid_invoice(app.uow(), ctx, customer.id, "1000.00", today=TODAY)
    return exports.run_export(app.uow(), ctx, date_from=START, date_to=TODAY)


def test_an_accountant_runs_an_export_and_downloads_the_fec(app, ctx, customer, web):
    paid_invoice(app.uow(), ctx, customer.id, "1000.00", today=TODAY)
    page = web.get("/accounting/exports")
    assert page.status_code == 200 and "Aucun export pour" in page.text
    form_key = re.search(r'name="form_key" value="([^"]+)"', page.text).group(1)
    data = {"date_from": START.isoformat(), "date_to": TODAY.isoformat(), "form_key": form_key}
    response = web.post("/accounting/exports", data)
    assert response.status_code == 303
    runs = exports.list_runs(app.uow(), ctx)
    assert len(runs) == 1 and runs[0].entry_count >= 2
    again = web.post("/accounting/exports", data)  # the same form posted twice records once
    assert again.status_code == 303 and len(exports.list_runs(app.uow(), ctx)) == 1
    listing = web.get("/accounting/exports")
    assert f"/accounting/exports/{runs[0].id}/fec" in listing.text and "2\u202f400,00\xa0€" in listing.text
    fec = web.get(f"/accounting/exports/{runs[0].id}/fec")
    assert fec.status_code == 200 and "attachment" in fec.headers["content-disposition"]
    assert "123456782FEC" in fec.headers["content-disposition"]
    _, lines = read_fec(fec.content)
    amounts = [(line.values["Debit"], line.values["Credit"]) for line in lines]
    assert len(lines) >= 4 and ("1200,00", "0,00") in amounts
    csv = web.get(f"/accounting/exports/{runs[0].id}/csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    year = web.get(f"/accounting/exports/{runs[0].id}/fec?scope=year")
    assert year.status_code == 200


def test_an_overlapping_period_is_refused_next_to_the_form_and_writes_nothing(app, ctx, customer, web):
    exported(app, ctx, customer)
    data = {"date_from": (START - timedelta(days=3)).isoformat(), "date_to": TODAY.isoformat()}
    refused = web.post("/accounting/exports", data)
    assert refused.status_code == 422 and 'class="alert"' in refused.text
    assert len(exports.list_runs(app.uow(), ctx)) == 1
    bad = web.post("/accounting/exports", {"date_from": "hier", "date_to": TODAY.isoformat()})
    assert bad.status_code == 422 and 'id="e-date_from"' in bad.text


def test_clerk_and_reader_cannot_run_an_export(app, ctx, customer, web_clerk, web_reader):
    paid_invoice(app.uow(), ctx, customer.id, "100.00", today=TODAY)
    data = {"date_from": START.isoformat(), "date_to": TODAY.isoformat()}
    for browser in (web_clerk, web_reader):
        assert browser.post("/accounting/exports", data).status_code == 403
        page = browser.get("/accounting/exports")
        assert page.status_code == 200 and 'action="/accounting/exports"' not in page.text
    assert exports.list_runs(app.uow(), ctx) == []


def test_entries_are_listed_with_balanced_totals_and_filters(app, ctx, customer, web):
    result = exported(app, ctx, customer)
    page = web.get("/accounting/entries")
    assert page.status_code == 200
    debit = re.search(r'id="total-debit">([^<]+)<', page.text).group(1)
    credit = re.search(r'id="total-credit">([^<]+)<', page.text).group(1)
    assert debit == credit == "2\u202f400,00\xa0€"  # the invoice (1 200,00) and its payment (1 200,00)
    assert "Équilibré" in page.text and "411" in page.text and "VE000001" in page.text
    sales = web.get("/accounting/entries?journal=VE")
    assert "VE000001" in sales.text and "BQ000001" not in sales.text
    assert re.search(r'id="total-debit">1\u202f200,00\xa0€<', sales.text)
    by_run = web.get(f"/accounting/entries?run={result.run_id}")
    assert "BQ000001" in by_run.text
    empty = web.get(f"/accounting/entries?date_from={(TODAY + timedelta(days=1)).isoformat()}&date_to=")
    assert "Aucune écriture" in empty.text
    csv = web.get("/accounting/entries?journal=VE&format=csv")
    assert csv.status_code == 200 and "VE000001" in csv.content.decode("utf-8-sig")


def test_fec_needs_the_siren(app, ctx, customer, web):
    result = exported(app, ctx, customer)
    with app.uow() as uow:
        uow.companies.update(ctx.company_id, siren=None)
        uow.commit()
    assert "Renseignez le SIREN" in web.get("/accounting/exports").text
    assert web.get(f"/accounting/exports/{result.run_id}/fec").status_code == 422
    assert companies.get_company(app.uow(), ctx).siren is None


def test_ereporting_csv_downloads(web):
    response = web.get(f"/accounting/ereporting?date_from={START.isoformat()}&date_to={TODAY.isoformat()}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")


def test_accounting_pages_in_english(app, ctx, customer, web):
    exported(app, ctx, customer)
    web.post("/language", {"lang": "en", "back": "/"})
    page = web.get("/accounting/entries")
    assert "Total debit" in page.text and "Balanced" in page.text and "1,200.00" in page.text
    assert "Run an export" in web.get("/accounting/exports").text
