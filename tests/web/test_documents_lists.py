"""The document list pages one page at a time but totals, counts and exports every filtered row."""

from __future__ import annotations

from acompte.adapters.web.routes import documents as documents_routes
from tests.web.test_documents import invoice, line, pay


def test_a_page_shows_its_rows_while_the_totals_and_the_csv_cover_every_filtered_row(app, web, customer, monkeypatch):
    ctx = web.ctx
    monkeypatch.setattr(documents_routes, "PER_PAGE", 2)
    made = [invoice(app, ctx, customer.id, line(price)) for price in ("100.00", "200.00", "300.00")]  # 720 TTC
    pay(app, ctx, customer.id, made[0].id, "120.00")
    first = web.get("/documents?flow=sale&kind=invoice&sort=number&dir=asc").text
    assert made[0].document.number in first and made[1].document.number in first
    assert made[2].document.number not in first
    assert "3 documents" in first and "720,00\u00a0€" in first and "600,00\u00a0€" in first  # gross, balance
    second = web.get("/documents?flow=sale&kind=invoice&sort=number&dir=asc&page=2").text
    assert made[2].document.number in second and made[0].document.number not in second
    assert web.get("/documents?flow=sale&kind=invoice&sort=number&dir=asc&page=9").text.count("<tr>") == (
        second.count("<tr>")
    )  # past the last page: the last page
    export = web.get("/documents?flow=sale&kind=invoice&sort=number&dir=asc&format=csv&page=1")
    rows = export.content.decode("utf-8-sig").splitlines()[1:]
    assert [r.split(";")[0] for r in rows] == [m.document.number for m in made]
    paid = web.get("/documents?flow=sale&kind=invoice&status=paid&format=csv").content.decode("utf-8-sig")
    assert paid.splitlines()[1].split(";")[0] == made[0].document.number and len(paid.splitlines()) == 2
