"""`acompte serve --workers 2`: two worker processes behind one port serve concurrent requests, each with its own
engine, and the server stops cleanly on SIGINT (Ctrl+C) or SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest

from acompte.domain.users import Role
from acompte.services import users

STARTUP = 150  # seconds: each worker imports the whole application (WeasyPrint...), slow on a loaded machine


@pytest.fixture
def people_token(app, ctx) -> str:  # type: ignore[no-untyped-def]
    email = f"serve-{uuid.uuid4().hex[:8]}@example.fr"
    users.create_user(app.uow(), email=email, password="mot de passe de test", name="serveur")
    users.grant(app.uow(), ctx, email=email, role=Role.READ_ONLY)
    return users.create_token(app.uow(), ctx, email=email, name="serve")[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def workers_of(pid: int) -> set[int]:
    """The worker processes uvicorn spawned (not multiprocessing's resource tracker)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes()
            except FileNotFoundError:
                continue
            if b"spawn_main" in command:
                found.add(int(child))
    return found


def is_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_two_workers_serve_concurrent_requests_and_stop_cleanly(app, ctx, people_token, database_url, tmp_path):
    port = free_port()
    env = {**os.environ, "ACOMPTE_DATABASE_URL": database_url, "COLUMNS": "200"}
    command = [sys.executable, "-m", "acompte.adapters.cli.main", "serve", "--workers", "2", "--port", str(port)]
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP
        workers: set[int] = set()
        while time.monotonic() < deadline:
            assert server.poll() is None, Path(log.name).read_text()
            workers = workers_of(server.pid)
            try:
                if len(workers) >= 2 and httpx.get(f"{base}/api/v1/openapi.json", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        assert len(workers) == 2, (workers, Path(log.name).read_text())

        def me(_: int) -> int:
            # a connection of its own for each request, so that both workers take some
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {people_token}"}) as client:
                return client.get("/api/v1/me", timeout=30).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            assert list(pool.map(me, range(24))) == [200] * 24
        assert all(is_alive(pid) for pid in workers)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            code = server.wait(timeout=30)
        finally:
            if server.poll() is None:
                server.kill()
    output = Path(log.name).read_text()
    assert code == 0, output
    assert not any(is_alive(pid) for pid in workers), output
    assert output.count("Application : ") == 1 and "Started parent process" in output


def test_the_factory_builds_the_application_from_the_environment(monkeypatch, database_url, people_token):
    from fastapi.testclient import TestClient

    from acompte.adapters.api.app import create_app_from_env

    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    monkeypatch.setenv("ACOMPTE_REQUEST_TIMEOUT", "12.5")
    with TestClient(create_app_from_env()) as client:
        assert client.app.state.acompte.settings.request_timeout == 12.5
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {people_token}"}).status_code == 200
