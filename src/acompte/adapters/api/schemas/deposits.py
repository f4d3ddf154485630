"""Deposits on an order: its deposit position (the « Acomptes » tab), the deposit form, deposit payments and
requests, the company's deposit settings and default percentages, exchange rates."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    model_validator,
)

from acompte.adapters.api.schemas.common import (
    METHOD,
    PERCENT,
    Id,
    Input,
    IsoDate,
    Money,
    MoneyIn,
    Output,
    Text,
    opt_decimal,
    opt_money,
)
from acompte.adapters.api.schemas.company import MethodOut
from acompte.adapters.api.schemas.deposit_invoices import DepositInvoiceSummaryOut, amount_or_percent
from acompte.services.deposits import DepositForm, DepositPosition

_EUR = {"amount": "300.00", "currency": "EUR"}


class DepositPositionOut(Output):
    """Where a quote, order or delivery note stands with its deposits (the « Acomptes » tab)."""

    document_id: str
    kind: str
    number: str | None
    gross: Money
    requested: Money | None
    requested_percent: str | None
    deposit_payments: Money
    deposit_invoices: list[DepositInvoiceSummaryOut]
    deposit_invoiced: Money
    deposits_paid: Money
    final_invoiced: Money
    invoiced: Money
    outstanding: Money
    available_for_deposit: Money
    net_to_pay: Money
    company_currency: str
    gross_in_company_currency: Money | None
    outstanding_in_company_currency: Money | None

    @classmethod
    def of(cls, position: DepositPosition) -> DepositPositionOut:
        document = position.document
        return cls(
            document_id=str(document.id),
            kind=document.kind.value,
            number=document.number,
            gross=Money.of(position.gross),
            requested=opt_money(position.requested),
            requested_percent=opt_decimal(position.requested_percent),
            deposit_payments=Money.of(position.deposit_payments),
            deposit_invoices=[DepositInvoiceSummaryOut.of(s) for s in position.deposit_invoices],
            deposit_invoiced=Money.of(position.deposit_invoiced),
            deposits_paid=Money.of(position.deposits_paid),
            final_invoiced=Money.of(position.final_invoiced),
            invoiced=Money.of(position.invoiced),
            outstanding=Money.of(position.outstanding),
            available_for_deposit=Money.of(position.available_for_deposit),
            net_to_pay=Money.of(position.net_to_pay),
            company_currency=position.company_currency,
            gross_in_company_currency=opt_money(position.gross_in_company_currency),
            outstanding_in_company_currency=opt_money(position.outstanding_in_company_currency),
        )


class DepositFormOut(Output):
    """What the deposit form shows: what the party owes on the document, what it paid, the default amount."""

    document_id: str
    kind: str
    number: str | None
    party_id: str
    party_name: str
    gross: Money
    already_paid: Money
    deposit_invoiced: Money
    remaining: Money
    default_amount: Money
    default_date: date
    methods: list[MethodOut]

    @classmethod
    def of(cls, form: DepositForm) -> DepositFormOut:
        document = form.document
        return cls(
            document_id=str(document.id),
            kind=document.kind.value,
            number=document.number,
            party_id=str(document.party_id),
            party_name=form.party_name,
            gross=Money.of(form.gross),
            already_paid=Money.of(form.already_paid),
            deposit_invoiced=Money.of(form.deposit_invoiced),
            remaining=Money.of(form.remaining),
            default_amount=Money.of(form.default_amount),
            default_date=form.default_date,
            methods=[MethodOut(code=c, label=label, digital=d) for c, label, d in form.methods],
        )


class DepositSettingsOut(Output):
    generate_payment_sale: bool
    generate_payment_purchase: bool
    payment_method: str
    deduct_all: bool
    block_delivery: bool
    default_percent: str | None

    @classmethod
    def of(cls, settings: Any) -> DepositSettingsOut:
        return cls(
            generate_payment_sale=settings.generate_payment_sale,
            generate_payment_purchase=settings.generate_payment_purchase,
            payment_method=settings.payment_method,
            deduct_all=settings.deduct_all,
            block_delivery=settings.block_delivery,
            default_percent=opt_decimal(settings.default_percent),
        )


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
    reference: Text(200) = ""  # type: ignore[valid-type]
    comment: Text(2000) = ""  # type: ignore[valid-type]
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
