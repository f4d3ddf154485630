"""The `acompte` command line: init, demo, serve, user, token, export, verify, backup...

Only Typer, the standard library and the light modules of the command line are imported here: `acompte --help`
and `acompte --version` answer without loading the database layer, the web application or the PDF renderer.
Each command imports what it needs when it runs.
"""

from __future__ import annotations

from typing import Annotated

import typer

from acompte.adapters.cli import bank_reconcile as _bank_reconcile  # noqa: F401 - registers `bank reconcile`
from acompte.adapters.cli import data as data_commands
from acompte.adapters.cli.bank import app as bank_app
from acompte.adapters.cli.exports import app as exports_app
from acompte.adapters.cli.files import app as files_app
from acompte.adapters.cli.localized import Command, _, new_app
from acompte.adapters.cli.users import token_app, user_app
from acompte.adapters.cli.verify import verify_command

#: `acompte serve` when the address cannot be listened on (port taken, not allowed, address not on this machine).
EXIT_ADDRESS_UNAVAILABLE = 3

app = new_app(_("acompte — acomptes, règlements, rapprochements, avoirs et trop-perçus."))


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"acompte {version('acompte')}")
        raise typer.Exit()


@app.callback()
def main(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help=_("Afficher la version d'acompte et quitter.")
        ),
    ] = False,
) -> None:
    """The options of `acompte` itself (before the command)."""


@app.command(cls=Command, help=_("Créer (ou mettre à jour) la base de données et y créer une société."))
def init(
    name: Annotated[str, typer.Option(help=_("Nom de la société"))] = _("Ma société"),
    currency: Annotated[str, typer.Option(help=_("Devise (ISO 4217)"))] = "EUR",
    siren: Annotated[str | None, typer.Option(help=_("SIREN (9 chiffres)"))] = None,
    vat_number: Annotated[
        str | None, typer.Option("--vat-number", help=_("Numéro de TVA intracommunautaire (FR + clé + SIREN)"))
    ] = None,
) -> None:
    """Create (or migrate) the database and create a company."""
    from rich.console import Console

    from acompte import bootstrap
    from acompte.adapters.i18n import message
    from acompte.config import Settings
    from acompte.domain.errors import DomainError
    from acompte.services import companies

    console = Console()
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


@app.command(
    cls=Command,
    help=_(
        "Créer une société de démonstration (clients, commandes, factures, acomptes, règlements) et en afficher "
        "le résumé."
    ),
)
def demo(
    fresh: Annotated[
        bool, typer.Option("--fresh", help=_("Recréer une société de démo même s'il en existe une"))
    ] = False,
) -> None:
    """Build a demo company (customers, orders, invoices, deposits, payments) and print a summary."""
    from rich.console import Console

    from acompte import bootstrap
    from acompte.adapters.cli.demo import DEMO_COMPANY, build_demo, print_demo
    from acompte.config import Settings
    from acompte.services import companies

    url = Settings.from_env().database_url
    # Built when the command runs: the tables take the width of the terminal (or COLUMNS) printed to.
    out = Console()
    application = bootstrap.build(url)
    try:
        existing = [c.id for c in companies.list_companies(application.uow()) if c.name == DEMO_COMPANY]
        company_id = existing[-1] if existing and not fresh else build_demo(application.uow())
        print_demo(application.uow(), company_id, out)
    finally:
        application.close()
    out.print(f"\nBase de données : {url}")


@app.command(
    cls=Command,
    help=_(
        "Démarrer l'application (pages web et API) ; la base de données est d'abord créée ou mise à jour.\n\n"
        "Si l'adresse ne peut pas être écoutée (port occupé, non autorisé), rien n'est démarré : "
        "code de sortie 3."
    ),
)
def serve(
    host: Annotated[str, typer.Option(help=_("Adresse d'écoute"))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=_("Port"))] = 8000,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help=_(
                "Charger la société de démonstration et un accès ; au lancement suivant, la même société et le "
                "même accès"
            ),
        ),
    ] = False,
    reset_demo: Annotated[
        bool,
        typer.Option(
            "--reset-demo",
            help=_("Repartir d'une nouvelle société de démonstration, avec un nouvel accès (implique --demo)"),
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(min=1, help=_("Processus de travail (chacun sa connexion à la base) ; PostgreSQL conseillé")),
    ] = 1,
    proxy_headers: Annotated[
        bool, typer.Option(help=_("Derrière un proxy inverse : lire X-Forwarded-For / X-Forwarded-Proto"))
    ] = True,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(help=_("Adresses des proxys de confiance, séparées par des virgules ('*' : toutes)")),
    ] = None,
) -> None:
    """Start the application (web pages and API) with uvicorn; the database is created or migrated first."""
    from acompte.adapters.cli import serve as serving

    serving.serve(
        host=host,
        port=port,
        demo=demo or reset_demo,
        reset_demo=reset_demo,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        unavailable_exit_code=EXIT_ADDRESS_UNAVAILABLE,
    )


# Listed in this order by `acompte --help`: starting, then people and access, then the books.
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(exports_app, name="export")
app.add_typer(bank_app, name="bank")
app.add_typer(files_app, name="files")
app.command(
    "verify",
    cls=Command,
    help=_("Vérifier la chaîne de l'historique, les rapprochements, les montants et la numérotation."),
)(verify_command)
data_commands.register(app)  # backup, restore, export-data, import-data


if __name__ == "__main__":  # pragma: no cover
    app()
