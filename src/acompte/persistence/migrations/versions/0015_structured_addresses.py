"""structured addresses: companies and parties get street, street2, postcode, city and an ISO country code in
place of their free-text `address`, which is parsed into them without loss; parties get their VAT regime
(empty: derived from the country and VAT number) and exemption reason.

The parser is frozen here (not imported from the domain) so that this migration reads old data the same way
whatever the domain's parser becomes: the last line or comma-separated part reading « 5 digits + city » gives
the postcode and city, a trailing « France » is dropped, and every other part stays, in order, in the street
lines (the first in `street`, the others joined by ", " in `street2`). The country is FR (the only one the
old e-invoices could say). Downgrading writes the fields back as one text box, one line each.

Revision ID: 0015_structured_addresses
Revises: 0014_exchange_rates
Create Date: 2026-12-07 08:00:00
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0015_structured_addresses"
down_revision = "0014_exchange_rates"
branch_labels = None
depends_on = None

TABLES = ("companies", "parties")
_POSTCODE_CITY = re.compile(r"^(?:F-?|FR-?)?(\d{5})\s+(\S.*)$", re.IGNORECASE)
_FRANCE = {"france", "fr", "france métropolitaine"}


def parse(text: str | None) -> dict[str, str]:
    raw = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    fields = {"street": "", "street2": "", "postcode": "", "city": "", "country": "FR"}
    if not raw:
        return fields
    lines = [p.strip() for p in raw.split("\n") if p.strip()]
    parts = lines if len(lines) > 1 else [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) > 1 and parts[-1].strip(" .").lower() in _FRANCE:
        parts = parts[:-1]
    for i in range(len(parts) - 1, -1, -1):
        found = _POSTCODE_CITY.match(parts[i])
        if found:
            fields["postcode"], fields["city"] = found.group(1), found.group(2).strip()
            parts = parts[:i] + parts[i + 1 :]
            break
    fields["street"] = parts[0] if parts else ""
    fields["street2"] = ", ".join(parts[1:])
    return fields


def joined(street: str, street2: str, postcode: str, city: str, country: str) -> str:
    lines = [street, street2, f"{postcode} {city}".strip(), "" if country == "FR" else country]
    return "\n".join(line for line in lines if line)


def upgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("street", sa.Text(), nullable=False, server_default=""))
            batch.add_column(sa.Column("street2", sa.Text(), nullable=False, server_default=""))
            batch.add_column(sa.Column("postcode", sa.String(length=20), nullable=False, server_default=""))
            batch.add_column(sa.Column("city", sa.Text(), nullable=False, server_default=""))
            batch.add_column(sa.Column("country", sa.String(length=2), nullable=False, server_default="FR"))
        table = sa.table(
            name,
            sa.column("id", sa.BigInteger()),
            sa.column("address", sa.Text()),
            *(sa.column(c, sa.Text()) for c in ("street", "street2", "postcode", "city", "country")),
        )
        connection = op.get_bind()
        rows = connection.execute(sa.select(table.c.id, table.c.address).where(table.c.address != "")).all()
        for row_id, address in rows:
            connection.execute(sa.update(table).where(table.c.id == row_id).values(**parse(address)))
        with op.batch_alter_table(name) as batch:
            batch.drop_column("address")
    with op.batch_alter_table("parties") as batch:
        batch.add_column(sa.Column("vat_regime", sa.String(length=20), nullable=False, server_default=""))
        batch.add_column(sa.Column("vat_exemption_code", sa.String(length=30), nullable=False, server_default=""))
        batch.add_column(sa.Column("vat_exemption_reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("parties") as batch:
        for column in ("vat_exemption_reason", "vat_exemption_code", "vat_regime"):
            batch.drop_column(column)
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("address", sa.Text(), nullable=False, server_default=""))
        table = sa.table(
            name,
            sa.column("id", sa.BigInteger()),
            sa.column("address", sa.Text()),
            *(sa.column(c, sa.Text()) for c in ("street", "street2", "postcode", "city", "country")),
        )
        connection = op.get_bind()
        rows = connection.execute(
            sa.select(table.c.id, table.c.street, table.c.street2, table.c.postcode, table.c.city, table.c.country)
        ).all()
        for row in rows:
            connection.execute(sa.update(table).where(table.c.id == row[0]).values(address=joined(*row[1:])))
        with op.batch_alter_table(name) as batch:
            for column in ("country", "city", "postcode", "street2", "street"):
                batch.drop_column(column)
