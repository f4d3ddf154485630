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
