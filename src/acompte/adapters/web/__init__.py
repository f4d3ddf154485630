"""The web application: server-rendered pages (Jinja2), French by default, English available.

`mount(app)` adds the pages and `/static` to the FastAPI application that also serves the API. Pages call the
same services as the API, with a session cookie instead of a token (see security.py). Layout:

- i18n.py        language choice, gettext catalogues (locales/en/*.po), Babel formatting of money and dates
- security.py    session, CSRF, `PageRead`/`PageWrite`/`PageAccounting`/`PageAdmin`, forms posted twice
- templating.py  `render`, `redirect` (post/redirect/get with a one-time message)
- errors.py      error pages (403, 404, refused, unexpected) and domain errors in the user's language
- routes/        one module per group of screens; templates/ mirrors it
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from acompte.adapters.web import errors
from acompte.adapters.web.routes import routers
from acompte.adapters.web.security import CsrfRejected, LoginRequired

STATIC = Path(__file__).parent / "static"


def mount(app: FastAPI) -> None:
    app.state.html_error = errors.page_for

    def on_web_error(request: Request, exc: Exception) -> Response:
        return errors.page_for(request, exc)

    app.add_exception_handler(LoginRequired, on_web_error)
    app.add_exception_handler(CsrfRejected, on_web_error)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in routers():
        app.include_router(router, include_in_schema=False)
