"""Documents (quotes, orders, delivery notes, invoices, credit notes): their lines, drafts, conversions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import (
    ConfigDict,
    Field,
    StrictStr,
    field_validator,
)
from pydantic_core import PydanticCustomError

from acompte.adapters.api.schemas.common import (
    CURRENCY_PATTERN,
    PERCENT,
    QUANTITY,
    RATE,
    UNIT_PRICE,
    Id,
    Input,
    IsoDate,
    Money,
    Output,
    Text,
    decimal_text,
    opt_id,
)
from acompte.adapters.api.schemas.payments import AllocationOut
from acompte.adapters.api.schemas.positions import SettlementOut
from acompte.domain import money as domain_money
from acompte.domain.documents import Flow, Kind, Line, LineInput, State
from acompte.services.views import DocumentSummary, DocumentView

MAX_LINES = 200


class LineIn(Input):
    designation: Text(1000, min_length=1, example="Table en chêne")  # type: ignore[valid-type]
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


_LINE_EXAMPLE = {
    "designation": "Table en chêne",
    "quantity": "1",
    "unit_price": "1000.00",
    "vat_rate": "20",
    "item_id": "3",
}


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
    notes: Text(5000) = ""  # type: ignore[valid-type]

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
    notes: Text(5000) | None = None  # type: ignore[valid-type]


class ConvertIn(Input):
    """Turn a validated quote, order or delivery note into the next document; `lines` converts only part."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"target": "invoice"}]})

    target: Kind
    lines: Annotated[list[LineIn], Field(max_length=MAX_LINES)] | None = None
    issue_date: IsoDate | None = None


class LineOut(Output):
    position: int
    designation: str
    quantity: str
    unit_price: str
    discount_percent: str
    vat_rate: str
    net: Money
    item_id: str | None

    @classmethod
    def of(cls, line: Line) -> LineOut:
        return cls(
            position=line.position,
            designation=line.designation,
            quantity=decimal_text(line.quantity),
            unit_price=decimal_text(line.unit_price),
            discount_percent=decimal_text(line.discount_percent),
            vat_rate=decimal_text(line.vat_rate),
            net=Money.of(line.net),
            item_id=str(line.item_id) if line.item_id is not None else None,
        )


class DocumentSummaryOut(SettlementOut):
    id: str
    kind: Kind
    flow: Flow
    state: State
    number: str | None
    party_id: str
    party_name: str
    issue_date: date
    due_date: date | None

    @classmethod
    def from_summary(cls, doc: DocumentSummary) -> DocumentSummaryOut:
        return cls(
            id=str(doc.id),
            kind=Kind(doc.kind),
            flow=Flow(doc.flow),
            state=State(doc.state),
            number=doc.number,
            party_id=str(doc.party_id),
            party_name=doc.party_name,
            issue_date=doc.issue_date,
            due_date=doc.due_date,
            **SettlementOut.of(doc.position, doc.settlement),
        )


class DocumentOut(DocumentSummaryOut):
    currency: str
    origin_id: str | None
    version: int
    net: Money
    vat: Money
    lines: list[LineOut]
    allocations: list[AllocationOut]

    @classmethod
    def of(cls, view: DocumentView) -> DocumentOut:
        doc = view.document
        return cls(
            id=str(doc.id),
            kind=doc.kind,
            flow=doc.flow,
            state=doc.state,
            number=doc.number,
            party_id=str(doc.party_id),
            party_name=view.party_name,
            issue_date=doc.issue_date,
            due_date=doc.due_date,
            currency=doc.currency,
            origin_id=opt_id(doc.origin_id),
            version=doc.version,
            net=Money.of(doc.net),
            vat=Money.of(doc.gross - doc.net),
            lines=[LineOut.of(line) for line in doc.lines],
            allocations=[AllocationOut.of(a) for a in view.allocations],
            **SettlementOut.of(view.position, view.settlement),
        )
