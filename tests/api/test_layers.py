"""The API adapter calls services, never persistence; the users domain stays pure."""

import ast
import sys
from pathlib import Path

import acompte

SRC = Path(acompte.__file__).parent


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_api_adapter_never_reaches_persistence_or_sqlalchemy():
    for path in (SRC / "adapters" / "api").rglob("*.py"):
        bad = {m for m in imports_of(path) if m.startswith(("acompte.persistence", "sqlalchemy"))}
        assert not bad, f"{path.relative_to(SRC)} imports {bad}"


def test_the_users_domain_uses_the_standard_library_only():
    for module in imports_of(SRC / "domain" / "users.py"):
        top = module.split(".")[0]
        assert top in sys.stdlib_module_names or module.startswith("acompte.domain"), module
