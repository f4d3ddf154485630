"""`uow.files`: the stored files of issued documents. Rows are inserted once and never updated nor deleted."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from acompte.domain.issued_files import FileKind, IssuedFile
from acompte.persistence.rows import IssuedFileRow
from acompte.services.ports.clock import Clock, SystemClock


class IssuedFileRepository:
    def __init__(self, session: Session, clock: Clock | None = None) -> None:
        self.session = session
        self.clock: Clock = clock or SystemClock()

    def add(self, company_id: int, file: IssuedFile) -> None:
        self.session.add(
            IssuedFileRow(
                company_id=company_id,
                document_id=file.document_id,
                kind=file.kind.value,
                sha256=file.sha256,
                size=file.size,
                content=file.content,
                created_at=self.clock.now(),
            )
        )
        self.session.flush()

    def get(self, company_id: int, document_id: int, kind: FileKind) -> IssuedFile | None:
        row = self.session.scalar(
            select(IssuedFileRow).where(
                IssuedFileRow.company_id == company_id,
                IssuedFileRow.document_id == document_id,
                IssuedFileRow.kind == kind.value,
            )
        )
        if row is None:
            return None
        return IssuedFile(row.document_id, FileKind(row.kind), bytes(row.content), row.sha256)

    def kinds(self, company_id: int, document_id: int) -> set[FileKind]:
        found = self.session.scalars(
            select(IssuedFileRow.kind).where(
                IssuedFileRow.company_id == company_id, IssuedFileRow.document_id == document_id
            )
        )
        return {FileKind(kind) for kind in found}
