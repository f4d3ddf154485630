"""The pages behind the problem type URIs (`/api/v1/errors/<code>`). Public: they describe, they reveal nothing."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from acompte.adapters.api import errors
from acompte.adapters.problems import BY_CODE, ERRORS_PATH, PROBLEMS
from acompte.domain.errors import NotFound

router = APIRouter(prefix=ERRORS_PATH, include_in_schema=False)


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "json" in accept and "html" not in accept


@router.get("")
def index(request: Request) -> Response:
    if _wants_json(request):
        return JSONResponse([errors.describe(p) for p in PROBLEMS])
    return errors.index_page()


@router.get("/{code}")
def describe(code: str, request: Request) -> Response:
    problem = BY_CODE.get(code)
    if problem is None:
        raise NotFound(entity="Type d'erreur", id=code[:60])
    if _wants_json(request):
        return JSONResponse(errors.describe(problem))
    return errors.page(problem)
