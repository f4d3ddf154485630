"""`acompte user ...` and `acompte token ...`: users, their roles in companies, and API tokens."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from acompte import bootstrap
from acompte.adapters.i18n import message
from acompte.config import Settings
from acompte.domain.errors import DomainError
from acompte.domain.users import LockScope, Role
from acompte.services import login_guard, second_factor, users
from acompte.services.ports import Ctx

console = Console()
user_app = typer.Typer(help="Utilisateurs et rôles.", no_args_is_help=True)
token_app = typer.Typer(help="Jetons d'API (Authorization: Bearer …).", no_args_is_help=True)

CompanyOption = Annotated[int, typer.Option("--company", help="Id de la société")]
RoleOption = Annotated[Role, typer.Option("--role", help="Rôle : admin, accountant, clerk, read-only")]


def _app() -> bootstrap.App:
    return bootstrap.build(Settings.from_env().database_url)


def _fail(error: DomainError) -> typer.Exit:
    console.print(f"[red]{message(error, 'fr')}[/red]")
    return typer.Exit(code=1)


@user_app.command("create")
def create_user(
    email: Annotated[str, typer.Option("--email", help="Adresse e-mail (identifiant)")],
    password: Annotated[
        str,
        typer.Option(
            "--password",
            prompt="Mot de passe",
            hide_input=True,
            confirmation_prompt=True,
            envvar="ACOMPTE_PASSWORD",
            help="Mot de passe (demandé s'il est absent ; ou ACOMPTE_PASSWORD)",
        ),
    ],
    name: Annotated[str, typer.Option("--name", help="Nom affiché")] = "",
    company: Annotated[int | None, typer.Option("--company", help="Société où lui donner un rôle")] = None,
    role: RoleOption = Role.ADMIN,
) -> None:
    """Create a user, optionally a member of a company with a role."""
    application = _app()
    try:
        user = users.create_user(application.uow(), email=email, password=password, name=name)
        console.print(f"Utilisateur {user.email} créé (id {user.id}).")
        if company is not None:
            users.grant(application.uow(), Ctx(company, actor="cli"), email=user.email, role=role)
            console.print(f"Rôle « {role.value} » dans la société {company}.")
    except DomainError as error:
        raise _fail(error) from None
    finally:
        application.close()


@user_app.command("grant")
def grant(email: Annotated[str, typer.Option("--email")], company: CompanyOption, role: RoleOption) -> None:
    """Give a user a role in a company (or change it)."""
    application = _app()
    try:
        users.grant(application.uow(), Ctx(company, actor="cli"), email=email, role=role)
        console.print(f"{email} : rôle « {role.value} » dans la société {company}.")
    except DomainError as error:
        raise _fail(error) from None
    finally:
        application.close()


@user_app.command("unlock")
def unlock(
    email: Annotated[str | None, typer.Option("--email", help="Compte à débloquer")] = None,
    address: Annotated[str | None, typer.Option("--address", help="Adresse IP à débloquer")] = None,
) -> None:
    """End the lock of an account or a client address after too many failed logins."""
    if (email is None) == (address is None):
        console.print("[red]Indiquez --email ou --address.[/red]")
        raise typer.Exit(code=2)
    scope, key = (LockScope.ACCOUNT, email) if email is not None else (LockScope.ADDRESS, address or "")
    application = _app()
    try:
        ended = login_guard.unlock_any(application.uow(), scope, key, by="cli")
    finally:
        application.close()
    console.print(f"{key} : débloqué." if ended else f"{key} : aucun blocage en cours.")


@user_app.command("totp-reset")
def totp_reset(email: Annotated[str, typer.Option("--email", help="Utilisateur dont retirer le code")]) -> None:
    """Remove a user's second factor (lost phone): the next login asks for the password only."""
    application = _app()
    try:
        had = second_factor.reset(application.uow(), email=email)
    except DomainError as error:
        raise _fail(error) from None
    finally:
        application.close()
    if had:
        console.print(f"{email} : double authentification retirée.")
    else:
        console.print(f"{email} : pas de double authentification.")


@token_app.command("create")
def create_token(
    company: CompanyOption,
    user: Annotated[str, typer.Option("--user", help="E-mail de l'utilisateur (membre de la société)")],
    role: Annotated[
        Role | None, typer.Option("--role", help="Rôle du jeton (par défaut celui de l'utilisateur, jamais plus)")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Nom du jeton (ex. « caisse 1 »)")] = "",
) -> None:
    """Create an API token. It is shown once: store it now."""
    application = _app()
    try:
        credential, secret = users.create_token(
            application.uow(), Ctx(company, actor="cli"), email=user, role=role, name=name
        )
    except DomainError as error:
        raise _fail(error) from None
    finally:
        application.close()
    console.print(f"Jeton n° {credential.id} « {credential.name} », rôle « {credential.role.value} ».")
    console.print("Conservez-le maintenant, il ne sera plus affiché :")
    typer.echo(secret)


@token_app.command("list")
def list_tokens(company: CompanyOption) -> None:
    """List the company's API tokens (never their secret)."""
    application = _app()
    try:
        tokens = users.list_tokens(application.uow(), Ctx(company))
    finally:
        application.close()
    table = Table("id", "nom", "utilisateur", "rôle", "début", "créé le", "état")
    for t in tokens:
        state = "révoqué" if t.revoked_at else "actif"
        table.add_row(str(t.id), t.name, t.user_email, t.role.value, t.prefix + "…", f"{t.created_at:%d/%m/%Y}", state)
    console.print(table)


@token_app.command("revoke")
def revoke_token(company: CompanyOption, token_id: Annotated[int, typer.Option("--id", help="Id du jeton")]) -> None:
    """Revoke an API token: it stops working at once."""
    application = _app()
    try:
        credential = users.revoke_token(application.uow(), Ctx(company, actor="cli"), token_id)
    except DomainError as error:
        raise _fail(error) from None
    finally:
        application.close()
    console.print(f"Jeton n° {credential.id} ({credential.prefix}…) révoqué.")
