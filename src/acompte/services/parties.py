"""Parties (customers, suppliers or both) and items (goods and services)."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from acompte.domain.addresses import ADDRESS_FIELDS
from acompte.domain.company_events import ItemCreated, PartyCreated, PartyUpdated
from acompte.domain.documents import UNIT_PRICE_PLACES
from acompte.domain.errors import InvalidLine, InvalidSetting, NotFound, Reason
from acompte.domain.money import decimal_places
from acompte.domain.parties import Item, ItemKind, Party
from acompte.domain.vat import VATEX_CODES, VatRegime, check_rate
from acompte.services import identifiers
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork

_PARTY_FIELDS = {
    "name",
    "is_customer",
    "is_supplier",
    "email",
    "siren",
    "vat_number",
    *ADDRESS_FIELDS,
    "address",  # one text box, as older clients send it: read into the fields above
    "vat_regime",
    "vat_exemption_code",
    "vat_exemption_reason",
    "settings",
}


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
    if "vat_regime" in fields:
        regime = str(fields["vat_regime"] or "")
        if regime and regime not in {r.value for r in VatRegime}:
            choices = ("", *(r.value for r in VatRegime))
            raise InvalidSetting(reason=Reason.UNKNOWN_CHOICE, field="vat_regime", value=regime, choices=choices)
        fields["vat_regime"] = regime
    if "vat_exemption_code" in fields:
        code = str(fields["vat_exemption_code"] or "").strip().upper()
        if code and code not in VATEX_CODES:
            raise InvalidSetting(reason=Reason.VATEX_CODE, field="vat_exemption_code", value=code)
        fields["vat_exemption_code"] = code
    if "vat_exemption_reason" in fields:
        fields["vat_exemption_reason"] = " ".join(str(fields["vat_exemption_reason"] or "").split())
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


def _check_address(fields: dict[str, Any], before: Party | None = None) -> None:
    """The address fields as stored (country checked), in place of any one-box `address` sent."""
    if "address" in fields or any(name in fields for name in ADDRESS_FIELDS):
        fields.update(identifiers.address(fields, before.address if before else None).fields())
        fields.pop("address", None)


def _check_regime(party: Party) -> None:
    """An exempt party names its reason (BR-E-10: an exempt breakdown has a reason text or code)."""
    if party.vat_regime == VatRegime.EXEMPT and party.exemption is None:
        raise InvalidSetting(reason=Reason.EXEMPTION_REASON_REQUIRED, field="vat_exemption_reason")


def create_party(
    uow: UnitOfWork, ctx: Ctx, *, name: str, customer: bool = True, supplier: bool = False, **fields: Any
) -> Party:
    if not customer and not supplier:
        raise InvalidSetting(reason=Reason.PARTY_ROLE_REQUIRED)
    data = _check_party_fields({"name": name, "is_customer": customer, "is_supplier": supplier, **fields})
    _check_vat_number(data)
    _check_address(data)
    with uow:
        party_id = uow.parties.add(ctx.company_id, **data)
        publish(uow, ctx, PartyCreated(company_id=ctx.company_id, party_id=party_id, name=data["name"]))
        party = uow.parties.get(ctx.company_id, party_id)
        _check_regime(party)
        uow.commit()
        return party


def update_party(uow: UnitOfWork, ctx: Ctx, party_id: int, **fields: Any) -> Party:
    data = _check_party_fields(dict(fields))
    with uow:
        before = uow.parties.get(ctx.company_id, party_id)
        _check_vat_number(data, before)
        _check_address(data, before)
        uow.parties.update(ctx.company_id, party_id, **data)
        after = uow.parties.get(ctx.company_id, party_id)
        if not (after.is_customer or after.is_supplier):
            raise InvalidSetting(reason=Reason.PARTY_ROLE_REQUIRED)
        _check_regime(after)
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


@dataclass(frozen=True, slots=True)
class PartyChoices:
    """What a party selector offers: at most a bounded number of parties (those whose name contains the search,
    in name order), the chosen one always among them; `more` says others match too (a narrower search finds
    them)."""

    parties: tuple[Party, ...]
    more: bool


def party_choices(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    search: str | None = None,
    chosen: int | None = None,
    role: str | None = None,
    limit: int = 50,
) -> PartyChoices:
    """A selector's parties, bounded whatever the company's size: one read of `limit` + 1 rows (and the chosen
    party when it is not among them)."""
    with uow:
        found = list(
            uow.parties.list(ctx.company_id, role=role, search=(search or "").strip() or None, limit=limit + 1)
        )
        more = len(found) > limit
        found = found[:limit]
        if chosen is not None and all(p.id != chosen for p in found):
            with suppress(NotFound):  # a stale or foreign id: the page says nothing of it
                found.insert(0, uow.parties.get(ctx.company_id, chosen))
        return PartyChoices(parties=tuple(found), more=more)


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
