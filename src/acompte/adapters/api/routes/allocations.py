"""Allocations (rapprochements): read one, undo one (both sides get the amount back)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from acompte.adapters.api.dependencies import ReadCtx, Uow, WriteCtx, parse_id
from acompte.adapters.api.routing import capability_router
from acompte.adapters.api.schemas.common import NO_NUL
from acompte.adapters.api.schemas.payments import AllocationOut
from acompte.services import payments

router = capability_router("/allocations", "allocations")
ENTITY = "Rapprochement"


@router.get("/{allocation_id}", summary="Read an allocation")
def get_allocation(allocation_id: str, ctx: ReadCtx, uow: Uow) -> AllocationOut:
    return AllocationOut.model_validate(payments.get_allocation(uow, ctx, parse_id(allocation_id, ENTITY)))


@router.delete("/{allocation_id}", summary="Undo an allocation; returns what was undone")
def remove_allocation(
    allocation_id: str,
    ctx: WriteCtx,
    uow: Uow,
    reason: Annotated[str, Query(max_length=200, pattern=NO_NUL, description="Why (kept in the history)")] = "",
) -> AllocationOut:
    return AllocationOut.model_validate(
        payments.remove_allocation(uow, ctx, parse_id(allocation_id, ENTITY), reason=reason)
    )
