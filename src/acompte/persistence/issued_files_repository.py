"""`uow.files`: the stored files of issued documents, and the files still due.

`issued_files` rows are inserted once and never updated nor deleted. `issued_file_jobs` rows are inserted by the
issuing transaction with everything the files are made of; the worker claims them for a while
(`claimed_until`, so that two workers do not render the same files at once), and marks them rendered once the
files are stored. Their inputs never change.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from acompte.domain.issued_files import FileJob, FileKind, IssuedFile
from acompte.persistence.company_keys import WHOLE_DATABASE
from acompte.persistence.issued_rows import IssuedFileJobRow, IssuedFileRow
from acompte.services.ports.clock import Clock, SystemClock


def _job(row: IssuedFileJobRow) -> FileJob:
    return FileJob(row.company_id, row.document_id, FileKind(row.plan), row.actor, row.issued_at, row.inputs)


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

    # -- files due ------------------------------------------------------------------------------------------

    def schedule(self, job: FileJob) -> None:
        """Record the files a document just issued is due (no flush: it goes with the transaction's other rows)."""
        self.session.add(
            IssuedFileJobRow(
                company_id=job.company_id,
                document_id=job.document_id,
                plan=job.plan.value,
                actor=job.actor,
                issued_at=job.issued_at,
                inputs=job.inputs,
            )
        )

    def job(self, company_id: int, document_id: int, *, lock: bool = False) -> FileJob | None:
        """The files a document was due at issue (rendered or not); None for a document issued before they were
        recorded. `lock`: until the transaction ends (the one that stores them)."""
        query = select(IssuedFileJobRow).where(
            IssuedFileJobRow.company_id == company_id, IssuedFileJobRow.document_id == document_id
        )
        row = self.session.scalar(query.with_for_update() if lock else query)
        return None if row is None else _job(row)

    def claim_due(self, *, limit: int, lease: timedelta, company_id: int | None = None) -> list[FileJob]:
        """Up to `limit` jobs still due and not claimed by another worker (or whose claim ran out), oldest issue
        first, claimed for `lease`. Every company's (the worker serves them all), or one company's."""
        now = self.clock.now()
        due = (
            select(IssuedFileJobRow)
            .where(
                IssuedFileJobRow.rendered_at.is_(None),
                or_(IssuedFileJobRow.claimed_until.is_(None), IssuedFileJobRow.claimed_until < now),
                *([] if company_id is None else [IssuedFileJobRow.company_id == company_id]),
            )
            .order_by(IssuedFileJobRow.issued_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        # the file worker serves every company: without one named, the due jobs of all of them, oldest first
        rows = list(self.session.scalars(due, execution_options=WHOLE_DATABASE if company_id is None else {}))
        for row in rows:
            row.claimed_until = now + lease
        self.session.flush()
        return [_job(row) for row in rows]

    def mark_rendered(self, company_id: int, document_id: int) -> None:
        self.session.execute(
            update(IssuedFileJobRow)
            .where(IssuedFileJobRow.company_id == company_id, IssuedFileJobRow.document_id == document_id)
            .values(rendered_at=self.clock.now(), claimed_until=None)
        )

    def due_count(self, company_id: int | None = None) -> int:
        query = select(func.count()).select_from(IssuedFileJobRow).where(IssuedFileJobRow.rendered_at.is_(None))
        if company_id is not None:
            query = query.where(IssuedFileJobRow.company_id == company_id)
        return int(self.session.scalar(query) or 0)
