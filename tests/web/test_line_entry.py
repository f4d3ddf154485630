"""Line entry on the document form: the fragments htmx swaps in (rows added and removed, an article filling its line,
the running totals per VAT rate priced by the service that prices the saved document), the page without scripts,
and what the server saves from rows added, removed and renumbered."""

from __future__ import annotations

import re
from decimal import Decimal

from acompte.domain.documents import Kind, LineInput
from acompte.domain.users import Role
from acompte.domain.vat import VatRounding
from acompte.services import companies, documents, parties
from acompte.services.ports import Ctx
from tests.helpers import line
from tests.web.conftest import FORM_KEY, browser_for
from tests.web.test_documents import invoice

NEW = "/documents/new?flow=sale&kind=invoice"
NNBSP, NBSP = "\u202f", "\u00a0"


def _eur(text: str) -> str:
    return text.replace(" ", NNBSP) + NBSP + "€"


def _totals(html: str) -> list[list[str]]:
    """The running totals table as rows of cell texts, the header row left out."""
    table = re.search(r'<table class="list line-totals" id="line-totals">.*?</table>', html, re.S)
    assert table, html
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0), re.S)[1:]
    cell = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in cell.findall(row)] for row in rows]


def _row(i: int, designation: str, quantity: str, price: str, rate: str, **extra: str) -> dict[str, str]:
    fields = {"item_id": "", "designation": designation, "quantity": quantity, "unit_price": price, "vat_rate": rate}
    return {f"line-{i}-{name}": value for name, value in (fields | extra).items()}


def _form(*rows: dict[str, str], **extra: str) -> dict[str, str]:
    data = {"flow": "sale", "kind": "invoice", "rows": str(len(rows)), **extra}
    for row in rows:
        data |= row
    return data


def _value(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def test_the_page_loads_htmx_from_the_package_configured_without_eval_or_inline_style(web):
    page = web.get(NEW).text
    assert '<script src="/static/htmx.min.js' in page and "lines.js" not in page
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page)
    assert config and '"allowEval":false' in config.group(1) and '"includeIndicatorStyles":false' in config.group(1)
    assert 'hx-post="/documents/lines/totals"' in page and 'hx-post="/documents/lines"' in page
    script = web.client.get("/static/htmx.min.js")
    assert script.status_code == 200 and script.text.startswith("/*! htmx 2.")
    assert "Zero-Clause BSD" in script.text[:400]


def test_the_totals_fragment_prices_the_lines_as_the_saved_document_and_skips_unreadable_ones(app, web):
    pose, plinthes = _row(0, "Pose", "2,5", "1 234,50", "10", discount="10"), _row(1, "Plinthes", "4", "12", "20")
    unreadable = _row(2, "Vis", "deux", "1", "20")  # not a number yet: left out until it is one
    response = web.post("/documents/lines/totals", _form(pose, plinthes, unreadable), csrf_from=NEW)
    assert response.status_code == 200, response.text
    # 2.5 × 1 234,50 × 0.9 = 2 777,625 → 2 777,63 at 10 % (VAT 277,76) + 48,00 at 20 % (VAT 9,60)
    assert _totals(response.text) == [
        [f"20{NBSP}%", _eur("48,00"), _eur("9,60"), _eur("57,60")],
        [f"10{NBSP}%", _eur("2 777,63"), _eur("277,76"), _eur("3 055,39")],
        ["Total", _eur("2 825,63"), _eur("287,36"), _eur("3 112,99")],
    ]
    assert "<html" not in response.text  # a fragment, not a page


def test_a_company_rounding_vat_per_line_sees_its_rounding_in_the_totals(app, web_app):
    company_id = companies.create_company(app.uow(), name="Arrondi ligne", vat_rounding=VatRounding.PER_LINE)
    browser = browser_for(app, web_app, Ctx(company_id, actor="tester"), Role.CLERK)
    sachets = _form(_row(0, "Sachet 1", "1", "0,10", "5.5"), _row(1, "Sachet 2", "1", "0,10", "5.5"))
    response = browser.post("/documents/lines/totals", sachets, csrf_from=NEW)
    # Per line: 0,0055 → 0,01 twice = 0,02 (on the sum, 0,20 × 5,5 % would give 0,01).
    assert _totals(response.text)[-1] == ["Total", _eur("0,20"), _eur("0,02"), _eur("0,22")]
    typed = [LineInput("Sachet", Decimal(1), Decimal("0.10"), Decimal("5.5"))] * 2
    assert documents.draft_totals(app.uow(), browser.ctx, typed, Kind.INVOICE).vat.amount == Decimal("0.02")


def test_choosing_an_article_fills_its_line_the_users_way_and_counts_it(app, web, ctx):
    item = parties.create_item(
        app.uow(), ctx, name="Parquet chêne", unit_price=Decimal("1234.5"), vat_rate=Decimal("5.5")
    )
    data = _form(_row(0, "Pose", "1", "100", "20"), _row(1, "", "2", "", "20", item_id=str(item.id)), fill="1")
    page = web.post("/documents/lines", data, csrf_from=NEW).text
    assert _value(page, "line-1-designation") == "Parquet chêne"
    assert _value(page, "line-1-unit_price") == f"1{NNBSP}234,50"
    assert re.search(r'name="line-1-vat_rate".*?<option value="5.5" selected>', page, re.S)
    assert _value(page, "line-0-unit_price") == "100,00"  # the other line written the user's way, not changed
    assert _totals(page)[-1] == ["Total", _eur("2 569,00"), _eur("155,80"), _eur("2 724,80")]  # 135,795 → 135,80
    web.client.cookies.set("acompte_lang", "en")
    english = web.post("/documents/lines", data, csrf_from=NEW).text
    assert _value(english, "line-1-unit_price") == "1,234.50"


def test_rows_are_added_and_removed_by_the_server_renumbered_for_the_save(web):
    rows = (
        _row(0, "Pose", "1", "10", "20"),
        _row(1, "À retirer", "1", "999", "10"),
        _row(2, "Plinthes", "4", "12", "20"),
    )
    removed = web.post("/documents/lines", _form(*rows, remove="1"), csrf_from=NEW).text
    assert _value(removed, "rows") == "2"
    assert _value(removed, "line-1-designation") == "Plinthes" and "À retirer" not in removed
    assert "Retirer la ligne 2" in removed and "Retirer la ligne 3" not in removed
    assert _totals(removed)[-1] == ["Total", _eur("58,00"), _eur("11,60"), _eur("69,60")]
    added = web.post("/documents/lines", _form(*rows, add="1"), csrf_from=NEW).text
    assert _value(added, "rows") == "4" and _value(added, "line-3-designation") == ""
    assert re.search(r'name="line-3-item_id"[^>]*autofocus', added)  # the new row takes the focus
    last = web.post("/documents/lines", _form(rows[0], remove="0"), csrf_from=NEW).text
    assert _value(last, "rows") == "1" and _value(last, "line-0-designation") == ""  # one empty line stays


def test_the_fragments_read_the_edited_document_of_this_company_only(app, web, web_app, customer):
    doc = invoice(app, web.ctx, customer.id, line("100"), validate=False)
    rows = _form(_row(0, "Pose", "1", "100", "20"))
    assert web.post(f"/documents/lines/totals?document={doc.id}", rows, csrf_from=NEW).status_code == 200
    other = companies.create_company(app.uow(), name="Autre société")
    intruder = browser_for(app, web_app, Ctx(other, actor="tester"), Role.ADMIN)
    assert intruder.post(f"/documents/lines?document={doc.id}", rows, csrf_from=NEW).status_code == 404


def test_without_scripts_the_page_shows_the_totals_and_adds_rows_by_posting_back(app, web, customer):
    page = web.get(NEW).text
    assert _totals(page)[-1] == ["Total", _eur("0,00"), _eur("0,00"), _eur("0,00")]
    assert 'class="link without-script">Ajouter des lignes' in page
    data = _form(_row(0, "Pose", "2", "50", "20"), party_id=str(customer.id), issue_date="2026-03-02", more="1")
    again = web.post("/documents/new", data, csrf_from=NEW)
    assert again.status_code == 200 and _value(again.text, "line-0-designation") == "Pose"
    assert _totals(again.text)[-1] == ["Total", _eur("100,00"), _eur("20,00"), _eur("120,00")]


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
    # Three rows typed, the middle one removed: the server renumbered the last one to line-1 and the form sends rows=2.
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
