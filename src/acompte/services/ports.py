"""What the services need from outside: persistence (`SqlUnitOfWork` implements the unit of work) and the
renderer of printed documents (adapters/exports, wired in `bootstrap.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from acompte.domain.einvoicing import EInvoice
    from acompte.services.messagebus import MessageBus
    from acompte.services.printing import PrintableDocument


@dataclass(frozen=True, slots=True)
class Ctx:
    """Who acts, for which company. Every service call is scoped by it."""

    company_id: int
    actor: str = "system"


class DocumentRenderer(Protocol):
    """Turns a printable document into bytes. Services call it without knowing WeasyPrint or factur-x."""

    def pdf(self, document: PrintableDocument) -> bytes:
        """The printed document (PDF)."""
        ...

    def facturx(self, document: PrintableDocument, invoice: EInvoice) -> tuple[bytes, bytes]:
        """The Factur-X: (PDF/A-3 with the CII XML embedded, that XML byte for byte)."""
        ...


class UnitOfWork(Protocol):
    companies: Any
    series: Any
    parties: Any
    items: Any
    documents: Any
    payments: Any
    allocations: Any
    events: Any
    credits: Any  # credit notes, refunds, write-offs (issue 4)
    deposits: Any
    exports: Any
    users: Any
    credentials: Any
    idempotency: Any
    positions: Any  # the facts of document positions, in bulk
    files: Any  # the stored files of issued documents
    renderer: DocumentRenderer | None  # given by bootstrap: issuing produces the files through it
    bus: MessageBus | None  # given by bootstrap: the capabilities' handlers of what the use cases publish

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, *args: object) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
