"""The history of a document, a payment or a party: what happened, when, by whom."""

from __future__ import annotations

from typing import Any

from acompte.adapters.api.schemas.common import Output, UtcOut


class EventOut(Output):
    id: str
    occurred_at: UtcOut
    actor: str
    kind: str
    document_id: str | None
    payment_id: str | None
    party_id: str | None
    data: dict[str, Any]
