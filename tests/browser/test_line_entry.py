"""In a real browser: on the document form, a row is added and another removed in place, an article fills its line,
and the totals per VAT rate follow the typing — htmx fragments rendered by the server, no script of the page's own —
then the server saves exactly the lines shown. Without JavaScript the form still adds rows by posting back."""

from __future__ import annotations

import uuid
from decimal import Decimal

from playwright.sync_api import expect

from acompte.domain.users import Role
from acompte.domain.vat import VatRounding
from acompte.services import companies, documents, parties, users
from acompte.services.ports import Ctx
from tests.api.conftest import PASSWORD
from tests.browser.conftest import htmx_settled, screenshot
from tests.browser.test_content_security_policy import watch

NBSP, NNBSP = "\u00a0", "\u202f"


def _totals(page, expected):  # type: ignore[no-untyped-def]
    """Wait for the totals the server sends back (htmx swaps them in after a short pause in the typing)."""
    expect(page.locator("#line-totals tfoot td[data-total=gross]")).to_have_text(expected[-1][-1])
    return page.eval_on_selector_all(
        "#line-totals tbody tr, #line-totals tfoot tr",
        "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent.trim()))",
    )


def _eur(text: str) -> str:
    return text.replace(" ", NNBSP) + NBSP + "€"


def test_rows_are_added_removed_and_totalled_live_then_saved_as_shown(app, ctx, live_server, page):
    email = f"saisie-{uuid.uuid4().hex[:6]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD)
    users.grant(app.uow(), ctx, email=email, role=Role.CLERK)
    party = parties.create_party(app.uow(), ctx, name="Maison Lefèvre")
    parquet = parties.create_item(
        app.uow(), ctx, name="Parquet chêne", unit_price=Decimal("1234.5"), vat_rate=Decimal("5.5")
    )

    errors, foreign = watch(page, live_server)  # htmx under the Content-Security-Policy: no violation, no CDN
    form = f"/documents/new?flow=sale&kind=invoice&party_id={party.id}"
    page.goto(f"{live_server}/login?next={form.replace('&', '%26')}")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/documents/new" in url)

    rows = page.locator("#lines tbody tr[data-line]")
    before = rows.count()
    page.get_by_label("Désignation, ligne 1").fill("Pose")
    page.get_by_label("Quantité, ligne 1").fill("2,5")
    page.get_by_label("Prix unitaire HT, ligne 1").fill("100,01")  # 250,025 → 250,03: half-up on exact decimals
    page.get_by_label("Désignation, ligne 2").fill("Ligne à retirer")
    page.get_by_label("Quantité, ligne 2").fill("1")
    page.get_by_label("Prix unitaire HT, ligne 2").fill("999")
    page.get_by_label("TVA, ligne 2").select_option("10")

    page.get_by_role("button", name="Ajouter une ligne").click()
    expect(rows).to_have_count(before + 1)
    htmx_settled(page)
    assert page.get_by_role("button", name="Ajouter des lignes").is_hidden()  # the no-script button gives way
    last = before + 1
    expect(page.get_by_label(f"Article, ligne {last}")).to_be_focused()
    page.get_by_label(f"Article, ligne {last}").select_option(str(parquet.id))
    expect(page.get_by_label(f"Désignation, ligne {last}")).to_have_value("Parquet chêne")
    htmx_settled(page)
    assert page.get_by_label(f"Prix unitaire HT, ligne {last}").input_value() == f"1{NNBSP}234,50"
    assert page.get_by_label(f"TVA, ligne {last}").input_value() == "5.5"
    page.get_by_label(f"Quantité, ligne {last}").fill("2")

    expected = [
        [f"20{NBSP}%", _eur("250,03"), _eur("50,01"), _eur("300,04")],
        [f"10{NBSP}%", _eur("999,00"), _eur("99,90"), _eur("1 098,90")],
        [f"5,5{NBSP}%", _eur("2 469,00"), _eur("135,80"), _eur("2 604,80")],  # 135,795 → 135,80
        ["Total", _eur("3 718,03"), _eur("285,71"), _eur("4 003,74")],
    ]
    assert _totals(page, expected) == expected

    page.get_by_role("button", name="Retirer la ligne 2").click()
    expect(rows).to_have_count(before)
    # The rows after it moved up: the article's line is now line `before`, named line-{before - 1}-… for the server.
    assert page.get_by_label(f"Désignation, ligne {before}").input_value() == "Parquet chêne"
    assert page.get_by_label(f"Quantité, ligne {before}").get_attribute("name") == f"line-{before - 1}-quantity"
    assert page.locator('input[name="rows"]').input_value() == str(before)
    expected = [
        [f"20{NBSP}%", _eur("250,03"), _eur("50,01"), _eur("300,04")],
        [f"5,5{NBSP}%", _eur("2 469,00"), _eur("135,80"), _eur("2 604,80")],
        ["Total", _eur("2 719,03"), _eur("185,81"), _eur("2 904,84")],
    ]
    assert _totals(page, expected) == expected
    screenshot(page, "lignes-totaux-en-direct")

    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url(lambda url: "/documents/new" not in url)
    doc_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    doc = documents.get_document(app.uow(), ctx, doc_id).document
    assert [(x.designation, x.quantity, x.unit_price, x.vat_rate, x.item_id) for x in doc.lines] == [
        ("Pose", Decimal("2.5"), Decimal("100.01"), Decimal("20"), None),
        ("Parquet chêne", Decimal("2"), Decimal("1234.50"), Decimal("5.5"), parquet.id),
    ]
    assert (doc.net.amount, doc.gross.amount) == (Decimal("2719.03"), Decimal("2904.84"))
    assert foreign == [] and [e for e in errors if "Content Security Policy" in e] == []


def test_a_company_rounding_vat_per_line_sees_the_same_vat_live_as_saved(app, live_server, page):
    company_id = companies.create_company(app.uow(), name="Arrondi SARL", vat_rounding=VatRounding.PER_LINE)
    ctx = Ctx(company_id, actor="tester")
    email = f"ligne-{uuid.uuid4().hex[:6]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD)
    users.grant(app.uow(), ctx, email=email, role=Role.CLERK)
    party = parties.create_party(app.uow(), ctx, name="Épicerie Roux")

    page.goto(f"{live_server}/login?next=/documents/new?flow=sale%26kind=invoice%26party_id={party.id}")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/documents/new" in url)
    for n in (1, 2):
        page.get_by_label(f"Désignation, ligne {n}").fill(f"Sachet {n}")
        page.get_by_label(f"Quantité, ligne {n}").fill("1")
        page.get_by_label(f"Prix unitaire HT, ligne {n}").fill("0,10")
        page.get_by_label(f"TVA, ligne {n}").select_option("5.5")
    # Per line: 0,0055 → 0,01 twice = 0,02 (on the sum, 0,20 × 5,5 % would give 0,01).
    expected = [
        [f"5,5{NBSP}%", _eur("0,20"), _eur("0,02"), _eur("0,22")],
        ["Total", _eur("0,20"), _eur("0,02"), _eur("0,22")],
    ]
    assert _totals(page, expected) == expected
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url(lambda url: "/documents/new" not in url)
    doc_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    assert documents.get_document(app.uow(), ctx, doc_id).document.gross.amount == Decimal("0.22")


def test_without_javascript_the_form_adds_rows_by_posting_back_and_shows_the_totals(app, ctx, live_server, browser):
    email = f"sans-js-{uuid.uuid4().hex[:6]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD)
    users.grant(app.uow(), ctx, email=email, role=Role.CLERK)
    party = parties.create_party(app.uow(), ctx, name="Atelier Morel")
    context = browser.new_context(locale="fr-FR", java_script_enabled=False, viewport={"width": 1280, "height": 860})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login?next=/documents/new?flow=sale%26kind=invoice%26party_id={party.id}")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(lambda url: "/documents/new" in url)
        rows = page.locator("#lines tbody tr[data-line]")
        before = rows.count()
        assert page.get_by_role("button", name="Ajouter une ligne").is_hidden()
        assert page.get_by_role("button", name="Retirer la ligne 1").is_hidden()
        page.get_by_label("Désignation, ligne 1").fill("Pose")
        page.get_by_label("Quantité, ligne 1").fill("2")
        page.get_by_label("Prix unitaire HT, ligne 1").fill("50")
        page.get_by_role("button", name="Ajouter des lignes").click()
        page.wait_for_load_state()
        assert rows.count() > before
        assert page.get_by_label("Désignation, ligne 1", exact=True).input_value() == "Pose"
        assert page.locator("#line-totals tfoot td[data-total=gross]").text_content() == _eur("120,00")
    finally:
        context.close()
