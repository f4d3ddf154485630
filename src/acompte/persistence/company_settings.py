"""A company's settings (its row, VAT rates and payment methods) kept in this process from one transaction to the
next, per engine, so that a use case reads them with one short statement instead of three.

What is kept is keyed by the company's version and creation instant, read with its row: every change of the
settings raises the version (the companies repository does it with the change, in the same transaction), so a
transaction that reads the version as committed now either finds the settings of exactly that version or reads
them again. Nothing read by a transaction that changed the settings is kept (it may be rolled back), and another
process's change is seen as soon as it is committed, by the version it raised. The creation instant guards
against a company id used again after a rollback (SQLite may hand out a rolled-back id again).
"""

from __future__ import annotations

from collections.abc import Hashable
from threading import Lock
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from acompte.domain.parties import Company


class SettingsCache:
    """The latest settings read of each company, with the stamp (version, creation) they were read at."""

    def __init__(self) -> None:
        self._kept: dict[int, tuple[Hashable, Company]] = {}

    def get(self, company_id: int, stamp: Hashable) -> Company | None:
        found = self._kept.get(company_id)
        return found[1] if found is not None and found[0] == stamp else None

    def keep(self, company_id: int, stamp: Hashable, company: Company) -> None:
        self._kept[company_id] = (stamp, company)

    def clear(self) -> None:
        self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)


_caches: WeakKeyDictionary[Engine, SettingsCache] = WeakKeyDictionary()
_making = Lock()


def settings_cache(session: Session) -> SettingsCache | None:
    """The cache of the engine `session` is bound to (None when it is bound to a single connection: a test's
    transaction or a migration, whose reads are not the database's committed state)."""
    bind = session.get_bind()
    if not isinstance(bind, Engine):
        return None
    found = _caches.get(bind)
    if found is None:
        with _making:
            found = _caches.setdefault(bind, SettingsCache())
    return found
