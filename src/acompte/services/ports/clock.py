"""The clock port: what day and time it is. Services ask the unit of work's clock (`uow.clock`) instead of the
system, so that a test can fix the date a use case sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol


class Clock(Protocol):
    def today(self) -> date:
        """The current date where the business is (a document's issue date, a payment's date)."""
        ...

    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class SystemClock:
    """The machine's clock: the local date, the instant in UTC."""

    def today(self) -> date:
        return date.today()

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class FixedClock:
    """A clock stopped at one instant (tests); `today` is that instant's date."""

    instant: datetime

    @classmethod
    def on(cls, day: date) -> FixedClock:
        """Stopped at noon UTC on `day`."""
        return cls(datetime(day.year, day.month, day.day, 12, tzinfo=UTC))

    def today(self) -> date:
        return self.instant.date()

    def now(self) -> datetime:
        return self.instant
