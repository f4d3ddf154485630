"""`acompte user ...` and `acompte token ...`: users, their roles in companies, and API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from acompte.adapters.cli.localized import Command, _, new_app
from acompte.adapters.cli.output import Column, console, print_table
from acompte.domain.users import Role

if TYPE_CHECKING:
    from acompte import bootstrap
    from acompte.domain.errors import DomainError

user_app = new_app(_("Utilisateurs et rôles."))
token_app = new_app(_("Jetons d'API (Authorization: Bearer …)."))

CompanyOption = Annotated[int, typer.Option("--company", help=_("Id de la société"))]
RoleOption = Annotated[Role, typer.Option("--role", help=_("Rôle : admin, accountant, clerk, read-only"))]


def _app() -> bootstrap.App:
    from acompte import bootstrap
    from acompte.config import Settings

    return bootstrap.build(Settings.from_env().database_url)


def _fail(error: DomainError) -> typer.Exit:
    from acompte.adapters.i18n import message

    console().print(f"[red]{message(error, 'fr')}[/red]")
    return typer.Exit(code=1)


@user_app.command(
    "create", cls=Command, help=_("Créer un utilisateur, éventuellement membre d'une société avec un rôle.")
)
def create_user(
    email: Annotated[str, typer.Option("--email", help=_("Adresse e-mail (identifiant)"))],
    password: Annotated[
        str,
        typer.Option(
            "--password",
            prompt=_("Mot de passe"),
            hide_input=True,
            confirmation_prompt=_("Confirmez le mot de passe"),  # the question (else « Repeat for confirmation »)
            envvar="ACOMPTE_PASSWORD",
            help=_("Mot de passe (demandé s'il est absent ; ou ACOMPTE_PASSWORD)"),
        ),
    ],
    name: Annotated[str, typer.Option("--name", help=_("Nom affiché"))] = "",
    company: Annotated[int | None, typer.Option("--company", help=_("Société où lui donner un rôle"))] = None,
    role: RoleOption = Role.ADMIN,
) -> None:
    """Create a user, optionally a member of a company with a role."""
    from acompte.domain.errors import DomainError
    from acompte.services import users
    from acompte.services.ports import Ctx

    application = _app()
    try:
        user = users.create_user(application.uow(), email=email, password=password, name=name)
        console().print(f"Utilisateur {user.email} créé (id {user.id}).")
        if company is not None:
            users.grant(application.uow(), Ctx(company, actor="cli"), email=user.email, role=role)
            console().print(f"Rôle « {role.value} » dans la société {company}.")
    except DomainError as error:
        raise _fail(error) from None
    finally:
        application.close()


@user_app.command("grant", cls=Command, help=_("Donner un rôle à un utilisateur dans une société (ou le changer)."))
def grant(
    email: Annotated[str, typer.Option("--email", help=_("Adresse e-mail de l'utilisateur"))],
    company: CompanyOption,
    role: RoleOption,
) -> None:
    """Give a user a role in a company (or change it)."""
    from acompte.domain.errors import DomainError
    from acompte.services import users
    from acompte.services.ports import Ctx

    application = _app()
    try:
        users.grant(application.uow(), Ctx(company, actor="cli"), email=email, role=role)
        console().print(f"{email} : rôle « {role.value} » dans la société {company}.")
    except DomainError as error:
        raise _fail(error) from None
    finally:
        application.close()


@user_app.command(
    "unlock",
    cls=Command,
    help=_("Lever le blocage d'un compte ou d'une adresse après trop de connexions manquées."),
)
def unlock(
    email: Annotated[str | None, typer.Option("--email", help=_("Compte à débloquer"))] = None,
    address: Annotated[str | None, typer.Option("--address", help=_("Adresse IP à débloquer"))] = None,
) -> None:
    """End the lock of an account or a client address after too many failed logins."""
    from acompte.domain.users import LockScope
    from acompte.services import login_guard

    if (email is None) == (address is None):
        console().print("[red]Indiquez --email ou --address.[/red]")
        raise typer.Exit(code=2)
    scope, key = (LockScope.ACCOUNT, email) if email is not None else (LockScope.ADDRESS, address or "")
    application = _app()
    try:
        ended = login_guard.unlock_any(application.uow(), scope, key, by="cli")
    finally:
        application.close()
    console().print(f"{key} : débloqué." if ended else f"{key} : aucun blocage en cours.")


@user_app.command(
    "totp-reset",
    cls=Command,
    help=_(
        "Retirer la double authentification d'un utilisateur (téléphone perdu) : "
        "la connexion suivante ne demande que le mot de passe."
    ),
)
def totp_reset(email: Annotated[str, typer.Option("--email", help=_("Utilisateur dont retirer le code"))]) -> None:
    """Remove a user's second factor (lost phone): the next login asks for the password only."""
    from acompte.domain.errors import DomainError
    from acompte.services import second_factor

    application = _app()
    try:
        had = second_factor.reset(application.uow(), email=email)
    except DomainError as error:
        raise _fail(error) from None
    finally:
        application.close()
    if had:
        console().print(f"{email} : double authentification retirée.")
    else:
        console().print(f"{email} : pas de double authentification.")


@token_app.command(
    "create", cls=Command, help=_("Créer un jeton d'API. Il n'est affiché qu'une fois : conservez-le aussitôt.")
)
def create_token(
    company: CompanyOption,
    user: Annotated[str, typer.Option("--user", help=_("E-mail de l'utilisateur (membre de la société)"))],
    role: Annotated[
        Role | None,
        typer.Option("--role", help=_("Rôle du jeton (par défaut celui de l'utilisateur, jamais plus)")),
    ] = None,
    name: Annotated[str, typer.Option("--name", help=_("Nom du jeton (ex. « caisse 1 »)"))] = "",
) -> None:
    """Create an API token. It is shown once: store it now."""
    from acompte.domain.errors import DomainError
    from acompte.services import users
    from acompte.services.ports import Ctx

    application = _app()
    try:
        credential, secret = users.create_token(
            application.uow(), Ctx(company, actor="cli"), email=user, role=role, name=name
        )
    except DomainError as error:
        raise _fail(error) from None
    finally:
        application.close()
    console().print(f"Jeton n° {credential.id} « {credential.name} », rôle « {credential.role.value} ».")
    console().print("Conservez-le maintenant, il ne sera plus affiché :")
    typer.echo(secret)


@token_app.command("list", cls=Command, help=_("Lister les jetons d'API de la société (jamais leur secret)."))
def list_tokens(company: CompanyOption) -> None:
    """List the company's API tokens (never their secret)."""
    from acompte.services import users
    from acompte.services.ports import Ctx

    application = _app()
    try:
        tokens = users.list_tokens(application.uow(), Ctx(company))
    finally:
        application.close()
    columns = [Column(h) for h in ("id", "nom", "utilisateur", "rôle", "début", "créé le", "état")]
    rows = [
        [
            str(t.id),
            t.name,
            t.user_email,
            t.role.value,
            t.prefix + "…",
            f"{t.created_at:%d/%m/%Y}",
            "révoqué" if t.revoked_at else "actif",
        ]
        for t in tokens
    ]
    print_table(console(), None, columns, rows)


@token_app.command("revoke", cls=Command, help=_("Révoquer un jeton d'API : il cesse aussitôt de fonctionner."))
def revoke_token(company: CompanyOption, token_id: Annotated[int, typer.Option("--id", help=_("Id du jeton"))]) -> None:
    """Revoke an API token: it stops working at once."""
    from acompte.domain.errors import DomainError
    from acompte.services import users
    from acompte.services.ports import Ctx

    application = _app()
    try:
        credential = users.revoke_token(application.uow(), Ctx(company, actor="cli"), token_id)
    except DomainError as error:
        raise _fail(error) from None
    finally:
        application.close()
    console().print(f"Jeton n° {credential.id} ({credential.prefix}…) révoqué.")
