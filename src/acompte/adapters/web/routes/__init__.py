"""The web pages, one module per group of screens (UI.md §Screens). Each module has a `router`; add it here."""

from __future__ import annotations

from fastapi import APIRouter

from acompte.adapters.web.routes import session

ROUTERS: list[APIRouter] = [session.router]
