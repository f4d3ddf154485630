"""In Chromium at 390 px: no page scrolls sideways, the navigation folds behind « Menu », lists become cards whose
cells say what they are (« Reste dû », « Statut »), filters start folded. At 1 440 px the same pages keep their
header, open filters and table layout."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from acompte.adapters.i18n.formats import money
from acompte.domain.documents import Flow, Kind
from acompte.domain.users import Role
from acompte.services import documents, exports, parties, users
from tests.api.conftest import PASSWORD
from tests.browser.conftest import screenshot
from tests.dashboard_helpers import Story, half_year

PAGE_WIDTH = "() => document.documentElement.scrollWidth"

#: What each card cell shows before its value (the ::before content, which innerText leaves out).
CELL_LABEL = "(cell) => getComputedStyle(cell, '::before').content"


def main_pages(story: Story) -> dict[str, str]:
    customer = story.customer
    return {
        "home": "/",
        "sale-invoices": "/documents?flow=sale&kind=invoice",
        "sale-orders": "/documents?flow=sale&kind=order",
        "document": f"/documents/{story.invoices[0]}",
        "payments": "/payments",
        "contacts": "/contacts",
        "contact-account": f"/contacts/{customer}/account",
        "credits": "/credits?flow=sale",
        "settle": f"/settle?party_id={customer}",
        "accounting-entries": "/accounting/entries",
        "settings": "/settings",
        "deposit-invoice-form": f"/documents/{story.orders[1]}/deposit-invoice",
        "overpayments": "/overpayments",
        "aged-balance": "/accounting/aged-balance",
        "bank": "/bank",
        "bank-lines": "/bank/lines",
        "items": "/items",
        "deposits-waiting": "/deposits/waiting?figure=awaited",
    }


@pytest.fixture
def story(app, ctx, live_server, page):  # type: ignore[no-untyped-def]
    built = half_year(app.uow(), ctx)
    email = f"compta-{uuid.uuid4().hex[:6]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD)
    users.grant(app.uow(), ctx, email=email, role=Role.ADMIN)
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server}/")
    return built


def test_at_390_px_no_page_is_wider_than_the_screen(live_server, page, story):
    page.set_viewport_size({"width": 390, "height": 844})
    too_wide = {}
    for name, path in main_pages(story).items():
        page.goto(f"{live_server}{path}")
        width = page.evaluate(PAGE_WIDTH)
        if width > 390:
            too_wide[name] = width
        screenshot(page, f"narrow-{name}")
    assert too_wide == {}


def test_at_390_px_the_navigation_folds_behind_menu(live_server, page, story):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/payments")
    header = page.locator("header.top")
    for word in ("Comptabilité", "Paramètres", "Se déconnecter"):
        assert not header.get_by_text(word, exact=True).is_visible(), word
    header_box = header.bounding_box()
    assert header_box and header_box["height"] < 80  # one line: the brand and « Menu »
    page.get_by_text("Menu", exact=True).click()
    for word in ("Comptabilité", "Paramètres", "Se déconnecter"):
        shown = header.get_by_text(word, exact=True)
        assert shown.is_visible(), word
        box = shown.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (word, box)
    assert page.evaluate(PAGE_WIDTH) <= 390
    page.get_by_text("Comptabilité", exact=True).click()
    page.get_by_role("link", name="Écritures").click()
    page.wait_for_url(f"{live_server}/accounting/entries")


def test_at_390_px_invoices_are_cards_showing_balance_due_and_status(live_server, page, story):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/documents?flow=sale&kind=invoice")
    head = page.locator("table.card-list thead").bounding_box()
    assert head is None or head["height"] <= 1  # the column headings are for screen readers only
    assert page.locator("table.card-list tbody tr").count() >= 4
    row = page.locator("table.card-list tbody tr").filter(has=page.locator('td[data-label="Statut"] .badge')).first
    balance = row.locator('td[data-label="Reste dû"]')
    status = row.locator('td[data-label="Statut"]')
    assert balance.evaluate(CELL_LABEL) == '"Reste dû\u00a0:"'
    assert status.evaluate(CELL_LABEL) == '"Statut\u00a0:"'
    assert balance.is_visible() and "€" in balance.inner_text()
    assert status.is_visible() and status.locator(".badge").inner_text().strip() != ""
    first, second = (row.locator(f'td[data-label="{label}"]').bounding_box() for label in ("Reste dû", "Statut"))
    assert first and second and second["y"] > first["y"]  # stacked in the card, not side by side
    assert first["x"] + first["width"] <= 390 and second["x"] + second["width"] <= 390
    screenshot(page, "narrow-invoice-cards")


def test_at_390_px_the_invoice_list_shows_its_count_and_totals_once_loaded(app, ctx, live_server, page, story):
    """The page comes without them; htmx fetches them once it is shown: the count line, and the table's footer
    swapped in out of band — the figures the service gives for every filtered row, as cards at 390 px."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/documents?flow=sale&kind=invoice")
    totals = documents.document_list_totals(app.uow(), ctx, flow=Flow.SALE, kind=Kind.INVOICE)
    expect(page.locator("#list-count")).to_contain_text(f"{totals.count} documents")
    footer = page.locator("#list-totals")
    expect(footer).to_contain_text(f"Total des {totals.count} documents filtrés")
    for label, figure in (("Total TTC", totals.gross), ("Reste dû", totals.balance_due)):
        cell = footer.locator(f'td[data-label="{label}"]')
        expect(cell).to_have_text(money(figure, "fr"))
        box = cell.bounding_box()
        assert box and box["x"] + box["width"] <= 390, label
    assert page.evaluate(PAGE_WIDTH) <= 390
    screenshot(page, "narrow-invoice-totals")


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/items", "Prix unitaire HT"),
        ("/accounting/aged-balance", "Plus de 90 jours"),
        ("/accounting/entries", "Débit"),
    ],
)
def test_at_390_px_articles_the_aged_balance_and_journal_entries_are_cards(
    app, ctx, live_server, page, story, path, label
):
    parties.create_item(app.uow(), ctx, name="Pose de parquet", unit_price=Decimal("45"), vat_rate=Decimal("10"))
    today = date.today()
    exports.run_export(app.uow(), ctx, date_from=date(today.year, 1, 1), date_to=today)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}{path}")
    head = page.locator("table.card-list thead").bounding_box()
    assert head is None or head["height"] <= 1, path  # the column headings are for screen readers only
    cell = page.locator(f'table.card-list tbody td[data-label="{label}"]').first
    assert cell.is_visible(), path
    assert cell.evaluate(CELL_LABEL) == f'"{label}\u00a0:"', path
    box = cell.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (path, box)
    card = (
        page.locator("table.card-list tbody").first if "entries" in path else page.locator("table.card-list tr").nth(1)
    )
    assert card.evaluate("(el) => getComputedStyle(el).display") == "block", path
    assert page.evaluate(PAGE_WIDTH) <= 390, path
    screenshot(page, "narrow-cards-" + path.rsplit("/", 1)[1])


@pytest.mark.parametrize("path", ["/documents?flow=sale&kind=invoice", "/payments", "/contacts", "/credits?flow=sale"])
def test_at_390_px_filters_start_folded(live_server, page, story, path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}{path}")
    fold = page.locator("details.filters-fold")
    assert fold.get_attribute("open") is None
    assert not page.locator("form.filters button[type=submit]").is_visible()
    fold.locator("summary").click()
    assert page.locator("form.filters button[type=submit]").is_visible()
    assert page.evaluate(PAGE_WIDTH) <= 390


def test_at_1440_px_the_header_filters_and_tables_look_as_before(live_server, page, story):
    page.set_viewport_size({"width": 1440, "height": 900})
    for path in ("/documents?flow=sale&kind=invoice", "/payments", "/contacts", "/credits?flow=sale"):
        page.goto(f"{live_server}{path}")
        header = page.locator("header.top")
        assert not header.get_by_text("Menu", exact=True).is_visible()
        for word in ("Comptabilité", "Paramètres", "Se déconnecter"):
            assert header.get_by_text(word, exact=True).is_visible(), (path, word)
        header_box = header.bounding_box()
        assert header_box and header_box["height"] < 60, path  # all on one line
        assert page.locator("form.filters button[type=submit]").is_visible(), path
        assert not page.locator("details.filters-fold > summary").is_visible(), path
        table = page.locator("table.card-list")
        assert table.evaluate("(t) => getComputedStyle(t).display") == "table", path
        assert page.locator("table.card-list thead").is_visible(), path
        cells = page.locator("table.card-list tbody tr").first.locator("td")
        boxes = [cells.nth(i).bounding_box() for i in range(2)]
        assert boxes[0] and boxes[1] and boxes[0]["y"] == boxes[1]["y"], path  # one row, side by side
        assert page.locator("table.card-list td[data-label]").first.evaluate(CELL_LABEL) == "none", path
        assert page.evaluate(PAGE_WIDTH) <= 1440, path
    screenshot(page, "wide-credits")
    # The open-looking fold is really usable: its links are in the accessibility tree and take a click.
    page.get_by_role("link", name="Paramètres").click()
    page.wait_for_url(f"{live_server}/settings")
    page.goto(f"{live_server}/payments")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(lambda url: "/payments?" in url)
