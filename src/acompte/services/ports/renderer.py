"""The renderer port: printed documents as bytes (adapters/exports implements it, wired in `bootstrap.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from acompte.domain.einvoicing import EInvoice
    from acompte.services.printing import PrintableDocument


class DocumentRenderer(Protocol):
    """Turns a printable document into bytes. Services call it without knowing WeasyPrint or factur-x."""

    def pdf(self, document: PrintableDocument) -> bytes:
        """The printed document (PDF). The same document gives the same bytes, whenever it is rendered."""
        ...

    def facturx(
        self, document: PrintableDocument, invoice: EInvoice, *, issued_at: datetime | None = None
    ) -> tuple[bytes, bytes]:
        """The Factur-X: (PDF/A-3 with the CII XML embedded, that XML byte for byte). Its creation and
        modification dates are `issued_at` (None: now); with it, the same inputs give the same bytes."""
        ...
