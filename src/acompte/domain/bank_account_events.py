"""Facts about bank accounts: the company's own (their settings changed) and the IBANs its parties hold."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from acompte.domain.events import DomainEvent, EventKind


@dataclass(frozen=True, slots=True, kw_only=True)
class BankAccountChanged(DomainEvent):
    """A treasury account's settings changed: the fields that changed, before and after."""

    kind: ClassVar[EventKind] = EventKind.BANK_ACCOUNT_CHANGED
    account_id: int
    before: Mapping[str, Any]
    after: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyBankAccountAdded(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.PARTY_BANK_ACCOUNT_ADDED
    bank_account_id: int
    iban: str
    bic: str
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyBankAccountRemoved(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.PARTY_BANK_ACCOUNT_REMOVED
    bank_account_id: int
    iban: str
