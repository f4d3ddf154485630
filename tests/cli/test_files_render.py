"""The worker that renders issued files outside a request (SQLite and PostgreSQL): `acompte files render` drains
what is due and says how many; the thread of `acompte serve` renders a document issued through the API by
itself, without any download."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from acompte import bootstrap
from acompte.adapters.api import create_app
from acompte.adapters.cli.main import app as cli
from acompte.adapters.file_worker import FileWorker
from acompte.domain.documents import Flow
from acompte.services.exports import issued_files
from tests.helpers import line, validated


def test_the_command_renders_the_files_due_and_says_how_many(app, uow, ctx, supplier, monkeypatch, database_url):
    for amount in ("100.00", "200.00"):
        validated(uow, ctx, supplier.id, line(amount), flow=Flow.PURCHASE)
    assert issued_files.files_due(uow, ctx.company_id) == 2

    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["files", "render", "--company", str(ctx.company_id)])

    assert result.exit_code == 0, result.output
    assert "2 pièce(s) aux fichiers produits" in result.output and "0 encore en attente" in result.output
    assert issued_files.files_due(uow, ctx.company_id) == 0


def test_the_server_thread_renders_a_document_issued_without_being_asked(app, uow, ctx, supplier):
    worker = FileWorker(app.uow, interval=0.05, company_id=ctx.company_id).start()
    try:
        bill = validated(uow, ctx, supplier.id, line("400.00"), flow=Flow.PURCHASE)
        deadline = time.monotonic() + 60
        while issued_files.files_due(uow, ctx.company_id) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.stop()
    assert issued_files.files_due(uow, ctx.company_id) == 0 and worker.stored == 1
    with uow:
        assert uow.files.kinds(ctx.company_id, bill.id)


def test_an_application_built_without_its_file_worker_starts_no_thread_and_a_server_one_does(app, tmp_path):
    with TestClient(create_app(app)):
        assert "acompte-files" not in {t.name for t in threading.enumerate()}
    own = bootstrap.build(f"sqlite:///{tmp_path / 'server.db'}")  # its worker serves every company: none of ours
    with TestClient(create_app(own, file_worker=True)):
        assert "acompte-files" in {t.name for t in threading.enumerate()}
    assert "acompte-files" not in {t.name for t in threading.enumerate()}  # stopped with the application
    own.close()
