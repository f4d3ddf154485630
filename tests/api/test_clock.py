"""The API takes "today" from the application's clock, so a test can fix the day a report period ends on."""

from __future__ import annotations

import dataclasses
from datetime import date

from fastapi.testclient import TestClient

from acompte.adapters.api import create_app
from acompte.domain.users import Role
from acompte.services.ports import FixedClock
from tests.api.conftest import api_for

DAY = date(2031, 5, 17)


def test_an_api_report_period_ends_on_the_application_clock_day(app, people, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    fixed = dataclasses.replace(app, clock=FixedClock.on(DAY))
    api = api_for(fixed, TestClient(create_app(fixed)), people, ctx, Role.ADMIN)
    response = api.get(f"/api/v1/parties/{customer.id}/statement")
    assert response.status_code == 200, response.text
    assert response.json()["date_to"] == "2031-05-17"
    assert response.json()["date_from"] == "2031-01-01"
