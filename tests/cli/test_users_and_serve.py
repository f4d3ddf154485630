"""The command line: users, roles, API tokens, and `acompte serve --demo`."""

from __future__ import annotations

import re
import uuid

import pyotp
import pytest
from typer.testing import CliRunner

from acompte.adapters.cli.main import app as cli
from acompte.domain.errors import InvalidCredentials, LoginLocked, SecondFactorRequired
from acompte.domain.users import LoginPolicy, Role
from acompte.services import companies, second_factor, users
from acompte.services.ports import Ctx

runner = CliRunner()


@pytest.fixture
def env(monkeypatch, database_url, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ACOMPTE_DATABASE_URL", database_url)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # where `serve --demo` keeps its login
    monkeypatch.setenv("COLUMNS", "200")


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, list(args), input=input)
    return result


def test_a_user_is_created_given_a_role_and_a_token_that_works(env, app, ctx):
    email = f"cli-{uuid.uuid4().hex[:8]}@example.fr"
    created = run(
        "user",
        "create",
        "--email",
        email,
        "--name",
        "Compta",
        "--company",
        str(ctx.company_id),
        "--role",
        "accountant",
        input="un mot de passe sûr\nun mot de passe sûr\n",
    )
    assert created.exit_code == 0, created.output
    assert f"Utilisateur {email} créé" in created.output

    made = run(
        "token", "create", "--company", str(ctx.company_id), "--user", email, "--role", "clerk", "--name", "caisse"
    )
    assert made.exit_code == 0, made.output
    token = re.search(r"^(acp_\S+)$", made.output, re.M).group(1)
    principal = users.authenticate_token(app.uow(), token)
    assert (principal.email, principal.role.value, principal.company_id) == (email, "clerk", ctx.company_id)

    listed = run("token", "list", "--company", str(ctx.company_id))
    assert "caisse" in listed.output and token not in listed.output and token[:12] in listed.output
    token_id = users.list_tokens(app.uow(), ctx)[0].id
    assert run("token", "revoke", "--company", str(ctx.company_id), "--id", str(token_id)).exit_code == 0
    assert "révoqué" in run("token", "list", "--company", str(ctx.company_id)).output


def test_refusals_are_printed_in_french_with_a_failing_exit_code(env, ctx):
    email = f"cli-{uuid.uuid4().hex[:8]}@example.fr"
    weak = run("user", "create", "--email", email, "--password", "court")
    assert weak.exit_code == 1 and "au moins 10 caractères" in weak.output
    assert run("user", "create", "--email", email, "--password", "assez long ici").exit_code == 0
    not_member = run("token", "create", "--company", str(ctx.company_id), "--user", email)
    assert not_member.exit_code == 1 and "n'est pas membre" in not_member.output
    assert (
        run("user", "grant", "--email", email, "--company", str(ctx.company_id), "--role", "read-only").exit_code == 0
    )
    too_high = run("token", "create", "--company", str(ctx.company_id), "--user", email, "--role", "admin")
    assert too_high.exit_code == 1 and "refusé" in too_high.output


def test_serve_demo_loads_the_demo_and_prints_the_address_and_a_login(env, app, monkeypatch):
    started = {}

    def fake_run(asgi_app, host, port, **kwargs):  # type: ignore[no-untyped-def]
        started.update(app=asgi_app, host=host, port=port)

    monkeypatch.setattr("uvicorn.run", fake_run)
    result = run("serve", "--demo", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert (started["host"], started["port"]) == ("127.0.0.1", 8123)
    assert "http://127.0.0.1:8123/" in result.output
    email = re.search(r"Connexion : (\S+) / mot de passe : (\S+)", result.output)
    token = re.search(r"(acp_[A-Za-z0-9_-]+)", result.output).group(1)
    assert users.authenticate_password(app.uow(), email=email.group(1), password=email.group(2))
    principal = users.authenticate_token(app.uow(), token)
    assert companies.get_company(app.uow(), Ctx(principal.company_id)).name == "Meubles Durand (démo)"

    from fastapi.testclient import TestClient

    documents = TestClient(started["app"]).get("/api/v1/documents", headers={"Authorization": f"Bearer {token}"})
    from acompte.services import documents as document_service

    expected = len(document_service.list_documents(app.uow(), Ctx(principal.company_id), limit=50))
    assert expected >= 6
    assert documents.status_code == 200 and len(documents.json()["items"]) == expected


def test_an_account_locked_after_failed_logins_is_unlocked_from_the_command_line(env, app, ctx):
    email = f"cli-{uuid.uuid4().hex[:8]}@example.fr"
    users.create_user(app.uow(), email=email, password="un mot de passe sûr")
    users.grant(app.uow(), ctx, email=email, role=Role.CLERK)
    no_delay = LoginPolicy(free_failures=10)  # the real clock runs here: lock at once, without waiting
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            users.login(app.uow(), email=email, password="pas le bon", address="10.3.3.3", policy=no_delay)
    with pytest.raises(LoginLocked):
        users.login(app.uow(), email=email, password="pas le bon", address="10.3.3.3", policy=no_delay)
    with pytest.raises(LoginLocked):
        users.login(app.uow(), email=email, password="un mot de passe sûr", policy=no_delay)

    assert run("user", "unlock").exit_code == 2
    unlocked = run("user", "unlock", "--email", email)
    assert unlocked.exit_code == 0 and f"{email} : débloqué." in unlocked.output
    principal, _secret = users.login(app.uow(), email=email, password="un mot de passe sûr", policy=no_delay)
    assert principal.email == email
    assert "aucun blocage en cours" in run("user", "unlock", "--address", "10.3.3.3").output


def test_totp_reset_removes_a_users_second_factor(env, app, ctx):
    email = f"cli-{uuid.uuid4().hex[:8]}@example.fr"
    user = users.create_user(app.uow(), email=email, password="un mot de passe sûr")
    users.grant(app.uow(), ctx, email=email, role=Role.CLERK)
    secret, _uri = second_factor.start(app.uow(), user.id)
    second_factor.confirm(app.uow(), user.id, pyotp.TOTP(secret).now())
    with pytest.raises(SecondFactorRequired):
        users.login(app.uow(), email=email, password="un mot de passe sûr", address="10.4.4.4")

    reset = run("user", "totp-reset", "--email", email)
    assert reset.exit_code == 0 and "double authentification retirée" in reset.output
    principal, _secret = users.login(app.uow(), email=email, password="un mot de passe sûr", address="10.4.4.4")
    assert principal.email == email and not second_factor.enabled(app.uow(), user.id)
    assert "pas de double authentification" in run("user", "totp-reset", "--email", email).output
    assert run("user", "totp-reset", "--email", "personne@example.fr").exit_code == 1
