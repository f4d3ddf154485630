"""An issued document's files are rendered after its issue, from what the issue froze (SQLite and PostgreSQL):
the issuing transaction records them due with everything they show; the worker or the first download renders
them, whichever comes first, once; what changes after issue (the customer's address, a payment) never reaches
them; rendering the same frozen inputs again gives the same bytes, dated by the issue."""

from __future__ import annotations

import io
import time
from datetime import date

from pypdf import PdfReader

from acompte.domain.documents import Flow
from acompte.domain.events import EventKind
from acompte.domain.issued_files import FileKind
from acompte.services import history, parties
from acompte.services.exports import issued_files, render_inputs
from acompte.services.exports.einvoicing import einvoice_for
from acompte.services.exports.printing import printable_document
from tests.deposit_helpers import issued_deposit, issued_final, table_order
from tests.helpers import line, pay, validated
from tests.services.test_issued_files import legal, text_of  # noqa: F401 - the fixture is used by name


def file_events(uow, ctx, document_id):
    return [e for e in history.document_history(uow, ctx, document_id) if e.kind == EventKind.DOCUMENT_FILE_ISSUED]


def job_of(uow, ctx, document_id):
    with uow:
        job = uow.files.job(ctx.company_id, document_id)
    assert job is not None
    return job


def test_the_worker_renders_what_the_issue_froze_even_after_the_customer_moved(uow, ctx, legal):  # noqa: F811
    invoice = validated(uow, ctx, legal.id, line("1000.00"), today=date(2026, 3, 16))
    parties.update_party(uow, ctx, legal.id, address="8 avenue Foch, 13001 Marseille")  # after issue, before render

    issued_files.render_due(uow, company_id=ctx.company_id)
    printed = text_of(issued_files.document_file(uow, ctx, invoice.id, FileKind.FACTURX).content)
    assert "Paris" in printed and "Marseille" not in printed
    assert issued_files.render_due(uow, company_id=ctx.company_id) == 0  # nothing left: each file once


def test_a_download_before_the_worker_renders_the_files_once_and_the_worker_finds_them_done(uow, ctx, legal):  # noqa: F811
    invoice = validated(uow, ctx, legal.id, line("1000.00"), today=date(2026, 3, 16))
    pay(uow, ctx, legal.id, "100.00", (invoice.id, "100.00"))  # after issue: not on the file

    first = issued_files.document_file(uow, ctx, invoice.id, FileKind.FACTURX_XML)
    assert issued_files.files_due(uow, ctx.company_id) == 0
    assert issued_files.render_due(uow, company_id=ctx.company_id) == 0
    assert b"<ram:DuePayableAmount>1200.00</ram:DuePayableAmount>" in first.content
    assert issued_files.document_file(uow, ctx, invoice.id, FileKind.FACTURX_XML).content == first.content
    assert len(file_events(uow, ctx, invoice.id)) == 2
    # a worker that had claimed the job before the download stores nothing more: the same bytes are there
    assert issued_files.produce(uow, job_of(uow, ctx, invoice.id)) is False
    assert len(file_events(uow, ctx, invoice.id)) == 2


def test_rendering_the_frozen_inputs_again_gives_the_same_bytes_dated_by_the_issue(app, uow, ctx, legal):  # noqa: F811
    order = table_order(uow, ctx, legal.id)
    issued_deposit(uow, ctx, order.id, percent="30", paid_by="transfer")
    final = issued_final(uow, ctx, order.id)
    job = job_of(uow, ctx, final.id)
    stored = issued_files.document_file(uow, ctx, final.id, FileKind.FACTURX)

    time.sleep(1.1)  # the dates of a file rendered now would differ by a second
    again = issued_files.render(app.renderer, job)
    assert [f.content for f in again] == [
        stored.content,
        issued_files.document_file(uow, ctx, final.id, FileKind.FACTURX_XML).content,
    ]
    info = PdfReader(io.BytesIO(stored.content)).metadata
    assert info is not None
    assert info["/CreationDate"] == info["/ModDate"] == job.issued_at.strftime("D:%Y%m%d%H%M%S+00'00'")


def test_a_purchase_pdf_rendered_twice_is_the_same_bytes(app, uow, ctx, supplier):
    bill = validated(uow, ctx, supplier.id, line("400.00"), flow=Flow.PURCHASE, today=date(2026, 3, 3))
    job = job_of(uow, ctx, bill.id)
    assert job.plan is FileKind.PDF
    first = issued_files.render(app.renderer, job)
    time.sleep(1.1)
    assert issued_files.render(app.renderer, job) == first


def test_the_frozen_inputs_read_back_equal_to_the_printed_document_and_its_e_invoice(uow, ctx, legal):  # noqa: F811
    order = table_order(uow, ctx, legal.id)
    issued_deposit(uow, ctx, order.id, percent="30", paid_by="transfer")
    final = issued_final(uow, ctx, order.id)

    inputs = render_inputs.loads(job_of(uow, ctx, final.id).inputs)
    assert inputs.document == printable_document(uow, ctx, final.id)
    assert inputs.invoice == einvoice_for(uow, ctx, final.id)
    assert render_inputs.dumps(inputs) == job_of(uow, ctx, final.id).inputs
