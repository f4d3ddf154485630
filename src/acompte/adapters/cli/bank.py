"""`acompte bank …`: the company's bank statements from the command line (`acompte bank import FILE --account …`).

Only Typer and the light modules of the command line are imported here; the rest when the command runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from acompte.adapters.cli.bank_match import match_command
from acompte.adapters.cli.localized import LANG, Command, _, new_app
from acompte.adapters.cli.output import console as new_console

if TYPE_CHECKING:
    from acompte import bootstrap
    from acompte.domain.banking.statements import CsvMapping, ImportSummary, Statement
    from acompte.services.ports import Ctx

app = new_app(_("Relevés bancaires : lignes importées et rapprochement avec les pièces et les règlements."))
#: From this many new lines on, the import draws a progress bar.
PROGRESS_FROM = 1000
FORMATS = ("camt.053", "camt.054", "ofx", "csv")

app.command("match", cls=Command, help=_("Afficher les lignes ouvertes avec leur meilleur candidat et ses raisons."))(
    match_command
)


def _company_id(application: bootstrap.App, company: int | None) -> int:
    from acompte.services import companies

    if company is not None:
        return company
    found = companies.list_companies(application.uow())
    if not found:
        raise typer.BadParameter(_("aucune société : lancez d'abord `acompte init`"))
    return found[0].id


def _mapping(application: bootstrap.App, ctx: Ctx, key: str | None) -> CsvMapping | None:
    """A saved CSV mapping by its id or its name (any case)."""
    from acompte.domain.errors import NotFound
    from acompte.services.banking import csv_mappings

    if key is None:
        return None
    if key.isdigit() and len(key) <= 18:
        return csv_mappings.get_mapping(application.uow(), ctx, int(key))
    for mapping in csv_mappings.list_mappings(application.uow(), ctx):
        if mapping.name.casefold() == key.strip().casefold():
            return mapping
    raise NotFound(entity=csv_mappings.MAPPING, id=key[:40])


@app.command(
    "import",
    cls=Command,
    help=_("Importer un relevé bancaire (camt.053, camt.054, OFX ou CSV) dans un compte bancaire de la société."),
)
def import_statement(
    file: Annotated[Path, typer.Argument(help=_("Le fichier de relevé, tel que la banque l'a fourni"))],
    account: Annotated[str, typer.Option("--account", help=_("Le compte bancaire : son identifiant ou son IBAN"))],
    format: Annotated[
        str | None, typer.Option("--format", help=_("camt.053, camt.054, ofx ou csv (par défaut : reconnu)"))
    ] = None,
    mapping: Annotated[
        str | None, typer.Option("--mapping", help=_("Le format CSV de la banque : son identifiant ou son nom"))
    ] = None,
    company: Annotated[int | None, typer.Option(help=_("Identifiant de la société (par défaut la première)"))] = None,
) -> None:
    """Import a statement file into one of the company's bank accounts."""
    import hashlib

    from acompte import bootstrap
    from acompte.adapters.bank_formats import read_statement
    from acompte.adapters.i18n import message
    from acompte.config import Settings
    from acompte.domain.banking.statements import StatementFormat
    from acompte.domain.errors import DomainError
    from acompte.services.banking import imports
    from acompte.services.ports import Ctx

    console = new_console()
    if format is not None and format.lower() not in FORMATS:
        raise typer.BadParameter(_("format inconnu : {format} (camt.053, camt.054, ofx ou csv)").format(format=format))
    try:
        data = file.read_bytes()
    except OSError as error:
        unreadable = _("fichier illisible : {file} ({reason})").format(file=file, reason=error.strerror)
        raise typer.BadParameter(unreadable) from None
    application = bootstrap.build(Settings.from_env().database_url)
    try:
        ctx = Ctx(_company_id(application, company), actor="cli")
        target = imports.find_account(application.uow(), ctx, account)
        with console.status(_("Lecture du fichier…")):
            statement = read_statement(
                data,
                StatementFormat(format.lower()) if format else None,
                currency=target.currency,
                mapping=_mapping(application, ctx, mapping),
            )
        digest = hashlib.sha256(data).hexdigest()
        if len(statement.lines) >= PROGRESS_FROM:
            summary = _with_progress(application, ctx, target.id, statement, file.name, digest)
        else:
            summary = imports.import_statement(
                application.uow(), ctx, target.id, statement, file_name=file.name, file_sha256=digest
            )
    except DomainError as error:
        console.print(f"[red]{_('Refusé :')}[/red] {message(error, LANG)}")
        raise typer.Exit(code=1) from None
    finally:
        application.close()
    console.print(
        _("{file} → {account} : {added} ligne(s) ajoutée(s), {skipped} déjà présente(s), sur {total}.").format(
            file=file.name,
            account=target.name,
            added=summary.added,
            skipped=summary.skipped,
            total=summary.lines_in_file,
        )
    )
    if summary.added == 0 and summary.skipped:
        console.print(_("Ce relevé était déjà importé : rien n'a été ajouté."))


def _with_progress(
    application: bootstrap.App, ctx: Ctx, account_id: int, statement: Statement, name: str, digest: str
) -> ImportSummary:
    """The import with a progress bar of the lines written."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from acompte.services.banking import imports

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
    ) as bar:
        task = bar.add_task(_("Import des lignes"), total=None)

        def told(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return imports.import_statement(
            application.uow(), ctx, account_id, statement, file_name=name, file_sha256=digest, progress=told
        )
