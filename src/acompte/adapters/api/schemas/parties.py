"""Parties (customers and suppliers) and items (goods and services)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    model_validator,
)

from acompte.adapters.api.schemas.banking_accounts import PartyBankAccountOut
from acompte.adapters.api.schemas.common import (
    RATE,
    UNIT_PRICE,
    Bounded,
    DecimalOut,
    Input,
    Joined,
    Output,
)
from acompte.domain.accounts import PaymentTerms
from acompte.domain.banking.lines import PartyBankAccount
from acompte.domain.parties import Item, ItemKind, Party
from acompte.domain.vat import VatRegime

#: Where a party's default payment terms are kept in its settings (services/accounts/terms.py).
PAYMENT_TERMS_SETTING = "payment_terms"


REGIME_DOC = (
    "How sales to the party are taxed: domestic, intra_eu (K goods / AE services), export (G), reverse_charge (AE),"
    " exempt (E, with its reason); empty: derived from the country and the VAT number"
)


def _percent(value: Any) -> Any:
    return None if value in (None, "") else value


class TermOut(Output):
    """One instalment: `percent` of the gross, due `days` after the invoice (or order) date, optionally at the
    end of that month."""

    percent: DecimalOut
    days: int
    end_of_month: bool
    basis: str


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
    street: Annotated[StrictStr, Bounded(200)] = Field("", description="Street, number (BT-50)")
    street2: Annotated[StrictStr, Bounded(200)] = Field("", description="Second street line (BT-51)")
    postcode: Annotated[StrictStr, Bounded(20)] = Field("", description="Postcode (BT-53)")
    city: Annotated[StrictStr, Bounded(100)] = Field("", description="City (BT-52)")
    country: Annotated[StrictStr, Bounded(2)] = Field("FR", description="ISO 3166-1 alpha-2 (BT-55)")
    address: Annotated[StrictStr, Bounded(2000)] | None = Field(
        None, description="Deprecated: the address on one text box, read into the fields above (which win over it)"
    )
    vat_regime: VatRegime | Literal[""] = Field("", description=REGIME_DOC)
    vat_exemption_code: Annotated[StrictStr, Bounded(30)] = Field("", description="VATEX code (BT-121)")
    vat_exemption_reason: Annotated[StrictStr, Bounded(300)] = Field("", description="Exemption reason text (BT-120)")


class PartyPatch(Input):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"email": "compta@example.fr"}]})

    name: Annotated[StrictStr, Bounded(200, min_length=1)] | None = None
    customer: StrictBool | None = None
    supplier: StrictBool | None = None
    email: Annotated[StrictStr, Bounded(200)] | None = None
    siren: Annotated[StrictStr, Field(pattern=r"^([0-9]{9})?$")] | None = None
    vat_number: Annotated[StrictStr, Bounded(20)] | None = None
    street: Annotated[StrictStr, Bounded(200)] | None = None
    street2: Annotated[StrictStr, Bounded(200)] | None = None
    postcode: Annotated[StrictStr, Bounded(20)] | None = None
    city: Annotated[StrictStr, Bounded(100)] | None = None
    country: Annotated[StrictStr, Bounded(2)] | None = None
    address: Annotated[StrictStr, Bounded(2000)] | None = Field(None, description="Deprecated: see PartyIn")
    vat_regime: VatRegime | Literal[""] | None = Field(None, description=REGIME_DOC)
    vat_exemption_code: Annotated[StrictStr, Bounded(30)] | None = None
    vat_exemption_reason: Annotated[StrictStr, Bounded(300)] | None = None

    def changes(self) -> dict[str, Any]:
        names = {"customer": "is_customer", "supplier": "is_supplier"}
        sent = self.model_dump(mode="json", exclude_unset=True)
        return {names.get(k, k): v for k, v in sent.items() if v is not None}


class PartyOut(Output):
    id: str
    name: str
    customer: bool = Field(validation_alias="is_customer")
    supplier: bool = Field(validation_alias="is_supplier")
    email: str
    siren: str
    vat_number: str
    street: str
    street2: str
    postcode: str
    city: str
    country: str = Field(description="ISO 3166-1 alpha-2")
    address: str = Field(description="The address fields on one text box (read only, for older clients)")
    vat_regime: str = Field(description="The regime chosen; empty: derived (see vat_regime_applied)")
    vat_regime_applied: VatRegime = Field(description="The regime the party's sales get")
    vat_exemption_code: str
    vat_exemption_reason: str
    deposit_percent: DecimalOut | None = Field(None, description="The party's default deposit percentage")
    deposit_percent_by_item: dict[str, DecimalOut] = Field(
        default_factory=dict, description="Default deposit percentage of an item (by its id) for this party"
    )
    payment_terms: list[TermOut] | None = Field(None, description="The party's default payment terms")
    bank_accounts: list[PartyBankAccountOut] = Field(
        default_factory=list, description="The IBANs the party holds (GET/POST /parties/{id}/bank-accounts)"
    )

    def with_bank_accounts(self, held: Sequence[PartyBankAccount]) -> PartyOut:
        return self.model_copy(update={"bank_accounts": [PartyBankAccountOut.model_validate(a) for a in held]})

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        # The defaults a PUT set are kept in the party's settings.
        if not isinstance(data, Party):
            return data
        settings = data.settings
        by_item = {str(k): v for k, v in dict(settings.get("deposit_percent_by_item") or {}).items() if _percent(v)}
        stored_terms = settings.get(PAYMENT_TERMS_SETTING)
        terms = [p.to_data() for p in PaymentTerms.from_data(stored_terms).parts] if stored_terms else None
        return Joined(
            data,
            address=data.address.text(),
            vat_regime_applied=data.regime,
            deposit_percent=_percent(settings.get("deposit_percent")),
            deposit_percent_by_item=by_item,
            payment_terms=terms,
        )


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
    deposit_percent: DecimalOut | None = Field(None, description="The item's default deposit percentage")

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if not isinstance(data, Item):
            return data
        return Joined(data, deposit_percent=_percent(data.settings.get("deposit_percent")))
