"""Issued documents are frozen: what their files show is fixed at issue, their bytes are produced once from it
and handed out byte for byte ever after.

`freeze` is called by `documents.validate_document` — the one function every issue path passes through (plain
validation, deposit invoices, credit notes, deposit credit notes) — inside its transaction. It renders nothing:
it records the files the document is due (`uow.files.schedule`) with everything they show (the printed document
and, for a sale invoice kind, its e-invoice: render_inputs.py) and the issue instant; the number, that record
and the history are committed together or not at all. The bytes are rendered after commit, from that record
only, by `render_due` (the worker: a thread of `acompte serve`, or `acompte files render`) or by the first
download (`document_file`), whichever comes first; the same record always gives the same bytes. Storing them
records their SHA-256 in the history (`DocumentFileIssued`), by the issuer's name.

A sale invoice kind gets its Factur-X (PDF/A-3 + the CII XML, both stored); a purchase document, or a sale whose
Factur-X cannot be built yet (a legal identifier missing), gets its PDF. The rendering is the unit of work's
`renderer` (the `DocumentRenderer` port, wired in `bootstrap.py`): this module never imports an adapter.

`document_file` serves a download: the stored bytes of an issued document, or a draft (or a quote, an order, a
delivery note, which may still change) rendered on the fly. A document issued before its files were recorded
gets them on its first download, printed as at issue (printing.py) and recorded the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from acompte.domain.documents import INVOICE_KINDS, Document, Flow, State
from acompte.domain.einvoicing import EInvoiceAction
from acompte.domain.errors import InvalidSetting, InvalidTransition, MissingLegalIdentifier, Reason
from acompte.domain.export_events import DocumentFileIssued
from acompte.domain.issued_files import MEDIA_TYPES, FileJob, FileKind, IssuedFile
from acompte.services.exports import render_inputs
from acompte.services.exports.einvoicing import einvoice_for, fix_paid_at_issue
from acompte.services.exports.printing import TITLES, printable_document
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, DocumentRenderer, UnitOfWork

log = logging.getLogger(__name__)

#: How long a worker keeps the jobs it took before another may take them (it died, or it is that slow).
LEASE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Download:
    """A file to hand out. `sha256` is set for an issued document's stored file (None: rendered on the fly)."""

    content: bytes
    media_type: str
    filename: str
    sha256: str | None = None


def is_issued(document: Document) -> bool:
    return document.kind in INVOICE_KINDS and document.state is State.VALIDATED and bool(document.number)


def _renderer(uow: UnitOfWork) -> DocumentRenderer:
    renderer: DocumentRenderer | None = getattr(uow, "renderer", None)
    if renderer is None:  # a unit of work built without bootstrap could not produce an issued document's file
        raise RuntimeError("no document renderer: build the unit of work with acompte.bootstrap")
    return renderer


def _store(uow: UnitOfWork, ctx: Ctx, document: Document, files: list[IssuedFile], *, at_issue: bool) -> None:
    for file in files:
        uow.files.add(ctx.company_id, file)
        publish(
            uow,
            ctx,
            DocumentFileIssued(
                company_id=ctx.company_id,
                document_id=document.id,
                party_id=document.party_id,
                number=document.number,
                file=file.kind.value,
                media_type=file.media_type,
                sha256=file.sha256,
                size=file.size,
                at_issue=at_issue,
            ),
        )


# -- at issue: what the files will show -------------------------------------------------------------------------


def freeze(uow: UnitOfWork, ctx: Ctx, document_id: int) -> FileJob | None:
    """Record the files a document just issued is due and what they show (inside the caller's transaction).
    Does nothing for a document that is not an issued invoice kind."""
    with uow:
        document = uow.documents.get(ctx.company_id, document_id)
        if not is_issued(document):
            return None
        fix_paid_at_issue(uow, ctx, document)  # the file says it; kept so that it is said the same way ever after
        plan, inputs = FileKind.PDF, None
        if document.flow is Flow.SALE:
            try:
                invoice = einvoice_for(uow, ctx, document.id)
            except MissingLegalIdentifier:  # refused at generation, not at issue (accounting-exports.md)
                pass
            else:
                plan, inputs = (
                    FileKind.FACTURX,
                    render_inputs.RenderInputs(printable_document(uow, ctx, document.id), invoice),
                )
        if inputs is None:
            inputs = render_inputs.RenderInputs(printable_document(uow, ctx, document.id))
        job = FileJob(ctx.company_id, document.id, plan, ctx.actor, uow.clock.now(), render_inputs.dumps(inputs))
        uow.files.schedule(job)
        return job


# -- after commit: the bytes ---------------------------------------------------------------------------------


def render(renderer: DocumentRenderer, job: FileJob) -> list[IssuedFile]:
    """The files of `job`, from its inputs alone (no database): the same job gives the same bytes."""
    inputs = render_inputs.loads(job.inputs)
    if job.plan is FileKind.FACTURX:
        assert inputs.invoice is not None
        pdf, xml = renderer.facturx(inputs.document, inputs.invoice, issued_at=job.issued_at)
        return [
            IssuedFile.of(job.document_id, FileKind.FACTURX, pdf),
            IssuedFile.of(job.document_id, FileKind.FACTURX_XML, xml),
        ]
    return [IssuedFile.of(job.document_id, FileKind.PDF, renderer.pdf(inputs.document))]


def produce(uow: UnitOfWork, job: FileJob) -> bool:
    """Render `job` (outside any transaction) and store its files in a transaction of their own, with their hash
    in the history. False when they were stored meanwhile (another worker, a download): the same bytes."""
    files = render(_renderer(uow), job)
    ctx = Ctx(job.company_id, actor=job.actor)
    with uow:
        uow.files.job(job.company_id, job.document_id, lock=True)  # one writer; the other finds them stored
        if uow.files.kinds(job.company_id, job.document_id):
            uow.files.mark_rendered(job.company_id, job.document_id)
            uow.commit()
            return False
        document = uow.documents.get(job.company_id, job.document_id)
        _store(uow, ctx, document, files, at_issue=True)
        uow.files.mark_rendered(job.company_id, job.document_id)
        uow.commit()
    return True


def render_due(uow: UnitOfWork, *, limit: int = 20, company_id: int | None = None) -> int:
    """One pass of the worker: claim up to `limit` due jobs (every company's, or `company_id`'s), render and store
    each. Returns how many were stored. A job that fails stays due (logged) and is taken again when its claim
    runs out."""
    with uow:
        jobs = uow.files.claim_due(limit=limit, lease=LEASE, company_id=company_id)
        uow.commit()
    if not jobs:
        return 0
    stored = 0
    for job in jobs:
        try:
            stored += produce(uow, job)
        except Exception:  # one document's file must not stop the others'; it is retried after LEASE
            log.exception("issued file of document %s (company %s) not produced", job.document_id, job.company_id)
    return stored


def files_due(uow: UnitOfWork, company_id: int | None = None) -> int:
    with uow:
        return uow.files.due_count(company_id)


# -- downloads ------------------------------------------------------------------------------------------------


def _facturx_now(uow: UnitOfWork, ctx: Ctx, document: Document) -> None:
    """The Factur-X of a sale issued before it could be built (a legal identifier was missing), printed as at
    issue from today's data at its first download. Raises what still refuses the e-invoice."""
    fix_paid_at_issue(uow, ctx, document)
    invoice = einvoice_for(uow, ctx, document.id)
    pdf, xml = _renderer(uow).facturx(printable_document(uow, ctx, document.id), invoice)
    files = [IssuedFile.of(document.id, FileKind.FACTURX, pdf), IssuedFile.of(document.id, FileKind.FACTURX_XML, xml)]
    _store(uow, ctx, document, files, at_issue=False)


def _pdf_now(uow: UnitOfWork, ctx: Ctx, document: Document) -> None:
    """The PDF of a document issued before its files were recorded, printed as at issue at its first download."""
    fix_paid_at_issue(uow, ctx, document)
    if document.flow is Flow.SALE:
        try:
            _facturx_now(uow, ctx, document)
            return
        except MissingLegalIdentifier:
            pass
    file = IssuedFile.of(document.id, FileKind.PDF, _renderer(uow).pdf(printable_document(uow, ctx, document.id)))
    _store(uow, ctx, document, [file], at_issue=False)


def _filename(document: Document, kind: FileKind) -> str:
    if kind is FileKind.FACTURX_XML:
        return f"factur-x-{document.number}.xml"
    return f"{TITLES[document.kind]}-{document.number or f'Brouillon-{document.id}'}.pdf"


def _stored(uow: UnitOfWork, ctx: Ctx, document: Document, kind: FileKind) -> IssuedFile | None:
    if kind is FileKind.PDF:  # a sale's Factur-X is its PDF: one issued file, whichever route asks
        return uow.files.get(ctx.company_id, document.id, FileKind.PDF) or uow.files.get(
            ctx.company_id, document.id, FileKind.FACTURX
        )
    return uow.files.get(ctx.company_id, document.id, kind)


def document_file(uow: UnitOfWork, ctx: Ctx, document_id: int, kind: FileKind = FileKind.PDF) -> Download:
    """The file of a document for download: an issued one's stored bytes (rendered now from what was frozen at
    its issue if the worker has not yet), a draft's or a commercial document's PDF rendered on the fly."""
    with uow:
        document = uow.documents.get(ctx.company_id, document_id)
        if kind is not FileKind.PDF:
            if not is_issued(document):
                raise InvalidTransition(action=EInvoiceAction.PRODUCE, kind=document.kind, state=document.state)
            if document.flow is not Flow.SALE:
                raise InvalidSetting(reason=Reason.EINVOICE_SALES_ONLY)
        if not is_issued(document):
            content = _renderer(uow).pdf(printable_document(uow, ctx, document_id))
            return Download(content, MEDIA_TYPES[kind], _filename(document, kind))
        stored = _stored(uow, ctx, document, kind)
        job = uow.files.job(ctx.company_id, document_id) if stored is None else None
        if job is not None and uow.files.kinds(ctx.company_id, document_id):
            job = None  # rendered: what is missing is a Factur-X its issue could not build
    if job is not None:
        produce(uow, job)  # its transaction, after this read one: no lock held while rendering
    if stored is None:
        with uow:
            stored = _stored(uow, ctx, document, kind)
            if stored is None:  # issued before its files were recorded, or a Factur-X its issue could not build
                document = uow.documents.get(ctx.company_id, document_id, lock=True)  # two first downloads: one writes
                stored = _stored(uow, ctx, document, kind)
            if stored is None:
                if kind is FileKind.PDF:
                    _pdf_now(uow, ctx, document)
                else:
                    _facturx_now(uow, ctx, document)
                stored = _stored(uow, ctx, document, kind)
                assert stored is not None
                uow.commit()
    return Download(stored.content, stored.media_type, _filename(document, kind), stored.sha256)
