"""What a server's start does before the first request: the PDF renderer is loaded, and every object alive then
(modules, the application) is moved out of the garbage collector's reach, so that no full collection walks them
again in the middle of a request."""

from __future__ import annotations

import gc
import sys

from fastapi.testclient import TestClient

from acompte import bootstrap
from acompte.adapters.api import create_app


def test_a_started_server_has_the_pdf_renderer_loaded_and_its_heap_frozen(app: bootstrap.App) -> None:
    with TestClient(create_app(app)) as client:
        assert client.get("/api/v1/openapi.json").status_code == 200
        assert "weasyprint" in sys.modules
        assert gc.get_freeze_count() > 10_000  # the modules of the application at least
