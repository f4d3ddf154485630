"""Every row and every statement names its company: the security boundary and the distribution key
(docs/scaling.md). The statements themselves are checked in tests/conftest.py for the whole run."""

from __future__ import annotations

from acompte.persistence import access_rows, bank_rows, issued_rows  # noqa: F401  (their tables are on Base.metadata)
from acompte.persistence.company_keys import GLOBAL_TABLES, keyed_by_company, unkeyed_tables
from acompte.persistence.rows import AllocationRow, Base, DeductionVatRow, DocumentRow, VatRateRow


def test_every_table_but_the_shared_ones_carries_a_non_null_company_id():
    tables = Base.metadata.tables.values()
    without = {t.name for t in tables if "company_id" not in t.c}
    assert without == GLOBAL_TABLES
    nullable = [t.name for t in tables if "company_id" in t.c and t.c.company_id.nullable]
    assert nullable == []


def test_the_orm_identifies_a_company_row_by_its_company_first():
    assert [c.name for c in DocumentRow.__mapper__.primary_key] == ["company_id", "id"]
    assert [c.name for c in AllocationRow.__mapper__.primary_key] == ["company_id", "id"]
    assert [c.name for c in DeductionVatRow.__mapper__.primary_key] == ["company_id", "deduction_id", "rate"]
    # a key that starts with the company already is kept as declared; the table's own key is never changed
    assert [c.name for c in VatRateRow.__mapper__.primary_key] == ["company_id", "rate"]
    assert [c.name for c in DocumentRow.__table__.primary_key] == ["id"]


def test_a_global_table_keeps_its_own_key():
    class Probe:
        pass

    assert keyed_by_company(Probe) == {}


def test_a_statement_on_a_company_table_must_name_the_company():
    company = {"documents", "allocations"}
    assert unkeyed_tables("UPDATE documents SET version=? WHERE documents.id = ?", company) == {"documents"}
    assert unkeyed_tables("SELECT a.id FROM allocations a JOIN documents d ON d.id = a.document_id", company) == {
        "documents",
        "allocations",
    }
    assert unkeyed_tables("DELETE FROM documents WHERE documents.id = ? AND documents.company_id = ?", company) == set()
    assert unkeyed_tables("SELECT users.id FROM users WHERE users.email = ?", company) == set()
    assert unkeyed_tables('INSERT INTO "documents" (id) VALUES (?)', company) == {"documents"}


def test_selecting_the_company_column_is_not_a_condition_on_it():
    company = {"issued_file_jobs", "documents"}
    due = "SELECT issued_file_jobs.company_id, issued_file_jobs.document_id FROM issued_file_jobs WHERE rendered_at IS NULL"
    assert unkeyed_tables(due, company) == {"issued_file_jobs"}
    assert unkeyed_tables("INSERT INTO documents (company_id, kind) VALUES (?, ?)", company) == set()
    copy = "INSERT INTO documents (company_id, kind) SELECT company_id, kind FROM documents WHERE id = ?"
    assert unkeyed_tables(copy, company) == {"documents"}
    assert unkeyed_tables("SELECT 1 FROM documents d WHERE d.company_id = ANY(%(ids)s)", company) == set()
    assert unkeyed_tables("SELECT 1 FROM documents WHERE documents.company_id IN (?, ?)", company) == set()
    assert unkeyed_tables('SELECT 1 FROM documents d JOIN x ON x.k = d."company_id"', company) == set()


def test_rows_of_values_inserted_in_one_statement_are_keyed_by_their_company_column():
    company = {"events", "documents"}
    many = (
        "INSERT INTO events (company_id, kind) SELECT p0::BIGINT, p1::VARCHAR FROM (VALUES (%(company_id__0)s, "
        "%(kind__0)s, 0)) AS imp_sen(p0, p1, sen_counter) ORDER BY sen_counter RETURNING events.id"
    )
    assert unkeyed_tables(many, company) == set()
    assert unkeyed_tables("INSERT INTO events (kind) VALUES (?)", company) == {"events"}
