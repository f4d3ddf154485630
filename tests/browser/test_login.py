"""In a real browser: the login page, a wrong password, then the home page in French."""

from __future__ import annotations

import uuid

from acompte.domain.users import Role
from acompte.services import users
from tests.api.conftest import PASSWORD
from tests.browser.conftest import screenshot


def test_a_user_logs_in_and_sees_the_company(app, ctx, live_server, page):
    email = f"navigateur-{uuid.uuid4().hex[:6]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD)
    users.grant(app.uow(), ctx, email=email, role=Role.CLERK)

    page.goto(f"{live_server}/")
    assert "/login" in page.url
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("alert").inner_text() == "E-mail ou mot de passe incorrect."

    page.get_by_label("Mot de passe").fill(PASSWORD)
    screenshot(page, "01-connexion")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Test SARL"
    assert page.locator("header .user").inner_text().startswith(email)
