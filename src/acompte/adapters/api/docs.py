"""The interactive API documentation (`/api/docs`): Swagger UI served from the installed `swagger_ui_bundle`
package (`swagger-ui-bundle-v2`, Swagger UI 5 for OpenAPI 3.1), never from a CDN — it works offline and no
third-party script runs on an origin where users are logged in. The page has no inline script (it starts Swagger UI
from `docs_assets/init.js`), so it runs under the strict Content-Security-Policy of `security_headers.py`.

    /api/docs                the page
    /api/docs/assets/...     Swagger UI's files (cacheable: public and versioned by the package)
    /api/docs/init.js        the few lines that start it on the OpenAPI document
"""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

DOCS_PATH = "/api/docs"
ASSETS_PATH = f"{DOCS_PATH}/assets"
INIT_SCRIPT = Path(__file__).parent / "docs_assets" / "init.js"


def page(title: str, openapi_url: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="{ASSETS_PATH}/swagger-ui.css">
<link rel="icon" type="image/png" href="{ASSETS_PATH}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi="{html.escape(openapi_url)}"></div>
<script src="{ASSETS_PATH}/swagger-ui-bundle.js"></script>
<script src="{DOCS_PATH}/init.js"></script>
</body>
</html>
"""


def install(app: FastAPI, openapi_url: str) -> None:
    """Serve the documentation page, its start script and Swagger UI's assets (`docs_url=None` in the app)."""
    body = page(f"{app.title} — documentation", openapi_url)

    @app.get(DOCS_PATH, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(body)

    @app.get(f"{DOCS_PATH}/init.js", include_in_schema=False)
    def init_script() -> FileResponse:
        return FileResponse(INIT_SCRIPT, media_type="text/javascript")

    app.mount(ASSETS_PATH, StaticFiles(directory=str(swagger_ui_path)), name="api-docs-assets")
