"""Pydantic v2 schemas of the HTTP API: what comes in (strict, unknown fields refused) and what goes out.

Conventions (shared/API.md):
- money is `{"amount": "1234.56", "currency": "EUR"}`, the amount a decimal *string*: a JSON number, more
  decimals than the currency has, or an unknown currency is refused (422). Amounts going out always carry
  exactly the currency's decimals;
- quantities, prices, rates and percentages are decimal strings too (never floats);
- ids are opaque strings;
- every input model forbids unknown fields; text refuses NUL characters and is bounded to what the database
  columns hold. The bounds on quantities, prices and line counts keep every total inside a 64-bit integer
  of minor units, whatever the currency.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from acompte.domain import money as domain_money
from acompte.domain.allocations import Settlement
from acompte.domain.documents import Flow, Kind, Line, LineInput, State
from acompte.domain.parties import Company, Item, ItemKind, Party
from acompte.domain.payments import Direction, PaymentState
from acompte.domain.positions import Position, PositionStatus
from acompte.domain.users import Permission, Principal, Role
from acompte.services.views import (
    AllocationView,
    DocumentSummary,
    DocumentView,
    EventView,
    PartyBalance,
    PaymentView,
)

# -- building blocks -----------------------------------------------------------------------------------

NO_NUL = r"^[^\x00]*$"


def Text(max_length: int, *, min_length: int = 0, example: str | None = None) -> Any:
    """A string of bounded length without NUL characters (PostgreSQL refuses them)."""
    return Annotated[
        StrictStr,
        Field(min_length=min_length, max_length=max_length, pattern=NO_NUL, examples=[example] if example else None),
    ]


ID_PATTERN = r"^[0-9]{1,18}$"
#: An opaque identifier (a string). Ids of another company are answered 404, like unknown ones.
Id = Annotated[StrictStr, Field(pattern=ID_PATTERN, examples=["42"], description="Opaque identifier")]


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise PydanticCustomError("date_format", "Date attendue au format AAAA-MM-JJ", {})
    return value


#: A calendar date as an ISO 8601 string `YYYY-MM-DD` (a number is refused).
IsoDate = Annotated[date, BeforeValidator(_iso_date)]

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


def decimal_text(value: Decimal) -> str:
    """A decimal as plain text, never in exponent notation (`Decimal('2E+1')` → `'20'`)."""
    return format(value, "f")


class Input(BaseModel):
    """Base of request bodies: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=False)


# -- money ---------------------------------------------------------------------------------------------


class Money(Output):
    """An exact amount: a decimal string with exactly the currency's decimals, and the ISO 4217 currency."""

    amount: Annotated[str, Field(pattern=r"^-?[0-9]+(\.[0-9]+)?$", examples=["1234.56"])]
    currency: Annotated[str, Field(pattern=CURRENCY_PATTERN, examples=["EUR"])]

    @classmethod
    def of(cls, value: domain_money.Money) -> Money:
        return cls(amount=decimal_text(value.amount), currency=value.currency)


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


# -- pages ---------------------------------------------------------------------------------------------

T = TypeVar("T")


class Page(Output, Generic[T]):
    """One page of a list. Pass `next_cursor` back as `cursor` to get the next page; null on the last."""

    items: list[T]
    next_cursor: str | None = None


# -- problems ------------------------------------------------------------------------------------------


class FieldError(BaseModel):
    location: Literal["body", "query", "path", "header", "cookie"]
    field: str
    message: str
    type: str


class Problem(BaseModel):
    """An error, as RFC 9457 `application/problem+json`. Error-specific fields may follow (`available`,
    `requested`...); an invalid request lists every invalid field in `errors`."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["/api/v1/errors/over-allocation"])
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    errors: list[FieldError] | None = None


# -- who am I ------------------------------------------------------------------------------------------


class MeOut(Output):
    user_id: str
    email: str
    company_id: str
    role: Role
    permissions: list[Permission]

    @classmethod
    def of(cls, principal: Principal) -> MeOut:
        return cls(
            user_id=str(principal.user_id),
            email=principal.email,
            company_id=str(principal.company_id),
            role=principal.role,
            permissions=sorted(p for p in Permission if principal.may(p)),
        )


# -- company -------------------------------------------------------------------------------------------


class MethodOut(Output):
    code: str
    label: str
    digital: bool


class AccountOut(Output):
    id: str
    name: str
    kind: str


class CompanyOut(Output):
    id: str
    name: str
    currency: str
    siren: str | None
    vat_number: str | None
    address: str
    vat_rounding: str
    vat_rates: list[str]
    payment_methods: list[MethodOut]
    accounts: list[AccountOut]
    settings: dict[str, Any]

    @classmethod
    def of(cls, company: Company, accounts: list[tuple[int, str, str]]) -> CompanyOut:
        return cls(
            id=str(company.id),
            name=company.name,
            currency=company.currency,
            siren=company.siren,
            vat_number=company.vat_number,
            address=company.address,
            vat_rounding=company.vat_rounding.value,
            vat_rates=[decimal_text(r) for r in company.vat_rates],
            payment_methods=[MethodOut(code=m.code, label=m.label, digital=m.digital) for m in company.methods],
            accounts=[AccountOut(id=str(i), name=n, kind=k) for i, n, k in accounts],
            settings=dict(company.settings),
        )


# -- parties and items ---------------------------------------------------------------------------------


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


# -- documents -----------------------------------------------------------------------------------------

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
    lines: Annotated[list[LineIn], Field(max_length=MAX_LINES)] = []
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


class AllocationOut(Output):
    id: str
    document_id: str
    document_number: str | None
    payment_id: str | None
    payment_number: str | None
    credit_document_id: str | None
    amount: Money
    created_at: datetime | None

    @classmethod
    def of(cls, allocation: AllocationView) -> AllocationOut:
        return cls(
            id=str(allocation.id),
            document_id=str(allocation.document_id),
            document_number=allocation.document_number,
            payment_id=_opt(allocation.payment_id),
            payment_number=allocation.payment_number,
            credit_document_id=_opt(allocation.credit_document_id),
            amount=Money.of(allocation.amount),
            created_at=utc(allocation.created_at),
        )


def utc(value: datetime | None) -> datetime | None:
    """Stored datetimes are UTC; SQLite gives them back naive: say so."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _opt(value: int | None) -> str | None:
    return None if value is None else str(value)


class CancelledByOut(Output):
    """The credit note that cancels the document (the one that completed the cancellation)."""

    id: str
    number: str | None


class PositionOut(Output):
    """Where the document stands, as every surface shows it (words defined in docs/design.md): total − deducted
    deposits = net to pay; net to pay − paid − credited − written off = balance due (invoices). Orders, quotes and
    delivery notes add what was invoiced from them; credit notes what was used, refunded and is left."""

    total: Money
    deducted: Money
    paid: Money
    credited: Money
    written_off: Money
    net_to_pay: Money
    balance_due: Money
    invoiced: Money | None = None
    left_to_invoice: Money | None = None
    used: Money | None = None
    refunded: Money | None = None
    credit_left: Money | None = None

    @classmethod
    def of(cls, position: Position) -> PositionOut:
        def opt(value: domain_money.Money | None) -> Money | None:
            return Money.of(value) if value is not None else None

        return cls(
            total=Money.of(position.total),
            deducted=Money.of(position.deducted),
            paid=Money.of(position.paid),
            credited=Money.of(position.credited),
            written_off=Money.of(position.written_off),
            net_to_pay=Money.of(position.net_to_pay),
            balance_due=Money.of(position.balance_due),
            invoiced=opt(position.invoiced),
            left_to_invoice=opt(position.left_to_invoice),
            used=opt(position.used),
            refunded=opt(position.refunded),
            credit_left=opt(position.credit_left),
        )


PAYMENT_STATUS_WORDS = frozenset({PositionStatus.UNPAID, PositionStatus.PARTIAL, PositionStatus.PAID})


class SettlementOut(Output):
    gross: Money
    settled: Money
    balance_due: Money
    #: unpaid / partial / paid; null where the document is not a debt in that sense (a draft, a credit note, a
    #: document cancelled or invoiced): `status` then says what it is.
    payment_status: Literal["unpaid", "partial", "paid"] | None
    status: PositionStatus
    cancelled_by: CancelledByOut | None = None
    position: PositionOut | None = None

    @classmethod
    def of(cls, position: Position | None, settlement: Settlement) -> dict[str, Any]:
        if position is None:  # a plain list row: what the allocations say
            return {
                "gross": Money.of(settlement.gross),
                "settled": Money.of(settlement.settled),
                "balance_due": Money.of(settlement.balance_due),
                "payment_status": settlement.status.value,
                "status": settlement.status,
            }
        by = position.cancelled_by
        return {
            "gross": Money.of(position.total),
            "settled": Money.of(position.settled),
            "balance_due": Money.of(position.balance_due),
            "payment_status": position.status.value if position.status in PAYMENT_STATUS_WORDS else None,
            "status": position.status,
            "cancelled_by": CancelledByOut(id=str(by.id), number=by.number) if by is not None else None,
            "position": PositionOut.of(position),
        }


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
            origin_id=_opt(doc.origin_id),
            version=doc.version,
            net=Money.of(doc.net),
            vat=Money.of(doc.gross - doc.net),
            lines=[LineOut.of(line) for line in doc.lines],
            allocations=[AllocationOut.of(a) for a in view.allocations],
            **SettlementOut.of(view.position, view.settlement),
        )


# -- payments and allocations --------------------------------------------------------------------------


class AllocationPart(Input):
    document_id: Id
    amount: MoneyIn


class PaymentIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "party_id": "42",
                    "amount": {"amount": "360.00", "currency": "EUR"},
                    "method": "transfer",
                    "reference": "VIR 2026-0042",
                    "allocations": [{"document_id": "7", "amount": {"amount": "360.00", "currency": "EUR"}}],
                }
            ]
        },
    )

    party_id: Id
    amount: MoneyIn
    method: METHOD
    direction: Direction = Direction.IN
    payment_date: IsoDate | None = None
    account_id: Id | None = None
    reference: Text(200) = ""  # type: ignore[valid-type]
    comment: Text(2000) = ""  # type: ignore[valid-type]
    origin_document_id: Id | None = None
    allocations: Annotated[list[AllocationPart], Field(max_length=100)] = []


class AllocateIn(Input):
    """Allocate part of the payment to a document; without an amount, as much as both sides allow."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"document_id": "7", "amount": {"amount": "100.00", "currency": "EUR"}}]},
    )

    document_id: Id
    amount: MoneyIn | None = None


class PaymentSummaryOut(Output):
    id: str
    number: str
    party_id: str
    party_name: str
    direction: Direction
    method: str
    digital: bool
    account_id: str
    payment_date: date
    amount: Money
    allocated: Money
    unallocated: Money
    state: PaymentState
    reference: str
    comment: str
    exported: bool
    origin_document_id: str | None
    version: int

    @classmethod
    def fields_of(cls, view: PaymentView) -> dict[str, Any]:
        p = view.payment
        return {
            "id": str(p.id),
            "number": p.number,
            "party_id": str(p.party_id),
            "party_name": view.party_name,
            "direction": p.direction,
            "method": p.method,
            "digital": p.digital,
            "account_id": str(p.account_id),
            "payment_date": p.payment_date,
            "amount": Money.of(p.amount),
            "allocated": Money.of(view.allocated),
            "unallocated": Money.of(view.unallocated),
            "state": p.state,
            "reference": p.reference,
            "comment": p.comment,
            "exported": p.exported,
            "origin_document_id": _opt(p.origin_document_id),
            "version": p.version,
        }

    @classmethod
    def of(cls, view: PaymentView) -> PaymentSummaryOut:
        return cls(**cls.fields_of(view))


class PaymentOut(PaymentSummaryOut):
    allocations: list[AllocationOut]

    @classmethod
    def of(cls, view: PaymentView) -> PaymentOut:
        return cls(**cls.fields_of(view), allocations=[AllocationOut.of(a) for a in view.allocations])


# -- history and accounts ------------------------------------------------------------------------------


class EventOut(Output):
    id: str
    occurred_at: datetime
    actor: str
    kind: str
    document_id: str | None
    payment_id: str | None
    party_id: str | None
    data: dict[str, Any]

    @classmethod
    def of(cls, event: EventView) -> EventOut:
        return cls(
            id=str(event.id),
            occurred_at=utc(event.occurred_at),  # type: ignore[arg-type]
            actor=event.actor,
            kind=event.kind,
            document_id=_opt(event.document_id),
            payment_id=_opt(event.payment_id),
            party_id=_opt(event.party_id),
            data=event.data,
        )


class PartyAccountOut(Output):
    """What a party owes on its open documents and what it holds in unallocated payments."""

    party_id: str
    currency: str
    owed: Money
    held: Money
    balance: Money
    open_documents: list[DocumentSummaryOut]
    unallocated_payments: list[PaymentSummaryOut]

    @classmethod
    def of(cls, balance: PartyBalance) -> PartyAccountOut:
        return cls(
            party_id=str(balance.party_id),
            currency=balance.currency,
            owed=Money.of(balance.owed),
            held=Money.of(balance.held),
            balance=Money.of(balance.balance),
            open_documents=[DocumentSummaryOut.from_summary(d) for d in balance.open_documents],
            unallocated_payments=[PaymentSummaryOut.of(p) for p in balance.unallocated_payments],
        )
