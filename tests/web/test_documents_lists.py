"""The document list pages one page at a time, reading only its rows; the count and the totals of every filtered row
come apart (an htmx fragment, or the page when asked without JavaScript), and the export has every filtered row."""

from __future__ import annotations

import html
import re

from acompte.adapters.web.routes import documents as documents_routes
from tests.web.test_documents import invoice, line, pay


def _link(page: str, rel: str) -> str:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    assert found, rel
    return html.unescape(found.group(1))


def test_a_page_shows_its_rows_while_the_totals_and_the_csv_cover_every_filtered_row(app, web, customer, monkeypatch):
    ctx = web.ctx
    monkeypatch.setattr(documents_routes, "PER_PAGE", 2)
    made = [invoice(app, ctx, customer.id, line(price)) for price in ("100.00", "200.00", "300.00")]  # 720 TTC
    pay(app, ctx, customer.id, made[0].id, "120.00")
    first = web.get("/documents?flow=sale&kind=invoice&sort=number&dir=asc").text
    assert made[0].document.number in first and made[1].document.number in first
    assert made[2].document.number not in first
    assert "3 documents" not in first and "720,00\u00a0€" not in first  # the page does not count nor sum
    assert 'hx-get="/documents/totals?flow=sale&amp;kind=invoice&amp;sort=number&amp;dir=asc&amp;"' in first
    assert "Page 1" in first and 'rel="prev"' not in first
    totals = web.get("/documents/totals?flow=sale&kind=invoice&sort=number&dir=asc").text
    assert "3 documents" in totals and "720,00\u00a0€" in totals and "600,00\u00a0€" in totals  # gross, balance
    assert '<template><tfoot id="list-totals" hx-swap-oob="true">' in totals  # the footer, out of band
    asked = web.get("/documents?flow=sale&kind=invoice&sort=number&dir=asc&totals=1").text  # without JavaScript
    assert "3 documents" in asked and "720,00\u00a0€" in asked and "600,00\u00a0€" in asked
    assert made[2].document.number not in asked

    following = _link(first, "next")
    assert "after=" in following and "page=2" in following
    second = web.get(following).text
    assert made[2].document.number in second and made[0].document.number not in second
    assert "Page 2" in second and 'rel="next"' not in second
    back = web.get(_link(second, "prev")).text
    assert made[0].document.number in back and made[2].document.number not in back
    by_number = web.get("/documents?flow=sale&kind=invoice&sort=number&dir=asc&page=2").text
    assert made[2].document.number in by_number and made[0].document.number not in by_number
    past = web.get("/documents?flow=sale&kind=invoice&sort=number&dir=asc&page=9").text
    assert past.count("<tr>") == second.count("<tr>") and "Page 2" in past  # past the last page: the last page
    foreign = following.replace("dir=asc", "dir=desc")  # a cursor of another order: the page by its number
    assert web.get(foreign).status_code == 200
    assert web.get("/documents?flow=sale&kind=invoice&after=not-a-cursor&page=2").status_code == 200

    export = web.get("/documents?flow=sale&kind=invoice&sort=number&dir=asc&format=csv&page=2&after=x")
    rows = export.content.decode("utf-8-sig").splitlines()[1:]
    assert [r.split(";")[0] for r in rows] == [m.document.number for m in made]
    paid = web.get("/documents?flow=sale&kind=invoice&status=paid&format=csv").content.decode("utf-8-sig")
    assert paid.splitlines()[1].split(";")[0] == made[0].document.number and len(paid.splitlines()) == 2


def test_the_totals_follow_the_filters_and_a_status_page_pages_by_cursor(app, web, customer, monkeypatch):
    ctx = web.ctx
    monkeypatch.setattr(documents_routes, "PER_PAGE", 1)
    made = [invoice(app, ctx, customer.id, line(price)) for price in ("100.00", "200.00", "300.00")]
    pay(app, ctx, customer.id, made[1].id, "240.00")  # paid in full: two unpaid left, 120 + 360 = 480
    totals = web.get("/documents/totals?flow=sale&kind=invoice&status=unpaid").text
    assert "2 documents" in totals and "480,00\u00a0€" in totals
    seen, url = [], "/documents?flow=sale&kind=invoice&status=unpaid&sort=gross&dir=desc"
    while True:
        page = web.get(url).text
        seen += [m.document.number for m in made if m.document.number in page]
        if 'rel="next"' not in page:
            break
        url = _link(page, "next")
    assert seen == [made[2].document.number, made[0].document.number]
