"""`ApiRoute`: the route class of every authenticated API operation.

It does three things around the operation, so that no route can forget them:
1. authenticates the bearer token first (401 before anything else is looked at);
2. documents the common problem responses and, on POST, the `Idempotency-Key` header;
3. makes POSTs with an `Idempotency-Key` idempotent: the key is taken in the request's own transaction, the
   operation runs on that same unit of work, and its response is stored before the single commit. A retry
   with the same body replays the stored response (`Idempotent-Replayed: true`); another body → 409.
   Business refusals (4xx from a domain error) are stored too, so a retry gets the same answer; invalid
   requests (422 from validation), authentication and permission failures, 412 and 5xx are not stored.

Capability routers are made with `capability_router()`, which uses this class.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from acompte.adapters.api import errors
from acompte.adapters.api.dependencies import authenticate, idempotency_key
from acompte.adapters.api.schemas.problems import Problem
from acompte.domain.errors import DomainError
from acompte.services import idempotency

Handler = Callable[[Request], Coroutine[Any, Any, Response]]

#: Statuses never stored under an idempotency key: they say nothing about the operation's outcome.
NOT_STORED = frozenset({401, 403, 412})
#: Response headers kept with a stored response.
KEPT_HEADERS = ("content-type", "location", "etag", "content-language")


def problem(description: str) -> dict[str, Any]:
    """A documented error response (app.py's OpenAPI hook files its schema under application/problem+json)."""
    return {"description": description, "model": Problem}


COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: problem("No token, or an invalid, expired or revoked one"),
    403: problem("The token's role does not allow this operation"),
    404: problem("Not found (ids of another company are not found either)"),
    422: problem("Invalid request (every invalid field is listed in `errors`) or refused by a business rule"),
}
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **COMMON_RESPONSES,
    400: problem("Malformed JSON"),
    409: problem("Refused in the resource's current state, or Idempotency-Key reused with another body"),
    412: problem("If-Match does not match the resource's current version"),
    413: problem("The request body is above the size the server accepts"),
}


class ApiRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        methods = {m.upper() for m in (kwargs.get("methods") or ["GET"])}
        responses = dict(WRITE_RESPONSES if methods - {"GET", "HEAD"} else COMMON_RESPONSES)
        responses.update(kwargs.get("responses") or {})
        kwargs["responses"] = responses
        dependencies = list(kwargs.get("dependencies") or [])
        if "POST" in methods and not any(d.dependency is idempotency_key for d in dependencies):
            kwargs["dependencies"] = [*dependencies, Depends(idempotency_key)]
        super().__init__(path, in_thread(endpoint), **kwargs)

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        known_query = _query_names(self.dependant)

        async def route(request: Request) -> Response:
            principal = await run_in_threadpool(authenticate, request)
            _refuse_unknown_query(request, known_query)
            key = request.headers.get("idempotency-key")
            if request.method != "POST" or not idempotency.valid_key(key):
                return await handler(request)
            assert key is not None
            return await _idempotent(request, handler, principal.company_id, key)

        return route


def in_thread(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """A plain `def` operation as a coroutine that runs it in the thread pool: the same one hop for the
    operation, but its answer is then checked and serialised on the event loop. FastAPI checks the answer of a
    plain `def` in the thread pool, a second hop (two thread switches) per request for work that takes
    microseconds. The signature (what FastAPI reads the parameters from) is the operation's own."""
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    @functools.wraps(endpoint)
    async def operation(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(endpoint, *args, **kwargs)

    return operation


def _query_names(dependant: Any) -> frozenset[str]:
    names: set[str] = set()
    stack = [dependant]
    while stack:
        current = stack.pop()
        names.update(field.alias for field in current.query_params)
        stack.extend(current.dependencies)
    return frozenset(names)


def _refuse_unknown_query(request: Request, known: frozenset[str]) -> None:
    """Unknown query parameters are an error, as unknown body fields are: `?kinds=invoice` must not
    silently list every document."""
    unknown = sorted({name for name in request.query_params if name not in known})
    if unknown:
        raise RequestValidationError(
            [
                {"type": "extra_forbidden", "loc": ("query", name), "msg": "Unknown query parameter", "input": name}
                for name in unknown
            ]
        )


async def _idempotent(request: Request, handler: Handler, company_id: int, key: str) -> Response:
    body = await request.body()
    path = request.url.path
    query = request.url.query
    fingerprint = idempotency.fingerprint(request.method, f"{path}?{query}" if query else path, body)
    uow = request.app.state.acompte.uow()

    def start() -> idempotency.StoredResponse | None:
        uow.__enter__()
        try:
            return idempotency.begin(uow, company_id, key, fingerprint=fingerprint, method=request.method, path=path)
        except BaseException:
            uow.__exit__(None, None, None)
            raise

    stored = await run_in_threadpool(start)
    if stored is not None:
        await run_in_threadpool(uow.__exit__, None, None, None)
        headers = {**stored.headers, "Idempotent-Replayed": "true"}
        return Response(stored.body, status_code=stored.status_code, headers=headers)

    request.state.uow = uow
    try:
        response = await handler(request)
    except DomainError as error:
        await run_in_threadpool(uow.__exit__, None, None, None)  # rolls back whatever the operation wrote
        response = errors.domain_problem(request, error)
        if response.status_code < 500 and response.status_code not in NOT_STORED:  # 503: retry with the same key
            refusal = _stored(fingerprint, response)
            fresh = request.app.state.acompte.uow()
            await run_in_threadpool(
                idempotency.remember_refusal,
                fresh,
                company_id,
                key,
                method=request.method,
                path=path,
                response=refusal,
            )
        return response
    except BaseException:
        await run_in_threadpool(uow.__exit__, None, None, None)
        raise
    finally:
        request.state.uow = None

    if response.status_code >= 500 or response.status_code in NOT_STORED:
        await run_in_threadpool(uow.__exit__, None, None, None)
        return response

    def finish() -> None:
        try:
            idempotency.finish(uow, company_id, key, _stored(fingerprint, response))
            uow.commit()
        finally:
            uow.__exit__(None, None, None)

    await run_in_threadpool(finish)
    return response


def _stored(fingerprint: str, response: Response) -> idempotency.StoredResponse:
    body = bytes(response.body).decode("utf-8")
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    return idempotency.StoredResponse(
        fingerprint=fingerprint, status_code=response.status_code, body=body, headers=headers
    )


def capability_router(prefix: str, tag: str, *, dependencies: Sequence[Any] | None = None) -> APIRouter:
    """The router of one capability (parties, documents, credits...): authenticated, documented, idempotent."""
    return APIRouter(prefix=prefix, tags=[tag], route_class=ApiRoute, dependencies=dependencies)


@dataclass(frozen=True, slots=True)
class Operation:
    """One API operation (method + path) and the route that serves it."""

    method: str
    path: str
    route: Any  # the effective route (path, body_field, dependant...)
    original: APIRoute  # the route as declared in its capability module

    @property
    def is_write(self) -> bool:
        return self.method not in {"GET", "HEAD", "OPTIONS"}


def operations(app: Any, prefix: str = "/api/v1/") -> list[Operation]:
    """Every operation the application serves under `prefix`, as routed (routers included at any depth)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before lazily included routers: the routes are already flat
        contexts: Any = app.routes
    else:
        contexts = iter_route_contexts(app.routes)
    result = []
    for context in contexts:
        original = getattr(context, "original_route", context)
        path = getattr(context, "path", None)
        if not isinstance(original, APIRoute) or not path or not path.startswith(prefix):
            continue
        for method in sorted(context.methods or ()):
            result.append(Operation(method, path, context, original))
    return result
