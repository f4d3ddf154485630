"""`acompte export fec --from --to --output DIR` posts the period and writes a conforming FEC and a CSV."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from typer.testing import CliRunner

from acompte.adapters.cli.main import app as cli
from acompte.adapters.exports.fec import check_fec
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.services import documents, exports


def test_export_fec_writes_the_year_file_named_after_the_siren_and_a_csv(
    app, uow, ctx, customer, database_url, tmp_path, monkeypatch
):
    draft = documents.create_document(
        uow,
        ctx,
        kind=Kind.INVOICE,
        flow=Flow.SALE,
        party_id=customer.id,
        lines=[LineInput("Table", Decimal(1), Decimal("100.00"), Decimal(20))],
    )
    documents.validate_document(uow, ctx, draft.id, today=date(2026, 3, 2))
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "fec",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--output",
            str(tmp_path),
            "--company",
            str(ctx.company_id),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "1 écriture(s)" in result.output
    fec = tmp_path / "123456782FEC20261231.txt"
    assert check_fec(fec.read_bytes(), date_from=date(2026, 1, 1), date_to=date(2026, 12, 31), filename=fec.name) == []
    assert (tmp_path / "ecritures-20260301-20260331.csv").exists()
    assert len(exports.list_runs(uow, ctx)) == 1

    again = CliRunner().invoke(
        cli,
        [
            "export",
            "fec",
            "--from",
            "2026-03-15",
            "--to",
            "2026-04-15",
            "--output",
            str(tmp_path),
            "--company",
            str(ctx.company_id),
        ],
    )
    assert again.exit_code == 1
    assert "chevauche" in again.output


def test_export_ereporting_writes_the_payment_data_csv(app, uow, ctx, customer, database_url, tmp_path, monkeypatch):
    from acompte.domain.money import Money
    from acompte.domain.parties import ItemKind
    from acompte.services import parties, payments

    mission = parties.create_item(
        uow, ctx, name="Conseil", unit_price=Decimal("100.00"), vat_rate=Decimal(20), kind=ItemKind.SERVICE
    )
    draft = documents.create_document(
        uow,
        ctx,
        kind=Kind.INVOICE,
        flow=Flow.SALE,
        party_id=customer.id,
        lines=[LineInput("Conseil", Decimal(1), Decimal("100.00"), Decimal(20), item_id=mission.id)],
    )
    invoice = documents.validate_document(uow, ctx, draft.id, today=date(2026, 3, 2))
    payments.record_payment(
        uow,
        ctx,
        party_id=customer.id,
        amount=Money.of("120.00", "EUR"),
        method="transfer",
        payment_date=date(2026, 3, 9),
        allocations=[(invoice.id, Money.of("120.00", "EUR"))],
    )
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "ereporting",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--output",
            str(tmp_path),
            "--company",
            str(ctx.company_id),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "e-reporting-paiements-20260301-20260331.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].split(";")[4:] == ["120,00", "20", "20,00"]
