"""In a real browser: on the deposit-invoice form, the percentage and the amount compute each other live,
on the order's total and line by line (static/app.js); the server then records what the form shows."""

from __future__ import annotations

import uuid
from decimal import Decimal

from acompte.domain.documents import Kind
from acompte.domain.users import Role
from acompte.services import deposits, parties, users
from tests.api.conftest import PASSWORD
from tests.browser.conftest import screenshot
from tests.helpers import line, validated


def test_percentage_and_amount_follow_each_other(app, ctx, live_server, page):
    email = f"assistant-{uuid.uuid4().hex[:6]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD)
    users.grant(app.uow(), ctx, email=email, role=Role.CLERK)
    party = parties.create_party(app.uow(), ctx, name="Atelier Dubois")
    order = validated(
        app.uow(),
        ctx,
        party.id,
        line("800.00", designation="Buffet"),
        line("200.00", designation="Pose"),
        kind=Kind.ORDER,
    )  # 1 200,00 € TTC: lines of 960,00 and 240,00

    page.goto(f"{live_server}/login?next=/documents/{order.id}/deposit-invoice")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server}/documents/{order.id}/deposit-invoice")

    page.get_by_label("Pourcentage", exact=True).fill("30")
    assert page.get_by_label("Montant TTC", exact=True).input_value() == "360,00"
    page.get_by_label("Montant TTC", exact=True).fill("300")
    assert page.get_by_label("Pourcentage", exact=True).input_value() == "25,00"

    page.get_by_label("Ligne par ligne").check()
    page.get_by_label("Pourcentage pour « Pose »").fill("50")
    assert page.get_by_label("Montant TTC pour « Pose »").input_value() == "120,00"
    screenshot(page, "07-facture-acompte-par-ligne")
    page.get_by_role("button", name="Créer la facture d'acompte").click()
    page.wait_for_url(lambda url: "/deposit-invoice" not in url)

    [made] = deposits.deposit_position(app.uow(), ctx, order.id).deposit_invoices
    assert made.gross.amount == Decimal("120.00")
