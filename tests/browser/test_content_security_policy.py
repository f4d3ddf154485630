"""In a real browser, under the server's Content-Security-Policy: the API documentation renders from this origin
only (no CDN), and the pages' own script still runs (the settle form's running difference) with no violation."""

from __future__ import annotations

import uuid

from acompte.domain.users import Role
from acompte.services import parties, users
from tests.api.conftest import PASSWORD
from tests.helpers import validated


def watch(page, live_server: str) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """The console errors and the requests to another origin that the page makes from now on."""
    errors: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on(
        "request",
        lambda request: None if request.url.startswith((live_server, "data:")) else foreign.append(request.url),
    )
    return errors, foreign


def test_the_api_documentation_renders_offline_under_the_policy(live_server, page):
    errors, foreign = watch(page, live_server)
    page.goto(f"{live_server}/api/docs", timeout=120_000)
    page.wait_for_selector(".opblock-tag", timeout=120_000)  # 1.5 MB of script to parse on a loaded machine
    assert page.locator(".opblock").count() > 50  # every operation listed
    assert foreign == []
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_the_settle_page_script_runs_under_the_policy(app, ctx, live_server, page):
    email = f"csp-{uuid.uuid4().hex[:6]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD)
    users.grant(app.uow(), ctx, email=email, role=Role.CLERK)
    party = parties.create_party(app.uow(), ctx, name="Quincaillerie Politique")
    validated(app.uow(), ctx, party.id)  # an invoice of 120,00 € to settle
    errors, foreign = watch(page, live_server)

    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/settle?party_id={party.id}")
    page.get_by_label("Montant", exact=True).fill("150,00")
    difference = page.locator("#settle-difference")
    shown = difference.inner_text().replace("\u202f", " ").replace("\u00a0", " ")
    assert shown in ("150,00 €", "30,00 €")  # the script computed it (a proposal may be ticked), as an amount
    assert foreign == []
    assert [e for e in errors if "Content Security Policy" in e] == []
