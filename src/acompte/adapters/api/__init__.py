"""The HTTP API (FastAPI): app factory, dependencies, schemas, problem+json errors, one route module per
capability."""

from acompte.adapters.api.app import create_app

__all__ = ["create_app"]
