"""The home page: the dashboard's figures in French (English on request), each a link to a list that shows the
same amount, the cash chart drawn by the vendored Chart.js from the API's series (a JSON data island) with its
table, and nothing inline that the CSP would refuse."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest

from acompte.adapters.i18n.formats import money
from acompte.services import dashboard
from tests.api.conftest import api_app, client, people, reader  # noqa: F401 (the API's fixtures, for the series)
from tests.dashboard_helpers import half_year


@pytest.fixture
def story(app, ctx):  # type: ignore[no-untyped-def]
    return half_year(app.uow(), ctx)


@pytest.fixture
def figures(app, ctx, story):  # type: ignore[no-untyped-def]
    """The figures as the page computes them: on the application clock's day."""
    return dashboard.dashboard(app.uow(), ctx)


def card(page: str, figure: str) -> str:
    found = re.search(rf'<li class="dash-card" id="fig-{figure}">(.*?)</li>', page, re.S)
    assert found, figure
    return unescape(found.group(1))


def link_of(block: str, index: int = 0) -> str:
    return re.findall(r'href="([^"]+)"', block)[index]


def test_the_home_page_shows_each_figure_in_french(web, figures):
    page = web.get("/")
    assert page.status_code == 200
    assert "Dû par les clients" in page.text and "Tableau de bord" in page.text
    assert money(figures.receivable.total, "fr") in card(page.text, "receivable")
    assert money(figures.receivable.total, "fr") == "1\u202f840,00\xa0€"
    assert money(figures.payable.total, "fr") in card(page.text, "payable")
    assert money(figures.deposits, "fr") in card(page.text, "deposits")
    assert money(figures.unallocated_payments.total, "fr") in card(page.text, "unallocated")
    assert money(figures.overpayments.total, "fr") in card(page.text, "overpayments")
    assert money(figures.unused_credit_notes.total, "fr") in card(page.text, "credits")


def test_each_figure_links_to_a_list_showing_the_same_amount(web, figures):
    page = web.get("/").text
    aged = web.get(link_of(card(page, "receivable")))
    assert aged.status_code == 200 and money(figures.receivable.total, "fr") in aged.text
    assert money(figures.receivable.overdue, "fr") in page
    payable = web.get(link_of(card(page, "payable")))
    assert money(figures.payable.total, "fr") in payable.text
    # the payments with money left: the two cards split the one list (« Trop-perçus »)
    left = web.get(link_of(card(page, "overpayments")))
    assert link_of(card(page, "overpayments")) == link_of(card(page, "unallocated"))
    assert money(figures.unallocated_payments.total + figures.overpayments.total, "fr") in left.text
    credits_block = card(page, "credits")
    unused = web.get(link_of(credits_block, 0))
    assert money(figures.credit_notes_unused.total, "fr") in unused.text
    partial = web.get(link_of(credits_block, 1))
    assert money(figures.credit_notes_partially_used.total, "fr") in partial.text
    for href in re.findall(r'href="([^"]+)"', card(page, "deposits")):
        assert web.get(href).status_code == 200


def _list_total(page: str) -> str:
    found = re.search(r"<td [^>]*data-total>(.*?)</td>", page)
    assert found, "no total"
    return unescape(found.group(1))


def test_each_deposit_card_links_to_a_list_whose_total_is_the_cards_figure(web, story, figures):
    page = web.get("/").text
    received = card(page, "deposits")
    shown = [figures.deposits, figures.deposits_not_invoiced.total, figures.deposits_not_deducted.total]
    assert all(amount.is_positive for amount in shown)  # the story holds some of each
    links = [unescape(href) for href in re.findall(r'href="([^"]+)"', received)]
    assert links == [f"/deposits/waiting?figure={f}" for f in ("received", "not_invoiced", "not_deducted")]
    for href, amount in zip(links, shown, strict=True):
        assert money(amount, "fr") in received
        listed = web.get(href)
        assert listed.status_code == 200 and _list_total(listed.text) == money(amount, "fr"), href
    rows = web.get(links[1]).text.count('data-label="Pièce"')
    assert rows == figures.deposits_not_invoiced.count
    awaited = card(page, "deposits-awaited")
    assert money(figures.deposits_awaited.tally.total, "fr") in awaited
    listed = web.get(unescape(link_of(awaited))).text
    assert _list_total(listed) == money(figures.deposits_awaited.tally.total, "fr")
    assert f'href="/documents/{story.awaited}?tab=deposits"' in listed


def test_the_deposit_lists_in_english_and_for_another_company(web, web_intruder, story, figures):
    web.client.cookies.set("acompte_lang", "en")
    english = web.get("/deposits/waiting?figure=awaited").text
    assert "Deposits in progress" in english and "Still to receive" in english
    assert _list_total(english) == money(figures.deposits_awaited.tally.total, "en")
    theirs = web_intruder.get("/deposits/waiting?figure=received").text
    assert "Aucun acompte." in theirs and _list_total(theirs) == "0,00\xa0€"
    assert web.get("/deposits/waiting?figure=nonsense").status_code == 200  # an unknown figure: all received


def test_overdue_buckets_and_todays_actions_link_to_their_documents(web, story, figures):
    page = web.get("/").text
    assert f'href="/documents/{story.awaited}?tab=deposits"' in page
    assert unescape(money(figures.deposits_awaited.tally.total, "fr")) in unescape(page)
    for document in figures.overdue_invoices.oldest:
        assert f'href="/documents/{document.document_id}"' in page
        assert web.get(f"/documents/{document.document_id}").status_code == 200
    assert money(figures.overdue_invoices.tally.total, "fr") in page
    for overpayment in figures.overpayments_to_decide:
        assert f'href="/payments/{overpayment.payment_id}"' in page
    assert "1 facture en brouillon" in page
    assert 'href="/documents?flow=sale&amp;kind=invoice&amp;state=draft"' in page
    drafts = web.get("/documents?flow=sale&kind=invoice&state=draft")
    assert drafts.status_code == 200


def _island(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="cash-data">(.*?)</script>', page, re.S)
    assert found, "no data island"
    return json.loads(found.group(1))


def test_the_cash_chart_is_drawn_by_the_vendored_library_from_a_data_island_with_its_table(web, figures):
    page = web.get("/").text
    assert '<canvas id="cash-chart" role="img"' in page
    assert '<script src="/static/chart.umd.min.js' in page and '<script src="/static/cash-chart.js' in page
    assert "<svg" not in page  # one rendering of the chart, not two
    island = _island(page)
    assert [m["cash_in"]["amount"] for m in island["series"]] == [f"{m.cash_in.amount:f}" for m in figures.cash]
    busiest = max(range(len(figures.cash)), key=lambda i: figures.cash[i].cash_in.amount)
    assert island["shown"][busiest][0] == "Encaissé : " + money(figures.cash[busiest].cash_in, "fr")
    assert money(figures.cash[busiest].cash_in, "fr") in page  # the table gives every month's amounts
    assert '<th scope="row">' in page
    assert "style=" not in page
    assert re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))", page) is None
    assert '<link rel="stylesheet" href="/static/dashboard.css' in page
    for asset in ("dashboard.css", "chart.umd.min.js", "cash-chart.js"):
        assert web.get(f"/static/{asset}").status_code == 200
    assert web.get("/static/chart.umd.min.js").text.startswith("/*!\n * Chart.js v4.")


def test_the_chart_draws_the_apis_series_month_for_month(web, figures, request):
    island = _island(web.get("/").text)
    answer = request.getfixturevalue("reader").get("dashboard")  # a read-only API user of the same company
    assert answer.status_code == 200, answer.text
    assert island["series"] == answer.json()["cash"]
    web.client.cookies.set("acompte_lang", "en")
    english = _island(web.get("/").text)
    assert english["series"] == island["series"] and english["names"] == ["Received", "Paid out"]


def test_in_english(web, figures):
    web.client.cookies.set("acompte_lang", "en")
    page = web.get("/").text
    assert "Owed by customers" in page and "Dû par les clients" not in page
    assert money(figures.receivable.total, "en") == "€1,840.00"
    assert "€1,840.00" in page
    assert "1 draft invoice" in page


def test_a_reader_sees_the_dashboard_too(web_reader, figures):
    page = web_reader.get("/")
    assert page.status_code == 200 and money(figures.receivable.total, "fr") in page.text


def test_another_company_sees_only_its_own(app, web_intruder, story):
    page = web_intruder.get("/").text
    assert "Client Tableau" not in page
    theirs = dashboard.dashboard(app.uow(), web_intruder.ctx)
    assert theirs.receivable.total.is_zero and money(theirs.receivable.total, "fr") in page
