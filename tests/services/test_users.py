"""Users, memberships, API tokens and web sessions."""

import uuid

import pytest

from acompte.domain.errors import (
    InvalidCredentials,
    InvalidEmail,
    InvalidSetting,
    PermissionDenied,
    RoleNotGranted,
    UserExists,
    WeakPassword,
)
from acompte.domain.users import CredentialKind, Permission, Role, authorize
from acompte.services import users

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
