"""The web pages, one module per group of screens (UI.md §Screens). Each module has a `router`; every module
of this package is mounted (in name order, `session` last so its `/` never shadows another page)."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    names.sort(key=lambda name: name == "session")
    return [importlib.import_module(f"{__name__}.{name}").router for name in names]
