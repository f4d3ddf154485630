"""`acompte files render [--follow]`: render the files of the documents issued whose files are still due (the
worker of services/exports/issued_files.py, outside `acompte serve`). Without `--follow` it renders what is due
and ends; with it, it keeps rendering what is issued until stopped (Ctrl+C).

Only Typer and the light modules of the command line are imported here; the rest when the command runs."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from acompte.adapters.cli.localized import Command, _, new_app

app = new_app(_("Fichiers des pièces émises (PDF, Factur-X) produits après leur émission."))


@app.command(
    "render",
    cls=Command,
    help=_("Produire les fichiers des pièces émises qui ne le sont pas encore, puis s'arrêter (ou continuer)."),
)
def render_command(
    follow: Annotated[
        bool, typer.Option("--follow", help=_("Continuer : produire aussi ceux des pièces émises ensuite"))
    ] = False,
    company: Annotated[int | None, typer.Option("--company", help=_("Id de la société (toutes sinon)"))] = None,
) -> None:
    from rich.console import Console

    from acompte import bootstrap
    from acompte.adapters.file_worker import INTERVAL, drain
    from acompte.config import Settings
    from acompte.services.exports import issued_files

    out = Console(soft_wrap=True)
    application = bootstrap.build(Settings.from_env().database_url)
    try:
        started = time.monotonic()
        stored = drain(application.uow, company_id=company)
        while follow:
            time.sleep(INTERVAL)
            stored += drain(application.uow, company_id=company)
    except KeyboardInterrupt:
        pass
    finally:
        left = issued_files.files_due(application.uow(), company)
        application.close()
    seconds = time.monotonic() - started
    out.print(f"{stored} pièce(s) aux fichiers produits en {seconds:.1f} s ; {left} encore en attente.")
