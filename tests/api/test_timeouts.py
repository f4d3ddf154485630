"""Nothing holds a worker for ever, and the database coming back is seen at once, through the API:

- a request past its deadline is rolled back (nothing half-written, no number used) and answered with the
  `temporarily-unavailable` problem (503, Retry-After); the next request succeeds;
- a busy SQLite database answers the same problem, never a 500;
- PostgreSQL connections terminated while idle or in the middle of a request: the next requests get a clean 503
  or succeed, on the same HTTP connection of a real server, then succeed.
"""

from __future__ import annotations

import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2 as httpx
import psycopg
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from acompte import bootstrap
from acompte.adapters.api import create_app
from acompte.adapters.api.deadline import GRACE, Deadline
from acompte.adapters.api.errors import install
from acompte.config import Settings
from acompte.domain.errors import Reason, TemporarilyUnavailable
from acompte.domain.users import Role
from acompte.persistence.engine import normalize_url
from acompte.services import deadline
from tests.api.conftest import Api, api_for, line

REQUEST_TIMEOUT = 1.0


@contextmanager
def application(database_url: str, **limits: float) -> Iterator[bootstrap.App]:
    built = bootstrap.build(settings=Settings(database_url, **limits), run_migrations=False, pool_size=2)
    try:
        yield built
    finally:
        built.close()


def admin(app, client: TestClient, people, ctx) -> Api:  # type: ignore[no-untyped-def]
    return Api(client, api_for(app, client, people, ctx, Role.ADMIN).token, ctx)


def libpq(database_url: str) -> str:
    return normalize_url(database_url).replace("postgresql+psycopg://", "postgresql://", 1)


def assert_unavailable(response, reason: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) > 0
    problem = response.json()
    assert (problem["type"], problem["reason"]) == ("/api/v1/errors/temporarily-unavailable", reason), problem
    assert "Rien n'a été enregistré" in problem["detail"] and "Traceback" not in response.text


def number_of(document: dict) -> int:
    return int(re.search(r"(\d+)$", document["number"]).group(1))


def test_a_validation_past_the_deadline_is_rolled_back_and_its_number_stays_free(
    api, app, people, ctx, database_url, backend
):
    if backend != "postgresql":
        pytest.skip("needs a lock on one table while the others are free: PostgreSQL")
    party = api.post("parties", json={"name": "Client pressé"}).json()
    drafts = [
        api.post("documents", json={"kind": "invoice", "party_id": party["id"], "lines": [line("100.00")]}).json()
        for _ in range(2)
    ]
    first = api.post(f"documents/{drafts[0]['id']}/validate").json()

    with application(database_url, request_timeout=REQUEST_TIMEOUT) as limited:
        hurried = admin(app, TestClient(create_app(limited)), people, ctx)
        # the issued file cannot be recorded due: validation numbers the invoice, writes its history, then waits
        with psycopg.connect(libpq(database_url)) as holder:
            holder.execute("LOCK TABLE issued_file_jobs IN ACCESS EXCLUSIVE MODE")
            started = time.monotonic()
            late = hurried.post(f"documents/{drafts[1]['id']}/validate", headers={"Idempotency-Key": "valider-2"})
            elapsed = time.monotonic() - started
        assert_unavailable(late, "request-deadline")
        assert elapsed < REQUEST_TIMEOUT + GRACE + 1

    unchanged = api.get(f"documents/{drafts[1]['id']}").json()
    assert (unchanged["state"], unchanged["number"]) == ("draft", None)
    # the same key again: the refusal was not stored, the validation runs now
    second = api.post(f"documents/{drafts[1]['id']}/validate", headers={"Idempotency-Key": "valider-2"})
    assert second.status_code == 200, second.text
    assert "Idempotent-Replayed" not in second.headers
    assert number_of(second.json()) == number_of(first) + 1


def test_a_busy_sqlite_database_answers_503_with_retry_after_then_serves_again(app, people, ctx, database_url, backend):
    if backend != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    with (
        application(database_url, busy_timeout=0.2) as busy,
        application(database_url, busy_timeout=30, request_timeout=REQUEST_TIMEOUT) as slow,
    ):
        quick = admin(app, TestClient(create_app(busy)), people, ctx)
        patient = admin(app, TestClient(create_app(slow)), people, ctx)
        holder.execute("BEGIN IMMEDIATE")
        try:
            retried = {"Idempotency-Key": "tiers-refuse-puis-accepte"}
            assert_unavailable(quick.post("parties", json={"name": "Refusé"}, headers=retried), "database-busy")
            # waiting longer than the request's deadline: the deadline answers, the wait ends on its own later
            started = time.monotonic()
            assert_unavailable(patient.post("parties", json={"name": "En retard"}), "request-deadline")
            assert time.monotonic() - started < REQUEST_TIMEOUT + GRACE + 1
        finally:
            holder.rollback()
            holder.close()
        # the same request with the same key: the 503 was not stored, the party is created now, once
        again = quick.post("parties", json={"name": "Refusé"}, headers=retried)
        assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers, again.text
        names = [p["name"] for p in quick.get("parties").json()["items"]]
        assert names.count("Refusé") == 1 and "En retard" not in names


def test_a_request_stuck_outside_the_database_is_answered_at_its_deadline_and_can_no_longer_commit():
    """The deadline answers for a request that sends nothing (its thread cannot be stopped from outside); that
    request can then never commit, so « nothing was written » stays true."""
    outcome: dict[str, object] = {}
    finished = threading.Event()
    stuck = FastAPI()
    install(stuck)

    @stuck.post("/api/v1/slow")
    def slow() -> dict[str, str]:
        time.sleep(0.6)  # not a database wait: nothing interrupts it
        try:
            deadline.may_commit()
            outcome["committed"] = True
        except TemporarilyUnavailable as refused:
            outcome["refused"] = refused.params["reason"]
        finished.set()
        return {"done": "late"}

    with TestClient(Deadline(stuck, seconds=0.1, grace=0.1)) as client:
        started = time.monotonic()
        answer = client.post("/api/v1/slow")
        assert time.monotonic() - started < 0.5
        assert_unavailable(answer, "request-deadline")
        assert finished.wait(5)
    assert outcome == {"refused": Reason.REQUEST_DEADLINE}


@contextmanager
def served(asgi_app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A real uvicorn server (HTTP keep-alive) in a thread, on a free port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(asgi_app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def backend_pids(built: bootstrap.App) -> set[int]:
    """The PostgreSQL backends of this application's engine only (other tests run beside it)."""
    pids: set[int] = set()

    @event.listens_for(built.engine, "connect")
    def remember(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        pids.add(dbapi_connection.info.backend_pid)

    return pids


def terminate(database_url: str, where: str, pids: set[int]) -> int:
    with psycopg.connect(libpq(database_url), autocommit=True) as killer:
        row = killer.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            f"WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid = ANY(%s) AND {where}",
            (list(pids),),
        ).fetchone()
        return int(row[0]) if row else 0


def test_terminated_connections_answer_a_clean_503_on_a_connection_that_stays_usable(
    app, people, ctx, database_url, backend
):
    if backend != "postgresql":
        pytest.skip("terminates PostgreSQL backends")
    with application(database_url) as built:
        pids = backend_pids(built)
        token = api_for(app, TestClient(create_app(built)), people, ctx, Role.ADMIN).token
        with (
            served(create_app(built)) as base,
            httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client,
        ):
            assert client.get("/api/v1/parties").status_code == 200

            # idle pooled connections killed: the pool's pre-ping replaces them, nobody notices
            assert terminate(database_url, "state = 'idle'", pids) >= 1
            for _ in range(3):
                assert client.get("/api/v1/parties").status_code == 200

            # a connection killed in the middle of a request (waiting for a lock)
            answer: dict[str, httpx.Response] = {}
            with psycopg.connect(libpq(database_url)) as holder:
                holder.execute("LOCK TABLE parties IN ACCESS EXCLUSIVE MODE")
                waiting = threading.Thread(target=lambda: answer.update(late=client.get("/api/v1/parties")))
                waiting.start()
                killed = 0
                for _ in range(100):
                    killed = terminate(database_url, "wait_event_type = 'Lock'", pids)
                    if killed:
                        break
                    time.sleep(0.05)
                assert killed == 1
                waiting.join(timeout=30)
            assert_unavailable(answer["late"], "connection-lost")

            # the same HTTP connection answers the next requests, and they succeed
            for _ in range(3):
                again = client.get("/api/v1/parties")
                assert again.status_code == 200, again.text
            assert client.post("/api/v1/parties", json={"name": "Après la coupure"}).status_code == 201
