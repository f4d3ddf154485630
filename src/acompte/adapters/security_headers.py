"""The security headers of every answer, pages and API alike (one ASGI middleware, registered in `api/app.py`).

- `Content-Security-Policy`: scripts, styles, fonts and fetches from this origin only — no inline script or
  style, no third-party origin (the pages keep their JavaScript in `web/static/app.js`; the API documentation
  serves Swagger UI from the installed `swagger_ui_bundle` package) — images also as `data:` URIs (Swagger UI's
  icons), no plugin, no `<base>` elsewhere, forms posted here only, and `frame-ancestors 'none'`: no page can be
  framed (clickjacking); `X-Frame-Options: DENY` says the same to older browsers.
- `X-Content-Type-Options: nosniff`: a download is what its media type says, never sniffed into HTML or script.
- `Referrer-Policy: same-origin`: the addresses of the pages (ids, filters) never leave for another site.
- `Cache-Control: no-store` on every answer but the public assets (`/static/`, `/api/docs/` scripts): pages
  behind the login and API answers hold bank details and balances, which no browser or proxy may keep. An
  answer that already says how it may be cached keeps its own header.
- `Strict-Transport-Security` when the request came over HTTPS — directly, or through a reverse proxy that says so
  in `X-Forwarded-Proto` / `Forwarded` (a browser ignores the header over plain HTTP, so believing the proxy header
  cannot harm). No `includeSubDomains`: the server does not own its domain's other hosts.

A header the route set itself is left as it is.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000"

#: Public, versioned assets: the only answers a cache may keep.
PUBLIC_PREFIXES = ("/static/", "/api/docs/")

ALWAYS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def came_over_https(scope: Scope) -> bool:
    """The request's scheme, or what a reverse proxy in front says it was."""
    if scope.get("scheme") in ("https", "wss"):
        return True
    headers = Headers(scope=scope)
    forwarded_proto = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    if forwarded_proto == "https":
        return True
    first = headers.get("forwarded", "").split(",")[0]
    return any(part.strip().lower() == "proto=https" for part in first.split(";"))


class SecurityHeaders:
    """Adds the headers above to every HTTP answer that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = dict(ALWAYS)
        if not str(scope.get("path", "")).startswith(PUBLIC_PREFIXES):
            extra["Cache-Control"] = "no-store"
        if came_over_https(scope):
            extra["Strict-Transport-Security"] = HSTS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
