"""docs/design.md's event flow table says who reacts to what, in which order: it must be what bootstrap wires."""

from __future__ import annotations

import re
from pathlib import Path

from acompte import bootstrap
from acompte.domain.events import Notice

DESIGN = Path(__file__).resolve().parents[1] / "docs" / "design.md"


def _documented() -> dict[str, tuple[str, list[str]]]:
    """message -> (kind, handlers in order) from the table under « Event flow »."""
    text = DESIGN.read_text(encoding="utf-8")
    section = text.split("## Event flow", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            handlers = re.findall(r"`([a-z_.]+\.handlers\.[a-z_]+)`", cells[3])
            rows[cells[0].strip("`")] = (cells[1], handlers)
    return rows


def test_the_event_flow_table_is_what_bootstrap_wires() -> None:
    wired = {
        message.__name__: (
            "notice" if issubclass(message, Notice) else "fact",
            [f"{h.__module__.removeprefix('acompte.services.')}.{h.__name__}" for h in handlers],
        )
        for message, handlers in bootstrap.message_bus().routes().items()
    }
    assert _documented() == wired
