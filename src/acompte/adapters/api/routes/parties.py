"""Parties (customers and suppliers): list, create, read, change; their account and their history."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Response

from acompte.adapters.api.dependencies import PageParams, ReadCtx, Uow, WriteCtx, parse_id
from acompte.adapters.api.routing import capability_router
from acompte.adapters.api.schemas.accounts import PartyAccountDetailOut
from acompte.adapters.api.schemas.common import NO_NUL, IsoDate, Page
from acompte.adapters.api.schemas.history import EventOut
from acompte.adapters.api.schemas.parties import PartyIn, PartyOut, PartyPatch
from acompte.domain.documents import Flow
from acompte.domain.parties import Party
from acompte.services import accounts, history, parties, queries
from acompte.services.banking import party_accounts
from acompte.services.ports import Ctx, UnitOfWork

router = capability_router("/parties", "parties")
ENTITY = "Tiers"


def party_out(uow: UnitOfWork, ctx: Ctx, party: Party) -> PartyOut:
    """The party with the IBANs it holds."""
    return PartyOut.model_validate(party).with_bank_accounts(party_accounts.party_accounts(uow, ctx, party.id))


@router.get("", summary="List parties (ordered by id)")
def list_parties(
    ctx: ReadCtx,
    uow: Uow,
    paging: PageParams,
    role: Annotated[Literal["customer", "supplier"] | None, Query(description="Only customers or suppliers")] = None,
    search: Annotated[str | None, Query(max_length=100, pattern=NO_NUL, description="Part of the name")] = None,
) -> Page[PartyOut]:
    rows, cursor = paging.slice(parties.list_parties(uow, ctx, role=role, search=search))
    held = party_accounts.accounts_of_parties(uow, ctx, [p.id for p in rows])
    items = [PartyOut.model_validate(p).with_bank_accounts(held.get(p.id, [])) for p in rows]
    return Page(items=items, next_cursor=cursor)


@router.post("", status_code=201, summary="Create a party")
def create_party(body: PartyIn, ctx: WriteCtx, uow: Uow, response: Response) -> PartyOut:
    fields = body.model_dump(mode="json", exclude={"name", "customer", "supplier", "address"})
    if body.address is not None:  # an older client's one text box, read into the fields it did not send
        sent = body.model_fields_set
        fields = {"address": body.address, **{k: v for k, v in fields.items() if k in sent}}
    party = parties.create_party(uow, ctx, name=body.name, customer=body.customer, supplier=body.supplier, **fields)
    response.headers["Location"] = f"/api/v1/parties/{party.id}"
    return PartyOut.model_validate(party)  # a new party holds no IBAN yet


@router.get("/{party_id}", summary="Read a party")
def get_party(party_id: str, ctx: ReadCtx, uow: Uow) -> PartyOut:
    return party_out(uow, ctx, parties.get_party(uow, ctx, parse_id(party_id, ENTITY)))


@router.patch("/{party_id}", summary="Change a party (only the fields sent)")
def update_party(party_id: str, body: PartyPatch, ctx: WriteCtx, uow: Uow) -> PartyOut:
    pid = parse_id(party_id, ENTITY)
    changes = body.changes()
    if not changes:
        return party_out(uow, ctx, parties.get_party(uow, ctx, pid))
    return party_out(uow, ctx, parties.update_party(uow, ctx, pid, **changes))


@router.get(
    "/{party_id}/account",
    summary="What the party owes (open documents, instalments, overdue) and holds (payments, credit notes)",
)
def party_account(
    party_id: str,
    ctx: ReadCtx,
    uow: Uow,
    flow: Annotated[Flow | None, Query(description="sale or purchase; default: by the party's role")] = None,
    as_of: Annotated[IsoDate | None, Query(description="The day overdue amounts are counted on")] = None,
) -> PartyAccountDetailOut:
    pid = parse_id(party_id, ENTITY)
    account = accounts.party_account(uow, ctx, pid, flow=flow, as_of=as_of)
    balance = queries.party_balance(uow, ctx, pid, flow=Flow(account.flow))
    return PartyAccountDetailOut.of_both(balance, account)


@router.get("/{party_id}/history", summary="The party's history")
def party_history(party_id: str, ctx: ReadCtx, uow: Uow, paging: PageParams) -> Page[EventOut]:
    rows, cursor = paging.slice(history.party_history(uow, ctx, parse_id(party_id, ENTITY)))
    return Page(items=[EventOut.model_validate(e) for e in rows], next_cursor=cursor)
