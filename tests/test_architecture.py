"""What import-linter cannot say about the architecture (its contracts, in pyproject.toml, check the imports):
adapters go through services, never through the unit of work's repositories; and the two ways to install the
test tools stay the same list."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from acompte.services.ports import UnitOfWork

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "acompte"

#: The unit of work's repositories: every member it declares but the collaborators it also carries.
REPOSITORIES = {name for name, member in vars(UnitOfWork).items() if isinstance(member, property)} - {
    "renderer",
    "clock",
}


def test_the_unit_of_work_declares_its_repositories():
    assert {"documents", "payments", "allocations", "credits", "deposits", "positions", "files"} <= REPOSITORIES


def test_adapters_call_services_never_the_unit_of_works_repositories():
    """`uow.documents.children(...)` in a web route is a business read the services should offer."""
    for path in sorted((SRC / "adapters").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in REPOSITORIES and isinstance(node.value, ast.Name):
                assert "uow" not in node.value.id, f"{path}:{node.lineno} reaches into {node.value.id}.{node.attr}"


def test_the_test_extra_and_the_test_group_list_the_same_tools():
    """`pip install -e '.[test]'` and `uv sync --group test` must install the same things."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extra = project["project"]["optional-dependencies"]["test"]
    group = project["dependency-groups"]["test"]
    assert sorted(extra) == sorted(group)


def test_the_day_comes_from_the_clock_port_only() -> None:
    """`date.today()` / `datetime.now()` read the machine's clock behind the use case's back: only the system
    clock of `services/ports/clock.py` may; everything else asks `uow.clock` (or the app's clock)."""
    import ast
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "src" / "acompte"
    offenders = []
    for path in src.rglob("*.py"):
        if path.match("services/ports/clock.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and (node.func.value.id, node.func.attr)
                in {("date", "today"), ("datetime", "now"), ("datetime", "utcnow")}
            ):
                offenders.append(f"{path.relative_to(src)}:{node.lineno}")
    assert offenders == []
