"""The main story in a real browser: log in, create an order, take a deposit, invoice it, see the money on the
invoice, settle the rest with a credit note. Each step checks what the page shows; screenshots go to
docs/screenshots/ (the README shows them)."""

from __future__ import annotations

import re
import uuid

from acompte.domain.users import Role
from acompte.services import parties, users
from tests.api.conftest import PASSWORD
from tests.browser.conftest import screenshot


def plain(text: str) -> str:
    """French amounts use a narrow no-break space (thousands) and a no-break space (before €): compare as spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def shown(page) -> str:  # type: ignore[no-untyped-def]
    return plain(page.locator("main").inner_text())


def test_order_deposit_invoice_credit_note(app, ctx, live_server, page):
    email = f"vendeur-{uuid.uuid4().hex[:6]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD)
    users.grant(app.uow(), ctx, email=email, role=Role.ACCOUNTANT)
    parties.create_party(app.uow(), ctx, name="Menuiserie Martin")
    page.on("dialog", lambda dialog: dialog.accept())  # confirmations of validation and cancellation

    # Log in.
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server}/")

    # Create an order: one line of 1 000,00 € HT at 20 % → 1 200,00 € TTC, then validate it.
    page.goto(f"{live_server}/documents/new?flow=sale&kind=order")
    page.get_by_label("Client").select_option(label="Menuiserie Martin")
    page.get_by_label("Désignation, ligne 1").fill("Table en chêne massif")
    page.get_by_label("Quantité, ligne 1").fill("1")
    page.get_by_label("Prix unitaire HT, ligne 1").fill("1 000,00")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url(re.compile(r"/documents/\d+$"))
    order_url = page.url
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(order_url)
    heading = page.get_by_role("heading", level=1).inner_text()
    assert re.search(r"CO-\d{4}-\d+", heading), heading
    assert "1 200,00 €" in shown(page)
    screenshot(page, "02-commande")

    # Take a deposit of 300,00 € by cheque: the form proposes what remains (1 200,00).
    page.goto(f"{order_url}/deposit")
    assert plain(page.get_by_label("Montant").input_value()) == "1 200,00"
    page.get_by_label("Montant").fill("300,00")
    page.get_by_label("Mode de règlement").select_option(value="cheque")
    page.get_by_label("Référence").fill("Chèque n° 1234567")
    screenshot(page, "03-acompte")
    page.get_by_role("button", name="Enregistrer l'acompte").click()
    page.wait_for_url(order_url)
    body = shown(page)
    assert "Partiellement réglé" in body and "900,00 €" in body

    # Invoice the order: the deposit follows it onto the invoice.
    page.get_by_role("button", name="Facturer").click()  # the next step of an order, in front
    page.wait_for_url(lambda url: url != order_url and re.search(r"/documents/\d+$", url) is not None)
    invoice_url = page.url
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(invoice_url)
    body = shown(page)
    assert re.search(r"FA-\d{4}-\d+", page.get_by_role("heading", level=1).inner_text())
    assert "Partiellement réglé" in body and "1 200,00 €" in body and "900,00 €" in body
    page.goto(f"{invoice_url}?tab=history")
    history = shown(page)
    assert "Chèque" in history and "300,00 €" in history
    page.goto(invoice_url)
    screenshot(page, "04-facture")

    # Settle the rest with a credit note of 750,00 € HT (900,00 € TTC) applied to the invoice.
    page.goto(f"{invoice_url}/credit-note")
    page.get_by_label("Un montant").check()
    page.get_by_label("Désignation").fill("Remise commerciale")
    page.get_by_label("Montant HT").fill("750,00")
    page.get_by_label("Taux de TVA").select_option(label="20 %")
    page.get_by_label(re.compile(r"Imputer sur la facture : elle doit encore 900,00")).check()
    screenshot(page, "05-avoir")
    page.get_by_role("button", name="Émettre l'avoir").click()
    page.wait_for_url(lambda url: url != invoice_url and re.search(r"/documents/\d+$", url) is not None)
    assert re.search(r"AV-\d{4}-\d+", page.get_by_role("heading", level=1).inner_text())
    assert "900,00 €" in shown(page)
    page.goto(invoice_url)
    body = shown(page)
    assert "Réglé" in body and "Partiellement réglé" not in body
    assert re.search(r"Reste dû\s+0,00 €", body), body
    screenshot(page, "06-facture-reglee")
