"""Items (goods and services) with their unit price and VAT rate."""

from __future__ import annotations

from decimal import Decimal

from fastapi import Response

from acompte.adapters.api.dependencies import PageParams, ReadCtx, Uow, WriteCtx, parse_id
from acompte.adapters.api.routing import capability_router
from acompte.adapters.api.schemas.common import Page
from acompte.adapters.api.schemas.parties import ItemIn, ItemOut
from acompte.services import parties

router = capability_router("/items", "items")


@router.get("", summary="List items (ordered by id)")
def list_items(ctx: ReadCtx, uow: Uow, paging: PageParams) -> Page[ItemOut]:
    rows, cursor = paging.slice(parties.list_items(uow, ctx))
    return Page(items=[ItemOut.model_validate(i) for i in rows], next_cursor=cursor)


@router.post("", status_code=201, summary="Create an item")
def create_item(body: ItemIn, ctx: WriteCtx, uow: Uow, response: Response) -> ItemOut:
    item = parties.create_item(
        uow, ctx, name=body.name, unit_price=Decimal(body.unit_price), vat_rate=Decimal(body.vat_rate), kind=body.kind
    )
    response.headers["Location"] = f"/api/v1/items/{item.id}"
    return ItemOut.model_validate(item)


@router.get("/{item_id}", summary="Read an item")
def get_item(item_id: str, ctx: ReadCtx, uow: Uow) -> ItemOut:
    return ItemOut.model_validate(parties.get_item(uow, ctx, parse_id(item_id, "Article")))
