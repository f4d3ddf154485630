"""« Acomptes en cours »: the documents behind the dashboard's deposit cards, with the total the card shows.

    GET /deposits/waiting?figure=received|not_invoiced|not_deducted|awaited

Read from `services.deposit_figures.deposit_list`, the function the dashboard's figures add up, so the card and
its list agree to the cent.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.web import security
from acompte.adapters.web.templating import render
from acompte.services.deposit_figures import DepositFigure, deposit_list

router = APIRouter()


@router.get("/deposits/waiting")
def waiting_deposits(request: Request, ctx: security.PageRead) -> Response:
    try:
        figure = DepositFigure(request.query_params.get("figure", DepositFigure.RECEIVED.value))
    except ValueError:
        figure = DepositFigure.RECEIVED
    found = deposit_list(security.uow_of(request), ctx, figure)
    return render(request, "deposits/waiting.html", {"found": found, "figure": figure.value})
