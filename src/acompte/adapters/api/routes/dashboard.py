"""The dashboard: the home page's figures, the same as the lists and the aged balance behind each of them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from acompte.adapters.api.dependencies import ReadCtx, Uow
from acompte.adapters.api.routing import capability_router
from acompte.adapters.api.schemas.common import IsoDate
from acompte.adapters.api.schemas.dashboard import DashboardOut
from acompte.services import dashboard as service

router = capability_router("", "dashboard")

AsOf = Annotated[IsoDate | None, Query(description="The day the ages and the actions are counted on (default: today)")]


@router.get(
    "/dashboard",
    summary="What is owed by age, deposits, credits waiting, cash per month and today's actions, in one read",
)
def dashboard(ctx: ReadCtx, uow: Uow, as_of: AsOf = None) -> DashboardOut:
    return DashboardOut.model_validate(service.dashboard(uow, ctx, as_of=as_of))
