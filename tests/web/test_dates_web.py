"""Dates in the pages: a filter or a form field outside 1900-01-01 … 2999-12-31 is answered at once with the
sentence next to the field (a read-only user filtering the entries on year 1 used to hang the server)."""

from __future__ import annotations

import re
import time

from acompte.services import documents, exports

FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')
SENTENCE = "doit être comprise entre le 01/01/1900 et le 31/12/2999"


def _field_error(html: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="e-{field}" role="alert">([^<]*)</p>', html)
    assert found, html
    return found.group(1).replace("&#39;", "'")


def test_a_read_only_user_filtering_the_entries_on_year_1_gets_the_error_next_to_the_field(web_reader) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    page = web_reader.get("/accounting/entries?date_from=0001-01-01&date_to=0001-12-31")
    assert time.monotonic() - started < 5
    assert page.status_code == 422
    assert _field_error(page.text, "date_from") == f"Date invalide : la date de début {SENTENCE}."
    assert SENTENCE in _field_error(page.text, "date_to")


def test_the_export_form_refuses_year_1_next_to_the_field(app, ctx, web) -> None:  # type: ignore[no-untyped-def]
    page = web.get("/accounting/exports")
    key = FORM_KEY.search(page.text).group(1)  # type: ignore[union-attr]
    data = {"date_from": "0001-01-01", "date_to": "0001-12-31", "form_key": key}
    response = web.post("/accounting/exports", data, csrf_from="/accounting/exports")
    assert response.status_code == 422
    assert SENTENCE in _field_error(response.text, "date_from")
    assert exports.list_runs(app.uow(), ctx) == []


def test_a_document_form_refuses_a_date_in_year_3000_next_to_the_field(app, ctx, web, customer) -> None:  # type: ignore[no-untyped-def]
    page = web.get("/documents/new?flow=sale&kind=invoice")
    key = FORM_KEY.search(page.text).group(1)  # type: ignore[union-attr]
    data = {
        "flow": "sale",
        "kind": "invoice",
        "rows": "5",
        "party_id": str(customer.id),
        "issue_date": "3000-01-01",
        "line-0-designation": "Pose",
        "line-0-quantity": "1",
        "line-0-unit_price": "10",
        "line-0-vat_rate": "20",
        "form_key": key,
    }
    response = web.post("/documents/new", data, csrf_from="/documents/new?flow=sale&kind=invoice")
    assert response.status_code == 422, response.text[:300]
    assert _field_error(response.text, "issue_date") == f"Date invalide : la date du document {SENTENCE}."
    assert documents.list_documents(app.uow(), ctx) == []


def test_the_lists_and_the_statement_answer_a_filter_on_year_1_at_once_with_the_sentence(web_reader, customer) -> None:  # type: ignore[no-untyped-def]
    for path in (
        "/documents?flow=sale&kind=invoice&date_from=0001-01-01",
        "/documents?flow=sale&kind=invoice&date_to=9999-12-31&format=csv",
        "/payments?date_from=0001-01-01",
        f"/contacts/{customer.id}/statement?from=0001-01-01&to=0001-12-31",
    ):
        started = time.monotonic()
        page = web_reader.get(path)
        assert time.monotonic() - started < 5, path
        assert page.status_code == 422, (path, page.status_code)
        assert SENTENCE in page.text, path
