"""The history: events appended as they happen, read back for a document, a payment or a party."""

from __future__ import annotations

from sqlalchemy import or_, select

from acompte.domain.events import Event
from acompte.persistence.base import Repo
from acompte.persistence.rows import EventRow
from acompte.services.views import EventView


class EventRepository(Repo):
    def add(self, event: Event, actor: str) -> None:
        self.session.add(
            EventRow(
                company_id=event.company_id,
                occurred_at=self.now(),
                actor=actor,
                kind=str(event.kind),
                document_id=event.document_id,
                payment_id=event.payment_id,
                party_id=event.party_id,
                data=event.data,
            )
        )

    def query(
        self,
        company_id: int,
        *,
        document_id: int | None = None,
        payment_id: int | None = None,
        party_id: int | None = None,
    ) -> list[EventView]:
        stmt = select(EventRow).where(EventRow.company_id == company_id)
        conditions = []
        if document_id is not None:
            conditions.append(EventRow.document_id == document_id)
            # events about a payment allocated to this document name the document in their data
        if payment_id is not None:
            conditions.append(EventRow.payment_id == payment_id)
        if party_id is not None:
            conditions.append(EventRow.party_id == party_id)
        if conditions:
            stmt = stmt.where(or_(*conditions))
        stmt = stmt.order_by(EventRow.id)
        return [
            EventView(
                id=r.id,
                occurred_at=r.occurred_at,
                actor=r.actor,
                kind=r.kind,
                document_id=r.document_id,
                payment_id=r.payment_id,
                party_id=r.party_id,
                data=dict(r.data or {}),
            )
            for r in self.session.scalars(stmt)
        ]
