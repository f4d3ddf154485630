"""The building blocks of every schema: bounded text, ids, dates, decimal strings, money in and out, pages."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictStr,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from acompte.domain import dates
from acompte.domain import money as domain_money

NO_NUL = r"^[^\x00]*$"


def Bounded(max_length: int, *, min_length: int = 0, example: str | None = None) -> Any:
    """The constraints of a text field, `Annotated[StrictStr, Bounded(200)]`: its length, and no NUL characters
    (PostgreSQL refuses them). Metadata rather than a type built by a call, which a type checker cannot read."""
    return Field(min_length=min_length, max_length=max_length, pattern=NO_NUL, examples=[example] if example else None)


ID_PATTERN = r"^[0-9]{1,18}$"
#: An opaque identifier (a string). Ids of another company are answered 404, like unknown ones.
Id = Annotated[StrictStr, Field(pattern=ID_PATTERN, examples=["42"], description="Opaque identifier")]


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise PydanticCustomError("date_format", "Date attendue au format AAAA-MM-JJ", {})
    return value


def _supported_date(value: date) -> date:
    if not dates.in_range(value):
        raise PydanticCustomError(
            "date_out_of_range",
            "Date entre le {minimum} et le {maximum} attendue",
            {"minimum": dates.MIN_DATE.isoformat(), "maximum": dates.MAX_DATE.isoformat()},
        )
    return value


#: The years 1900 … 2999 as a pattern, so that the schema (and a client generating from it) shows the bounds.
SUPPORTED_DATE_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})-[0-9]{2}-[0-9]{2}$"

#: A calendar date as an ISO 8601 string `YYYY-MM-DD` (a number is refused), from 1900-01-01 to 2999-12-31
#: (`domain.dates`); outside, the request is refused with a `validation-error` naming the field. Every schema
#: and query parameter taking a date uses this one type.
IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    AfterValidator(_supported_date),
    Field(
        json_schema_extra={
            "pattern": SUPPORTED_DATE_PATTERN,
            "formatMinimum": dates.MIN_DATE.isoformat(),
            "formatMaximum": dates.MAX_DATE.isoformat(),
        }
    ),
]

AMOUNT_PATTERN = r"^-?[0-9]{1,15}(\.[0-9]{1,3})?$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"
QUANTITY = Annotated[
    StrictStr, Field(pattern=r"^-?[0-9]{1,6}(\.[0-9]{1,3})?$", examples=["2"], description="Up to 3 decimals")
]
UNIT_PRICE = Annotated[
    StrictStr, Field(pattern=r"^[0-9]{1,7}(\.[0-9]{1,4})?$", examples=["85.50"], description="Up to 4 decimals")
]
RATE = Annotated[
    StrictStr, Field(pattern=r"^[0-9]{1,2}(\.[0-9]{1,2})?$", examples=["20"], description="VAT rate in percent")
]
PERCENT = Annotated[
    StrictStr,
    Field(pattern=r"^([0-9]{1,2}(\.[0-9]{1,2})?|100(\.0{1,2})?)$", examples=["0"], description="0 to 100"),
]
METHOD = Annotated[StrictStr, Field(pattern=r"^[a-z0-9_]{1,30}$", examples=["transfer"])]
EXCHANGE_RATE = Annotated[
    StrictStr,
    Field(
        pattern=r"^[0-9]{1,6}(\.[0-9]{1,10})?$",
        examples=["0.921500"],
        description="Units of the company's currency for 1 unit of the document's or payment's currency (> 0); "
        "only for a currency other than the company's, where it is required to issue or record",
    ),
]


def decimal_text(value: Decimal) -> str:
    """A decimal as plain text, never in exponent notation (`Decimal('2E+1')` → `'20'`)."""
    return format(value, "f")


class Input(BaseModel):
    """Base of request bodies: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    """Base of response bodies, read from the service views: `Model.model_validate(view)` takes each field from the
    view's attribute of that name (or its `validation_alias`). Numeric ids become strings (ids are opaque)."""

    model_config = ConfigDict(
        from_attributes=True, coerce_numbers_to_str=True, validate_by_name=True, validate_by_alias=True
    )


class Money(Output):
    """An exact amount: a decimal string with exactly the currency's decimals, and the ISO 4217 currency."""

    amount: Annotated[str, Field(pattern=r"^-?[0-9]+(\.[0-9]+)?$", examples=["1234.56"])]
    currency: Annotated[str, Field(pattern=CURRENCY_PATTERN, examples=["EUR"])]

    @classmethod
    def of(cls, value: domain_money.Money) -> Money:
        # The domain guarantees the amount and currency the pattern checks: no need to check them again.
        return cls.model_construct(amount=decimal_text(value.amount), currency=value.currency)


def _api_money(value: Any) -> Any:
    return Money.of(value) if isinstance(value, domain_money.Money) else value


#: The type of every money field of a response: the domain's Money, written as the API's `Money` (the amount a
#: decimal string with exactly the currency's decimals). Its schema is `Money`'s.
MoneyOut = Annotated[Money, BeforeValidator(_api_money)]


def _decimal(value: Any) -> Any:
    return decimal_text(value) if isinstance(value, Decimal) else value


#: A quantity, price, rate or percentage of a response: a Decimal written as plain decimal text.
DecimalOut = Annotated[str, BeforeValidator(_decimal)]


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


#: A code of a response read from an enumeration of the domain (a kind, a state): its value.
CodeOut = Annotated[str, BeforeValidator(_enum_value)]


class MoneyIn(Input):
    """An amount sent to the API: a decimal string (at most the currency's decimals) and a known currency."""

    amount: Annotated[StrictStr, Field(pattern=AMOUNT_PATTERN, examples=["1234.56"])]
    currency: Annotated[StrictStr, Field(pattern=CURRENCY_PATTERN, examples=["EUR"])]

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if value not in domain_money.MINOR_UNITS:
            raise PydanticCustomError("unknown_currency", "Devise inconnue : {currency}", {"currency": value})
        return value

    @model_validator(mode="after")
    def _decimals(self) -> MoneyIn:
        places = domain_money.MINOR_UNITS[self.currency]
        _, _, fraction = self.amount.partition(".")
        if len(fraction) > places:
            raise PydanticCustomError(
                "too_many_decimals",
                "Au plus {places} décimales en {currency}",
                {"places": places, "currency": self.currency},
            )
        return self

    def to_domain(self) -> domain_money.Money:
        return domain_money.Money.of(self.amount, self.currency)


T = TypeVar("T")


class Page(Output, Generic[T]):
    """One page of a list. Pass `next_cursor` back as `cursor` to get the next page; null on the last."""

    items: list[T]
    next_cursor: str | None = None


def utc(value: datetime | None) -> datetime | None:
    """Stored datetimes are UTC; SQLite gives them back naive: say so."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


#: A moment of a response, in UTC.
UtcOut = Annotated[datetime, AfterValidator(utc)]


class Joined:
    """The attributes of a view with a few more beside it, as one object a response model reads: for a response
    that gathers a view and values the route has apart (the date of an account, the letters of entries)."""

    __slots__ = ("_base", "_extra")

    def __init__(self, base: object, **extra: Any) -> None:
        self._base = base
        self._extra = extra

    def __getattr__(self, name: str) -> Any:  # only called for names that are not the two slots
        return self._extra[name] if name in self._extra else getattr(self._base, name)
