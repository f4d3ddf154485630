"""The message bus: a use case publishes what happened (or is about to), the capabilities built on it react.

Handlers run inside the publisher's unit of work, one after the other in the order `bootstrap.py` declares, so a
handler's refusal (a domain error) undoes the whole use case and a handler sees what the previous ones wrote.
A fact (`DomainEvent`) is stored in the history before its handlers run; a notice (`Notice`) is not stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from acompte.domain.events import DomainEvent, Notice

if TYPE_CHECKING:
    from acompte.services.ports import Ctx, UnitOfWork

Message = DomainEvent | Notice
M = TypeVar("M", bound=Message)
Handler = Callable[["UnitOfWork", "Ctx", Any], None]


class MessageBus:
    """Which handlers react to which message type, in order."""

    def __init__(self, handlers: Mapping[type[Message], Sequence[Handler]] | None = None) -> None:
        self._handlers: dict[type[Message], tuple[Handler, ...]] = {
            kind: tuple(chain) for kind, chain in (handlers or {}).items()
        }

    def handlers_for(self, message_type: type[Message]) -> tuple[Handler, ...]:
        return self._handlers.get(message_type, ())

    def routes(self) -> dict[type[Message], tuple[Handler, ...]]:
        """Every message type and its handlers, in order (documented in docs/design.md, checked by a test)."""
        return dict(self._handlers)

    def handle(self, uow: UnitOfWork, ctx: Ctx, message: Message) -> None:
        if isinstance(message, DomainEvent):
            uow.events.add(message.record(), ctx.actor)
        for handler in self.handlers_for(type(message)):
            handler(uow, ctx, message)


class BusMissing(RuntimeError):
    """A unit of work was made without the bus: the capabilities would silently not react."""


def publish(uow: UnitOfWork, ctx: Ctx, message: Message) -> None:
    """Record the fact (a notice is not recorded) and run the handlers registered for it."""
    if uow.bus is None:
        raise BusMissing("this unit of work has no message bus: build it with acompte.bootstrap")
    uow.bus.handle(uow, ctx, message)
