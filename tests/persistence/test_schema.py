"""The schema is built by the Alembic migrations, and the migrations agree with the table classes."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from acompte.persistence.engine import alembic_config
from acompte.persistence.rows import Base


def test_migrations_have_a_single_head(database_url):
    heads = ScriptDirectory.from_config(alembic_config(database_url)).get_heads()
    assert len(heads) == 1, heads


def test_the_migrated_schema_matches_the_table_classes(app):
    with app.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_the_database_is_at_the_latest_revision(app, database_url):
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    with app.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
        assert "alembic_version" in inspect(connection).get_table_names()
