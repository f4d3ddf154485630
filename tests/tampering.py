"""Changing a history row by hand, as someone with direct access to the database would: the append-only
triggers are set aside for that one statement, inside one transaction, and put back."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, text

from acompte.persistence.company_keys import WHOLE_DATABASE


def alter_event(engine: Engine, event_id: int, data: dict[str, Any]) -> None:
    with engine.execution_options(**WHOLE_DATABASE).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE events DISABLE TRIGGER events_append_only"))
            connection.execute(
                text("UPDATE events SET data = :data WHERE id = :id"), {"data": json.dumps(data), "id": event_id}
            )
            connection.execute(text("ALTER TABLE events ENABLE TRIGGER events_append_only"))
            return
        trigger = connection.execute(text("SELECT sql FROM sqlite_master WHERE name = 'events_no_update'")).scalar_one()
        connection.execute(text("DROP TRIGGER events_no_update"))
        connection.execute(
            text("UPDATE events SET data = :data WHERE id = :id"), {"data": json.dumps(data), "id": event_id}
        )
        connection.execute(text(trigger))
