"""Nothing blocks the event loop: while several clients post wrong passwords (a real Argon2 check each), a real
uvicorn server keeps answering other requests at once.

Argon2 is slow on purpose (tens of milliseconds of CPU and 64 MiB each). Were the login checked on the event
loop, every other request would queue behind the logins in progress: `GET /api/v1/me` would take about the
Argon2 time times the number of logins waiting. Run in the thread pool, it only shares the CPU with them.
The thresholds are relative to the Argon2 time measured on the same (possibly loaded) machine.
"""

from __future__ import annotations

import dataclasses
import http.client
import re
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
import uvicorn

from acompte.adapters.api import create_app
from acompte.domain.users import LoginPolicy, Role
from acompte.services import users
from tests.api.conftest import PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LOGINS = 4  # clients posting wrong passwords at once
ROUNDS = 4  # wrong passwords each
PROBE = 0.5  # seconds between two GET /api/v1/me


@pytest.fixture
def server(app) -> Iterator[int]:  # type: ignore[no-untyped-def]
    """A real uvicorn server on a free port, in a thread, serving the test database. Login throttling is
    relaxed: this test is about the event loop, not about refusing guesses early."""
    relaxed = LoginPolicy(account_failures=1000, address_failures=1000, free_failures=1000, address_free_failures=1000)
    web_app = create_app(dataclasses.replace(app, login_policy=relaxed))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    config = uvicorn.Config(web_app, log_level="warning", lifespan="off", timeout_keep_alive=30)
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    yield port
    instance.should_exit = True
    thread.join(timeout=30)
    sock.close()


def _me(port: int, token: str) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    connection.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    connection.close()
    assert response.status == 200
    return elapsed


def _wrong_passwords(port: int, email: str, statuses: list[int]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", "/login")
    page = connection.getresponse()
    text = page.read().decode()
    cookies = SimpleCookie()
    for header in page.headers.get_all("set-cookie") or []:
        cookies.load(header)
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
    token = CSRF.search(text).group(1)  # type: ignore[union-attr]
    for attempt in range(ROUNDS):
        body = urlencode({"csrf_token": token, "email": email, "password": f"mauvais mot de passe {attempt}"})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        connection.request("POST", "/login", body=body, headers=headers)
        answer = connection.getresponse()
        answer.read()
        statuses.append(answer.status)
    connection.close()


def _argon2_seconds() -> float:
    stored = users.hash_password(PASSWORD)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        users._verify(stored, "mauvais mot de passe")
        timings.append(time.perf_counter() - start)
    return min(timings)


def test_wrong_passwords_posted_at_once_do_not_delay_other_requests(app, ctx, server):  # type: ignore[no-untyped-def]
    email = f"slow-login-{ctx.company_id}@web.example.fr"
    users.create_user(app.uow(), email=email, password=PASSWORD)
    users.grant(app.uow(), ctx, email=email, role=Role.READ_ONLY)
    _credential, token = users.create_token(app.uow(), ctx, email=email)
    argon2 = _argon2_seconds()
    for _ in range(3):  # warm the connection pool and the code paths
        _me(server, token)

    statuses: list[int] = []
    clients = [
        threading.Thread(target=_wrong_passwords, args=(server, email, statuses), daemon=True) for _ in range(LOGINS)
    ]
    storm_start = time.perf_counter()
    for client in clients:
        client.start()
    time.sleep(argon2)  # let the logins start
    # /me is asked every PROBE seconds, each in its own thread: the samples are spread evenly over the storm
    # (probes waiting one after the other would mostly sample the moments the server is free)
    latencies: list[float] = []
    with ThreadPoolExecutor(max_workers=64) as probes:
        asked = []
        while any(client.is_alive() for client in clients):
            asked.append(probes.submit(_me, server, token))
            time.sleep(PROBE)
        latencies = [future.result() for future in asked]
    storm = time.perf_counter() - storm_start
    for client in clients:
        client.join()

    assert statuses == [401] * (LOGINS * ROUNDS)
    assert storm > 2 * argon2  # the logins really kept the server busy while /me was asked
    assert len(latencies) >= 3
    # Blocked behind the logins, /me would wait about `argon2 × LOGINS` (the logins queued before it).
    # In the thread pool it only shares the CPU with them.
    assert statistics.median(latencies) < argon2 * LOGINS / 2, (latencies, argon2)
    # A single sample may still catch a pause of the shared machine; blocked, nearly every sample would.
    slow = [latency for latency in latencies if latency >= argon2 * LOGINS]
    assert len(slow) <= len(latencies) // 4, (latencies, argon2)
