"""The history's hash chain: the canonical form of an event and the SHA-256 that links it to the one before.

Each event of a company carries `hash = sha256(previous_hash || canonical(event))`, the first event of a
company chaining to `GENESIS`. `canonical` is the event's content as stored, written as JSON with sorted keys,
no whitespace and UTF-8 (docs/design.md, « The history chain »). Changing a stored event, removing one or
swapping two breaks the chain from that event on; `acompte verify` recomputes it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: What the first event of a company chains to: 64 zeros.
GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class ChainedEvent:
    """An event as stored, with its place in its company's chain (`seq` counts from 1) and its hash."""

    id: int
    company_id: int
    seq: int
    occurred_at: datetime
    actor: str
    kind: str
    document_id: int | None
    payment_id: int | None
    party_id: int | None
    data: Any
    hash: str


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last link of a company's chain as its head row records it."""

    seq: int
    event_id: int | None
    hash: str


def instant(value: datetime) -> str:
    """An instant in UTC with microseconds, `2026-12-07T04:34:53.000000Z`. A naive value is already UTC (SQLite
    stores instants without their offset)."""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(
    *,
    id: int,
    company_id: int,
    seq: int,
    occurred_at: datetime,
    actor: str,
    kind: str,
    document_id: int | None,
    payment_id: int | None,
    party_id: int | None,
    data: Any,
) -> bytes:
    """The bytes hashed for one event. `data` is read as the database gives it back (a JSON value: amounts are
    decimal strings, counters integers), so its JSON round trip is applied first."""
    content = {
        "actor": actor,
        "company_id": company_id,
        "data": json.loads(json.dumps(data if data is not None else {})),
        "document_id": document_id,
        "id": id,
        "kind": kind,
        "occurred_at": instant(occurred_at),
        "party_id": party_id,
        "payment_id": payment_id,
        "seq": seq,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def link(previous_hash: str, content: bytes) -> str:
    """`sha256(previous_hash || content)` in lowercase hex; `previous_hash` is the 64 hex characters of the
    previous event's hash (`GENESIS` for the first)."""
    return hashlib.sha256(previous_hash.encode("ascii") + content).hexdigest()


def expected_hash(event: ChainedEvent, previous_hash: str) -> str:
    return link(
        previous_hash,
        canonical(
            id=event.id,
            company_id=event.company_id,
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor=event.actor,
            kind=event.kind,
            document_id=event.document_id,
            payment_id=event.payment_id,
            party_id=event.party_id,
            data=event.data,
        ),
    )
