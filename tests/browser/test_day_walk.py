"""A bookkeeper's day in Chromium, at 1 440 px and at 390 px: the dashboard's figures (the API's), a dashboard link
to its filtered list, an order typed with live totals, a deposit paid by card at the party's default percentage
invoiced at once, the final invoice deducting it, the rest settled with « Régler » by a transfer paying too much
(the excess kept as credit), a credit note put against another invoice of the party's and that credit reused to
settle the rest of it, the party's account (the API's figures) and its statement with the PDF. At 390 px
no page is wider than the screen and each document page shows its next step without opening a menu. Then the
home page in English.

Screenshots of the viewport at each step: docs/screenshots/day-<width>-<nn>-<step>.png with ACOMPTE_SCREENSHOTS=1
(the README and the guides show some), else a temporary folder."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from acompte.adapters.i18n.formats import money
from acompte.domain.money import Money
from acompte.domain.users import Role
from acompte.services import deposits, parties, users
from tests.api.conftest import PASSWORD
from tests.browser.conftest import htmx_settled, screenshot
from tests.dashboard_helpers import half_year
from tests.helpers import line, validated

NARROW = 390
HEIGHTS = {1440: 900, NARROW: 844}


def plain(text: str) -> str:
    """French amounts use a narrow no-break space (thousands) and a no-break space (before €): compare as spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def api_money(value: dict[str, str]) -> Money:
    return Money.of(value["amount"], value["currency"])


class Walk:
    """The browser page of the day, its steps numbered for the screenshots; at 390 px every page it shows is
    checked to fit the screen."""

    def __init__(self, page: Any, server: str, width: int) -> None:
        self.page, self.server, self.width, self.step = page, server, width, 0

    def text(self) -> str:
        return plain(self.page.locator("main").inner_text())

    def seen(self, name: str) -> None:
        if self.width == NARROW:
            width = self.page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= NARROW, (self.page.url, width)
        self.step += 1
        screenshot(self.page, f"day-{self.width}-{self.step:02d}-{name}", full_page=False)

    def next_step(self, name: str) -> Any:
        """The document's next step (a button or a link), visible on the first screen without opening ⋮."""
        action = self.page.get_by_role("button", name=name, exact=True).or_(
            self.page.get_by_role("link", name=name, exact=True)
        )
        assert action.count() == 1 and action.is_visible(), (self.page.url, name)  # role queries skip hidden ones
        box = action.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= self.width, (name, box)
        assert box["y"] + box["height"] <= HEIGHTS[self.width], (name, box)  # no scrolling to find it
        return action

    def document_url(self) -> str:
        self.page.wait_for_url(re.compile(r"/documents/\d+$"))
        return str(self.page.url)


@pytest.mark.parametrize("width", [1440, NARROW])
def test_a_bookkeepers_day(app, ctx, live_server, page, width):  # type: ignore[no-untyped-def]
    half_year(app.uow(), ctx)  # the company's half year: figures on the dashboard, one draft invoice
    email = f"journee-{uuid.uuid4().hex[:6]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD)
    users.grant(app.uow(), ctx, email=email, role=Role.ACCOUNTANT)
    _credential, token = users.create_token(app.uow(), ctx, email=email, name="journée")

    def api(path: str) -> Any:  # the API as another client of the server sees it, with the user's token
        answer = page.request.get(f"{live_server}/api/v1{path}", headers={"Authorization": f"Bearer {token}"})
        assert answer.ok, answer.text()
        return answer.json()

    martin = parties.create_party(app.uow(), ctx, name="Menuiserie Martin")
    deposits.set_party_deposit_percent(app.uow(), ctx, martin.id, Decimal("30"))
    parties.create_item(app.uow(), ctx, name="Table en chêne", unit_price=Decimal("1000.00"), vat_rate=Decimal("20"))
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations before validating
    page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
    walk = Walk(page, live_server, width)

    # Log in: the dashboard opens, its figures the API's.
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server}/")
    figures = api("/dashboard")
    owed = money(api_money(figures["receivable"]["total"]), "fr")
    card = page.get_by_role("link", name=re.compile("Dû par les clients"))
    assert plain(owed) == "1 840,00 €" and plain(owed) in plain(card.inner_text())
    walk.seen("tableau-de-bord")

    # A dashboard link leads to the list behind it, filtered: the one draft invoice to issue.
    page.get_by_role("link", name="1 facture en brouillon").click()
    page.wait_for_url(re.compile(r"/documents\?.*state=draft"))
    expect(page.locator("#list-count")).to_contain_text("1 document")  # the count comes after the page (htmx)
    assert "Brouillon" in walk.text()
    walk.seen("brouillons")

    # An order of two lines typed in the line-entry form: an article fills its line, totals follow the typing.
    page.goto(f"{live_server}/documents/new?flow=sale&kind=order")
    page.get_by_label("Client").select_option(label="Menuiserie Martin")
    page.get_by_label("Article, ligne 1").select_option(label="Table en chêne")
    # the server fills the line (htmx swaps it in): type into it once it is there
    expect(page.get_by_label("Désignation, ligne 1")).to_have_value("Table en chêne")
    htmx_settled(page)
    page.get_by_label("Quantité, ligne 1").fill("2")
    page.get_by_label("Désignation, ligne 2").fill("Livraison et pose")
    page.get_by_label("Quantité, ligne 2").fill("1")
    page.get_by_label("Prix unitaire HT, ligne 2").fill("120")
    page.get_by_label("TVA, ligne 2").select_option("10")
    gross = page.locator("#line-totals tfoot td[data-total=gross]")
    expect(gross).to_have_text(re.compile(r"2[\s\u202f\u00a0]532,00[\s\u202f\u00a0]€"))  # priced by the server
    live = walk.text()  # 2 × 1 000,00 at 20 % + 120,00 at 10 %: 2 120,00 HT, 412,00 VAT, 2 532,00 TTC
    assert "2 120,00 €" in live and "412,00 €" in live and "2 532,00 €" in live, live
    save = page.get_by_role("button", name="Enregistrer le brouillon")
    save.scroll_into_view_if_needed()  # the totals just above it on the screen
    walk.seen("saisie-commande")
    save.click()
    order_url = walk.document_url()
    walk.next_step("Valider").click()
    page.wait_for_url(order_url)
    assert re.search(r"CO-\d{4}-\d+", page.get_by_role("heading", level=1).inner_text())
    assert "2 532,00 €" in walk.text()
    walk.seen("commande")

    # A deposit: the form starts at the party's 30 % (759,60 €); paid by card, its deposit invoice is offered.
    walk.next_step("Facturer")  # the order's next step is in front; the deposit beside it
    page.get_by_role("link", name="Acompte", exact=True).click()
    page.wait_for_url(f"{order_url}/deposit")
    assert plain(page.get_by_label("Montant").input_value()) == "759,60"
    walk.seen("acompte")
    page.get_by_role("link", name="Facture d'acompte réglée par Carte bancaire").click()
    page.wait_for_url(re.compile(r"/deposit-invoice\?"))
    assert plain(page.get_by_label("Montant TTC", exact=True).input_value()) == "759,60"
    assert page.get_by_label("Mode de règlement").input_value() == "card"
    walk.seen("facture-acompte-carte")
    page.get_by_role("button", name="Créer la facture d'acompte").click()
    page.wait_for_url(lambda url: url != order_url and re.search(r"/documents/\d+$", url) is not None)
    deposit_url = page.url
    deposit_heading = page.get_by_role("heading", level=1).inner_text()
    assert re.search(r"FAC-\d{4}-\d+", deposit_heading) and "Réglé" in deposit_heading, deposit_heading
    assert "759,60 €" in walk.text()
    walk.seen("facture-acompte")
    page.goto(f"{deposit_url}?tab=deposits")
    assert re.search(r"Carte bancaire\s+759,60 €", walk.text()), walk.text()

    # The final invoice: « Facturer » on the order, the deposit deducted, validated.
    page.goto(order_url)
    walk.next_step("Facturer").click()
    invoice_url = walk.document_url()
    assert invoice_url != order_url
    body = walk.text()
    assert "2 532,00 €" in body and "759,60 €" in body and "1 772,40 €" in body, body
    walk.next_step("Valider").click()
    page.wait_for_url(invoice_url)
    heading = page.get_by_role("heading", level=1).inner_text()
    assert re.search(r"\bFA-\d{4}-\d+", heading), heading
    assert re.search(r"Reste dû\s+1 772,40 €", walk.text()), walk.text()
    walk.seen("facture-finale")

    # « Régler »: a transfer of 1 800,00 € for 1 772,40 € owed, the excess kept as the party's credit.
    walk.next_step("Régler").click()
    page.wait_for_url(re.compile(r"/settle\?"))
    new_payment = page.get_by_label("Montant", exact=True)
    assert plain(new_payment.input_value()) == "1 772,40"  # the invoice's balance, ticked
    new_payment.fill("1 800,00")
    page.get_by_label("Mode de règlement", exact=True).select_option(value="transfer")
    page.get_by_label("Le garder en crédit du tiers").check()
    walk.seen("regler")
    page.get_by_role("button", name="Régler", exact=True).click()
    page.wait_for_url(re.compile(r"/settle\?party_id="))
    assert "excédent de 27,60 € gardé en crédit" in plain(page.locator("body").inner_text())
    assert re.search(r"En main\s+27,60 €", walk.text()), walk.text()
    walk.seen("reglement-enregistre")
    page.goto(invoice_url)
    body = walk.text()
    assert "Réglé" in page.get_by_role("heading", level=1).inner_text()
    assert re.search(r"Reste dû\s+0,00 €", body), body
    walk.seen("facture-reglee")

    # Another invoice of Martin's (a repair, 100,00 € HT, 120,00 € TTC): « Avoir » on it for a commercial gesture
    # of 10,00 € HT (12,00 € TTC), put against the invoice at once.
    repair = validated(app.uow(), ctx, martin.id, line("100.00", designation="Réparation d'un plateau"))
    repair_url = f"{live_server}/documents/{repair.id}"
    page.goto(repair_url)
    walk.next_step("Avoir").click()
    page.wait_for_url(f"{repair_url}/credit-note")
    page.get_by_label("Un montant").check()
    page.get_by_label("Désignation", exact=True).fill("Geste commercial")
    page.get_by_label("Montant HT").fill("10,00")
    page.get_by_label("Taux de TVA").select_option(label="20 %")
    page.get_by_label(re.compile("Imputer sur la facture : elle doit encore 120,00")).check()
    walk.seen("avoir")
    page.get_by_role("button", name="Émettre l'avoir").click()
    page.wait_for_url(lambda url: url != f"{repair_url}/credit-note" and re.search(r"/documents/\d+$", url) is not None)
    note_heading = page.get_by_role("heading", level=1).inner_text()
    assert re.search(r"AV-\d{4}-\d+", note_heading), note_heading
    assert "12,00 €" in walk.text()
    walk.seen("avoir-emis")
    page.goto(repair_url)
    assert re.search(r"Reste dû\s+108,00 €", walk.text()), walk.text()

    # « Régler » on it: the 27,60 € kept this morning ticked beside the invoice, a cheque for the 80,40 € left.
    walk.next_step("Régler").click()
    page.wait_for_url(re.compile(r"/settle\?"))
    assert plain(page.get_by_label(re.compile("Montant à régler sur")).input_value()) == "108,00"
    kept = page.get_by_role("checkbox", name=re.compile("Trop-perçu"))
    kept.check()
    page.get_by_label("Montant", exact=True).fill("80,40")
    page.get_by_label("Mode de règlement", exact=True).select_option(value="cheque")
    expect(page.locator("#settle-difference")).to_have_text(re.compile(r"^0,00"))  # counted in the page
    walk.seen("regler-avec-credit")
    page.get_by_role("button", name="Régler", exact=True).click()
    page.wait_for_url(re.compile(r"/settle\?party_id="))
    assert re.search(r"En main\s+0,00 €", walk.text()), walk.text()
    page.goto(repair_url)
    assert "Réglé" in page.get_by_role("heading", level=1).inner_text()
    assert re.search(r"Reste dû\s+0,00 €", walk.text()), walk.text()
    walk.seen("credit-utilise")

    # The party's account: nothing owed, nothing left in hand — the API's figures.
    page.get_by_role("link", name="Menuiserie Martin").first.click()
    page.get_by_role("link", name="Gestion commerciale").click()
    page.wait_for_url(f"{live_server}/contacts/{martin.id}/account")
    account = api(f"/parties/{martin.id}/account")
    due, held = (plain(money(api_money(account[key]), "fr")) for key in ("due_total", "credit_total"))
    assert (due, held) == ("0,00 €", "0,00 €")
    body = walk.text()
    assert re.search(rf"Dû\s+{due}", body) and re.search(rf"En main\s+{held}", body), body
    walk.seen("compte-client")

    # The statement of account: the day's documents and payments, and its PDF to send.
    page.get_by_role("link", name="Relevé").click()
    page.wait_for_url(re.compile(rf"/contacts/{martin.id}/statement"))
    statement = walk.text()
    invoice_number = re.search(r"\bFA-\d{4}-\d+", heading)
    note_number = re.search(r"\bAV-\d{4}-\d+", note_heading)
    assert invoice_number and invoice_number.group(0) in statement, statement
    assert note_number and note_number.group(0) in statement, statement
    walk.seen("releve")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le relevé (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename.endswith(".pdf") and pdf.startswith(b"%PDF-")

    # The home page in English: the same figures written the English way; the day's excess, reused, is no
    # longer among the overpayments waiting for a decision (the half year's 50.00 only).
    page.context.add_cookies([{"name": "acompte_lang", "value": "en", "url": live_server}])
    page.goto(f"{live_server}/")
    figures = api("/dashboard")
    owed = page.get_by_role("link", name=re.compile("Owed by customers"))
    assert money(api_money(figures["receivable"]["total"]), "en") in owed.inner_text()
    waiting = money(api_money(figures["overpayments"]["total"]), "en")
    assert (
        waiting == "€50.00"
        and waiting in page.get_by_role("link", name=re.compile("Overpayments to handle")).inner_text()
    )
    walk.seen("home-en")
