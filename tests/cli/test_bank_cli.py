"""`acompte bank import FILE --account …`: a statement imported from the command line, once, with a summary;
refused files exit non-zero with the catalogue's sentence."""

from __future__ import annotations

from pathlib import Path

from bench.bank_statements import camt053
from typer.testing import CliRunner

from acompte.adapters.cli import bank
from acompte.adapters.cli.main import app as cli
from acompte.domain.payments import AccountKind
from acompte.services import companies
from acompte.services.banking import csv_mappings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank"
IBAN = "FR7630006000011234567890189"


def run(ctx, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["bank", "import", *args, "--company", str(ctx.company_id)])


def said(result) -> str:  # type: ignore[no-untyped-def]
    """The output as one line (the console wraps it at its width)."""
    return " ".join(result.output.split())


def test_a_statement_is_imported_by_iban_once_and_the_second_time_says_so(app, ctx, database_url, monkeypatch):
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    companies.add_account(app.uow(), ctx, name="Crédit Agricole", kind=AccountKind.BANK, iban=IBAN)
    file = str(FIXTURES / "credit-agricole-camt053-v08.xml")
    first = run(ctx, file, "--account", "FR76 3000 6000 0112 3456 7890 189")
    assert first.exit_code == 0, first.output
    assert "6 ligne(s) ajoutée(s), 0 déjà présente(s), sur 6" in said(first)
    again = run(ctx, file, "--account", IBAN, "--format", "camt.053")
    assert again.exit_code == 0 and "0 ligne(s) ajoutée(s), 6 déjà présente(s)" in said(again)
    assert "déjà importé" in said(again)


def test_a_refused_statement_exits_non_zero_with_the_reason(app, ctx, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    account = companies.add_account(app.uow(), ctx, name="Crédit Agricole", kind=AccountKind.BANK, iban=IBAN)
    wrong = tmp_path / "wrong.xml"
    wrong.write_bytes((FIXTURES / "credit-agricole-camt053-v08.xml").read_bytes().replace(b">13128.62<", b">13000.00<"))
    refused = run(ctx, str(wrong), "--account", str(account))
    assert refused.exit_code == 1
    assert "solde d'ouverture" in said(refused) and "Rien n'a été importé" in said(refused)
    unknown = run(ctx, str(wrong), "--account", "FR1420041010050500013M02606")
    assert unknown.exit_code == 1 and "introuvable" in said(unknown)
    assert run(ctx, str(wrong), "--account", str(account), "--format", "mt940").exit_code == 2


def test_a_csv_file_is_imported_with_its_mapping_named(app, ctx, database_url, monkeypatch):
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    account = companies.add_account(app.uow(), ctx, name="Crédit Agricole", kind=AccountKind.BANK)
    csv_mappings.create_mapping(
        app.uow(),
        ctx,
        name="Crédit Agricole",
        columns={"date": "Date", "label": "Libellé", "debit": "Débit euros", "credit": "Crédit euros"},
        encoding="cp1252",
        skip_rows=2,
    )
    result = run(ctx, str(FIXTURES / "credit-agricole.csv"), "--account", str(account), "--mapping", "crédit agricole")
    assert result.exit_code == 0, result.output
    assert "5 ligne(s) ajoutée(s)" in said(result)


def test_a_large_file_is_imported_with_a_progress_bar(app, ctx, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    account = companies.add_account(app.uow(), ctx, name="Crédit Agricole", kind=AccountKind.BANK, iban=IBAN)
    year = tmp_path / "year.xml"
    year.write_bytes(camt053(bank.PROGRESS_FROM))
    told: list[tuple[int, int]] = []
    real = bank._with_progress

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        summary = real(*args, **kwargs)
        told.append((summary.added, summary.lines_in_file))
        return summary

    monkeypatch.setattr(bank, "_with_progress", watched)
    result = run(ctx, str(year), "--account", str(account))
    assert result.exit_code == 0, result.output
    assert told == [(bank.PROGRESS_FROM, bank.PROGRESS_FROM)]
