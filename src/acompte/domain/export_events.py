"""Facts of the exports capability: a period posted to the books, an e-invoice status, an issued file kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from acompte.domain.events import DomainEvent, EventKind
from acompte.domain.money import Money


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountingExported(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.ACCOUNTING_EXPORTED
    run_id: int
    date_from: date
    date_to: date
    entries: int
    documents: int
    payments: int
    debit: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class EInvoiceStatusSet(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.EINVOICE_STATUS_SET
    status: str
    on: date
    amount: Money

    def payload(self) -> dict[str, Any]:
        return {"status": self.status, "date": self.on.isoformat(), "amount": str(self.amount.amount)}


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentFileIssued(DomainEvent):
    """An issued document's file, stored once with its SHA-256 (at issue, or at the first download of a document
    issued before files were kept)."""

    kind: ClassVar[EventKind] = EventKind.DOCUMENT_FILE_ISSUED
    number: str | None
    file: str
    media_type: str
    sha256: str
    size: int
    at_issue: bool

    def payload(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "file": self.file,
            "media_type": self.media_type,
            "sha256": self.sha256,
            "size": self.size,
            "produced": "at_issue" if self.at_issue else "first_download",
        }
