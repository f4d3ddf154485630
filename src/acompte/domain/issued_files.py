"""Issued files: the bytes of a document as issued (its PDF, its Factur-X and the XML inside), with their hash.

An issued invoice, deposit invoice or credit note is a legal document: what its file shows is frozen when it is
issued (`FileJob`: the inputs of its rendering and the issue instant, in the issuing transaction), its bytes are
produced once from them, and every later download hands out exactly those bytes. The SHA-256 recorded in the
document's history proves it (docs/design.md, « Issued documents are frozen »).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class FileKind(StrEnum):
    PDF = "pdf"  # the printed document (purchase side, or a sale whose Factur-X could not be built)
    FACTURX = "facturx"  # PDF/A-3 with its CII XML embedded (sale invoice kinds)
    FACTURX_XML = "facturx_xml"  # the CII XML embedded in the Factur-X, byte for byte


MEDIA_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.FACTURX: "application/pdf",
    FileKind.FACTURX_XML: "application/xml",
}


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedFile:
    """One stored file of an issued document."""

    document_id: int
    kind: FileKind
    content: bytes
    sha256: str

    @classmethod
    def of(cls, document_id: int, kind: FileKind, content: bytes) -> IssuedFile:
        return cls(document_id, kind, content, sha256_of(content))

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]

    @property
    def intact(self) -> bool:
        """The bytes still have the hash recorded when they were stored."""
        return sha256_of(self.content) == self.sha256


@dataclass(frozen=True, slots=True)
class FileJob:
    """The files an issued document is due: `plan` (FACTURX: the Factur-X and its XML; PDF: the PDF) rendered from
    `inputs` (what the file shows, frozen at issue, as text) with the dates of `issued_at`. `actor` issued it."""

    company_id: int
    document_id: int
    plan: FileKind
    actor: str
    issued_at: datetime
    inputs: str
