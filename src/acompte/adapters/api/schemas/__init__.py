"""Pydantic v2 schemas of the HTTP API, one module per capability: what comes in (strict, unknown fields refused)
and what goes out.

Conventions (shared/API.md):
- money is `{"amount": "1234.56", "currency": "EUR"}`, the amount a decimal *string*: a JSON number, more
  decimals than the currency has, or an unknown currency is refused (422). Amounts going out always carry
  exactly the currency's decimals;
- quantities, prices, rates and percentages are decimal strings too (never floats);
- ids are opaque strings;
- every input model forbids unknown fields; text refuses NUL characters and is bounded to what the database
  columns hold. The bounds on quantities, prices and line counts keep every total inside a 64-bit integer
  of minor units, whatever the currency.

Import a schema from its capability module (`schemas.documents`, `schemas.credits`...). The names below are
re-exported for the modules that imported them from the former single `schemas` module.
"""

from __future__ import annotations

from acompte.adapters.api.schemas.common import (
    AMOUNT_PATTERN,
    CURRENCY_PATTERN,
    ID_PATTERN,
    METHOD,
    NO_NUL,
    PERCENT,
    QUANTITY,
    RATE,
    UNIT_PRICE,
    Bounded,
    Id,
    Input,
    IsoDate,
    Money,
    MoneyIn,
    Output,
    Page,
    decimal_text,
    utc,
)
from acompte.adapters.api.schemas.company import AccountOut, CompanyOut, MeOut, MethodOut
from acompte.adapters.api.schemas.documents import (
    MAX_LINES,
    ConvertIn,
    DocumentIn,
    DocumentOut,
    DocumentPatch,
    DocumentSummaryOut,
    LineIn,
    LineOut,
)
from acompte.adapters.api.schemas.history import EventOut
from acompte.adapters.api.schemas.parties import ItemIn, ItemOut, PartyIn, PartyOut, PartyPatch
from acompte.adapters.api.schemas.payments import (
    AllocateIn,
    AllocationOut,
    AllocationPart,
    PaymentIn,
    PaymentOut,
    PaymentSummaryOut,
)
from acompte.adapters.api.schemas.positions import PAYMENT_STATUS_WORDS, CancelledByOut, PositionOut, SettlementOut
from acompte.adapters.api.schemas.problems import FieldError, Problem

__all__ = [
    "AMOUNT_PATTERN",
    "CURRENCY_PATTERN",
    "ID_PATTERN",
    "MAX_LINES",
    "METHOD",
    "NO_NUL",
    "PAYMENT_STATUS_WORDS",
    "PERCENT",
    "QUANTITY",
    "RATE",
    "UNIT_PRICE",
    "AccountOut",
    "AllocateIn",
    "AllocationOut",
    "AllocationPart",
    "Bounded",
    "CancelledByOut",
    "CompanyOut",
    "ConvertIn",
    "DocumentIn",
    "DocumentOut",
    "DocumentPatch",
    "DocumentSummaryOut",
    "EventOut",
    "FieldError",
    "Id",
    "Input",
    "IsoDate",
    "ItemIn",
    "ItemOut",
    "LineIn",
    "LineOut",
    "MeOut",
    "MethodOut",
    "Money",
    "MoneyIn",
    "Output",
    "Page",
    "PartyIn",
    "PartyOut",
    "PartyPatch",
    "PaymentIn",
    "PaymentOut",
    "PaymentSummaryOut",
    "PositionOut",
    "Problem",
    "SettlementOut",
    "decimal_text",
    "utc",
]
