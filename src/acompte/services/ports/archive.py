"""What moving data needs from outside: a company's rows read out as plain JSON values and written back under
new ids (`CompanyRows`, implemented by `persistence/archive.py`), and the one refusal every backup, restore,
export and import answers with (`ArchiveRefused`: a code and its parameters; the command line says it in words).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, Protocol

#: One row as JSON values: integers (ids, minor units), strings (decimals, dates, instants), booleans, null,
#: the JSON columns as they are, base64 text for bytes.
JsonRow = dict[str, Any]


class ArchiveProblem(StrEnum):
    """Why a backup, restore, export or import was refused."""

    FOREIGN = "foreign"  # not a file this tool wrote (not a zip, no manifest, another kind of file)
    DAMAGED = "damaged"  # truncated, bad checksum, bad line, count mismatch; params: part, detail
    UNKNOWN_VERSION = "unknown-version"  # a format version this build does not read; params: version
    INCOMPATIBLE = "incompatible"  # tables or columns this database does not have; params: detail
    WRONG_KIND = "wrong-kind"  # a SQLite backup for PostgreSQL or the reverse; params: found, expected
    NOT_EMPTY = "not-empty"  # restoring over a database that holds companies, without --force; params: companies
    TOOL_MISSING = "tool-missing"  # pg_dump / pg_restore not installed; params: tool
    TOOL_FAILED = "tool-failed"  # pg_dump / pg_restore answered an error; params: tool, detail
    NO_COMPANY = "no-company"  # exporting a company that does not exist; params: company


class ArchiveRefused(Exception):
    """Nothing was written: the reason, with its parameters."""

    def __init__(self, problem: ArchiveProblem, **params: Any) -> None:
        super().__init__(f"{problem.value}: {params}")
        self.problem = problem
        self.params = params


class CompanyRows(Protocol):
    """A company's rows, table by table, as JSON values; writing them back remaps every id."""

    def schema_revision(self) -> str:
        """The database schema's migration head (recorded in an archive, for the reader)."""
        ...

    def export_rows(self, company_id: int) -> list[tuple[str, list[JsonRow]]]:
        """Every archived table of the company in the order it must be written back, rows in id order."""
        ...

    def import_rows(self, tables: Mapping[str, Sequence[JsonRow]]) -> int:
        """Write the rows of one company under new ids, in the open transaction; returns the new company id.
        Refuses (`ArchiveRefused`, INCOMPATIBLE or DAMAGED) rows this schema cannot hold."""
        ...
