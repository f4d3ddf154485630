"""The `acompte` command line: init, demo, serve, user, token, export."""

from __future__ import annotations

import functools
from typing import Annotated

import typer
from rich.console import Console

from acompte import bootstrap
from acompte.adapters.cli import data as data_commands
from acompte.adapters.cli.demo import DEMO_COMPANY, build_demo, print_demo
from acompte.adapters.cli.exports import app as exports_app
from acompte.adapters.cli.serve import demo_login, is_sqlite_url, run_server
from acompte.adapters.cli.users import token_app, user_app
from acompte.adapters.cli.verify import verify_command
from acompte.adapters.i18n import message
from acompte.config import Settings
from acompte.domain.errors import DomainError
from acompte.services import companies, idempotency

app = typer.Typer(help="acompte — acomptes, règlements, rapprochements, avoirs et trop-perçus.", no_args_is_help=True)
console = Console()
app.add_typer(exports_app, name="export")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.command("verify")(verify_command)
data_commands.register(app)  # backup, restore, export-data, import-data


@app.command()
def init(
    name: Annotated[str, typer.Option(help="Nom de la société")] = "Ma société",
    currency: Annotated[str, typer.Option(help="Devise (ISO 4217)")] = "EUR",
    siren: Annotated[str | None, typer.Option(help="SIREN (9 chiffres)")] = None,
    vat_number: Annotated[
        str | None, typer.Option("--vat-number", help="Numéro de TVA intracommunautaire (FR + clé + SIREN)")
    ] = None,
) -> None:
    """Create (or migrate) the database and create a company."""
    url = Settings.from_env().database_url
    application = bootstrap.build(url)
    try:
        company_id = companies.create_company(
            application.uow(), name=name, currency=currency, siren=siren, vat_number=vat_number
        )
    except DomainError as error:
        console.print(f"[red]Erreur :[/red] {message(error, 'fr')}")
        raise typer.Exit(code=1) from None
    finally:
        application.close()
    console.print(f"Base de données prête : [bold]{url}[/bold]")
    console.print(f"Société « {name} » créée (id {company_id}).")


@app.command()
def demo(
    fresh: Annotated[bool, typer.Option("--fresh", help="Recréer une société de démo même s'il en existe une")] = False,
) -> None:
    """Build a demo company (customers, orders, invoices, deposits, payments) and print a summary."""
    url = Settings.from_env().database_url
    # Built when the command runs, not at import: the tables then take the width of the terminal (or COLUMNS)
    # the command prints to, instead of truncating cells to the width seen when the module was first imported.
    out = Console()
    application = bootstrap.build(url)
    try:
        existing = [c.id for c in companies.list_companies(application.uow()) if c.name == DEMO_COMPANY]
        company_id = existing[-1] if existing and not fresh else build_demo(application.uow())
        print_demo(application.uow(), company_id, out)
    finally:
        application.close()
    out.print(f"\nBase de données : {url}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Adresse d'écoute")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="Charger la société de démonstration et un accès")] = False,
    workers: Annotated[
        int, typer.Option(min=1, help="Processus de travail (chacun sa connexion à la base) ; PostgreSQL conseillé")
    ] = 1,
    proxy_headers: Annotated[
        bool, typer.Option(help="Derrière un proxy inverse : lire X-Forwarded-For / X-Forwarded-Proto")
    ] = True,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(help="Adresses des proxys de confiance, séparées par des virgules ('*' : toutes)"),
    ] = None,
) -> None:
    """Start the application (web pages and API) with uvicorn; the database is created or migrated first."""
    url = Settings.from_env().database_url
    application = bootstrap.build(url)
    idempotency.purge_expired(application.uow())
    address = f"http://{host}:{port}"
    console.print(f"Base de données : {url}")
    if demo:
        login = demo_login(application)
        console.print(f"Société de démonstration n° {login.company_id} chargée.")
        say = functools.partial(console.print, soft_wrap=True)  # never cut a token in two
        say(f"Connexion : [bold]{login.email}[/bold] / mot de passe : [bold]{login.password}[/bold]")
        say(f"Jeton d'API (Authorization: Bearer …) : [bold]{login.token}[/bold]")
        say(f"Essai : curl -H 'Authorization: Bearer {login.token}' {address}/api/v1/documents")
    elif not companies.list_companies(application.uow()):
        console.print("Aucune société : `acompte init`, puis `acompte user create` et `acompte token create`.")
    if workers > 1 and is_sqlite_url(url):
        console.print("SQLite avec plusieurs processus : pour un usage léger ; PostgreSQL en production.")
    console.print(f"Application : [bold]{address}/[/bold] — API : {address}/api/docs")
    run_server(
        application,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
    )


if __name__ == "__main__":  # pragma: no cover
    app()
