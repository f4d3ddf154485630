"""The pages take "today" from the application's clock, so a test can fix the day they see."""

from __future__ import annotations

import dataclasses
from datetime import date

from acompte.adapters.api import create_app
from acompte.domain.users import Role
from acompte.services.ports import FixedClock
from tests.web.conftest import browser_for

DAY = date(2031, 5, 17)


def _fixed(app):  # type: ignore[no-untyped-def]
    return dataclasses.replace(app, clock=FixedClock.on(DAY))


def test_a_new_document_is_dated_by_the_application_clock(app, ctx) -> None:  # type: ignore[no-untyped-def]
    fixed = _fixed(app)
    web = browser_for(fixed, create_app(fixed), ctx, Role.ADMIN)
    page = web.get("/documents/new?kind=invoice")
    assert page.status_code == 200, page.text
    assert 'value="2031-05-17"' in page.text
