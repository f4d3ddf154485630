"""Deposits on an order: its deposit position (the « Acomptes » tab), the deposit form, deposit payments and
requests, the company's deposit settings and default percentages, exchange rates."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import (
    AliasPath,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    model_validator,
)
from pydantic.config import JsonDict

from acompte.adapters.api.schemas.common import (
    METHOD,
    PERCENT,
    Bounded,
    CodeOut,
    DecimalOut,
    Id,
    Input,
    IsoDate,
    MoneyIn,
    MoneyOut,
    Output,
)
from acompte.adapters.api.schemas.company import MethodOut
from acompte.adapters.api.schemas.deposit_invoices import DepositInvoiceSummaryOut, amount_or_percent

_EUR: JsonDict = {"amount": "300.00", "currency": "EUR"}


def _document(name: str) -> Any:
    return AliasPath("document", name)


class DepositPositionOut(Output):
    """Where a quote, order or delivery note stands with its deposits (the « Acomptes » tab)."""

    document_id: str = Field(validation_alias=_document("id"))
    kind: CodeOut = Field(validation_alias=_document("kind"))
    number: str | None = Field(validation_alias=_document("number"))
    gross: MoneyOut
    requested: MoneyOut | None
    requested_percent: DecimalOut | None
    deposit_payments: MoneyOut
    deposit_invoices: list[DepositInvoiceSummaryOut]
    deposit_invoiced: MoneyOut
    deposits_paid: MoneyOut
    final_invoiced: MoneyOut
    invoiced: MoneyOut
    outstanding: MoneyOut
    available_for_deposit: MoneyOut
    net_to_pay: MoneyOut
    company_currency: str
    gross_in_company_currency: MoneyOut | None
    outstanding_in_company_currency: MoneyOut | None


class DepositFormOut(Output):
    """What the deposit form shows: what the party owes on the document, what it paid, the default amount."""

    document_id: str = Field(validation_alias=_document("id"))
    kind: CodeOut = Field(validation_alias=_document("kind"))
    number: str | None = Field(validation_alias=_document("number"))
    party_id: str = Field(validation_alias=_document("party_id"))
    party_name: str
    gross: MoneyOut
    already_paid: MoneyOut
    deposit_invoiced: MoneyOut
    remaining: MoneyOut
    default_amount: MoneyOut
    default_date: date
    methods: list[MethodOut]


class DepositSettingsOut(Output):
    generate_payment_sale: bool
    generate_payment_purchase: bool
    payment_method: str
    deduct_all: bool
    block_delivery: bool
    default_percent: DecimalOut | None


# -- requests ------------------------------------------------------------------------------------------------


class DepositPaymentIn(Input):
    """A deposit payment (règlement d'acompte) on an order, delivery note or invoice; the amount defaults to
    all that remains."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"method": "transfer", "amount": _EUR, "reference": "VIR 2026-0042"}]},
    )

    method: METHOD
    amount: MoneyIn | None = None
    payment_date: IsoDate | None = None
    reference: Annotated[StrictStr, Bounded(200)] = ""
    comment: Annotated[StrictStr, Bounded(2000)] = ""
    account_id: Id | None = None


class AttachDepositPaymentIn(Input):
    """Attach an already recorded payment (its unallocated part, or `amount`) as a deposit on the document."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"payment_id": "12", "amount": _EUR}]})

    payment_id: Id
    amount: MoneyIn | None = None


class DepositRequestIn(Input):
    """A deposit noted on a quote or an order (no payment): an amount or a percentage of its gross total;
    neither: the default percentages (party, item, company)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"percent": "30"}]})

    amount: MoneyIn | None = None
    percent: PERCENT | None = None

    @model_validator(mode="after")
    def _one(self) -> DepositRequestIn:
        amount_or_percent(self.amount, self.percent)
        return self


class DepositSettingsPatch(Input):
    """The company's deposit options; only the fields sent change. `default_percent` null removes it."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"deduct_all": True, "payment_method": "transfer"}]}
    )

    generate_payment_sale: StrictBool | None = None
    generate_payment_purchase: StrictBool | None = None
    payment_method: METHOD | None = None
    deduct_all: StrictBool | None = None
    block_delivery: StrictBool | None = None
    default_percent: PERCENT | None = None

    def changes(self) -> dict[str, Any]:
        sent = self.model_dump(exclude_unset=True)
        return {k: v for k, v in sent.items() if v is not None or k == "default_percent"}


class DepositPercentIn(Input):
    """A default deposit percentage; null removes it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"percent": "30"}]})

    percent: PERCENT | None


class PartyDepositPercentIn(DepositPercentIn):
    """A party's default deposit percentage, or (with `item_id`) that of one item for this party."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"percent": "30", "item_id": "3"}]})

    item_id: Id | None = None


class ExchangeRateIn(Input):
    """Company-currency units for one unit of the document's currency."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"rate": "0.92"}]})

    rate: Annotated[StrictStr, Field(pattern=r"^[0-9]{1,6}(\.[0-9]{1,8})?$", examples=["0.92"])]
