"""Documents (quotes, orders, delivery notes, invoices, credit notes): their lines, drafts, conversions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AliasPath,
    ConfigDict,
    Field,
    StrictStr,
    field_validator,
    model_validator,
)
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from acompte.adapters.api.schemas.common import (
    CURRENCY_PATTERN,
    EXCHANGE_RATE,
    PERCENT,
    QUANTITY,
    RATE,
    UNIT_PRICE,
    Bounded,
    DecimalOut,
    Id,
    Input,
    IsoDate,
    Joined,
    MoneyOut,
    Output,
)
from acompte.adapters.api.schemas.payments import AllocationOut
from acompte.adapters.api.schemas.positions import SettlementOut
from acompte.domain import money as domain_money
from acompte.domain.documents import Flow, Kind, LineInput, State
from acompte.domain.offers import Offer, Situation, offers

MAX_LINES = 200


class LineIn(Input):
    designation: Annotated[StrictStr, Bounded(1000, min_length=1, example="Table en chêne")]
    quantity: QUANTITY
    unit_price: UNIT_PRICE
    vat_rate: RATE
    discount_percent: PERCENT = "0"
    item_id: Id | None = None

    def to_domain(self) -> LineInput:
        return LineInput(
            designation=self.designation,
            quantity=Decimal(self.quantity),
            unit_price=Decimal(self.unit_price),
            vat_rate=Decimal(self.vat_rate),
            discount_percent=Decimal(self.discount_percent),
            item_id=int(self.item_id) if self.item_id is not None else None,
        )


_LINE_EXAMPLE: JsonDict = {
    "designation": "Table en chêne",
    "quantity": "1",
    "unit_price": "1000.00",
    "vat_rate": "20",
    "item_id": "3",
}


SUPPLIER_REFERENCE_DOC = "The supplier's own number of a purchase document (their invoice number), searchable"


class DocumentIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"kind": "order", "flow": "sale", "party_id": "42", "lines": [_LINE_EXAMPLE]}],
        },
    )

    kind: Kind
    flow: Flow = Flow.SALE
    party_id: Id
    lines: Annotated[list[LineIn], Field(max_length=MAX_LINES)] = []  # noqa: RUF012 - a pydantic default, copied per instance
    issue_date: IsoDate | None = None
    due_date: IsoDate | None = None
    currency: Annotated[StrictStr, Field(pattern=CURRENCY_PATTERN)] | None = None
    notes: Annotated[StrictStr, Bounded(5000)] = ""
    exchange_rate: EXCHANGE_RATE | None = None
    supplier_reference: Annotated[StrictStr, Bounded(100)] = Field("", description=SUPPLIER_REFERENCE_DOC)

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str | None) -> str | None:
        if value is not None and value not in domain_money.MINOR_UNITS:
            raise PydanticCustomError("unknown_currency", "Devise inconnue : {currency}", {"currency": value})
        return value


class DocumentPatch(Input):
    """Changes to a draft (or to a validated quote, order or delivery note). `lines` replaces all lines."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"lines": [_LINE_EXAMPLE]}]})

    lines: Annotated[list[LineIn], Field(max_length=MAX_LINES)] | None = None
    issue_date: IsoDate | None = None
    due_date: IsoDate | None = None
    notes: Annotated[StrictStr, Bounded(5000)] | None = None
    supplier_reference: Annotated[StrictStr, Bounded(100)] | None = Field(
        None, description=SUPPLIER_REFERENCE_DOC + "; once a purchase invoice is validated it no longer changes (409)"
    )


class ValidateIn(Input):
    """Optional when validating: the exchange rate of a document in a foreign currency, at its issue."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"exchange_rate": "0.921500"}]})

    exchange_rate: EXCHANGE_RATE | None = None


class ConvertIn(Input):
    """Turn a validated quote, order or delivery note into the next document; `lines` converts only part."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"target": "invoice"}]})

    target: Kind
    lines: Annotated[list[LineIn], Field(max_length=MAX_LINES)] | None = None
    issue_date: IsoDate | None = None


class LineOut(Output):
    position: int
    designation: str
    quantity: DecimalOut
    unit_price: DecimalOut
    discount_percent: DecimalOut
    vat_rate: DecimalOut
    net: MoneyOut
    item_id: str | None


class DocumentSummaryOut(SettlementOut):
    # Read from a document summary (a list row) or, as `DocumentOut`, from a document view.
    id: str
    kind: Kind
    flow: Flow
    state: State
    number: str | None
    party_id: str
    party_name: str
    issue_date: date
    due_date: date | None
    supplier_reference: str = Field("", description=SUPPLIER_REFERENCE_DOC)


def _document(name: str) -> Any:
    return AliasPath("document", name)


class DocumentOut(DocumentSummaryOut):
    # Read from a document view: the document's fields, its party's name, its position and allocations.
    kind: Kind = Field(validation_alias=_document("kind"))
    flow: Flow = Field(validation_alias=_document("flow"))
    state: State = Field(validation_alias=_document("state"))
    number: str | None = Field(validation_alias=_document("number"))
    party_id: str = Field(validation_alias=_document("party_id"))
    issue_date: date = Field(validation_alias=_document("issue_date"))
    due_date: date | None = Field(validation_alias=_document("due_date"))
    supplier_reference: str = Field("", validation_alias=_document("supplier_reference"))
    currency: str = Field(validation_alias=_document("currency"))
    exchange_rate: DecimalOut | None = Field(default=None, validation_alias=_document("exchange_rate"))
    origin_id: str | None = Field(validation_alias=_document("origin_id"))
    version: int = Field(validation_alias=_document("version"))
    net: MoneyOut = Field(validation_alias=_document("net"))
    vat: MoneyOut
    lines: list[LineOut] = Field(validation_alias=_document("lines"))
    allocations: list[AllocationOut]
    actions: list[Offer] = Field(
        description="What the document allows now, from its lifecycle and position, in the order a page shows "
        "them (the first is the next step); the token's role may allow less (see /me `permissions`)"
    )

    @model_validator(mode="before")
    @classmethod
    def _vat(cls, data: Any) -> Any:
        # The VAT is what the gross adds to the net: the document has no attribute for it.
        document = getattr(data, "document", None)
        if document is None:
            return data
        situation = Situation.of(
            document.kind,
            document.flow,
            document.state,
            status=data.position.status,
            balance_due=data.position.balance_due,
            allocated=data.settlement.allocated,
            may_write=True,
        )
        actions = [offer for offer, _weight in offers(situation)]
        return Joined(data, vat=document.gross - document.net, actions=actions)


class DocumentListTotalsOut(Output):
    """The count of every document the filters keep, and the sums of their positions' figures over those in the
    company currency (`other_currency` of them are in another currency: counted, not summed)."""

    count: int
    other_currency: int
    gross: MoneyOut
    deducted: MoneyOut
    paid: MoneyOut
    credited: MoneyOut
    written_off: MoneyOut
    net_to_pay: MoneyOut
    balance_due: MoneyOut
