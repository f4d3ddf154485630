"""Facts about a company's set-up: the company, its accounts, settings and payment methods, its parties and
items, its members and API tokens. Stored in the history like every fact (see `domain/events.py`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from acompte.domain.events import DomainEvent, EventKind


@dataclass(frozen=True, slots=True, kw_only=True)
class CompanyCreated(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.COMPANY_CREATED
    name: str
    currency: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountAdded(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.ACCOUNT_ADDED
    name: str
    account_kind: str

    def payload(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.account_kind}


@dataclass(frozen=True, slots=True, kw_only=True)
class VatRatesChanged(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.VAT_RATES_CHANGED
    before: Sequence[Decimal]
    after: Sequence[Decimal]


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentMethodChanged(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.PAYMENT_METHOD_CHANGED
    code: str
    digital: bool
    active: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class CompanyIdentityChanged(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.COMPANY_IDENTITY_CHANGED
    before: Mapping[str, Any]
    after: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class SettingsChanged(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.SETTINGS_CHANGED
    before: Mapping[str, Any]
    after: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyCreated(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.PARTY_CREATED
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyUpdated(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.PARTY_UPDATED
    before: Mapping[str, Any]
    after: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemCreated(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.ITEM_CREATED
    item_id: int
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MembershipGranted(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.MEMBERSHIP_GRANTED
    user: str
    role_before: str | None
    role_after: str

    def payload(self) -> dict[str, Any]:
        return {"user": self.user, "role": {"before": self.role_before, "after": self.role_after}}


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenCreated(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.TOKEN_CREATED
    token_id: int
    prefix: str
    user: str
    role: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenRevoked(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.TOKEN_REVOKED
    token_id: int
    prefix: str
