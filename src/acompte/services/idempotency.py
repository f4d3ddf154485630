"""Idempotent POST requests: the first response to a key is kept 24 hours and replayed to retries.

The adapter opens the request's unit of work, calls `begin` (which takes the key in that same transaction),
runs the use case, then `finish` stores the response before the one commit: the use case and its stored
response are written together or not at all, so a shop that retries never records a payment twice. Two
concurrent requests with one key are serialised by the key's primary key (PostgreSQL) or the write lock
(SQLite); the second one then replays the first one's response.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace

from acompte.domain.errors import IdempotencyKeyReused
from acompte.services.ports import UnitOfWork

#: A key is 1 to 255 visible ASCII characters (a UUID is the usual choice).
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
_KEY = re.compile(KEY_PATTERN)


@dataclass(frozen=True, slots=True)
class StoredResponse:
    fingerprint: str
    status_code: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


def valid_key(key: str | None) -> bool:
    return key is not None and bool(_KEY.match(key))


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same": method, path and body (JSON compared by value, not by spacing)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    digest = hashlib.sha256()
    for part in (method.upper().encode(), b"\n", path.encode("utf-8", "surrogatepass"), b"\n", canonical):
        digest.update(part)
    return digest.hexdigest()


def begin(
    uow: UnitOfWork, company_id: int, key: str, *, fingerprint: str, method: str, path: str
) -> StoredResponse | None:
    """Inside the request's open unit of work: take the key, or return the response stored under it.

    Raises IdempotencyKeyReused when the key already served a different request.
    """
    stored = uow.idempotency.reserve(company_id, key, fingerprint=fingerprint, method=method, path=path)
    if stored is None:
        return None
    if stored.fingerprint != fingerprint:
        raise IdempotencyKeyReused(key=key)
    return stored


def finish(uow: UnitOfWork, company_id: int, key: str, response: StoredResponse) -> None:
    """Inside the same unit of work, before its commit: keep the response under the key."""
    uow.idempotency.store(company_id, key, response)


def remember_refusal(
    uow: UnitOfWork, company_id: int, key: str, *, method: str, path: str, response: StoredResponse
) -> None:
    """Keep the answer to a request the use case refused (a business error): its transaction was rolled back,
    so this one stands alone. A retry gets the same refusal."""
    with uow:
        uow.idempotency.record(company_id, key, method=method, path=path, response=replace(response))
        uow.commit()


def purge_expired(uow: UnitOfWork) -> int:
    with uow:
        count = uow.idempotency.purge()
        uow.commit()
        return int(count)
