"""Browser test fixtures: the application served by uvicorn on a free port, and Debian's Chromium driven by
Playwright (`executable_path`; Playwright never downloads a browser here).

Chromium comes from the system (`.ci/system-deps` installs it in CI). Outside CI a machine without it skips
these tests with a reason; with ACOMPTE_REQUIRE_BROWSER=1 (set by `.ci/run`) a missing Chromium fails the run.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from acompte.adapters.api import create_app

#: Where the screenshots go: docs/screenshots/ (shown by the README) with ACOMPTE_SCREENSHOTS=1, else a
#: temporary folder, so that a test run does not rewrite tracked files.
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    configured = os.environ.get("ACOMPTE_CHROMIUM")
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(app), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    path = chromium_path()
    if path is None:
        if os.environ.get("ACOMPTE_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (ACOMPTE_REQUIRE_BROWSER is set) but was not found: apt install chromium")
        pytest.skip("Chromium not installed (apt install chromium); the browser test runs in CI")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 860})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page, name: str, *, full_page: bool = True) -> Path:  # type: ignore[no-untyped-def]
    folder = (
        DOCS_SCREENSHOTS
        if os.environ.get("ACOMPTE_SCREENSHOTS")
        else Path(tempfile.gettempdir()) / "acompte-screenshots"
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 0
    return path


def htmx_settled(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until htmx has swapped and processed what the server sent: typing into a field it has just swapped in
    before htmx binds its triggers would go unheard (a race of milliseconds a person never wins)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )
