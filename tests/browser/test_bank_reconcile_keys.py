"""In a real browser: on the reconciliation page, the keys move between bank lines (j/k) and accept the best
candidate (a); the line is then reconciled and its invoice paid (static/reconcile.js)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from acompte.domain.banking.lines import LineState
from acompte.domain.users import Role
from acompte.services import parties, positions, users
from tests.api.conftest import PASSWORD
from tests.bank_helpers import bank_line
from tests.browser.conftest import screenshot
from tests.helpers import line, validated


def test_a_candidate_is_accepted_with_the_keyboard(app, ctx, live_server, page):
    email = f"banque-{uuid.uuid4().hex[:6]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD)
    users.grant(app.uow(), ctx, email=email, role=Role.CLERK)
    party = parties.create_party(app.uow(), ctx, name="Maison Garnier")
    invoice = validated(app.uow(), ctx, party.id, line("250.00"))  # 300,00 € TTC
    number = invoice.document.number
    first = bank_line(app.uow(), ctx, "-18.00", booking_date=date.today(), label="FRAIS TENUE DE COMPTE")
    quoted = bank_line(
        app.uow(), ctx, "300.00", booking_date=date.today(), label="VIR MAISON GARNIER", reference=f"Facture {number}"
    )

    page.goto(f"{live_server}/login?next=/bank/reconcile")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/bank/reconcile" in url)
    assert page.locator("#bank-lines li.current a").get_attribute("data-line") == str(first.id)

    page.keyboard.press("j")
    page.wait_for_url(lambda url: f"line={quoted.id}" in url)
    assert f"Le numéro {number} figure dans le libellé" in page.locator("#selected-line").inner_text()
    screenshot(page, "bank-reconcile")
    page.keyboard.press("a")
    page.wait_for_url(lambda url: f"line={quoted.id}" not in url)
    assert "Ligne rapprochée." in page.locator(".flash").inner_text()

    uow = app.uow()
    with uow:
        found = uow.bank.line(ctx.company_id, quoted.id)
        balance = positions.balance_due(uow, ctx, uow.documents.get(ctx.company_id, invoice.id))
    assert found is not None and found.state is LineState.RECONCILED
    assert balance.amount == Decimal("0.00")
    # the reconciled line has left the list: the one still open is selected
    assert page.locator("#bank-lines a[data-line]").count() == 1
    assert page.locator("#bank-lines li.current a").get_attribute("data-line") == str(first.id)
