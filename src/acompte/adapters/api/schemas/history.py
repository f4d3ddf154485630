"""The history of a document, a payment or a party: what happened, when, by whom."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from acompte.adapters.api.schemas.common import (
    Output,
    opt_id,
    utc,
)
from acompte.services.views import EventView


class EventOut(Output):
    id: str
    occurred_at: datetime
    actor: str
    kind: str
    document_id: str | None
    payment_id: str | None
    party_id: str | None
    data: dict[str, Any]

    @classmethod
    def of(cls, event: EventView) -> EventOut:
        return cls(
            id=str(event.id),
            occurred_at=utc(event.occurred_at),  # type: ignore[arg-type]
            actor=event.actor,
            kind=event.kind,
            document_id=opt_id(event.document_id),
            payment_id=opt_id(event.payment_id),
            party_id=opt_id(event.party_id),
            data=event.data,
        )
