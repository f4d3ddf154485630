"""`acompte bank reconcile [--auto] [--account ID]`: the balances of each bank account, and the certain lines
reconciled when the company turned automatic reconciliation on."""

from __future__ import annotations

from datetime import date

from typer.testing import CliRunner

from acompte.adapters.cli.main import app as cli
from acompte.services import companies
from acompte.services.banking import reconciliation
from tests.bank_helpers import bank_line
from tests.helpers import line, validated


def test_auto_reconcile_from_the_command_line(uow, ctx, customer, database_url, monkeypatch):
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    monkeypatch.setenv("ACOMPTE_LANG", "fr")
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    quoted = bank_line(uow, ctx, "120.00", booking_date=date.today(), reference=f"Facture {invoice.document.number}")
    args = ["bank", "reconcile", "--auto", "--account", str(quoted.account_id), "--company", str(ctx.company_id)]
    off = CliRunner().invoke(cli, args)
    assert off.exit_code == 1 and "désactivé" in off.output
    companies.update_settings(uow, ctx, {reconciliation.AUTO_RECONCILE_SETTING: True})
    on = CliRunner().invoke(cli, args)
    assert on.exit_code == 0, on.output
    said = " ".join(on.output.split())
    assert "1 ligne(s) rapprochée(s) sur 1" in said and "écart 0,00" in said and "0 ligne(s) à rapprocher" in said
    with uow:
        found = uow.bank.line(ctx.company_id, quoted.id)
    assert found is not None and found.state.value == "reconciled"


def test_an_unknown_account_is_refused(ctx, database_url, monkeypatch):
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["bank", "reconcile", "--account", "999999999", "--company", str(ctx.company_id)])
    assert result.exit_code != 0
