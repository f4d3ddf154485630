"""`acompte backup` / `restore` (the whole database) and `acompte export-data` / `import-data` (one company, in a
portable archive: to move it to another server or from SQLite to PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from acompte import bootstrap
from acompte.config import Settings
from acompte.services import archive
from acompte.services.ports.archive import ArchiveProblem, ArchiveRefused

console = Console()

SENTENCES: dict[ArchiveProblem, str] = {
    ArchiveProblem.FOREIGN: "ce fichier n'est pas une sauvegarde ou une archive acompte",
    ArchiveProblem.DAMAGED: "fichier endommagé ({part} : {detail}) ; rien n'a été écrit",
    ArchiveProblem.UNKNOWN_VERSION: "format d'archive inconnu (version {version}) : mettez acompte à jour",
    ArchiveProblem.INCOMPATIBLE: "archive incompatible avec cette base ({detail}) : mettez acompte à jour",
    ArchiveProblem.WRONG_KIND: "c'est une sauvegarde {found}, la base de données est {expected}",
    ArchiveProblem.NOT_EMPTY: "la base contient déjà {companies} société(s) : ajoutez --force pour la remplacer",
    ArchiveProblem.TOOL_MISSING: "{tool} est introuvable : installez les outils clients PostgreSQL "
    "(paquet postgresql-client)",
    ArchiveProblem.TOOL_FAILED: "{tool} a échoué : {detail}",
    ArchiveProblem.NO_COMPANY: "aucune société n° {company} dans cette base",
}
KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "memory": "en mémoire"}


def sentence(refusal: ArchiveRefused) -> str:
    params: dict[str, Any] = {k: KINDS.get(str(v), v) for k, v in refusal.params.items()}
    return SENTENCES[refusal.problem].format_map(params)


def _refused(refusal: ArchiveRefused) -> typer.Exit:
    console.print(f"[red]Refusé :[/red] {sentence(refusal)}", soft_wrap=True)
    return typer.Exit(code=1)


def backup(
    file: Annotated[Path, typer.Argument(help="Fichier de sauvegarde à écrire", dir_okay=False)],
) -> None:
    """Back up the whole database while it runs (SQLite: online backup; PostgreSQL: pg_dump)."""
    try:
        info = bootstrap.backup_database(Settings.from_env().database_url, file)
    except ArchiveRefused as refusal:
        raise _refused(refusal) from None
    console.print(f"Sauvegarde {KINDS[info.kind]} écrite : [bold]{info.path}[/bold] ({info.size} octets).")


def restore(
    file: Annotated[Path, typer.Argument(help="Sauvegarde à restaurer", exists=True, dir_okay=False)],
    force: Annotated[bool, typer.Option("--force", help="Remplacer une base qui contient déjà des sociétés")] = False,
) -> None:
    """Restore a backup into the database (stop the server first); the schema is then migrated."""
    try:
        info = bootstrap.restore_database(Settings.from_env().database_url, file, force=force)
    except ArchiveRefused as refusal:
        raise _refused(refusal) from None
    console.print(f"Sauvegarde restaurée : {info.companies} société(s), schéma à jour.")


def export_data(
    file: Annotated[Path, typer.Argument(help="Archive à écrire (.zip)", dir_okay=False)],
    company: Annotated[int, typer.Option(help="Identifiant de la société à exporter")],
) -> None:
    """Write one company (parties, documents, payments, settings, history…) to a portable archive."""
    application = bootstrap.build(Settings.from_env().database_url)
    partial = file.with_name(file.name + ".partiel")
    try:
        with partial.open("wb") as out:
            summary = archive.export_company(application.uow(), company, out)
        partial.replace(file)
    except ArchiveRefused as refusal:
        raise _refused(refusal) from None
    finally:
        partial.unlink(missing_ok=True)
        application.close()
    console.print(f"Société « {summary.company_name} » exportée : [bold]{file}[/bold]")
    _counts(summary)


def import_data(
    file: Annotated[Path, typer.Argument(help="Archive écrite par export-data", exists=True, dir_okay=False)],
) -> None:
    """Import a company from an archive under new identifiers (the database may hold other companies)."""
    application = bootstrap.build(Settings.from_env().database_url)
    try:
        with file.open("rb") as source:
            summary = archive.import_company(application.uow(), source)
    except ArchiveRefused as refusal:
        raise _refused(refusal) from None
    finally:
        application.close()
    console.print(f"Société « {summary.company_name} » importée sous le n° [bold]{summary.company_id}[/bold].")
    _counts(summary)


def _counts(summary: archive.ArchiveSummary) -> None:
    shown = ("parties", "documents", "payments", "allocations", "events")
    words = ("tiers", "pièces", "règlements", "rapprochements", "événements d'historique")
    text = ", ".join(f"{summary.counts.get(t, 0)} {w}" for t, w in zip(shown, words, strict=True))
    console.print(f"{text} (format {summary.format_version}, acompte {summary.app_version}).")


def register(app: typer.Typer) -> None:
    """Add the commands to the `acompte` command line."""
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("export-data")(export_data)
    app.command("import-data")(import_data)
