"""The IBANs a party holds: list, add, remove (a payer is recognised by the IBAN of a bank line)."""

from __future__ import annotations

from fastapi import Response

from acompte.adapters.api.dependencies import ReadCtx, Uow, WriteCtx, parse_id
from acompte.adapters.api.routing import capability_router
from acompte.adapters.api.schemas.banking_accounts import PartyBankAccountIn, PartyBankAccountOut
from acompte.adapters.api.schemas.common import Page
from acompte.services.banking import party_accounts

router = capability_router("/parties", "parties")
ENTITY = "Tiers"


@router.get("/{party_id}/bank-accounts", summary="The IBANs a party holds")
def list_party_bank_accounts(party_id: str, ctx: ReadCtx, uow: Uow) -> Page[PartyBankAccountOut]:
    held = party_accounts.party_accounts(uow, ctx, parse_id(party_id, ENTITY))
    return Page(items=[PartyBankAccountOut.model_validate(a) for a in held], next_cursor=None)


@router.post(
    "/{party_id}/bank-accounts",
    status_code=201,
    summary="Add an IBAN to a party (one it already holds is answered unchanged)",
)
def add_party_bank_account(
    party_id: str, body: PartyBankAccountIn, ctx: WriteCtx, uow: Uow, response: Response
) -> PartyBankAccountOut:
    pid = parse_id(party_id, ENTITY)
    held = party_accounts.add_party_account(uow, ctx, pid, body.iban, bic=body.bic, label=body.label)
    response.headers["Location"] = f"/api/v1/parties/{pid}/bank-accounts/{held.id}"
    return PartyBankAccountOut.model_validate(held)


@router.delete("/{party_id}/bank-accounts/{bank_account_id}", status_code=204, summary="Remove a party's IBAN")
def remove_party_bank_account(party_id: str, bank_account_id: str, ctx: WriteCtx, uow: Uow) -> Response:
    pid = parse_id(party_id, ENTITY)
    party_accounts.remove_party_account(uow, ctx, pid, parse_id(bank_account_id, party_accounts.ENTITY))
    return Response(status_code=204)
