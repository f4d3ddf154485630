"""`acompte verify` through the command line: a French summary and exit 0 on sound books (the demo's included),
exit 1 naming the event when a history row was altered by hand."""

from __future__ import annotations

from typer.testing import CliRunner

from acompte import bootstrap
from acompte.adapters.cli.demo import build_demo
from acompte.adapters.cli.main import app as cli
from acompte.persistence.engine import is_sqlite
from acompte.services import companies, parties
from acompte.services.history import party_history
from acompte.services.ports import Ctx
from tests.tampering import alter_event


def test_verify_passes_then_names_the_event_altered_by_hand(database_url, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'verify.db'}" if is_sqlite(database_url) else database_url
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", url)
    application = bootstrap.build(url)
    try:
        ctx = Ctx(companies.create_company(application.uow(), name="Vérifiée SARL", currency="EUR"))
        party = parties.create_party(application.uow(), ctx, name="Client Martin")
        created = party_history(application.uow(), ctx, party.id)[0]

        result = CliRunner().invoke(cli, ["verify", "--company", str(ctx.company_id)])
        assert result.exit_code == 0, result.output
        assert "Vérification réussie : 1 société(s), 2 événements chaînés" in result.output

        alter_event(application.engine, created.id, {**created.data, "name": "Client Martin (modifié)"})
        result = CliRunner().invoke(cli, ["verify", "--company", str(ctx.company_id)])
        assert result.exit_code == 1, result.output
        assert "Vérification échouée" in result.output
        assert f"l'événement {created.id} ne correspond plus à son empreinte SHA-256" in result.output
        assert f"événement {created.id} (PartyCreated," in result.output
    finally:
        application.close()


def test_verify_refuses_an_unknown_company(database_url, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'verify.db'}" if is_sqlite(database_url) else database_url
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", url)
    result = CliRunner().invoke(cli, ["verify", "--company", "987654321"])
    assert result.exit_code == 2, result.output


def test_verify_passes_on_the_demo(app, database_url, monkeypatch):  # type: ignore[no-untyped-def]
    company_id = build_demo(app.uow())
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["verify", "--company", str(company_id)])
    assert result.exit_code == 0, result.output
    assert "Vérification réussie : 1 société(s)" in result.output
    assert "numéros sans trou" in result.output
