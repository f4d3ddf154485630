"""The command line: `acompte init` and `acompte demo` on a fresh database."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from acompte import bootstrap
from acompte.adapters.cli.main import app as cli
from acompte.persistence.engine import is_sqlite
from acompte.services import companies, documents, payments
from acompte.services.ports import Ctx


@pytest.fixture
def cli_database(database_url, tmp_path, monkeypatch):
    # The CLI reads ACOMPTE_DATABASE_URL; on PostgreSQL it shares the test database (tenants are isolated).
    url = f"sqlite:///{tmp_path / 'cli.db'}" if is_sqlite(database_url) else database_url
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", url)
    return url


def test_init_creates_the_database_and_a_company(cli_database):
    result = CliRunner().invoke(cli, ["init", "--name", "Atelier Bois", "--siren", "123456782"])
    assert result.exit_code == 0, result.output
    assert "Atelier Bois" in result.output
    application = bootstrap.build(cli_database)
    try:
        assert any(c.name == "Atelier Bois" for c in companies.list_companies(application.uow()))
    finally:
        application.close()


def test_demo_tells_documents_and_payments_with_what_is_due(cli_database):
    result = CliRunner().invoke(cli, ["demo", "--fresh"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for text in ("Documents", "Règlements", "Partiellement réglé", "Réglé", "Non réglé", "5,00"):
        assert text in result.output
    application = bootstrap.build(cli_database)
    try:
        company_id = int(re.search(r"société n° (\d+)", result.output).group(1))
        ctx = Ctx(company_id)
        docs = documents.list_documents(application.uow(), ctx, limit=500)
        pays = payments.list_payments(application.uow(), ctx, limit=500)
        assert {d.status.value for d in docs} >= {"unpaid", "partial", "paid"}
        cheque = next(p for p in pays if p.payment.amount.amount == Decimal("50.00"))
        assert cheque.allocated.amount == Decimal("50.00")  # 45.00 invoice, then 5.00 on the next one
        for p in pays:
            assert p.allocated <= p.payment.amount
    finally:
        application.close()


def test_init_takes_the_vat_number_and_refuses_one_with_a_wrong_key(cli_database):
    runner = CliRunner()
    refused = runner.invoke(cli, ["init", "--name", "Faute", "--siren", "732829320", "--vat-number", "FR12345678901"])
    assert refused.exit_code == 1
    assert "Numéro de TVA invalide" in refused.output
    result = runner.invoke(
        cli, ["init", "--name", "Meubles Durand", "--siren", "732829320", "--vat-number", "fr 44 732829320"]
    )
    assert result.exit_code == 0, result.output
    application = bootstrap.build(cli_database)
    try:
        made = {c.name: c for c in companies.list_companies(application.uow())}
        assert "Faute" not in made
        assert (made["Meubles Durand"].siren, made["Meubles Durand"].vat_number) == ("732829320", "FR44732829320")
    finally:
        application.close()
