"""Dependencies point inward: domain <- services <- persistence/adapters. Checked on the source itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "acompte"


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


def test_the_domain_imports_only_the_standard_library_and_itself():
    for path in modules("domain"):
        for name in imports_of(path):
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or name.startswith("acompte.domain") or top == "__future__", (
                f"{path.name} imports {name}"
            )


def test_services_depend_on_the_domain_only():
    for path in modules("services"):
        for name in imports_of(path):
            assert not name.startswith(("sqlalchemy", "alembic", "acompte.persistence", "acompte.adapters")), (
                f"{path.name} imports {name}"
            )


def test_adapters_never_reach_into_persistence():
    for path in modules("adapters"):
        for name in imports_of(path):
            assert not name.startswith(("sqlalchemy", "acompte.persistence")), f"{path} imports {name}"


def test_only_persistence_imports_sqlalchemy():
    for path in SRC.rglob("*.py"):
        if "persistence" in path.parts or path.name == "bootstrap.py":
            continue
        for name in imports_of(path):
            assert not name.startswith("sqlalchemy"), f"{path} imports {name}"


REPOSITORIES = {
    "companies",
    "series",
    "parties",
    "items",
    "documents",
    "payments",
    "allocations",
    "events",
    "credits",
    "deposits",
    "exports",
    "users",
    "credentials",
    "idempotency",
}


def test_adapters_call_services_never_the_unit_of_works_repositories():
    """`uow.documents.children(...)` in a web route is a business read the services should offer."""
    for path in modules("adapters"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in REPOSITORIES and isinstance(node.value, ast.Name):
                assert "uow" not in node.value.id, f"{path}:{node.lineno} reaches into {node.value.id}.{node.attr}"
