"""One statement everywhere: the statement page, the API, the CSV and the PDF show the same closing balance — the
`accounts.statement` value, deducted deposits included — and, over a period that covers everything, it is the
party account's balance and the ledger balance."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from pypdf import PdfReader

from acompte.domain.money import Money
from acompte.services import accounts, credits, parties, users
from tests.deposit_helpers import issued_deposit, issued_final, table_order
from tests.helpers import line, pay, validated

D = Decimal
START = date(2026, 1, 1)


def end_of_period() -> date:
    """Past every movement: payments are dated the day they are recorded."""
    return max(date(2026, 12, 31), date.today())


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def customer_with_a_deducted_deposit(uow, ctx):  # type: ignore[no-untyped-def]
    """An order of 1 200.00 with a paid deposit invoice of 360.00 deducted on its final invoice (net to pay
    840.00, 500.00 paid), and an invoice of two chairs (205.20) with one returned by a credit note (102.60)."""
    party = parties.create_party(uow, ctx, name="Client Relevé")
    order = table_order(uow, ctx, party.id)
    issued_deposit(uow, ctx, order.id, percent="30", paid_by="transfer")
    final = issued_final(uow, ctx, order.id)
    pay(uow, ctx, party.id, "500.00", (final.id, "500.00"))
    chairs = validated(uow, ctx, party.id, line("85.50", qty="2"), today=date(2026, 4, 1))
    credits.credit_invoice(uow, ctx, chairs.id, lines=[(1, D(1))], today=date(2026, 4, 2))
    return party


def test_the_page_the_api_the_csv_and_the_pdf_show_one_closing_balance(app, web):  # type: ignore[no-untyped-def]
    party = customer_with_a_deducted_deposit(app.uow(), web.ctx)
    end = end_of_period()
    st = accounts.statement(app.uow(), web.ctx, party.id, date_from=START, date_to=end).statement
    # 360.00 + 1 200.00 + 205.20 invoiced; 360.00 paid, 360.00 deducted, 500.00 paid, 102.60 credited
    assert st.closing == Money.of("442.60", "EUR")
    period = f"from={START.isoformat()}&to={end.isoformat()}"

    page = web.get(f"/contacts/{party.id}/statement?{period}")
    assert page.status_code == 200 and "<strong>442,60\u00a0€</strong>" in page.text

    _credential, token = users.create_token(app.uow(), web.ctx, email=web.email, name="relevé")
    bearer = {"Authorization": f"Bearer {token}"}
    params = {"from": START.isoformat(), "to": end.isoformat()}
    from_api = web.client.get(f"/api/v1/parties/{party.id}/statement", params=params, headers=bearer)
    assert from_api.status_code == 200, from_api.text
    assert from_api.json()["closing"]["amount"] == "442.60"

    exported = web.get(f"/contacts/{party.id}/statement?{period}&format=csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[-1][-1].replace("\u202f", "").replace("\u00a0", "").replace(" ", "") in ("442,60", "442,60€")
    assert len(rows) == len(st.lines) + 3  # header, opening, movements, closing
    assert any("Acomptes déduits" in row for row in rows)

    pdf = web.get(f"/contacts/{party.id}/statement/pdf?{period}")
    assert pdf.status_code == 200
    content = text_of(pdf.content)
    assert "Solde dû" in content and "442,60" in content and "Acomptes déduits" in content
    api_pdf = web.client.get(f"/api/v1/parties/{party.id}/statement/pdf", params=params, headers=bearer)
    assert api_pdf.status_code == 200 and "442,60" in text_of(api_pdf.content)


def test_the_account_balance_the_ledger_balance_and_the_closing_balance_agree(app, ctx):  # type: ignore[no-untyped-def]
    uow = app.uow()
    party = customer_with_a_deducted_deposit(uow, ctx)
    other = table_order(uow, ctx, party.id)  # an order invoiced in part by a deposit invoice, not paid
    issued_deposit(uow, ctx, other.id, percent="10")
    statement = accounts.statement(uow, ctx, party.id, date_from=START, date_to=end_of_period()).statement
    account = accounts.party_account(uow, ctx, party.id)
    ledger = accounts.ledger_balance(uow, ctx, party.id)
    # the order still carries 1 080.00 not invoiced: in the account, not on the statement (a commitment)
    assert account.balance == ledger == statement.closing + Money.of("1080.00", "EUR")
    assert statement.closing == Money.of("562.60", "EUR")  # 442.60 + the unpaid deposit invoice of 120.00
    aged = accounts.aged_balance(uow, ctx, party_id=party.id, as_of=end_of_period())
    assert aged.totals.total - aged.unapplied_credits == statement.closing
