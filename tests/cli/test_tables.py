"""The tables the command line prints never cut an amount: at 80 and 40 columns, and written to a file or a pipe
(not a terminal), every amount of the demo is found whole in what `acompte demo` prints."""

from __future__ import annotations

import re
from collections import Counter
from io import StringIO

import pytest
from rich.console import Console
from typer.testing import CliRunner

from acompte.adapters.cli.demo import build_demo, print_demo
from acompte.adapters.cli.main import app as cli
from acompte.adapters.cli.output import Column, print_table
from acompte.adapters.formatting import money_fr
from acompte.services import accounts, documents, parties, payments
from acompte.services.ports import Ctx

#: A French amount: 1 234,56 € (narrow no-break space between thousands, no-break space before €).
AMOUNT = re.compile(r"[-−]?\d{1,3}(?:[\u202f\u00a0 ]\d{3})*,\d{2}\u00a0€")


def amounts_of_the_demo(app, company_id: int) -> Counter[str]:  # type: ignore[no-untyped-def]
    """Every amount the demo's three tables show, as the user reads them."""
    ctx = Ctx(company_id)
    expected: Counter[str] = Counter()
    for doc in documents.list_documents(app.uow(), ctx, limit=500):
        position = doc.position
        if position.credit_left is not None:
            settled, left = position.total - position.credit_left, position.credit_left
        else:
            settled, left = position.paid + position.credited + position.written_off, position.balance_due
        expected.update(money_fr(m) for m in (position.total, position.deducted, settled, left))
    for p in payments.list_payments(app.uow(), ctx, limit=500):
        expected.update(money_fr(m) for m in (p.payment.amount, p.allocated, p.unallocated))
    bistro = next(p for p in parties.list_parties(app.uow(), ctx, role="customer") if p.name.startswith("Bistrot"))
    account = accounts.party_account(app.uow(), ctx, bistro.id)
    expected.update(money_fr(d.balance_due) for d in account.due)
    expected.update(money_fr(c.remaining) for c in account.credits)
    expected.update([money_fr(account.due_total), money_fr(account.credit_total), money_fr(account.balance)])
    return expected


def assert_every_amount_whole(output: str, expected: Counter[str]) -> None:
    found = Counter(AMOUNT.findall(output))
    missing = expected - found
    assert not missing, f"amounts cut or missing: {dict(missing)}\n{output}"
    assert not re.search(r"\d…|…\d|\d[\u202f\u00a0 ]?…", output), output
    assert any("1\u202f" in a for a in found)  # thousands are there to cut: the check can fail


@pytest.mark.parametrize("width", [200, 120, 100, 80, 60, 40, 20])
def test_the_demo_tables_keep_every_amount_whole_at_any_width(app, width):
    company_id = build_demo(app.uow())
    out = StringIO()
    print_demo(app.uow(), company_id, Console(file=out, width=width))
    assert_every_amount_whole(out.getvalue(), amounts_of_the_demo(app, company_id))


@pytest.mark.parametrize("columns", ["80", "40", None], ids=["COLUMNS=80", "COLUMNS=40", "not-a-terminal"])
def test_acompte_demo_prints_every_amount_whole(app, database_url, monkeypatch, columns):
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)  # CliRunner's output is not a terminal: Rich's 80 columns
    else:
        monkeypatch.setenv("COLUMNS", columns)
    result = CliRunner().invoke(cli, ["demo", "--fresh"])
    assert result.exit_code == 0, result.output
    company_id = int(re.search(r"société n° (\d+)", result.output).group(1))
    assert_every_amount_whole(result.output, amounts_of_the_demo(app, company_id))


def test_a_table_that_fits_is_drawn_with_its_amounts_whole_and_its_text_wrapped():
    columns = [Column("Numéro", whole=True), Column("Client"), Column("Montant", amount=True)]
    rows = [["FA-2026-00001", "Bistrot du Parc SARL, salle du fond", "12\u202f345,67\u00a0€"]]
    out = StringIO()
    print_table(Console(file=out, width=50), "Pièces", columns, rows)
    drawn = out.getvalue()
    assert "┃" in drawn or "│" in drawn  # a table, not the list
    assert "12\u202f345,67\u00a0€" in drawn and "FA-2026-00001" in drawn
    assert "Bistrot" in drawn and "fond" in drawn and "…" not in drawn


def test_a_table_too_wide_becomes_a_list_with_one_value_a_line():
    columns = [Column("Numéro", whole=True), Column("Client"), Column("Total", amount=True)]
    rows = [["FA-2026-00001", "Claire Martin", "1\u202f234\u202f567,89\u00a0€"]]
    out = StringIO()
    print_table(Console(file=out, width=24), "Pièces", columns, rows)
    assert out.getvalue().splitlines() == [
        "Pièces",
        "FA-2026-00001",
        "  Client : Claire Martin",
        "  Total : 1\u202f234\u202f567,89\u00a0€",
        "",
    ]


def test_token_list_keeps_each_token_start_whole_at_40_columns(app, ctx, database_url, monkeypatch):
    from acompte.domain.users import Role
    from acompte.services import users

    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "40")
    email = f"table-{ctx.company_id}@example.fr"
    users.create_user(app.uow(), email=email, password="un mot de passe sûr")
    users.grant(app.uow(), ctx, email=email, role=Role.CLERK)
    users.create_token(app.uow(), ctx, email=email, name="caisse principale du magasin")
    result = CliRunner().invoke(cli, ["token", "list", "--company", str(ctx.company_id)])
    assert result.exit_code == 0, result.output
    prefix = users.list_tokens(app.uow(), ctx)[0].prefix
    assert prefix + "…" in result.output and email in result.output
