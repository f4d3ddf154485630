"""Moving one company: `export_company` writes it to a portable archive, `import_company` reads one into this
database under new ids (another server, SQLite to PostgreSQL, or beside other companies).

The archive is a zip: `manifest.json` (format name and version, the writing application's version and schema
revision, the company, and for each part its file, its number of rows and the SHA-256 of its bytes) and one
part per table, `tables/<table>.jsonl`, a JSON object per row (`persistence/archive.py` says which tables and
how ids are rewritten). Money stays exact: integers of minor units, decimals as text.

An import checks everything before it writes anything — a file that is not an archive, a format version this
build does not know, a checksum or a row count that does not match, a truncated zip — and then writes the whole
company in one transaction: it is there entirely, or not at all.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import IO, Any

from acompte.services.ports import UnitOfWork
from acompte.services.ports.archive import ArchiveProblem, ArchiveRefused, JsonRow

FORMAT = "acompte-company-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class ArchiveSummary:
    """What an archive holds: the company (its id where this database knows it), rows per table."""

    company_id: int
    company_name: str
    counts: Mapping[str, int]
    format_version: int
    app_version: str
    schema_revision: str


@dataclass(frozen=True, slots=True)
class Archive:
    """An archive read and checked: its manifest and its rows, table by table."""

    manifest: Mapping[str, Any]
    tables: Mapping[str, Sequence[JsonRow]]


def app_version() -> str:
    try:
        return metadata.version("acompte")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def export_company(uow: UnitOfWork, company_id: int, out: IO[bytes]) -> ArchiveSummary:
    """Write the company `company_id` to `out` (one consistent read: a single transaction)."""
    with uow:
        tables = uow.archive.export_rows(company_id)
        revision = uow.archive.schema_revision()
        created = uow.clock.now().isoformat()
    rows_of = dict(tables)
    if not rows_of.get("companies"):
        raise ArchiveRefused(ArchiveProblem.NO_COMPANY, company=company_id)
    company = rows_of["companies"][0]
    parts = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table, rows in tables:
            data = b"".join(_line(row) for row in rows)
            name = f"tables/{table}.jsonl"
            archive.writestr(name, data)
            parts.append({"table": table, "file": name, "rows": len(rows), "sha256": hashlib.sha256(data).hexdigest()})
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": app_version(),
            "schema_revision": revision,
            "created_at": created,
            "company": {"id": company["id"], "name": company["name"], "currency": company["currency"]},
            "parts": parts,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    return _summary(manifest, int(company["id"]))


def read_archive(source: IO[bytes]) -> Archive:
    """The archive in `source`, every part checked against the manifest; refuses a foreign or damaged file."""
    head = source.read(4)
    source.seek(0)
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        if head.startswith(b"PK"):
            raise ArchiveRefused(ArchiveProblem.DAMAGED, part="zip", detail=str(exc)) from exc
        raise ArchiveRefused(ArchiveProblem.FOREIGN) from exc
    with archive:
        manifest = _manifest(archive)
        tables: dict[str, list[JsonRow]] = {}
        for part in manifest["parts"]:
            table, name = str(part["table"]), str(part["file"])
            try:
                data = archive.read(name)
            except KeyError as exc:
                raise ArchiveRefused(ArchiveProblem.DAMAGED, part=table, detail="partie manquante") from exc
            except (zipfile.BadZipFile, EOFError, OSError) as exc:  # CRC error, truncated member
                raise ArchiveRefused(ArchiveProblem.DAMAGED, part=table, detail=str(exc)) from exc
            if hashlib.sha256(data).hexdigest() != part["sha256"]:
                raise ArchiveRefused(ArchiveProblem.DAMAGED, part=table, detail="empreinte SHA-256 différente")
            try:
                rows = [json.loads(line) for line in data.decode("utf-8").splitlines() if line]
            except ValueError as exc:
                raise ArchiveRefused(ArchiveProblem.DAMAGED, part=table, detail=str(exc)) from exc
            if len(rows) != part["rows"] or not all(isinstance(r, dict) for r in rows):
                detail = f"{len(rows)} lignes au lieu de {part['rows']}"
                raise ArchiveRefused(ArchiveProblem.DAMAGED, part=table, detail=detail)
            tables[table] = rows
    return Archive(manifest=manifest, tables=tables)


def import_company(uow: UnitOfWork, source: IO[bytes]) -> ArchiveSummary:
    """Read the archive in `source` and write its company into this database under new ids, in one
    transaction. Nothing is written when the archive is refused."""
    archive = read_archive(source)
    with uow:
        company_id = uow.archive.import_rows(archive.tables)
        uow.commit()
    return _summary(archive.manifest, company_id)


def _line(row: JsonRow) -> bytes:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8") + b"\n"


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as exc:
        raise ArchiveRefused(ArchiveProblem.FOREIGN) from exc
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise ArchiveRefused(ArchiveProblem.DAMAGED, part=MANIFEST, detail=str(exc)) from exc
    except ValueError as exc:
        raise ArchiveRefused(ArchiveProblem.DAMAGED, part=MANIFEST, detail=str(exc)) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveRefused(ArchiveProblem.FOREIGN)
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ArchiveRefused(ArchiveProblem.UNKNOWN_VERSION, version=version)
    parts = manifest.get("parts")
    if not isinstance(parts, list) or not all(
        isinstance(p, dict) and {"table", "file", "rows", "sha256"} <= set(p) for p in parts
    ):
        raise ArchiveRefused(ArchiveProblem.DAMAGED, part=MANIFEST, detail="liste des parties illisible")
    return manifest


def _summary(manifest: Mapping[str, Any], company_id: int) -> ArchiveSummary:
    return ArchiveSummary(
        company_id=company_id,
        company_name=str(manifest["company"]["name"]),
        counts={str(p["table"]): int(p["rows"]) for p in manifest["parts"]},
        format_version=int(manifest["format_version"]),
        app_version=str(manifest["app_version"]),
        schema_revision=str(manifest["schema_revision"]),
    )


def describe(source: IO[bytes]) -> ArchiveSummary:
    """What an archive holds, checked, without writing anything."""
    archive = read_archive(source)
    return _summary(archive.manifest, int(archive.manifest["company"]["id"]))


__all__ = ["Archive", "ArchiveSummary", "describe", "export_company", "import_company", "read_archive"]
