"""`acompte backup` / `restore` (the whole database) and `acompte export-data` / `import-data` (one company, in a
portable archive: to move it to another server or from SQLite to PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from acompte.adapters.cli.localized import Command, _
from acompte.adapters.cli.output import console as new_console

if TYPE_CHECKING:
    from acompte.services import archive
    from acompte.services.ports.archive import ArchiveRefused

#: By `ArchiveProblem` (a StrEnum: its members are these strings; the ports are not imported before a command runs).
SENTENCES: dict[str, str] = {
    "foreign": "ce fichier n'est pas une sauvegarde ou une archive acompte",
    "damaged": "fichier endommagé ({part} : {detail}) ; rien n'a été écrit",
    "unknown-version": "format d'archive inconnu (version {version}) : mettez acompte à jour",
    "incompatible": "archive incompatible avec cette base ({detail}) : mettez acompte à jour",
    "wrong-kind": "c'est une sauvegarde {found}, la base de données est {expected}",
    "not-empty": "la base contient déjà {companies} société(s) : ajoutez --force pour la remplacer",
    "tool-missing": "{tool} est introuvable : installez les outils clients PostgreSQL (paquet postgresql-client)",
    "tool-failed": "{tool} a échoué : {detail}",
    "no-company": "aucune société n° {company} dans cette base",
}
KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "memory": "en mémoire"}


def archive_refused() -> type[ArchiveRefused]:
    from acompte.services.ports.archive import ArchiveRefused

    return ArchiveRefused


def sentence(refusal: ArchiveRefused) -> str:
    params: dict[str, Any] = {k: KINDS.get(str(v), v) for k, v in refusal.params.items()}
    return SENTENCES[refusal.problem].format_map(params)


def _refused(refusal: ArchiveRefused) -> typer.Exit:
    new_console().print(f"[red]Refusé :[/red] {sentence(refusal)}", soft_wrap=True)
    return typer.Exit(code=1)


def backup(
    file: Annotated[
        Path, typer.Argument(help=_("Fichier de sauvegarde à écrire"), metavar=_("FICHIER"), dir_okay=False)
    ],
) -> None:
    """Back up the whole database while it runs (SQLite: online backup; PostgreSQL: pg_dump)."""
    from acompte import bootstrap
    from acompte.config import Settings

    try:
        info = bootstrap.backup_database(Settings.from_env().database_url, file)
    except archive_refused() as refusal:
        raise _refused(refusal) from None
    new_console().print(f"Sauvegarde {KINDS[info.kind]} écrite : [bold]{info.path}[/bold] ({info.size} octets).")


def restore(
    file: Annotated[
        Path, typer.Argument(help=_("Sauvegarde à restaurer"), metavar=_("FICHIER"), exists=True, dir_okay=False)
    ],
    force: Annotated[
        bool, typer.Option("--force", help=_("Remplacer une base qui contient déjà des sociétés"))
    ] = False,
) -> None:
    """Restore a backup into the database (stop the server first); the schema is then migrated."""
    from acompte import bootstrap
    from acompte.config import Settings

    try:
        info = bootstrap.restore_database(Settings.from_env().database_url, file, force=force)
    except archive_refused() as refusal:
        raise _refused(refusal) from None
    new_console().print(f"Sauvegarde restaurée : {info.companies} société(s), schéma à jour.")


def export_data(
    file: Annotated[Path, typer.Argument(help=_("Archive à écrire (.zip)"), metavar=_("FICHIER"), dir_okay=False)],
    company: Annotated[int, typer.Option(help=_("Identifiant de la société à exporter"))],
) -> None:
    """Write one company (parties, documents, payments, settings, history…) to a portable archive."""
    from acompte import bootstrap
    from acompte.config import Settings
    from acompte.services import archive

    application = bootstrap.build(Settings.from_env().database_url)
    partial = file.with_name(file.name + ".partiel")
    try:
        with partial.open("wb") as out:
            summary = archive.export_company(application.uow(), company, out)
        partial.replace(file)
    except archive_refused() as refusal:
        raise _refused(refusal) from None
    finally:
        partial.unlink(missing_ok=True)
        application.close()
    new_console().print(f"Société « {summary.company_name} » exportée : [bold]{file}[/bold]")
    _counts(summary)


def import_data(
    file: Annotated[
        Path,
        typer.Argument(help=_("Archive écrite par export-data"), metavar=_("FICHIER"), exists=True, dir_okay=False),
    ],
) -> None:
    """Import a company from an archive under new identifiers (the database may hold other companies)."""
    from acompte import bootstrap
    from acompte.config import Settings
    from acompte.services import archive

    application = bootstrap.build(Settings.from_env().database_url)
    try:
        with file.open("rb") as source:
            summary = archive.import_company(application.uow(), source)
    except archive_refused() as refusal:
        raise _refused(refusal) from None
    finally:
        application.close()
    new_console().print(f"Société « {summary.company_name} » importée sous le n° [bold]{summary.company_id}[/bold].")
    _counts(summary)


def _counts(summary: archive.ArchiveSummary) -> None:
    shown = ("parties", "documents", "payments", "allocations", "events")
    words = ("tiers", "pièces", "règlements", "rapprochements", "événements d'historique")
    text = ", ".join(f"{summary.counts.get(t, 0)} {w}" for t, w in zip(shown, words, strict=True))
    new_console().print(f"{text} (format {summary.format_version}, acompte {summary.app_version}).")


def register(app: typer.Typer) -> None:
    """Add the commands to the `acompte` command line."""
    app.command(
        "backup",
        cls=Command,
        help=_(
            "Sauvegarder toute la base pendant qu'elle tourne (SQLite : sauvegarde à chaud ; PostgreSQL : pg_dump)."
        ),
    )(backup)
    app.command(
        "restore",
        cls=Command,
        help=_(
            "Restaurer une sauvegarde dans la base (arrêtez d'abord le serveur) ; le schéma est ensuite mis à jour."
        ),
    )(restore)
    app.command(
        "export-data",
        cls=Command,
        help=_("Écrire une société (tiers, pièces, règlements, réglages, historique…) dans une archive portable."),
    )(export_data)
    app.command(
        "import-data",
        cls=Command,
        help=_(
            "Importer une société d'une archive sous de nouveaux identifiants (la base peut contenir d'autres "
            "sociétés)."
        ),
    )(import_data)
