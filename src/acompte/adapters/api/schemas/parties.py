"""Parties (customers and suppliers) and items (goods and services)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
)

from acompte.adapters.api.schemas.common import (
    RATE,
    UNIT_PRICE,
    Input,
    Output,
    Text,
    decimal_text,
)
from acompte.domain.parties import Item, ItemKind, Party


class PartyIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "Claire Martin", "customer": True, "email": "claire@example.fr"}]},
    )

    name: Text(200, min_length=1, example="Claire Martin")  # type: ignore[valid-type]
    customer: StrictBool = True
    supplier: StrictBool = False
    email: Text(200) = ""  # type: ignore[valid-type]
    siren: Annotated[StrictStr, Field(pattern=r"^([0-9]{9})?$")] = ""
    vat_number: Text(20) = ""  # type: ignore[valid-type]
    address: Text(2000) = ""  # type: ignore[valid-type]


class PartyPatch(Input):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"email": "compta@example.fr"}]})

    name: Text(200, min_length=1) | None = None  # type: ignore[valid-type]
    customer: StrictBool | None = None
    supplier: StrictBool | None = None
    email: Text(200) | None = None  # type: ignore[valid-type]
    siren: Annotated[StrictStr, Field(pattern=r"^([0-9]{9})?$")] | None = None
    vat_number: Text(20) | None = None  # type: ignore[valid-type]
    address: Text(2000) | None = None  # type: ignore[valid-type]

    def changes(self) -> dict[str, Any]:
        names = {"customer": "is_customer", "supplier": "is_supplier"}
        return {names.get(k, k): v for k, v in self.model_dump(exclude_unset=True).items() if v is not None}


class PartyOut(Output):
    id: str
    name: str
    customer: bool
    supplier: bool
    email: str
    siren: str
    vat_number: str
    address: str

    @classmethod
    def of(cls, party: Party) -> PartyOut:
        return cls(
            id=str(party.id),
            name=party.name,
            customer=party.is_customer,
            supplier=party.is_supplier,
            email=party.email,
            siren=party.siren,
            vat_number=party.vat_number,
            address=party.address,
        )


class ItemIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "Chaise paillée", "unit_price": "85.50", "vat_rate": "20"}]},
    )

    name: Text(200, min_length=1, example="Chaise paillée")  # type: ignore[valid-type]
    kind: ItemKind = ItemKind.GOODS
    unit_price: UNIT_PRICE
    vat_rate: RATE


class ItemOut(Output):
    id: str
    name: str
    kind: ItemKind
    unit_price: str
    vat_rate: str

    @classmethod
    def of(cls, item: Item) -> ItemOut:
        return cls(
            id=str(item.id),
            name=item.name,
            kind=item.kind,
            unit_price=decimal_text(item.unit_price),
            vat_rate=decimal_text(item.vat_rate),
        )
