"""In a real browser: a statement imported on « Banque », its lines, then on the reconciliation page the keys move
between bank lines (j/k) and accept the best candidate (a); the line is then reconciled and its invoice paid
(static/reconcile.js).

Screenshots of each page: docs/screenshots/bank-<nn>-<step>.png with ACOMPTE_SCREENSHOTS=1 (docs/bank.md shows
them), else a temporary folder."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

from acompte.domain.banking.lines import LineState
from acompte.domain.users import Role
from acompte.services import parties, positions, users
from tests.api.conftest import PASSWORD
from tests.bank_helpers import bank_account
from tests.browser.conftest import screenshot
from tests.helpers import line, validated

OFX = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>EUR
<BANKACCTFROM><BANKID>10907<BRANCHID>00001<ACCTID>12345678901<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>{day}<DTEND>{day}
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>{day}<TRNAMT>-18.00<FITID>{key}1<NAME>FRAIS TENUE DE COMPTE</STMTTRN>
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>{day}<TRNAMT>300.00<FITID>{key}2<NAME>VIR MAISON GARNIER<MEMO>Facture {number}</STMTTRN>
</BANKTRANLIST>
<LEDGERBAL><BALAMT>282.00<DTASOF>{day}</LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1>
</OFX>
"""


def test_a_candidate_is_accepted_with_the_keyboard(app, ctx, live_server, page, tmp_path: Path):  # type: ignore[no-untyped-def]
    email = f"banque-{uuid.uuid4().hex[:6]}@example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD)
    users.grant(app.uow(), ctx, email=email, role=Role.CLERK)
    party = parties.create_party(app.uow(), ctx, name="Maison Garnier")
    invoice = validated(app.uow(), ctx, party.id, line("250.00"))  # 300,00 € TTC
    number = invoice.document.number
    statement = tmp_path / "releve-decembre.ofx"
    statement.write_text(
        OFX.format(day=date.today().strftime("%Y%m%d"), key=uuid.uuid4().hex[:12], number=number), encoding="ascii"
    )

    # « Banque »: the company's accounts and the statement import.
    page.goto(f"{live_server}/login?next=/bank")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: url.endswith("/bank"))
    page.get_by_label("Compte bancaire").select_option(str(bank_account(app.uow(), ctx)))
    page.get_by_label("Fichier du relevé").set_input_files(str(statement))
    screenshot(page, "bank-01-banque", full_page=False)
    page.get_by_role("button", name="Importer").click()

    # The statement's lines, open, on the account's list.
    page.wait_for_url(lambda url: "/bank/lines?account_id=" in url)
    listed = page.locator("main").inner_text()
    assert "Relevé importé : 2 ligne(s) ajoutée(s), 0 déjà présente(s)." in page.locator(".flash").inner_text()
    assert "FRAIS TENUE DE COMPTE" in listed and "VIR MAISON GARNIER" in listed, listed
    screenshot(page, "bank-02-lignes", full_page=False)

    page.goto(f"{live_server}/bank/reconcile")
    current = page.locator("#bank-lines li.current a")
    assert "FRAIS TENUE DE COMPTE" in current.inner_text()
    first = int(current.get_attribute("data-line") or 0)

    page.keyboard.press("j")
    page.wait_for_url(lambda url: f"line={first}" not in url and "line=" in url)
    quoted = int(page.locator("#bank-lines li.current a").get_attribute("data-line") or 0)
    assert f"Le numéro {number} figure dans le libellé" in page.locator("#selected-line").inner_text()
    screenshot(page, "bank-03-rapprochement", full_page=False)
    page.keyboard.press("a")
    page.wait_for_url(lambda url: f"line={quoted}" not in url)
    assert "Ligne rapprochée." in page.locator(".flash").inner_text()

    uow = app.uow()
    with uow:
        found = uow.bank.line(ctx.company_id, quoted)
        balance = positions.balance_due(uow, ctx, uow.documents.get(ctx.company_id, invoice.id))
    assert found is not None and found.state is LineState.RECONCILED
    assert balance.amount == Decimal("0.00")
    # the reconciled line has left the list: the one still open is selected
    assert page.locator("#bank-lines a[data-line]").count() == 1
    assert page.locator("#bank-lines li.current a").get_attribute("data-line") == str(first)
