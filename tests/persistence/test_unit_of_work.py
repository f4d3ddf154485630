"""The SQL unit of work carries the clock it is given (the system's by default), as the port says."""

import dataclasses
from datetime import UTC, date, datetime

from sqlalchemy.orm import sessionmaker

from acompte.persistence.unit_of_work import SqlUnitOfWork
from acompte.services.ports import FixedClock, SystemClock


def test_a_unit_of_work_reads_the_date_from_the_clock_it_was_given():
    clock = FixedClock.on(date(2026, 3, 31))
    uow = SqlUnitOfWork(sessionmaker(), clock=clock)
    assert uow.clock.today() == date(2026, 3, 31)
    assert uow.clock.now() == datetime(2026, 3, 31, 12, tzinfo=UTC)


def test_without_a_clock_it_reads_the_systems():
    uow = SqlUnitOfWork(sessionmaker())
    assert isinstance(uow.clock, SystemClock)
    assert uow.clock.today() == date.today()
    assert uow.clock.now().tzinfo is UTC


def test_the_composition_root_gives_every_unit_of_work_its_clock(app):
    clock = FixedClock.on(date(2027, 1, 1))
    fixed = dataclasses.replace(app, clock=clock)  # the session's app keeps the system clock
    with fixed.uow() as uow:
        assert uow.clock is clock
    assert isinstance(app.uow().clock, SystemClock)


def test_its_repositories_stamp_rows_with_its_clock(app):
    clock = FixedClock.on(date(2027, 1, 1))
    with dataclasses.replace(app, clock=clock).uow() as uow:
        stamping = (uow.companies, uow.parties, uow.documents, uow.payments, uow.allocations, uow.credits)
        stamping += (uow.events, uow.deposits, uow.exports, uow.users, uow.credentials, uow.idempotency, uow.files)
        assert all(repository.clock is clock for repository in stamping)
        assert uow.documents.now() == datetime(2027, 1, 1, 12, tzinfo=UTC)
