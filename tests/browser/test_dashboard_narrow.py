"""In Chromium: the dashboard at 390 px (cards stacked, nothing wider than the screen) and at 1 440 px (cards side
by side, the cash chart drawn by Chart.js under the Content-Security-Policy), its figures the API's; without
JavaScript the month table stands in for the chart."""

from __future__ import annotations

import uuid

import pytest

from acompte.adapters.i18n.formats import money
from acompte.domain.users import Role
from acompte.services import dashboard, users
from tests.api.conftest import PASSWORD
from tests.browser.conftest import screenshot
from tests.browser.test_content_security_policy import watch
from tests.dashboard_helpers import half_year

#: The widest element of the page's content, and the page's own width (what scrolls sideways).
WIDTHS = """() => {
  const main = document.querySelector('main');
  let right = 0;
  for (const el of main.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && !el.closest('.dash-table')) right = Math.max(right, box.right);
  }
  return {content: Math.ceil(right), main: main.scrollWidth, page: document.documentElement.scrollWidth,
          viewport: window.innerWidth};
}"""


@pytest.fixture
def signed_in(app, ctx, live_server, page):  # type: ignore[no-untyped-def]
    half_year(app.uow(), ctx)
    email = f"tableau-{uuid.uuid4().hex[:6]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD)
    users.grant(app.uow(), ctx, email=email, role=Role.READ_ONLY)
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server}/")
    return page


def test_at_390_px_the_cards_stack_and_nothing_is_wider_than_the_screen(app, ctx, signed_in):
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    figures = dashboard.dashboard(app.uow(), ctx)
    assert money(figures.receivable.total, "fr") in page.locator("#fig-receivable").inner_text()
    widths = page.evaluate(WIDTHS)
    assert widths["content"] <= widths["viewport"], widths
    assert widths["main"] <= widths["viewport"], widths
    assert widths["page"] <= widths["viewport"], widths  # the header too: the navigation folds behind « Menu »
    first, second = (page.locator(f"#fig-{name}").bounding_box() for name in ("receivable", "payable"))
    assert first and second and second["y"] >= first["y"] + first["height"]  # one column
    chart = page.locator("#cash-chart").bounding_box()
    assert chart and 300 < chart["width"] <= 390  # the chart shrinks to the screen
    page.get_by_text("Voir les montants par mois").click()  # the table opens inside the page's width
    opened = page.evaluate(WIDTHS)
    assert opened["main"] <= 390 and opened["page"] <= 390, opened
    screenshot(page, "dashboard-390")


def test_at_1440_px_the_cards_sit_side_by_side(signed_in, live_server):
    page = signed_in
    errors, foreign = watch(page, live_server)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.reload()
    first, second = (page.locator(f"#fig-{name}").bounding_box() for name in ("receivable", "payable"))
    assert first and second and second["y"] == first["y"] and second["x"] > first["x"]
    widths = page.evaluate(WIDTHS)
    assert widths["page"] <= widths["viewport"], widths
    chart = page.locator("#cash-chart").bounding_box()
    assert chart and chart["width"] > 600
    # Chart.js drew the API's series (twelve months, two bars each) from the data island
    drawn = page.evaluate("() => window.Chart.getChart('cash-chart').data.datasets.map(d => d.data.length)")
    assert drawn == [12, 12]
    assert foreign == [] and [e for e in errors if "Content Security Policy" in e] == []
    screenshot(page, "dashboard-1440")


def test_without_javascript_the_month_table_stands_in_for_the_chart(app, ctx, live_server, browser):
    half_year(app.uow(), ctx)
    email = f"sans-js-{uuid.uuid4().hex[:6]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD)
    users.grant(app.uow(), ctx, email=email, role=Role.READ_ONLY)
    context = browser.new_context(locale="fr-FR", java_script_enabled=False, viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{live_server}/")
        assert page.locator("#cash-chart").is_hidden()
        assert page.locator(".dash-table table").is_visible()
        figures = dashboard.dashboard(app.uow(), ctx)
        assert money(figures.cash_in, "fr") in page.locator(".dash-table tfoot").inner_text()
    finally:
        context.close()
