"""Login protection through the web login form: progressive delay, lockout per account and per client address,
what the company's admin sees and does, and the TOTP second factor.

Time moves by the application's clock (the Clock port), never by sleeping. Each test logs in from its own
client address and with its own emails, so that no test counts another's failures.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import unescape
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient

from acompte.adapters.api import create_app
from acompte.domain.users import LoginPolicy, Role
from acompte.services import users
from tests.api.conftest import PASSWORD
from tests.web.conftest import CSRF

WRONG = "pas le bon mot de passe"


@dataclass
class MovingClock:
    """The Clock port, moved forward by the test."""

    instant: datetime

    def today(self) -> date:
        return self.instant.date()

    def now(self) -> datetime:
        return self.instant

    def advance(self, **delta: float) -> None:
        self.instant += timedelta(**delta)


@dataclass
class Site:
    """The web application on the test database, with its own clock and login policy."""

    app: Any
    web_app: Any
    clock: MovingClock
    ctx: Any

    def browser(self, address: str | None = None) -> TestClient:
        host = address or f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
        return TestClient(self.web_app, base_url="https://testserver", client=(host, 50000))

    def member(self, role: Role = Role.CLERK) -> str:
        email = f"login-{uuid.uuid4().hex[:10]}@web.example.fr"
        users.create_user(self.app.uow(), email=email, password=PASSWORD)
        users.grant(self.app.uow(), self.ctx, email=email, role=role)
        return email


def site_for(app, ctx, policy: LoginPolicy | None = None) -> Site:  # type: ignore[no-untyped-def]
    # A day in the past: these attempts never count for the tests that run on the real clock, and are recent
    # enough that those tests' purge of old attempts (older than RETENTION) leaves them alone — on PostgreSQL the
    # test workers share one database.
    clock = MovingClock(datetime.now(UTC).replace(microsecond=0) - timedelta(days=1))
    application = dataclasses.replace(app, clock=clock, login_policy=policy or LoginPolicy())
    return Site(application, create_app(application), clock, ctx)


@pytest.fixture
def site(app, ctx) -> Site:  # type: ignore[no-untyped-def]
    return site_for(app, ctx)


def log_in(browser: TestClient, email: str, password: str, code: str | None = None, **headers: str):  # type: ignore[no-untyped-def]
    token = CSRF.search(browser.get("/login").text).group(1)  # type: ignore[union-attr]
    data = {"csrf_token": token, "email": email, "password": password, "next": "/"}
    if code is not None:
        data["code"] = code
    return browser.post("/login", data=data, follow_redirects=False, headers=headers)


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_is_refused_until_the_lock_ends(site, caplog):  # type: ignore[no-untyped-def]
    email = site.member()
    browser = site.browser("10.1.2.3")
    statuses = []
    with caplog.at_level(logging.WARNING, logger="acompte.login"):
        for _ in range(30):
            statuses.append(log_in(browser, email, WRONG).status_code)
            site.clock.advance(seconds=20)
    assert statuses == [401] * 4 + [429] * 26  # the 5th failure within 15 minutes locks the account
    warning = next(r for r in caplog.records if "login locked" in r.getMessage())
    assert warning.levelno == logging.WARNING and email in warning.getMessage() and "10.1.2.3" in warning.getMessage()

    refused = log_in(browser, email, PASSWORD)  # the right password, 10 minutes into the lock
    assert refused.status_code == 429 and "acompte_session" not in browser.cookies
    assert "Trop d'échecs de connexion : connexion refusée pendant encore 7 min." in unescape(refused.text)
    assert refused.headers["Retry-After"] == "380"  # locked at the 5th failure (80 s), for 15 minutes
    english = log_in(browser, email, PASSWORD, **{"Accept-Language": "en"})
    assert "Too many failed logins: logging in is refused for 7 more min." in unescape(english.text)

    site.clock.advance(minutes=7)  # the lock is over
    accepted = log_in(browser, email, PASSWORD)
    assert accepted.status_code == 303 and "acompte_session" in browser.cookies


def test_each_failure_beyond_the_free_ones_makes_the_next_attempt_wait_longer(site):  # type: ignore[no-untyped-def]
    email = site.member()
    browser = site.browser()
    assert [log_in(browser, email, WRONG).status_code for _ in range(3)] == [401, 401, 401]
    too_soon = log_in(browser, email, PASSWORD)  # not even the right password is checked
    assert too_soon.status_code == 429 and too_soon.headers["Retry-After"] == "1"
    assert "Trop de tentatives de connexion : réessayez dans 1 s." in too_soon.text
    site.clock.advance(seconds=1)
    assert log_in(browser, email, WRONG).status_code == 401
    assert log_in(browser, email, WRONG).headers["Retry-After"] == "2"
    site.clock.advance(seconds=2)
    assert log_in(browser, email, PASSWORD).status_code == 303  # a success forgets the failures
    assert [log_in(site.browser(), email, WRONG).status_code for _ in range(3)] == [401, 401, 401]


def test_one_address_trying_many_accounts_is_locked_whatever_the_account(app, ctx, caplog):  # type: ignore[no-untyped-def]
    site = site_for(app, ctx, LoginPolicy(address_failures=8, address_free_failures=4))
    email = site.member()
    guesser = site.browser("10.9.9.9")
    with caplog.at_level(logging.WARNING, logger="acompte.login"):
        statuses = []
        for n in range(10):  # another (unknown) account each time: no account reaches its own limit
            statuses.append(log_in(guesser, f"guess-{n}-{uuid.uuid4().hex[:6]}@web.example.fr", WRONG).status_code)
            site.clock.advance(seconds=30)
    assert statuses == [401] * 7 + [429] * 3
    assert any("login locked: address 10.9.9.9" in r.getMessage() for r in caplog.records)
    assert log_in(guesser, email, PASSWORD).status_code == 429  # a real user from that address waits too
    assert log_in(site.browser(), email, PASSWORD).status_code == 303  # from elsewhere, the account is fine


def test_the_admin_sees_failures_and_locked_accounts_and_unlocks_one(site):  # type: ignore[no-untyped-def]
    admin_email, email = site.member(Role.ADMIN), site.member()
    admin = site.browser()
    assert log_in(admin, admin_email, PASSWORD).status_code == 303
    attacker = site.browser("10.7.7.7")
    for _ in range(5):
        log_in(attacker, email, WRONG)
        site.clock.advance(seconds=10)
    page = admin.get("/settings/users")
    assert page.status_code == 200
    assert "Comptes bloqués après trop d'échecs de connexion" in unescape(page.text) and "10.7.7.7" in page.text
    locked_row = re.search(rf"<tr><td>{re.escape(email)}</td><td>5</td>", page.text)
    assert locked_row, page.text

    clerk = site.browser()
    assert log_in(clerk, email, PASSWORD).status_code == 429
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    unlocked = admin.post("/settings/users/unlock", data={"csrf_token": token, "email": email}, follow_redirects=False)
    assert unlocked.status_code == 303
    assert "Aucun compte bloqué." in admin.get("/settings/users").text
    assert log_in(clerk, email, PASSWORD).status_code == 303

    outsider = admin.post(
        "/settings/users/unlock", data={"csrf_token": token, "email": "nobody@web.example.fr"}, follow_redirects=False
    )
    assert outsider.status_code == 422  # only the company's own members


def test_a_user_enrols_a_totp_code_and_the_login_then_asks_for_it(site):  # type: ignore[no-untyped-def]
    email = site.member()
    browser = site.browser()
    assert log_in(browser, email, PASSWORD).status_code == 303
    start = browser.post(
        "/account/security/totp",
        data={"csrf_token": CSRF.search(browser.get("/account/security").text).group(1)},  # type: ignore[union-attr]
    )
    assert start.status_code == 200 and start.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', start.text).group(1)  # type: ignore[union-attr]
    assert f"otpauth://totp/acompte:{email.replace('@', '%40')}?secret={secret}" in start.text
    totp = pyotp.TOTP(secret)
    token = CSRF.search(start.text).group(1)  # type: ignore[union-attr]
    wrong = browser.post("/account/security/totp/confirm", data={"csrf_token": token, "code": "000000"})
    assert wrong.status_code == 422 and "Code incorrect" in wrong.text
    start = browser.post("/account/security/totp", data={"csrf_token": token})
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', start.text).group(1)  # type: ignore[union-attr]
    totp = pyotp.TOTP(secret)
    confirmed = browser.post(
        "/account/security/totp/confirm",
        data={"csrf_token": token, "code": totp.at(site.clock.now())},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303
    assert "La double authentification est activée" in browser.get("/account/security").text

    site.clock.advance(seconds=30)
    fresh = site.browser()
    asked = log_in(fresh, email, PASSWORD)
    assert asked.status_code == 401 and "Saisissez le code à 6 chiffres" in asked.text and 'name="code"' in asked.text
    assert "acompte_session" not in fresh.cookies
    bad_code = log_in(fresh, email, PASSWORD, code="123456" if totp.at(site.clock.now()) != "123456" else "654321")
    assert bad_code.status_code == 401 and "E-mail, mot de passe ou code incorrect." in bad_code.text
    code = totp.at(site.clock.now())
    assert log_in(fresh, email, WRONG, code=code).status_code == 401  # the code alone is not enough
    site.clock.advance(seconds=1)  # three failures: the next attempt waits a second
    assert log_in(fresh, email, PASSWORD, code=code).status_code == 303
    assert log_in(site.browser(), email, PASSWORD, code=code).status_code == 401  # a code is used once


def test_a_wrong_totp_code_counts_as_a_failed_login(site):  # type: ignore[no-untyped-def]
    email = site.member()
    browser = site.browser()
    log_in(browser, email, PASSWORD)
    token = CSRF.search(browser.get("/account/security").text).group(1)  # type: ignore[union-attr]
    start = browser.post("/account/security/totp", data={"csrf_token": token})
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', start.text).group(1)  # type: ignore[union-attr]
    browser.post(
        "/account/security/totp/confirm", data={"csrf_token": token, "code": pyotp.TOTP(secret).at(site.clock.now())}
    )
    statuses = []
    for _ in range(6):
        site.clock.advance(seconds=40)
        statuses.append(log_in(site.browser(), email, PASSWORD, code="000000").status_code)
    assert statuses[:4] == [401] * 4 and statuses[4:] == [429, 429]
