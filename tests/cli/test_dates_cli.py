"""`acompte export fec|ereporting` with a day outside 1900-01-01 … 2999-12-31 answers at once with a French
sentence and a non-zero exit (year 1 used to make the export loop for ever), and writes nothing."""

from __future__ import annotations

import time

import pytest
from typer.testing import CliRunner

from acompte.adapters.cli.main import app as cli
from acompte.services import exports


@pytest.mark.parametrize(
    ("command", "days"),
    [
        ("fec", ["--from", "0001-01-01", "--to", "0001-12-31"]),
        ("fec", ["--from", "2026-01-01", "--to", "9999-12-31"]),
        ("ereporting", ["--from", "0001-01-01", "--to", "0001-12-31"]),
    ],
)
def test_a_day_outside_the_range_is_refused_in_french(uow, ctx, database_url, tmp_path, monkeypatch, command, days):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    started = time.monotonic()
    result = CliRunner().invoke(
        cli,
        ["export", command, *days, "--output", str(tmp_path), "--company", str(ctx.company_id)],
        env={"COLUMNS": "200"},
    )
    assert time.monotonic() - started < 5
    assert result.exit_code != 0
    assert "doit être comprise entre le 01/01/1900 et le 31/12/2999" in " ".join(result.output.split())
    assert exports.list_runs(uow, ctx) == []
    assert list(tmp_path.iterdir()) == []
