"""The allocation postings an export run reads and writes: how earlier runs booked each allocation (receivable
or deposit), read per batch for the documents the run's payments settle, and the postings the run books itself,
kept in memory until they are written in one batch.

A payment's entry depends on what was booked before it on the same invoice — by earlier runs and by the
payments posted before it in this run — so each read answers with both, in the order they were booked.
"""

from __future__ import annotations

from collections.abc import Iterable

from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.ports.exports import NewPosting, PostingRecord

Posting = PostingRecord | NewPosting


class RunPostings:
    def __init__(self, uow: UnitOfWork, ctx: Ctx) -> None:
        self.uow, self.ctx = uow, ctx
        self._booked: dict[int, list[PostingRecord]] = {}
        self._settling: dict[int, list[PostingRecord]] = {}
        self._read: set[int] = set()
        self.new: list[NewPosting] = []
        self._new_on: dict[int, list[NewPosting]] = {}

    def prefetch(self, document_ids: Iterable[int]) -> None:
        """Read per batch the postings of these documents and of the allocations settling them."""
        unread = {i for i in document_ids if i not in self._read}
        if not unread:
            return
        booked, settling = self.uow.exports.postings_on_documents(self.ctx.company_id, unread)
        for document_id in unread:
            self._booked[document_id] = booked.get(document_id, [])
            self._settling[document_id] = settling.get(document_id, [])
        self._read |= unread

    def booked_on(self, document_id: int) -> list[Posting]:
        """Every posting booked on a document, oldest first (`exports.postings(document_id=…)`)."""
        if document_id not in self._read:
            self.prefetch([document_id])
        return [*self._booked[document_id], *self._new_on.get(document_id, [])]

    def settling(self, document_id: int) -> list[Posting]:
        """The postings of the allocations that settle a document today, wherever they were booked (a deposit
        paid on an order whose allocation followed it to its invoice), oldest first. The run's own postings are
        booked on the document their allocation settles."""
        if document_id not in self._read:
            self.prefetch([document_id])
        return [
            *self._settling[document_id],
            *(p for p in self._new_on.get(document_id, []) if p.allocation_id is not None),
        ]

    def add(self, posting: NewPosting) -> None:
        self.new.append(posting)
        self._new_on.setdefault(posting.document_id, []).append(posting)

    def write(self, run_id: int) -> None:
        """Write the run's postings in one batch."""
        self.uow.exports.add_postings(self.ctx.company_id, run_id, self.new)
        self.new = []
        self._new_on.clear()
        self._booked.clear()
        self._settling.clear()
        self._read.clear()
