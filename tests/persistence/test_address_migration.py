"""Upgrading to structured addresses reads each free-text address into street, postcode, city and country
without losing a word, on a scratch database of the test backend (a SQLite file, or a new PostgreSQL database);
downgrading writes the fields back as one text box."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import create_engine, text

from acompte.persistence.company_keys import WHOLE_DATABASE
from acompte.persistence.engine import alembic_config
from tests.services.test_archive_roundtrip import fresh_postgres

BEFORE = "0012_company_version"
#: (typed address, street, street2, postcode, city)
ADDRESSES = [
    ("12 rue des Artisans\n69003 Lyon", "12 rue des Artisans", "", "69003", "Lyon"),
    ("3 place du Marché, 75011 Paris", "3 place du Marché", "", "75011", "Paris"),
    ("Bâtiment B\n3 allée des Pins\n33000 BORDEAUX CEDEX\nFRANCE", "Bâtiment B", "3 allée des Pins", "33000", "BORDEAUX CEDEX"),
    ("chez M. Durand, lieu-dit La Combe", "chez M. Durand", "lieu-dit La Combe", "", ""),
    ("", "", "", "", ""),
]  # fmt: skip


@contextmanager
def scratch_database(tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if os.environ.get("ACOMPTE_TEST_DATABASE_URL", "").startswith("postgresql"):
        with fresh_postgres() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'old.db'}"


def test_free_text_addresses_are_read_into_their_fields_and_back(tmp_path):
    with scratch_database(tmp_path) as url:
        command.upgrade(alembic_config(url), BEFORE)
        engine = create_engine(url, execution_options=WHOLE_DATABASE)
        now = datetime(2026, 12, 1, tzinfo=UTC)
        try:
            with engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO companies (name, currency, address, vat_rounding, settings, created_at)"
                        " VALUES ('Meubles Durand', 'EUR', :address, 'per_rate', '{}', :now)"
                    ),
                    {"address": ADDRESSES[0][0], "now": now},
                )
                company_id = connection.execute(text("SELECT max(id) FROM companies")).scalar_one()
                for n, (typed, *_) in enumerate(ADDRESSES):
                    connection.execute(
                        text(
                            "INSERT INTO parties (company_id, name, is_customer, is_supplier, email, siren,"
                            " vat_number, address, settings, created_at)"
                            " VALUES (:company, :name, true, false, '', '', '', :address, '{}', :now)"
                        ),
                        {"company": company_id, "name": f"Client {n}", "address": typed, "now": now},
                    )
            engine.dispose()

            command.upgrade(alembic_config(url), "head")
            with engine.connect() as connection:
                parties = connection.execute(
                    text("SELECT street, street2, postcode, city, country, vat_regime FROM parties ORDER BY id")
                ).all()
                company = connection.execute(text("SELECT street, postcode, city, country FROM companies")).one()
            assert [tuple(p) for p in parties] == [(*fields, "FR", "") for _, *fields in ADDRESSES]
            assert tuple(company) == ("12 rue des Artisans", "69003", "Lyon", "FR")
            engine.dispose()

            command.downgrade(alembic_config(url), BEFORE)
            with engine.connect() as connection:
                back = connection.execute(text("SELECT address FROM parties ORDER BY id")).scalars().all()
            assert back == [
                "12 rue des Artisans\n69003 Lyon",
                "3 place du Marché\n75011 Paris",
                "Bâtiment B\n3 allée des Pins\n33000 BORDEAUX CEDEX",
                "chez M. Durand\nlieu-dit La Combe",
                "",
            ]
        finally:
            engine.dispose()
