"""What the services need from persistence. `SqlUnitOfWork` implements it; tests may use it directly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Ctx:
    """Who acts, for which company. Every service call is scoped by it."""

    company_id: int
    actor: str = "system"


class UnitOfWork(Protocol):
    companies: Any
    series: Any
    parties: Any
    items: Any
    documents: Any
    payments: Any
    allocations: Any
    events: Any
    credits: Any  # credit notes, refunds, write-offs (issue 4)
    deposits: Any
    exports: Any
    users: Any
    credentials: Any
    idempotency: Any
    positions: Any  # the facts of document positions, in bulk

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, *args: object) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
