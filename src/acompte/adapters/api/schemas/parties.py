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
    Bounded,
    DecimalOut,
    Input,
    Output,
)
from acompte.domain.parties import ItemKind


class PartyIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "Claire Martin", "customer": True, "email": "claire@example.fr"}]},
    )

    name: Annotated[StrictStr, Bounded(200, min_length=1, example="Claire Martin")]
    customer: StrictBool = True
    supplier: StrictBool = False
    email: Annotated[StrictStr, Bounded(200)] = ""
    siren: Annotated[StrictStr, Field(pattern=r"^([0-9]{9})?$")] = ""
    vat_number: Annotated[StrictStr, Bounded(20)] = ""
    address: Annotated[StrictStr, Bounded(2000)] = ""


class PartyPatch(Input):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"email": "compta@example.fr"}]})

    name: Annotated[StrictStr, Bounded(200, min_length=1)] | None = None
    customer: StrictBool | None = None
    supplier: StrictBool | None = None
    email: Annotated[StrictStr, Bounded(200)] | None = None
    siren: Annotated[StrictStr, Field(pattern=r"^([0-9]{9})?$")] | None = None
    vat_number: Annotated[StrictStr, Bounded(20)] | None = None
    address: Annotated[StrictStr, Bounded(2000)] | None = None

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

    name: Annotated[StrictStr, Bounded(200, min_length=1, example="Chaise paillée")]
    kind: ItemKind = ItemKind.GOODS
    unit_price: UNIT_PRICE
    vat_rate: RATE


class ItemOut(Output):
    id: str
    name: str
    kind: ItemKind
    unit_price: DecimalOut
    vat_rate: DecimalOut
