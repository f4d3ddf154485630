"""`acompte bank match`: the open lines with their best candidate, its score and its reasons in words."""

from __future__ import annotations

from typer.testing import CliRunner

from acompte.adapters.cli.main import app as cli
from tests.bank_helpers import bank_line
from tests.helpers import line, validated


def test_bank_match_prints_each_open_line_with_its_best_candidate(uow, ctx, customer, database_url, monkeypatch):
    invoice = validated(uow, ctx, customer.id, line("10000.00"))
    number = invoice.document.number
    bank_line(uow, ctx, "12000.00", label=f"VIR {number}")
    bank_line(uow, ctx, "-1234567.89", label="SANS RAPPORT")
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "60")  # narrow: the amounts must still be whole
    result = CliRunner().invoke(cli, ["bank", "match", "--company", str(ctx.company_id)])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "12 000,00" in flat and "-1 234 567,89" in flat.replace("−", "-")
    assert number in flat and "Client Dupont" in flat and "sûr" in flat
    assert f"Le numéro {number} figure dans le libellé" in flat
    assert "aucun candidat" in flat
