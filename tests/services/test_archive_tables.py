"""Every table is either in a company's archive or left out knowingly: a table added later travels by default
(it has a `company_id`), and one that must not (a server's secrets or throttling state) is named with its reason."""

from __future__ import annotations

from acompte.persistence.archive import COMPANIES, EVENTS, SKIPPED, USERS, archived_tables
from acompte.persistence.rows import Base


def test_every_company_table_is_archived_unless_skipped_with_a_reason() -> None:
    archived = {t.name for t in archived_tables()}
    for table in Base.metadata.tables.values():
        if table.name in SKIPPED:
            assert table.name not in archived and SKIPPED[table.name]
        elif "company_id" in table.c or table.name in (COMPANIES, USERS):
            assert table.name in archived, table.name
        else:
            assert table.name not in archived, table.name


def test_parents_are_written_before_their_rows_and_the_history_last() -> None:
    order = [t.name for t in archived_tables()]
    assert order[0] == COMPANIES and order[-1] == EVENTS
    for table in archived_tables():
        for fk in table.foreign_keys:
            parent = fk.column.table.name
            if parent != table.name and parent in order:
                assert order.index(parent) < order.index(table.name), (parent, table.name)
    # the accounting source keys name deductions, write-offs and postings: those come first
    for parent in ("deductions", "write_offs", "allocation_postings", "payments"):
        assert order.index(parent) < order.index("exported_sources")
