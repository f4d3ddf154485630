"""The application factory: the HTTP API and the web pages, one FastAPI app over one application.

    app = create_app(bootstrap.build(url))     # or create_app() to use ACOMPTE_DATABASE_URL

- `/api/v1/...`            the REST API (routes/, one module per capability), bearer tokens
- `/api/v1/openapi.json`   the OpenAPI 3.1 document; `/api/docs` the interactive documentation
- `/api/v1/errors/<code>`  the page describing each problem type
- `/`                      the web pages (adapters/web), mounted by `_mount_web` below
"""

from __future__ import annotations

import gc
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from acompte import __version__, bootstrap
from acompte.adapters.api import docs, errors, links, routes
from acompte.adapters.api.deadline import Deadline
from acompte.adapters.api.routes import API_PREFIX
from acompte.adapters.api.routes import errors as error_pages
from acompte.adapters.exports.pdf import load_renderer
from acompte.adapters.security_headers import SecurityHeaders

#: Bodies above this size are refused (413) before they are read.
MAX_BODY_SIZE = 1_000_000
#: Statement files uploaded for import may be larger: a year of a busy account's entries runs to a few megabytes.
UPLOAD_MAX_SIZE = 30_000_000
UPLOAD_PATHS = re.compile(r"^(/api/v1/bank-accounts/[0-9]{1,18}/imports|/bank/imports)$")

DESCRIPTION = """
Deposits, payments, allocations, credit notes and overpayments for French businesses.

* **Authentication**: `Authorization: Bearer <token>` (create one with `acompte token create`). Each token
  acts for one company with one role: `read-only` reads, `clerk` and `accountant` also write, `admin` also
  manages settings. No token → 401; a role that may not → 403; another company's id → 404.
* **Money** is `{"amount": "1234.56", "currency": "EUR"}`: the amount is a decimal *string*.
* **Lists** take `limit` (default 50, max 500) and `cursor`, and answer `{"items": [...], "next_cursor": ...}`.
* **Errors** are `application/problem+json` (RFC 9457); each `type` is a page that describes it.
* **Retries**: send an `Idempotency-Key` header on every POST. **Concurrency**: send `If-Match: <version>`.
"""


TAGS = [
    {"name": "company", "description": "Who the token acts as, and the company's settings."},
    {"name": "parties", "description": "Customers and suppliers, their account and history."},
    {"name": "items", "description": "Goods and services."},
    {"name": "documents", "description": "Quotes, orders, delivery notes, invoices: drafts, validation, conversion."},
    {"name": "payments", "description": "Payments received and paid, and their allocation to documents."},
    {"name": "allocations", "description": "One payment's part on one document (rapprochement)."},
    {
        "name": "deposits",
        "description": "Deposits (acomptes): deposit payments and invoices, deductions on final invoices, "
        "deposit credit notes, deposit settings.",
    },
    {
        "name": "credits",
        "description": "Credit notes (avoirs) and their use, overpayments (trop-perçus), refunds, write-offs, "
        "payment changes and cancellations.",
    },
    {
        "name": "accounts",
        "description": "The party account: settle in one action, payment terms and instalments, statement of "
        "account, aged balance.",
    },
    {
        "name": "exports",
        "description": "Accounting export runs (FEC, CSV), journal entries, PDF and Factur-X documents, "
        "e-invoicing statuses, e-reporting payment data.",
    },
    {
        "name": "dashboard",
        "description": "The home page's figures: what is owed by age, deposits, credits waiting, cash per month, "
        "today's actions.",
    },
    {
        "name": "bank reconciliation",
        "description": "Bank lines confirmed (payments recorded or linked, a card settlement's fee), undone, set "
        "aside; automatic reconciliation of certain candidates; each account's balance as per the bank and as per "
        "acompte.",
    },
    {
        "name": "bank statements",
        "description": "Bank statement files (camt.053, camt.054, OFX, CSV) imported into the company's bank "
        "accounts, the bank lines they add, and the column mappings of the banks' CSV exports.",
    },
    {
        "name": "bank accounts",
        "description": "The company's bank accounts: IBAN, BIC, their own 512x ledger account, currency and "
        "opening balance (a party's IBANs are under parties).",
    },
]


def create_app(application: bootstrap.App | None = None, *, file_worker: bool = False) -> FastAPI:
    """Build the ASGI application on an already built `bootstrap.App` (or one from the environment). With
    `file_worker` (a server, unless ACOMPTE_FILE_WORKER=0), a thread renders the issued documents' files while
    it runs (adapters/file_worker.py)."""
    owned = application is None
    app_state = application or bootstrap.build()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        settle_heap()
        worker = None
        if file_worker and app_state.settings.file_worker:
            from acompte.adapters.file_worker import FileWorker

            worker = FileWorker(app_state.uow).start()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
            if owned:
                app_state.close()

    app = FastAPI(
        title="acompte API",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served by docs.install: Swagger UI from the installed package, under the CSP
        redoc_url=None,
        lifespan=lifespan,
    )
    app.add_middleware(BodyLimit, max_size=MAX_BODY_SIZE, uploads=(UPLOAD_PATHS, UPLOAD_MAX_SIZE))
    app.add_middleware(Deadline, seconds=app_state.settings.request_timeout)
    _outermost(app, SecurityHeaders)
    app.state.acompte = app_state
    _customise_openapi(app)
    errors.install(app)
    app.include_router(error_pages.router)
    routes.install(app)
    docs.install(app, app.openapi_url or f"{API_PREFIX}/openapi.json")
    _mount_web(app)
    return app


_settled: list[bool] = []


def settle_heap() -> None:
    """Once per process, at the server's start: load the PDF renderer, then move every object alive (modules,
    the application) out of the garbage collector's reach (`gc.freeze`). A full collection otherwise walks
    them all again, 0.1–0.15 s in the middle of whichever request triggers it — a PDF, whose layout allocates
    a lot, every few renders."""
    if _settled:
        return
    _settled.append(True)
    load_renderer()
    gc.collect()
    gc.freeze()


def create_app_from_env() -> FastAPI:
    """The application on the database and settings of the environment (ACOMPTE_*): the factory each worker
    process of `acompte serve --workers N` calls (uvicorn's `factory=True`), each with its own engine and its own
    file worker."""
    return create_app(file_worker=True)


def _outermost(app: FastAPI, middleware: Callable[[ASGIApp], ASGIApp]) -> None:
    """Wrap the whole stack, Starlette's server-error handler included, so that even a 500 gets what the
    middleware adds (`add_middleware` would place it inside that handler)."""
    build = app.build_middleware_stack

    def build_with_middleware() -> ASGIApp:
        return middleware(build())

    app.build_middleware_stack = build_with_middleware  # type: ignore[method-assign]


class BodyLimit:
    """Refuse request bodies above `max_size` bytes with a 413 problem, announced or streamed."""

    def __init__(self, app: ASGIApp, max_size: int, uploads: tuple[re.Pattern[str], int] | None = None) -> None:
        self.app = app
        self.max_size = max_size
        self.uploads = uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_size = self.max_size
        if self.uploads is not None and self.uploads[0].match(scope.get("path", "")):
            max_size = self.uploads[1]
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > max_size:
            response = errors.http_problem(Request(scope), StarletteHTTPException(413))
            await response(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_size:
                    raise StarletteHTTPException(413)
            return message

        await self.app(scope, limited, send)


def _customise_openapi(app: FastAPI) -> None:
    """Error responses are documented as `application/problem+json`, which is what the API sends; the links
    between operations are added (links.py)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    for status, response in operation.get("responses", {}).items():
                        content = response.get("content", {})
                        if status.startswith(("4", "5")) and "application/json" in content:
                            content[errors.PROBLEM_JSON] = content.pop("application/json")
            links.add_links(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise its schema


def _mount_web(app: FastAPI) -> None:
    """The web pages (adapters/web): same services, session cookie instead of a token."""
    from acompte.adapters import web  # local: the API module stays importable without the web layer

    web.mount(app)
