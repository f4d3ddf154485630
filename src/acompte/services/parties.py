"""Parties (customers, suppliers or both) and items (goods and services)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from acompte.domain.company_events import ItemCreated, PartyCreated, PartyUpdated
from acompte.domain.documents import UNIT_PRICE_PLACES
from acompte.domain.errors import InvalidLine, InvalidSetting, Reason
from acompte.domain.money import decimal_places
from acompte.domain.parties import Item, ItemKind, Party
from acompte.domain.vat import check_rate
from acompte.services import identifiers
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork

_PARTY_FIELDS = {"name", "is_customer", "is_supplier", "email", "siren", "vat_number", "address", "settings"}


def _check_party_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - _PARTY_FIELDS
    if unknown:
        raise InvalidSetting(reason=Reason.UNKNOWN_FIELDS, fields=sorted(unknown))
    if "name" in fields:
        fields["name"] = str(fields["name"]).strip()
        if not fields["name"]:
            raise InvalidSetting(reason=Reason.PARTY_NAME_REQUIRED)
    if "siren" in fields:
        fields["siren"] = identifiers.siren(fields["siren"]) or ""
    return fields


def _check_vat_number(fields: dict[str, Any], before: Party | None = None) -> None:
    """The party's VAT number, normalised; a French one holds the party's SIREN (the one sent, or kept)."""
    if "vat_number" not in fields and "siren" not in fields:
        return
    siren = fields.get("siren", before.siren if before else "")
    if "vat_number" in fields:
        fields["vat_number"] = identifiers.vat_number(fields["vat_number"], siren=siren or None) or ""
    elif before is not None and before.vat_number:
        identifiers.vat_number(before.vat_number, siren=siren or None)


def create_party(
    uow: UnitOfWork, ctx: Ctx, *, name: str, customer: bool = True, supplier: bool = False, **fields: Any
) -> Party:
    if not customer and not supplier:
        raise InvalidSetting(reason=Reason.PARTY_ROLE_REQUIRED)
    data = _check_party_fields({"name": name, "is_customer": customer, "is_supplier": supplier, **fields})
    _check_vat_number(data)
    with uow:
        party_id = uow.parties.add(ctx.company_id, **data)
        publish(uow, ctx, PartyCreated(company_id=ctx.company_id, party_id=party_id, name=data["name"]))
        party = uow.parties.get(ctx.company_id, party_id)
        uow.commit()
        return party


def update_party(uow: UnitOfWork, ctx: Ctx, party_id: int, **fields: Any) -> Party:
    data = _check_party_fields(dict(fields))
    with uow:
        before = uow.parties.get(ctx.company_id, party_id)
        _check_vat_number(data, before)
        uow.parties.update(ctx.company_id, party_id, **data)
        after = uow.parties.get(ctx.company_id, party_id)
        if not (after.is_customer or after.is_supplier):
            raise InvalidSetting(reason=Reason.PARTY_ROLE_REQUIRED)
        publish(
            uow,
            ctx,
            PartyUpdated(
                company_id=ctx.company_id,
                party_id=party_id,
                before={k: getattr(before, k) for k in data},
                after=data,
            ),
        )
        uow.commit()
        return after


def get_party(uow: UnitOfWork, ctx: Ctx, party_id: int) -> Party:
    with uow:
        return uow.parties.get(ctx.company_id, party_id)


def list_parties(uow: UnitOfWork, ctx: Ctx, *, role: str | None = None, search: str | None = None) -> list[Party]:
    with uow:
        return list(uow.parties.list(ctx.company_id, role=role, search=search))


def create_item(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    name: str,
    unit_price: Decimal,
    vat_rate: Decimal,
    kind: ItemKind = ItemKind.GOODS,
    settings: dict[str, Any] | None = None,
) -> Item:
    if not name.strip():
        raise InvalidLine(reason=Reason.ITEM_NAME_REQUIRED)
    if not isinstance(unit_price, Decimal) or unit_price < 0 or decimal_places(unit_price) > UNIT_PRICE_PLACES:
        raise InvalidLine(reason=Reason.ITEM_PRICE, places=UNIT_PRICE_PLACES)
    with uow:
        company = uow.companies.get(ctx.company_id)
        rate = check_rate(vat_rate, company.vat_rates)
        item_id = uow.items.add(
            ctx.company_id,
            name=name.strip(),
            kind=kind.value,
            unit_price=unit_price,
            vat_rate=rate,
            settings=settings or {},
        )
        publish(uow, ctx, ItemCreated(company_id=ctx.company_id, item_id=item_id, name=name))
        item = uow.items.get(ctx.company_id, item_id)
        uow.commit()
        return item


def list_items(uow: UnitOfWork, ctx: Ctx) -> list[Item]:
    with uow:
        return list(uow.items.list(ctx.company_id))


def get_item(uow: UnitOfWork, ctx: Ctx, item_id: int) -> Item:
    with uow:
        return uow.items.get(ctx.company_id, item_id)
