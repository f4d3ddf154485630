"""Issued files: the bytes of a document as issued (its PDF, its Factur-X and the XML inside), with their hash.

An issued invoice, deposit invoice or credit note is a legal document: its file is produced once, when it is
issued, and every later download hands out exactly those bytes. The SHA-256 recorded in the document's history
proves it (docs/design.md, « Issued documents are frozen »).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
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
