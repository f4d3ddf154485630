"""Bank reconciliation: confirm a bank line (from one of its candidates, or typed by hand), undo a confirmation,
set a line aside and back, reconcile an account's certain lines automatically, and read an account's balance as
per the bank and as per acompte.

A confirmation takes `If-Match` (the line's `version`); like every POST it honours `Idempotency-Key`. A line is
reconciled at most once: a second confirmation, even at the same moment, answers 409 and writes nothing."""

from __future__ import annotations

from fastapi import Response

from acompte.adapters.api.dependencies import Auth, IfMatch, ReadCtx, Uow, WriteCtx, etag, parse_id
from acompte.adapters.api.routing import capability_router
from acompte.adapters.api.schemas.banking_matches import (
    AutoReconcileOut,
    BalanceOut,
    IgnoreIn,
    LineStateOut,
    MatchIn,
    MatchOut,
    ReconciledOut,
)
from acompte.domain.banking.confirmation import Confirmation
from acompte.domain.banking.lines import BankLine
from acompte.domain.credits import Excess
from acompte.domain.errors import NotFound
from acompte.domain.users import Permission, authorize
from acompte.services.banking import balances, matching, reconciliation

router = capability_router("", "bank reconciliation")
LINE = "Ligne bancaire"
MATCH = "Rapprochement bancaire"
ACCOUNT = "Compte bancaire"


def _reconciled(done: reconciliation.Reconciled) -> ReconciledOut:
    return ReconciledOut.model_validate(
        {
            "match_id": done.match_id,
            "line_id": done.line_id,
            "recorded": done.recorded,
            "linked": done.linked,
            "fee": done.fee,
        }
    )


def _line(line: BankLine, response: Response) -> LineStateOut:
    response.headers["ETag"] = etag(line.version)
    return LineStateOut.model_validate(line)


@router.post("/bank-lines/{line_id}/match", status_code=201, summary="Confirm what a bank line stands for")
def confirm(
    line_id: str, body: MatchIn, principal: Auth, ctx: WriteCtx, uow: Uow, expected: IfMatch, response: Response
) -> ReconciledOut:
    if body.write_off_shortfall or body.excess is Excess.WRITE_OFF:  # a write-off is the accountant's
        authorize(principal, Permission.ACCOUNTING)
    line = parse_id(line_id, LINE)
    confirmation = body.confirmation()
    if body.candidate is not None:
        found = matching.candidates(uow, ctx, line, limit=body.candidate + 1)
        if body.candidate >= len(found):
            raise NotFound(entity="Proposition de rapprochement", id=body.candidate)
        confirmation = Confirmation.from_candidate(
            found[body.candidate].candidate, excess=body.excess, write_off_shortfall=body.write_off_shortfall
        )
    done = reconciliation.confirm(uow, ctx, line, confirmation, expected)
    response.headers["Location"] = f"/api/v1/bank-matches/{done.match_id}"
    return _reconciled(done)


@router.get("/bank-matches/{match_id}", summary="Read a confirmed match (active or undone)")
def get_match(match_id: str, ctx: ReadCtx, uow: Uow) -> MatchOut:
    return MatchOut.of(reconciliation.get_match(uow, ctx, parse_id(match_id, MATCH)))


@router.delete("/bank-matches/{match_id}", summary="Undo a confirmation: recorded payments cancelled, line open again")
def undo_match(match_id: str, ctx: WriteCtx, uow: Uow) -> MatchOut:
    return MatchOut.of(reconciliation.undo(uow, ctx, parse_id(match_id, MATCH)))


@router.post("/bank-lines/{line_id}/ignore", summary="Set a bank line aside (booked elsewhere, own transfer)")
def ignore(
    line_id: str, body: IgnoreIn, ctx: WriteCtx, uow: Uow, expected: IfMatch, response: Response
) -> LineStateOut:
    line = reconciliation.ignore(uow, ctx, parse_id(line_id, LINE), reason=body.reason, expected_version=expected)
    return _line(line, response)


@router.post("/bank-lines/{line_id}/unignore", summary="Bring an ignored bank line back among those to reconcile")
def unignore(line_id: str, ctx: WriteCtx, uow: Uow, expected: IfMatch, response: Response) -> LineStateOut:
    return _line(reconciliation.unignore(uow, ctx, parse_id(line_id, LINE), expected_version=expected), response)


@router.post(
    "/bank-accounts/{account_id}/auto-reconcile",
    summary="Reconcile the account's lines whose best candidate is certain (when the company turned it on)",
)
def auto_reconcile(account_id: str, ctx: WriteCtx, uow: Uow) -> AutoReconcileOut:
    account = parse_id(account_id, ACCOUNT)
    result = reconciliation.auto_reconcile(uow, ctx, account)
    return AutoReconcileOut.model_validate(
        {
            "enabled": result.enabled,
            "examined": result.examined,
            "reconciled": [_reconciled(r) for r in result.reconciled],
            "refused": [{"line_id": line_id, "code": code} for line_id, code in result.refused],
        }
    )


@router.get("/bank-accounts/{account_id}/balance", summary="The balance as per the bank and as per acompte")
def balance(account_id: str, ctx: ReadCtx, uow: Uow) -> BalanceOut:
    found = balances.account_balance(uow, ctx, parse_id(account_id, ACCOUNT))
    return BalanceOut.model_validate(
        {
            **{name: getattr(found, name) for name in BalanceOut.model_fields if name not in {"unmatched"}},
            "unmatched": [
                {"payment_id": p.payment_id, "number": p.number, "payment_date": p.payment_date, "amount": p.amount}
                for p in found.unmatched
            ],
        }
    )
