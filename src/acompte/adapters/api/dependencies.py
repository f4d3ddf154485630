"""FastAPI dependencies, as `Annotated` types: the unit of work, who acts (and may they), paging, If-Match.

Those that do no I/O are `async def`: FastAPI runs a plain `def` dependency in its thread pool, a hop (two
thread switches) per dependency and request for work that takes microseconds.

Routes declare what they need in their signature:

    def create_party(body: PartyIn, ctx: WriteCtx, uow: Uow) -> PartyOut: ...

`ReadCtx`, `WriteCtx`, `AccountingCtx` and `AdminCtx` authenticate the bearer token, check the role's
permission (403 otherwise) and give the service `Ctx` scoped to the token's company.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BeforeValidator
from starlette.concurrency import run_in_threadpool

from acompte.adapters.api.schemas import IsoDate
from acompte.domain.errors import AuthenticationRequired, InvalidCredentials, NotFound
from acompte.domain.users import Permission, Principal, authorize
from acompte.services import users
from acompte.services.idempotency import KEY_PATTERN
from acompte.services.ports import Ctx, UnitOfWork

# -- unit of work --------------------------------------------------------------------------------------


async def get_uow(request: Request) -> UnitOfWork:
    """The request's unit of work: the one an idempotent POST already opened, else a fresh one."""
    existing = getattr(request.state, "uow", None)
    if existing is not None:
        uow: UnitOfWork = existing
        return uow
    fresh: UnitOfWork = request.app.state.acompte.uow()
    return fresh


Uow = Annotated[UnitOfWork, Depends(get_uow)]

# -- authentication and roles --------------------------------------------------------------------------

bearer = HTTPBearer(auto_error=False, description="An API token made by `acompte token create`.")


def authenticate(request: Request) -> Principal:
    """The principal of the request's bearer token (cached on the request). 401 without a valid token."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        principal: Principal = cached
        return principal
    header = request.headers.get("authorization")
    if not header:
        raise AuthenticationRequired()
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidCredentials()
    application = request.app.state.acompte
    principal = users.verify_token(application.credential_facts(), application.clock, token.strip())
    request.state.principal = principal
    return principal


async def current_principal(
    request: Request, _token: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    cached = getattr(request.state, "principal", None)  # every API route authenticates first (routing.py)
    if cached is not None:
        principal: Principal = cached
        return principal
    return await run_in_threadpool(authenticate, request)  # reads the database


Auth = Annotated[Principal, Depends(current_principal)]


def _ctx(principal: Principal, permission: Permission) -> Ctx:
    authorize(principal, permission)
    return Ctx(principal.company_id, actor=principal.actor)


async def read_ctx(principal: Auth) -> Ctx:
    return _ctx(principal, Permission.READ)


async def write_ctx(principal: Auth) -> Ctx:
    return _ctx(principal, Permission.WRITE)


async def accounting_ctx(principal: Auth) -> Ctx:
    return _ctx(principal, Permission.ACCOUNTING)


async def admin_ctx(principal: Auth) -> Ctx:
    return _ctx(principal, Permission.ADMIN)


ReadCtx = Annotated[Ctx, Depends(read_ctx)]
WriteCtx = Annotated[Ctx, Depends(write_ctx)]
AccountingCtx = Annotated[Ctx, Depends(accounting_ctx)]
AdminCtx = Annotated[Ctx, Depends(admin_ctx)]

# -- ids -----------------------------------------------------------------------------------------------

_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value: str, entity: str) -> int:
    """An opaque id from a path: anything that is not one of ours is simply not found (404)."""
    if not _ID.fullmatch(value):
        raise NotFound(entity=entity, id=value[:40])
    return int(value)


def opt_id(value: str | None) -> int | None:
    return None if value is None else int(value)


# -- paging --------------------------------------------------------------------------------------------

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
_DIGITS = re.compile(r"[0-9]+")


def _digits_only(value: Any) -> Any:
    """An integer in a query string is written in plain digits, as the OpenAPI `integer` it is documented as.
    Pydantic alone would also read `5_0`, ` 5` or `5.0`, which a client validating against the document may
    believe refused (and Schemathesis' negative cases did, at random)."""
    if isinstance(value, str) and not _DIGITS.fullmatch(value):
        raise ValueError("an integer in plain digits")
    return value


QueryInt = BeforeValidator(_digits_only)


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, value = text.partition(":")
        if prefix != "after" or not _ID.fullmatch(value):
            raise ValueError(cursor)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise RequestValidationError(
            [{"type": "invalid_cursor", "loc": ("query", "cursor"), "msg": "Invalid cursor", "input": cursor}]
        ) from None


T = TypeVar("T")


def _row_id(row: Any) -> Any:
    """The default paging key: the row's id (every listed view has one)."""
    return row.id


class Paging:
    """`limit` (1 to 500, default 50) and an opaque `cursor` taken from the previous page's `next_cursor`."""

    def __init__(
        self,
        limit: Annotated[int, QueryInt, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
        cursor: Annotated[
            str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="From `next_cursor`")
        ] = None,
    ) -> None:
        self.limit = limit
        self.after_id = decode_cursor(cursor) if cursor else None

    def page(self, rows: list[T], key: Callable[[T], Any] = _row_id) -> tuple[list[T], str | None]:
        """Cut `limit + 1` fetched rows (ordered by id) into a page and the cursor of the next one."""
        if len(rows) > self.limit:
            rows = rows[: self.limit]
            return rows, encode_cursor(int(key(rows[-1])))
        return rows, None

    def slice(self, rows: list[T], key: Callable[[T], Any] = _row_id) -> tuple[list[T], str | None]:
        """Page through a complete list (for services that return every row): order by id, then cut."""
        ordered = sorted(rows, key=key)
        if self.after_id is not None:
            ordered = [r for r in ordered if key(r) > self.after_id]
        return self.page(ordered[: self.limit + 1], key)


PageParams = Annotated[Paging, Depends()]

# -- periods -------------------------------------------------------------------------------------------

DateFrom = Annotated[IsoDate | None, Query(alias="from", description="First day (default: 1 January of `to`'s year)")]
DateTo = Annotated[IsoDate | None, Query(alias="to", description="Last day (default: today)")]


def period(date_from: date | None, date_to: date | None, today: date) -> tuple[date, date]:
    """A report's period from `?from=&to=`: by default from the 1st of January of `to`'s year to `today` (the
    unit of work's clock, so that a test can fix the day)."""
    end = date_to or today
    return date_from or end.replace(month=1, day=1), end


# -- headers -------------------------------------------------------------------------------------------


async def idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            pattern=KEY_PATTERN,
            description="Retry-safe POST: the first response is kept 24 h and replayed for the same body; "
            "the same key with another body is refused (409).",
        ),
    ] = None,
) -> str | None:
    return key


async def if_match(
    value: Annotated[
        str | None,
        Header(
            alias="If-Match",
            max_length=100,
            description='The `version` you saw (or its ETag, `"3"`): 412 if the resource changed since.',
        ),
    ] = None,
) -> int | None:
    """The version an If-Match header asks for; None for no header or `*`. Unreadable: never matches."""
    if value is None or value.strip() == "*":
        return None
    first = value.split(",")[0].strip()
    if first.startswith("W/"):
        first = first[2:]
    first = first.strip('"')
    return int(first) if first.isdigit() and len(first) <= 9 else -1


IdempotencyKey = Annotated[str | None, Depends(idempotency_key)]
IfMatch = Annotated[int | None, Depends(if_match)]


def etag(version: int) -> str:
    return f'"{version}"'


#: An id used as a list filter (a foreign or unknown id simply matches nothing).
ID_QUERY = Annotated[str | None, Query(pattern=r"^[0-9]{1,18}$", description="Opaque id")]
