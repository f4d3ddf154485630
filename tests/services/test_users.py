"""Users, memberships, API tokens and web sessions."""

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from acompte import bootstrap
from acompte.domain.errors import (
    InvalidCredentials,
    InvalidEmail,
    InvalidSetting,
    LoginLocked,
    PermissionDenied,
    RoleNotGranted,
    UserExists,
    WeakPassword,
)
from acompte.domain.users import CredentialKind, LoginPolicy, Permission, Role, authorize
from acompte.services import login_guard, users
from acompte.services.ports import FixedClock

PASSWORD = "correct horse battery"


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:12]}@example.fr"


@pytest.fixture
def member(uow, ctx):
    email = new_email()
    users.create_user(uow, email=email, password=PASSWORD, name="Claire")
    users.grant(uow, ctx, email=email, role=Role.CLERK)
    return email


def test_a_password_is_stored_as_an_argon2id_hash_and_checked(uow):
    email = new_email()
    user = users.create_user(uow, email=email.upper(), password=PASSWORD)
    assert user.email == email
    with uow:
        stored = uow.users.by_email(email)[1]
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert users.authenticate_password(uow, email=email, password=PASSWORD).id == user.id
    with pytest.raises(InvalidCredentials):
        users.authenticate_password(uow, email=email, password="wrong password!")
    with pytest.raises(InvalidCredentials):
        users.authenticate_password(uow, email=new_email(), password=PASSWORD)


def test_bad_users_are_refused(uow):
    email = new_email()
    users.create_user(uow, email=email, password=PASSWORD)
    with pytest.raises(UserExists):
        users.create_user(uow, email=email, password=PASSWORD)
    with pytest.raises(WeakPassword):
        users.create_user(uow, email=new_email(), password="short")
    with pytest.raises(InvalidEmail):
        users.create_user(uow, email="not-an-email", password=PASSWORD)


def test_a_token_is_shown_once_and_only_its_hash_is_kept(uow, ctx, member):
    credential, secret = users.create_token(uow, ctx, email=member, name="caisse 1")
    assert secret.startswith("acp_") and len(secret) > 40
    assert credential.prefix == secret[:12]
    assert credential.role is Role.CLERK
    listed = users.list_tokens(uow, ctx)
    assert [(t.id, t.name, t.prefix) for t in listed] == [(credential.id, "caisse 1", secret[:12])]
    with uow:
        found = uow.credentials.by_hash(users.secret_hash(secret))
    assert found is not None and found[0].id == credential.id

    principal = users.authenticate_token(uow, secret)
    assert (principal.company_id, principal.email, principal.role) == (ctx.company_id, member, Role.CLERK)
    assert principal.via is CredentialKind.API_TOKEN


def test_a_wrong_or_revoked_token_authenticates_no_one(uow, ctx, member):
    credential, secret = users.create_token(uow, ctx, email=member)
    for wrong in ["", "acp_", secret + "x", secret[:-1], "Bearer " + secret, "acs_" + secret[4:]]:
        with pytest.raises(InvalidCredentials):
            users.authenticate_token(uow, wrong)
    users.revoke_token(uow, ctx, credential.id)
    with pytest.raises(InvalidCredentials):
        users.authenticate_token(uow, secret)


def test_a_token_never_does_more_than_its_user_may(uow, ctx, member):
    with pytest.raises(RoleNotGranted):
        users.create_token(uow, ctx, email=member, role=Role.ADMIN)
    _read_token, read_secret = users.create_token(uow, ctx, email=member, role=Role.READ_ONLY)
    assert users.authenticate_token(uow, read_secret).role is Role.READ_ONLY

    _token, secret = users.create_token(uow, ctx, email=member)
    users.grant(uow, ctx, email=member, role=Role.READ_ONLY)  # the user is demoted: so are its tokens
    assert users.authenticate_token(uow, secret).role is Role.READ_ONLY


def test_only_members_get_tokens_and_a_token_works_for_its_company_only(uow, ctx, other_ctx, member):
    with pytest.raises(InvalidSetting):
        users.create_token(uow, other_ctx, email=member)
    _token, secret = users.create_token(uow, ctx, email=member)
    assert users.authenticate_token(uow, secret).company_id == ctx.company_id


def test_a_token_is_checked_in_one_statement_and_refused_from_the_instant_it_expires(app, ctx, member):
    instant = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    _token, secret = users.create_token(app.uow(), ctx, email=member, expires_at=instant + timedelta(hours=1))
    before = dataclasses.replace(app, clock=FixedClock(instant + timedelta(minutes=59)))
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(app.engine, "before_cursor_execute", count)
    try:
        assert users.authenticate_token(before.uow(), secret).company_id == ctx.company_id
    finally:
        event.remove(app.engine, "before_cursor_execute", count)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1  # token, user and membership read together
    with pytest.raises(InvalidCredentials):
        users.authenticate_token(dataclasses.replace(app, clock=FixedClock(instant + timedelta(hours=1))).uow(), secret)


def test_the_apis_token_check_outside_a_unit_of_work_decides_as_the_service_does(app, ctx, member):
    instant = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    credential, secret = users.create_token(app.uow(), ctx, email=member, expires_at=instant + timedelta(hours=1))
    before, after = FixedClock(instant + timedelta(minutes=59)), FixedClock(instant + timedelta(hours=1))
    facts = app.credential_facts()
    assert users.verify_token(facts, before, secret) == users.authenticate_token(
        dataclasses.replace(app, clock=before).uow(), secret
    )
    for wrong in ["", "acp_", secret + "x", "acs_" + secret[4:]]:
        with pytest.raises(InvalidCredentials):
            users.verify_token(facts, before, wrong)
    with pytest.raises(InvalidCredentials):
        users.verify_token(facts, after, secret)
    lasting, kept = users.create_token(app.uow(), ctx, email=member)
    users.grant(app.uow(), ctx, email=member, role=Role.READ_ONLY)
    assert users.verify_token(facts, after, kept).role is Role.READ_ONLY  # the membership is read anew
    users.revoke_token(app.uow(), ctx, lasting.id)
    with pytest.raises(InvalidCredentials):
        users.verify_token(facts, after, kept)  # revoked: refused at the next request
    assert credential.id != lasting.id


def test_a_web_session_resolves_to_the_same_kind_of_principal(uow, ctx, member):
    principal, cookie = users.login(uow, email=member, password=PASSWORD)
    assert cookie.startswith("acs_")
    assert principal.via is CredentialKind.SESSION and principal.company_id == ctx.company_id
    assert users.session_principal(uow, cookie) == principal
    with pytest.raises(InvalidCredentials):
        users.authenticate_token(uow, cookie)  # a session is not an API token
    users.logout(uow, cookie)
    with pytest.raises(InvalidCredentials):
        users.session_principal(uow, cookie)
    with pytest.raises(InvalidCredentials):
        users.login(uow, email=member, password="wrong password!")


def test_roles_carry_their_permissions(uow, ctx, member):
    users.grant(uow, ctx, email=member, role=Role.READ_ONLY)
    _token, secret = users.create_token(uow, ctx, email=member)
    reader = users.authenticate_token(uow, secret)
    authorize(reader, Permission.READ)
    with pytest.raises(PermissionDenied):
        authorize(reader, Permission.WRITE)
    users.grant(uow, ctx, email=member, role=Role.ADMIN)
    admin = users.authenticate_token(uow, secret)  # the token was made read-only: it stays so
    assert admin.role is Role.READ_ONLY


def test_a_user_keeps_the_language_they_chose_and_an_unknown_one_is_refused(app):
    user = users.create_user(
        app.uow(), email=f"langue-{uuid.uuid4().hex[:6]}@example.fr", password="un mot de passe sûr"
    )
    assert user.language is None
    assert users.set_language(app.uow(), user.id, "en").language == "en"
    assert users.get_user(app.uow(), email=user.email).language == "en"
    with pytest.raises(InvalidSetting):
        users.set_language(app.uow(), user.id, "de")
    assert users.get_user(app.uow(), email=user.email).language == "en"


# -- login protection ------------------------------------------------------------------------------------------


def _at(app, instant):  # type: ignore[no-untyped-def]
    """Another application (as a second server process would be) on the same database, at a fixed instant."""
    return dataclasses.replace(app, clock=FixedClock(instant))


def test_failed_logins_on_two_server_processes_add_up_to_one_lock(app, database_url, ctx, member):
    start = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
    other_process = bootstrap.build(database_url, run_migrations=False)
    try:
        for n in range(5):
            process = app if n % 2 == 0 else other_process
            with pytest.raises(InvalidCredentials if n < 4 else LoginLocked):
                users.login(_at(process, start + timedelta(minutes=n)).uow(), email=member, password="wrong password")
        with pytest.raises(LoginLocked) as locked:
            users.login(_at(other_process, start + timedelta(minutes=5)).uow(), email=member, password=PASSWORD)
        assert locked.value.params["minutes"] == 14
        principal, _ = users.login(_at(app, start + timedelta(minutes=19)).uow(), email=member, password=PASSWORD)
        assert principal.email == member
    finally:
        other_process.close()


def test_an_unknown_email_is_counted_and_locked_like_a_known_one(app):
    start = datetime(2025, 6, 3, 8, 0, tzinfo=UTC)
    unknown = new_email()
    answers = []
    for n in range(6):
        try:
            users.login(_at(app, start + timedelta(minutes=n)).uow(), email=unknown, password="wrong password")
        except (InvalidCredentials, LoginLocked) as error:
            answers.append(type(error))
    assert answers == [InvalidCredentials] * 4 + [LoginLocked] * 2


def test_the_locks_and_failures_an_admin_sees_are_those_of_the_companys_members(app, ctx, other_ctx, member):
    start = datetime.now(UTC)
    outsider = new_email()
    users.create_user(app.uow(), email=outsider, password=PASSWORD)
    users.grant(app.uow(), other_ctx, email=outsider, role=Role.CLERK)
    no_delay = LoginPolicy(free_failures=10)
    # an address of its own: a database kept from an earlier run still counts that run's failures per address
    address = f"10.8.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    for email in (member, outsider):
        for _ in range(5):
            with pytest.raises((InvalidCredentials, LoginLocked)):
                users.login(app.uow(), email=email, password="wrong password", address=address, policy=no_delay)
    report = login_guard.login_report(app.uow(), ctx)
    assert [lock.key for lock in report.locks] == [member]
    assert {a.email for a in report.failures} == {member} and len(report.failures) == 5
    assert all(a.address == address and a.at >= start - timedelta(seconds=5) for a in report.failures)
    with pytest.raises(InvalidSetting):
        login_guard.unlock(app.uow(), ctx, email=outsider)
    assert login_guard.unlock(app.uow(), ctx, email=member) == 1
    assert login_guard.login_report(app.uow(), ctx).locks == []
