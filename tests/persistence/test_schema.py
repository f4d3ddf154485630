"""The schema is built by the Alembic migrations, and the migrations agree with the table classes."""

import importlib

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from acompte.persistence import document_sums
from acompte.persistence.engine import alembic_config
from acompte.persistence.rows import Base
from acompte.persistence.searches import TRIGRAM_INDEXES  # importing it declares them on their tables

MIGRATION = importlib.import_module("acompte.persistence.migrations.versions.0021_search_indexes")
SUMS_MIGRATION = importlib.import_module("acompte.persistence.migrations.versions.0022_document_sums")
STATUS_MIGRATION = importlib.import_module("acompte.persistence.migrations.versions.0024_lists_status")


def test_migrations_have_a_single_head(database_url):
    heads = ScriptDirectory.from_config(alembic_config(database_url)).get_heads()
    assert len(heads) == 1, heads


def test_the_migrated_schema_matches_the_table_classes(app):
    dialect = app.engine.dialect.name

    def of_this_backend(obj, _name, _type, _reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
        """An index declared for some backends only (PostgreSQL's trigram indexes) is compared on those."""
        declared = compare_to if compare_to is not None else obj
        return dialect in getattr(declared, "info", {}).get("dialects", (dialect,))

    with app.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": of_this_backend})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_the_trigram_indexes_are_those_the_migration_creates_and_for_postgresql_only():
    declared = {
        i.name: (i.table.name, i.info.get("dialects")) for t in Base.metadata.tables.values() for i in t.indexes
    }
    created = {name: (table, ("postgresql",)) for name, table, _expression in MIGRATION.SEARCH_INDEXES}
    assert {i.name: declared[i.name] for i in TRIGRAM_INDEXES} == created


def test_the_database_is_at_the_latest_revision(app, database_url):
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    with app.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
        assert "alembic_version" in inspect(connection).get_table_names()


def test_the_summary_rows_generated_columns_are_those_the_migrations_create():
    """The table class declares the generated columns' SQL apart from the migrations (which are frozen): the same
    text, else a database built by the migrations computes a status the code does not expect."""
    assert document_sums.BALANCE == SUMS_MIGRATION.BALANCE
    assert document_sums.STATUS == STATUS_MIGRATION.STATUS
    columns = document_sums.DocumentSumsRow.__table__.c
    assert str(columns.status.computed.sqltext) == STATUS_MIGRATION.STATUS
    assert str(columns.balance_minor.computed.sqltext) == SUMS_MIGRATION.BALANCE
