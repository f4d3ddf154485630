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
    DecimalOut,
    Input,
    Output,
    Text,
)
from acompte.domain.parties import ItemKind


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
    customer: bool = Field(validation_alias="is_customer")
    supplier: bool = Field(validation_alias="is_supplier")
    email: str
    siren: str
    vat_number: str
    address: str


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
    unit_price: DecimalOut
    vat_rate: DecimalOut
