"""The API's operations, one module per capability. Each module exposes `router = capability_router(...)`.

To add a capability (credits, deposits, exports...): write `routes/<capability>.py` with its `router`, and add
the module to `CAPABILITIES` below. Nothing else: the router is mounted under /api/v1, its operations are
authenticated, documented in the OpenAPI document, idempotent on POST, and the security walk test
(tests/api/test_security_walk.py) visits every one of them.
"""

from __future__ import annotations

from types import ModuleType

from fastapi import FastAPI
from fastapi.routing import APIRoute

from acompte.adapters.api.routes import (
    accounts,
    allocations,
    banking_accounts,
    banking_candidates,
    banking_imports,
    banking_matches,
    banking_party_accounts,
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
    banking_imports,
    banking_matches,
    banking_candidates,
    banking_accounts,
    banking_party_accounts,
)


def install(app: FastAPI) -> None:
    """Add every capability's operations to the application's own router, under API_PREFIX.

    Flat rather than `include_router`: an included router is matched lazily, walking every router nested below
    it and scanning their routes twice per request (about a millisecond a request for ~120 operations, more
    than the token check). The routes are added exactly as an inclusion would make them: same path, tags,
    dependencies, responses, operation id; the OpenAPI document is the same."""
    for module in CAPABILITIES:
        for route in module.router.routes:
            if not isinstance(route, APIRoute):  # pragma: no cover - capability routers hold API routes only
                raise TypeError(f"{module.__name__}: {route!r} is not an API route")
            app.router.add_api_route(
                API_PREFIX + route.path,
                route.endpoint,
                response_model=route.response_model,
                status_code=route.status_code,
                tags=route.tags,
                dependencies=route.dependencies,
                summary=route.summary,
                description=route.description,
                response_description=route.response_description,
                responses=route.responses,
                deprecated=route.deprecated,
                methods=route.methods,
                operation_id=route.operation_id,
                response_model_include=route.response_model_include,
                response_model_exclude=route.response_model_exclude,
                response_model_by_alias=route.response_model_by_alias,
                response_model_exclude_unset=route.response_model_exclude_unset,
                response_model_exclude_defaults=route.response_model_exclude_defaults,
                response_model_exclude_none=route.response_model_exclude_none,
                include_in_schema=route.include_in_schema,
                response_class=route.response_class,
                name=route.name,
                route_class_override=type(route),
                callbacks=route.callbacks,
                openapi_extra=route.openapi_extra,
                generate_unique_id_function=route.generate_unique_id_function,
            )
