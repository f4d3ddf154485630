"""What the services need from outside, as protocols: the unit of work and its repositories (persistence
implements them), the clock, and the renderer of printed documents (adapters/exports); `bootstrap.py` wires
the implementations. `Ctx` says who acts, for which company."""

from __future__ import annotations

from dataclasses import dataclass

from acompte.services.ports.access import CredentialFacts, Credentials, IdempotencyKeys, IssuedFiles, Users
from acompte.services.ports.clock import Clock, FixedClock, SystemClock
from acompte.services.ports.credits import Credits
from acompte.services.ports.deposits import Deposits
from acompte.services.ports.exports import Exports, PostingRecord, RunRecord, StatusRecord
from acompte.services.ports.ledger import (
    Allocations,
    Companies,
    Documents,
    History,
    Items,
    NumberSeries,
    Parties,
    Payments,
    Positions,
    SettledParts,
)
from acompte.services.ports.renderer import DocumentRenderer
from acompte.services.ports.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Ctx:
    """Who acts, for which company. Every service call is scoped by it."""

    company_id: int
    actor: str = "system"


__all__ = [
    "Allocations",
    "Clock",
    "Companies",
    "CredentialFacts",
    "Credentials",
    "Credits",
    "Ctx",
    "Deposits",
    "DocumentRenderer",
    "Documents",
    "Exports",
    "FixedClock",
    "History",
    "IdempotencyKeys",
    "IssuedFiles",
    "Items",
    "NumberSeries",
    "Parties",
    "Payments",
    "Positions",
    "PostingRecord",
    "RunRecord",
    "SettledParts",
    "StatusRecord",
    "SystemClock",
    "UnitOfWork",
    "Users",
]
