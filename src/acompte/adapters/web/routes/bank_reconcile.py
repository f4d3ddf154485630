"""The reconciliation page (« Rapprochement bancaire »): an account's bank lines on one side, the selected line's
candidates with their reasons in words on the other, the balances on top. Every action is a plain form (the page
works without JavaScript); `static/reconcile.js` adds the keys: j/k or arrows move, Enter or a accepts the best
candidate, s skips, / searches, i ignores.

- GET  /bank/reconcile?account=&line=&state=&q=
- POST /bank/lines/{line_id}/match      a candidate (`candidate` = its index) or a split typed by hand
- POST /bank/lines/{line_id}/ignore     and /unignore
- POST /bank/matches/{match_id}/undo
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.i18n.match_words import reason_text
from acompte.adapters.web import i18n, security
from acompte.adapters.web.errors import error_text
from acompte.adapters.web.routes._credit_forms import int_param, money_field, replayed_answer
from acompte.adapters.web.routes._credits_common import form_of
from acompte.adapters.web.security import PageRead, PageWrite
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain import errors as e
from acompte.domain.banking import errors as be
from acompte.domain.banking.confirmation import Confirmation
from acompte.domain.banking.lines import LineState
from acompte.domain.credits import Excess
from acompte.services.banking import matching, reconciliation
from acompte.services.banking.screen import screen
from acompte.services.ports import Ctx

router = APIRouter()
#: Rows of a split typed by hand.
SPLIT_ROWS = 4


def _state(value: str | None) -> LineState | None:
    if value == "all":
        return None
    try:
        return LineState(value or LineState.OPEN.value)
    except ValueError:
        return LineState.OPEN


def _back(form: dict[str, str], line_id: int | None) -> str:
    query = {k: form[k] for k in ("account", "state", "q") if form.get(k)}
    if line_id is not None:
        query["line"] = str(line_id)
    return "/bank/reconcile" + (f"?{urlencode(query)}" if query else "")


def _page(
    request: Request,
    ctx: Ctx,
    *,
    account: int | None,
    line: int | None,
    state: str | None,
    q: str,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    found = screen(security.uow_of(request), ctx, account_id=account, line_id=line, state=_state(state), query=q)
    lang = i18n.language(request)
    context = {
        "screen": found,
        "state": state or LineState.OPEN.value,
        "q": q,
        "errors": errors or {},
        "values": values or {"form_key": security.new_form_key()},
        "previous": found.neighbour(-1),
        "next": found.neighbour(+1),
        "reason_text": lambda code, params: reason_text(code, params, lang),
        "split_rows": range(SPLIT_ROWS),
        "excess_choices": [
            (Excess.KEEP.value, translate(request, "Garder en crédit du tiers")),
            (Excess.REFUND.value, translate(request, "Rembourser")),
        ],
        "states": [
            (LineState.OPEN.value, translate(request, "À rapprocher")),
            (LineState.IGNORED.value, translate(request, "Ignorées")),
            (LineState.RECONCILED.value, translate(request, "Rapprochées")),
            ("all", translate(request, "Toutes")),
        ],
    }
    return render(request, "bank/reconcile.html", context, status)


@router.get("/bank/reconcile")
def reconcile_page(request: Request, ctx: PageRead) -> Response:
    params = request.query_params
    return _page(
        request,
        ctx,
        account=int_param(params.get("account")),
        line=int_param(params.get("line")),
        state=params.get("state"),
        q=params.get("q", "").strip()[:100],
    )


def _split(request: Request, form: dict[str, str], currency: str, errors: dict[str, str]) -> Confirmation:
    party = int_param(form.get("party_id"))
    if party is None:
        errors["party_id"] = translate(request, "Choisissez le tiers.")
    allocations = []
    for row in range(SPLIT_ROWS):
        document = int_param(form.get(f"doc_{row}"))
        text = form.get(f"amount_{row}", "").strip()
        if document is None and not text:
            continue
        if document is None:
            errors[f"doc_{row}"] = translate(request, "Choisissez la pièce.")
            continue
        amount = money_field(request, text, currency, f"amount_{row}", errors)
        if amount is not None:
            allocations.append((document, amount))
    excess = Excess.REFUND if form.get("excess") == Excess.REFUND.value else Excess.KEEP
    refund_method = "transfer" if excess is Excess.REFUND else None
    return Confirmation(party_id=party, allocations=tuple(allocations), excess=excess, refund_method=refund_method)


@router.post("/bank/lines/{line_id}/match")
def confirm(request: Request, line_id: int, ctx: PageWrite) -> Response:
    form = form_of(request)
    if (replay := replayed_answer(request, ctx, form)) is not None:
        return replay
    uow = security.uow_of(request)
    errors: dict[str, str] = {}
    line = reconciliation.get_line(uow, ctx, line_id)
    index = int_param(form.get("candidate"))
    if index is not None:
        found = matching.candidates(uow, ctx, line_id, limit=index + 1)
        if index >= len(found):
            raise e.NotFound(entity="Proposition de rapprochement", id=index)
        confirmation = Confirmation.from_candidate(found[index].candidate)
    else:
        confirmation = _split(request, form, line.amount.currency, errors)
    state, q = form.get("state"), form.get("q", "")
    if errors:
        return _page(
            request,
            ctx,
            account=line.account_id,
            line=line_id,
            state=state,
            q=q,
            errors=errors,
            values=form,
            status=422,
        )
    key = form.get(security.FORM_KEY_FIELD)
    location = _back(form, int_param(form.get("next")))
    try:
        with uow:
            replay = security.replayed(uow, ctx, request, key)
            if replay is not None:
                return replay
            reconciliation.confirm(uow, ctx, line_id, confirmation, int_param(form.get("version")))
            security.remember(uow, ctx, key, location)
            uow.commit()
    except e.NotFound:
        raise
    except e.DomainError as exc:
        refused = {"match": error_text(request, exc)}
        return _page(
            request,
            ctx,
            account=line.account_id,
            line=line_id,
            state=state,
            q=q,
            errors=refused,
            values=form,
            status=422,
        )
    return redirect(request, location, flash=translate(request, "Ligne rapprochée."))


def _set_aside(request: Request, ctx: Ctx, line_id: int, ignore: bool) -> Response:
    form = form_of(request)
    uow = security.uow_of(request)
    try:
        if ignore:
            reconciliation.ignore(uow, ctx, line_id, reason=form.get("reason", "").strip()[:200])
        else:
            reconciliation.unignore(uow, ctx, line_id)
    except e.NotFound:
        raise
    except e.DomainError as exc:
        return redirect(request, _back(form, line_id), flash=error_text(request, exc))
    flash = translate(request, "Ligne ignorée.") if ignore else translate(request, "Ligne remise à rapprocher.")
    return redirect(request, _back(form, int_param(form.get("next")) if ignore else line_id), flash=flash)


@router.post("/bank/lines/{line_id}/ignore")
def ignore(request: Request, line_id: int, ctx: PageWrite) -> Response:
    return _set_aside(request, ctx, line_id, True)


@router.post("/bank/lines/{line_id}/unignore")
def unignore(request: Request, line_id: int, ctx: PageWrite) -> Response:
    return _set_aside(request, ctx, line_id, False)


@router.post("/bank/matches/{match_id}/undo")
def undo(request: Request, match_id: int, ctx: PageWrite) -> Response:
    form = form_of(request)
    uow = security.uow_of(request)
    try:
        match = reconciliation.undo(uow, ctx, match_id)
    except be.BankMatchNotFound:
        raise
    except e.DomainError as exc:
        line = reconciliation.get_match(uow, ctx, match_id).line_id
        return redirect(request, _back(form, line), flash=error_text(request, exc))
    return redirect(request, _back(form, match.line_id), flash=translate(request, "Rapprochement annulé."))
