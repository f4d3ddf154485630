"""The API's operations, one module per capability. Each module exposes `router = capability_router(...)`.

To add a capability (credits, deposits, exports...): write `routes/<capability>.py` with its `router`, and add
the module to `CAPABILITIES` below. Nothing else: the router is mounted under /api/v1, its operations are
authenticated, documented in the OpenAPI document, idempotent on POST, and the security walk test
(tests/api/test_security_walk.py) visits every one of them.
"""

from __future__ import annotations

from types import ModuleType

from fastapi import APIRouter

from acompte.adapters.api.routes import (
    accounts,
    allocations,
    banking_candidates,
    banking_imports,
    banking_matches,
    company,
    credits,
    dashboard,
    deposits,
    documents,
    exports,
    items,
    parties,
    payments,
)

API_PREFIX = "/api/v1"
#: Paths under the API prefix that need no token (they describe, they reveal nothing).
PUBLIC_PATHS = (f"{API_PREFIX}/errors",)

#: Capability modules, in the order the documentation shows them.
CAPABILITIES: tuple[ModuleType, ...] = (
    company,
    parties,
    items,
    documents,
    payments,
    allocations,
    deposits,
    credits,
    accounts,
    exports,
    dashboard,
    banking_candidates,
    banking_imports,
    banking_matches,
)


def api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    for module in CAPABILITIES:
        router.include_router(module.router)
    return router
