"""Issued documents are frozen: their files are produced once, at issue, and handed out byte for byte ever after.

`freeze` is called by `documents.validate_document` — the one function every issue path passes through (plain
validation, deposit invoices, credit notes, deposit credit notes) — inside its transaction: the number, the
files and their SHA-256 in the history are committed together or not at all. A sale invoice kind gets its
Factur-X (PDF/A-3 + the CII XML, both stored); a purchase document, or a sale whose Factur-X cannot be built yet
(a legal identifier missing), gets its PDF. The rendering is the unit of work's `renderer` (the
`DocumentRenderer` port, wired in `bootstrap.py`): this module never imports an adapter.

`document_file` serves a download: the stored bytes of an issued document, or a draft (or a quote, an order, a
delivery note, which may still change) rendered on the fly. A document issued before files were stored gets them
on its first download, printed as at issue (printing.py) and recorded the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from acompte.domain.documents import INVOICE_KINDS, Document, Flow, State
from acompte.domain.einvoicing import EInvoiceAction
from acompte.domain.errors import InvalidSetting, InvalidTransition, MissingLegalIdentifier, Reason
from acompte.domain.export_events import DocumentFileIssued
from acompte.domain.issued_files import MEDIA_TYPES, FileKind, IssuedFile
from acompte.services.exports.einvoicing import einvoice_for, fix_paid_at_issue
from acompte.services.exports.printing import TITLES, printable_document
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, DocumentRenderer, UnitOfWork


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
    if renderer is None:  # a unit of work built without bootstrap could issue a document with no file
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


def _facturx(uow: UnitOfWork, ctx: Ctx, document: Document, *, at_issue: bool) -> list[IssuedFile]:
    """The Factur-X of an issued sale document, stored with its XML. Raises what refuses the e-invoice."""
    fix_paid_at_issue(uow, ctx, document)
    invoice = einvoice_for(uow, ctx, document.id)
    printable = printable_document(uow, ctx, document.id)
    pdf, xml = _renderer(uow).facturx(printable, invoice)
    files = [IssuedFile.of(document.id, FileKind.FACTURX, pdf), IssuedFile.of(document.id, FileKind.FACTURX_XML, xml)]
    _store(uow, ctx, document, files, at_issue=at_issue)
    return files


def _pdf(uow: UnitOfWork, ctx: Ctx, document: Document, *, at_issue: bool) -> IssuedFile:
    file = IssuedFile.of(document.id, FileKind.PDF, _renderer(uow).pdf(printable_document(uow, ctx, document.id)))
    _store(uow, ctx, document, [file], at_issue=at_issue)
    return file


def freeze(uow: UnitOfWork, ctx: Ctx, document_id: int, *, at_issue: bool = True) -> list[IssuedFile]:
    """Produce and store the files of a document just issued (inside the caller's transaction). Does nothing for
    a document that is not an issued invoice kind, or that already has its files."""
    with uow:
        document = uow.documents.get(ctx.company_id, document_id)
        if not is_issued(document) or uow.files.kinds(ctx.company_id, document_id):
            return []
        fix_paid_at_issue(uow, ctx, document)  # the file says it; kept so that it is said the same way ever after
        if document.flow is Flow.SALE:
            try:
                return _facturx(uow, ctx, document, at_issue=at_issue)
            except MissingLegalIdentifier:  # refused at generation, not at issue (accounting-exports.md)
                pass
        return [_pdf(uow, ctx, document, at_issue=at_issue)]


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
    """The file of a document for download: an issued one's stored bytes (produced now, once, if it was issued
    before files were kept), a draft's or a commercial document's PDF rendered on the fly."""
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
        if stored is None:
            document = uow.documents.get(ctx.company_id, document_id, lock=True)  # two first downloads: one writes
            stored = _stored(uow, ctx, document, kind)
        if stored is None:
            if kind is FileKind.PDF:
                freeze(uow, ctx, document_id, at_issue=False)
            else:
                _facturx(uow, ctx, document, at_issue=False)
            stored = _stored(uow, ctx, document, kind)
            assert stored is not None
            uow.commit()
        return Download(stored.content, stored.media_type, _filename(document, kind), stored.sha256)
