"""Every answer carries the security headers (adapters/security_headers.py): a strict CSP that forbids framing,
nosniff, a same-origin referrer policy, `no-store` on what is behind a login, HSTS over HTTPS only; and the
API documentation loads Swagger UI from this origin, not from a CDN."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

import acompte.adapters.web as web_package
from acompte.adapters.api import create_app

STRICT = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def assert_strict(response) -> None:  # type: ignore[no-untyped-def]
    for name, value in STRICT.items():
        assert response.headers.get(name) == value, (name, response.request.url)
    directives = (part.strip().partition(" ") for part in response.headers["content-security-policy"].split(";"))
    policy = {name: value for name, _, value in directives}
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["content-security-policy"]


def test_an_api_answer_and_an_api_error_are_not_stored_and_not_framed(api, client):
    answer = api.get("me")
    assert answer.status_code == 200
    assert_strict(answer)
    assert answer.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in answer.headers  # plain HTTP: HSTS would be ignored anyway

    for refused in (client.get("/api/v1/me"), api.get("documents/999999999"), api.post("parties", json={})):
        assert refused.status_code in (401, 404, 422)
        assert_strict(refused)
        assert refused.headers["cache-control"] == "no-store"


def test_pages_behind_the_login_and_the_login_page_itself(api_app, ctx):  # type: ignore[no-untyped-def]
    browser = TestClient(api_app)
    login = browser.get("/login")
    assert login.status_code == 200
    assert_strict(login)
    assert login.headers["cache-control"] == "no-store"
    redirected = browser.get("/documents", follow_redirects=False)
    assert redirected.status_code in (302, 303) and redirected.headers["cache-control"] == "no-store"
    asset = browser.get("/static/app.js")
    assert asset.status_code == 200 and asset.headers["x-content-type-options"] == "nosniff"
    assert "no-store" not in asset.headers.get("cache-control", "")  # public and versioned: may be cached


def test_hsts_is_sent_over_https_directly_or_behind_a_proxy_that_says_so(api, api_app):  # type: ignore[no-untyped-def]
    direct = TestClient(api_app, base_url="https://testserver").get("/login")
    assert direct.headers["strict-transport-security"] == "max-age=31536000"
    proxied = api.get("me", headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200 and proxied.headers["strict-transport-security"].startswith("max-age=")
    forwarded = api.get("me", headers={"Forwarded": "for=192.0.2.1;proto=https"})
    assert "strict-transport-security" in forwarded.headers
    assert "strict-transport-security" not in api.get("me", headers={"X-Forwarded-Proto": "http"}).headers


def test_the_api_documentation_loads_only_same_origin_assets_and_they_load(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert_strict(page)
    html = page.text
    assert "<script>" not in html and "style=" not in html  # nothing inline: the CSP would block it
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 3
    for url in assets:
        assert url.startswith("/") and not url.startswith("//"), url  # this origin only, no CDN
        loaded = client.get(url)
        assert loaded.status_code == 200, url
        assert loaded.headers["x-content-type-options"] == "nosniff"
    script = client.get("/api/docs/init.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "SwaggerUIBundle(" in script.text
    [openapi_url] = re.findall(r'data-openapi="([^"]+)"', html)
    assert client.get(openapi_url).json()["openapi"].startswith("3.1")
    bundle = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert bundle.headers["content-type"].startswith(("application/javascript", "text/javascript"))
    assert "no-store" not in bundle.headers.get("cache-control", "")


def test_the_problem_type_pages_have_no_inline_style(client):
    index = client.get("/api/v1/errors")
    assert index.status_code == 200
    [first] = re.findall(r'href="(/api/v1/errors/[^"]+)"', index.text)[:1]
    described = client.get(first)
    assert described.status_code == 200 and "<style" not in described.text
    assert client.get("/static/problem.css").status_code == 200


def test_no_template_holds_an_inline_script_style_or_handler():
    templates = Path(web_package.__file__).parent / "templates"
    # A JSON data island (<script type="application/json">) is data the browser never runs: the CSP lets it be.
    inline = re.compile(
        r"<script(?![^>]*\b(?:src=|type=\"application/json\"))|<style|\sstyle=|\son[a-z]+=|javascript:|\shx-on",
        re.IGNORECASE,
    )
    found = [
        f"{path.relative_to(templates)}: {match.group(0)}"
        for path in templates.rglob("*.html")
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_even_an_unexpected_error_carries_the_headers(app):  # type: ignore[no-untyped-def]
    broken = create_app(app)

    def fails() -> None:
        raise RuntimeError("a bug")

    broken.add_api_route("/api/v1/fails-for-the-test", fails)
    answer = TestClient(broken, raise_server_exceptions=False).get("/api/v1/fails-for-the-test")
    assert answer.status_code == 500 and answer.headers["content-type"] == "application/problem+json"
    assert_strict(answer)
    assert answer.headers["cache-control"] == "no-store"
