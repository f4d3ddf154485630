"""A deadline for every HTTP request, so that one slow request cannot hold a worker, a connection or a lock.

Two guards, from the same figure (`ACOMPTE_REQUEST_TIMEOUT`):

- the request runs under a `services.deadline.Budget` of that many seconds: past it, the database refuses to
  start another statement (and cancels a running one), so the use case's transaction is rolled back and the
  client gets the `temporarily-unavailable` problem (503, Retry-After) through the usual error handlers;
- if the request has still sent nothing `GRACE` seconds later (stuck outside the database: the thread running it
  cannot be stopped from outside), this middleware answers that problem itself and drops whatever the request
  sends afterwards. Its thread finishes on its own: its next statement, or its commit, fails and rolls its
  transaction back (a commit already under way when the deadline gives up is waited for and answered as usual).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from acompte.adapters.api import errors
from acompte.domain.errors import Reason, TemporarilyUnavailable
from acompte.services import deadline

log = logging.getLogger("acompte.api")

#: Seconds left to the request, after its deadline, to roll back and answer on its own.
GRACE = 1.0


class Deadline:
    def __init__(self, app: ASGIApp, seconds: float, grace: float = GRACE) -> None:
        self.app = app
        self.seconds = seconds
        self.grace = grace

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.seconds <= 0:
            await self.app(scope, receive, send)
            return
        started = False
        answered = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if answered:  # the deadline answered for the request: what it says now goes nowhere
                return
            started = True
            await send(message)

        budget = deadline.Budget(self.seconds)

        async def run() -> None:
            with deadline.applied(budget):
                await self.app(scope, receive, guarded_send)

        task = asyncio.ensure_future(run())
        done, _ = await asyncio.wait({task}, timeout=self.seconds + self.grace)
        if done or started or not budget.abandon():
            await task  # finished, answering or committing: let it finish (and raise what it raises)
            return
        answered = True
        task.add_done_callback(_forget)
        request = Request(scope)
        log.warning("%s %s: no answer within %s s", request.method, request.url.path, self.seconds)
        error = TemporarilyUnavailable(reason=Reason.REQUEST_DEADLINE, retry_after=deadline.RETRY_AFTER)
        response = errors.error_response(request, error)
        await response(scope, receive, send)


def _forget(task: asyncio.Future[None]) -> None:
    """A request answered by the deadline ends later on its own; what it raises then is only logged."""
    with contextlib.suppress(asyncio.CancelledError):
        if (error := task.exception()) is not None:
            log.warning("a request past its deadline ended with %r", error)
