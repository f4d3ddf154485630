"""The candidates of a bank line: what the matcher proposes, best first, each with its score and reasons."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request

from acompte.adapters.api.dependencies import ReadCtx, Uow, parse_id
from acompte.adapters.api.errors import language
from acompte.adapters.api.routing import capability_router
from acompte.adapters.api.schemas.banking_candidates import CandidatesOut, candidate_out
from acompte.services.banking import matching

router = capability_router("", "bank")
LINE = "Ligne bancaire"


@router.get(
    "/bank-lines/{line_id}/candidates",
    summary="What a bank line may pay or stand for, best first: score 0–100, certain or not, and the reasons",
)
def line_candidates(
    line_id: str,
    request: Request,
    ctx: ReadCtx,
    uow: Uow,
    limit: Annotated[int, Query(ge=1, le=20, description="How many candidates at most")] = matching.DEFAULT_LIMIT,
) -> CandidatesOut:
    views = matching.candidates(uow, ctx, parse_id(line_id, LINE), limit=limit)
    lang = language(request)
    return CandidatesOut(line_id=line_id, items=[candidate_out(v, lang) for v in views])
