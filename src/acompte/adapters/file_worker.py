"""The worker that renders issued documents' files after their issue (services/exports/issued_files.py): a
thread of `acompte serve` (one per server process), or `acompte files render --follow` on its own.

It takes the files due a few at a time (claimed, so that two workers never render the same ones at once), renders
each outside any transaction and stores it in a short one; when none is due it waits `interval` seconds. A
download that comes first renders the file itself: the worker then finds it done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from acompte.services.exports import issued_files
from acompte.services.ports import UnitOfWork

log = logging.getLogger(__name__)

#: Seconds between two looks at the queue when it was empty.
INTERVAL = 0.5
#: Jobs taken at once: a few, so that a worker stopped in the middle leaves few claimed for LEASE.
BATCH = 5


def drain(uow: Callable[[], UnitOfWork], *, company_id: int | None = None, stop: threading.Event | None = None) -> int:
    """Render every file due now (and those issued meanwhile), every company's or one's; the number stored."""
    stored = 0
    while stop is None or not stop.is_set():
        done = issued_files.render_due(uow(), limit=BATCH, company_id=company_id)
        stored += done
        if done == 0:
            break
    return stored


class FileWorker:
    """A daemon thread rendering the files due (every company's, or one's) until `stop()`."""

    def __init__(
        self, uow: Callable[[], UnitOfWork], *, interval: float = INTERVAL, company_id: int | None = None
    ) -> None:
        self._uow = uow
        self._company_id = company_id
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="acompte-files", daemon=True)
        self.stored = 0

    def start(self) -> FileWorker:
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.stored += drain(self._uow, company_id=self._company_id, stop=self._stop)
            except Exception:  # the database away for a while: try again at the next turn
                log.exception("issued files: the queue could not be read")
            self._stop.wait(self._interval)
