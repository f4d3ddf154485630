"""Line entry on the document form: what the server renders for the script (static/lines.js) — the article data on
each option, the numbers written the user's way — and what it saves from rows the script added, removed and
renumbered."""

from __future__ import annotations

import re
from decimal import Decimal

from acompte.services import documents, parties
from tests.helpers import line
from tests.web.conftest import FORM_KEY
from tests.web.test_documents import invoice

NEW = "/documents/new?flow=sale&kind=invoice"


def _option(html: str, item_id: int) -> str:
    found = re.search(rf'<option value="{item_id}"[^>]*>', html)
    assert found, html
    return found.group(0)


def test_each_article_option_carries_its_designation_price_and_rate_the_users_way(app, web, ctx):
    item = parties.create_item(
        app.uow(), ctx, name="Parquet chêne", unit_price=Decimal("1234.5"), vat_rate=Decimal("5.5")
    )
    small = parties.create_item(app.uow(), ctx, name="Vis", unit_price=Decimal("0.0125"), vat_rate=Decimal("20"))
    page = web.get(NEW).text
    assert 'data-designation="Parquet chêne" data-price="1\u202f234,50" data-vat="5.5"' in _option(page, item.id)
    assert 'data-price="0,0125" data-vat="20"' in _option(page, small.id)
    assert '<script src="/static/lines.js' in page and 'id="line-totals"' in page
    web.client.cookies.set("acompte_lang", "en")
    english = web.get(NEW).text
    assert 'data-price="1,234.50"' in _option(english, item.id)
    assert 'data-locale="en-GB" data-currency="EUR"\n         data-places="2" data-rounding="per_rate"' in english


def test_a_refused_form_shows_the_numbers_it_could_read_formatted_and_the_wrong_one_as_typed(web, customer):
    data = {
        "flow": "sale",
        "kind": "invoice",
        "rows": "2",
        "party_id": str(customer.id),
        "issue_date": "2026-03-02",
        "line-0-designation": "Pose",
        "line-0-quantity": "2.50",
        "line-0-unit_price": "1234.5",
        "line-0-discount": "10",
        "line-0-vat_rate": "20",
        "line-1-designation": "Vis",
        "line-1-quantity": "deux",
        "line-1-unit_price": "100",
        "line-1-vat_rate": "20",
    }
    response = web.post("/documents/new", data)
    assert response.status_code == 422
    page = response.text
    assert 'name="line-0-quantity" value="2,5"' in page
    assert 'name="line-0-unit_price" value="1\u202f234,50"' in page
    assert 'name="line-0-discount" value="10"' in page
    assert 'name="line-1-quantity" value="deux"' in page
    assert 'name="line-1-unit_price" value="100,00"' in page


def test_the_edit_form_shows_unit_prices_with_the_currency_decimals(app, web, customer):
    doc = invoice(app, web.ctx, customer.id, line("100", qty="1200"), line("12.3456", qty="0.5"), validate=False)
    page = web.get(f"/documents/{doc.id}/edit").text
    assert 'name="line-0-quantity" value="1\u202f200"' in page
    assert 'name="line-0-unit_price" value="100,00"' in page
    assert 'name="line-1-quantity" value="0,5"' in page
    assert 'name="line-1-unit_price" value="12,3456"' in page


def test_rows_removed_and_renumbered_in_the_browser_save_exactly_the_lines_sent(app, web, customer):
    # Three rows typed, the middle one removed: the script renumbers the last one to line-1 and sends rows=2.
    key = FORM_KEY.search(web.get(NEW).text).group(1)
    data = {
        "flow": "sale",
        "kind": "invoice",
        "rows": "2",
        "party_id": str(customer.id),
        "issue_date": "2026-03-02",
        "form_key": key,
        "line-0-designation": "Pose de parquet",
        "line-0-quantity": "2,5",
        "line-0-unit_price": "1 234,50",
        "line-0-discount": "10",
        "line-0-vat_rate": "10",
        "line-1-designation": "Plinthes",
        "line-1-quantity": "4",
        "line-1-unit_price": "12",
        "line-1-vat_rate": "20",
        "line-2-designation": "Ligne retirée : au-delà de rows, jamais lue",
        "line-2-quantity": "1",
        "line-2-unit_price": "999",
        "line-2-vat_rate": "20",
    }
    response = web.post("/documents/new", data, csrf_from=NEW)
    assert response.status_code == 303, response.text
    doc_id = int(response.headers["location"].rsplit("/", 1)[1])
    doc = documents.get_document(app.uow(), web.ctx, doc_id).document
    assert [(x.designation, x.quantity, x.unit_price, x.vat_rate) for x in doc.lines] == [
        ("Pose de parquet", Decimal("2.5"), Decimal("1234.50"), Decimal("10")),
        ("Plinthes", Decimal("4"), Decimal("12"), Decimal("20")),
    ]
    # 2.5 × 1 234,50 × 0.9 = 2 777,625 → 2 777,63 at 10 % (VAT 277,76) + 48,00 at 20 % (VAT 9,60)
    assert (doc.net.amount, doc.gross.amount) == (Decimal("2825.63"), Decimal("3112.99"))
