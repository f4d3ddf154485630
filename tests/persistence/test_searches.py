"""The substring searches (a document's number or supplier reference, a party's name) find what they found
before the trigram indexes, on both backends: anywhere in the text, whatever its (ASCII) case, accents as typed,
`%` `_` quotes and backslashes as data in a document search. On PostgreSQL each search reads its trigram index
(migration 0021_search_indexes, which upgrades and downgrades on both backends). A list ordered by party
stays in (lowered name, id) order through the cursors when two parties share a name, and a page after a cursor
sends as many bind parameters whatever the cursor."""

from __future__ import annotations

import re
from datetime import date

import pytest
from alembic import command
from sqlalchemy import create_engine, event, func, select, text

from acompte.domain.documents import Flow, Kind
from acompte.persistence.document_filters import own_conditions
from acompte.persistence.engine import alembic_config
from acompte.persistence.rows import DocumentRow, PartyRow
from acompte.persistence.searches import contains
from acompte.services import documents, parties
from acompte.services.views import LIST_SORTS, DocumentFilter
from tests.helpers import line, validated
from tests.persistence.test_address_migration import scratch_database

REFERENCES = ("FAC 2026/0042", "Réf-été_42%", "O'Brien\\7", "fac-2026-0043")
SEARCHES = ("0042", "fac 2026", "FAC-2026", "_42%", "%", "_", "été", "ete", "o'brien\\", "'", "2026", "fa-", "zz")


def purchase(uow, ctx, supplier_id: int, reference: str) -> int:  # type: ignore[no-untyped-def]
    draft = documents.create_document(
        uow,
        ctx,
        kind=Kind.INVOICE,
        flow=Flow.PURCHASE,
        party_id=supplier_id,
        lines=[line("10.00")],
        supplier_reference=reference,
    )
    return documents.validate_document(uow, ctx, draft.id).document.id


def test_a_document_search_finds_its_text_anywhere_in_the_number_or_the_supplier_reference(
    uow, ctx, customer, supplier
):
    for day in (5, 6, 7):
        validated(uow, ctx, customer.id, line("100.00"), today=date(2026, 1, day))
    for reference in REFERENCES:
        purchase(uow, ctx, supplier.id, reference)
    with uow:
        every = uow.documents.summaries(ctx.company_id, limit=1000)

    def expected(typed: str) -> set[int]:
        lowered = typed.lower()
        return {d.id for d in every if lowered in (d.number or "").lower() or lowered in d.supplier_reference.lower()}

    some_number = next(d.number for d in every if d.flow == Flow.SALE.value)
    for typed in (*SEARCHES, some_number[2:8].upper(), some_number[-3:]):
        found = {r.id for r in documents.document_list(uow, ctx, search=typed, per_page=100).rows}
        assert found == expected(typed), typed
        assert documents.document_list_totals(uow, ctx, search=typed).count == len(found), typed
    assert len(expected("0042")) == 1 and len(expected("_42%")) == 1 and expected("ete") == set()
    assert len(expected("o'brien\\")) == 1 and len(expected(some_number[2:8].upper())) >= 1


def test_a_party_search_finds_its_text_anywhere_in_the_name_in_name_order(uow, ctx):
    names = ("Dupont SA", "DUPUIS Frères", "Établissements Ledupont", "Martin", "Café du Port")
    for name in names:
        parties.create_party(uow, ctx, name=name)
    for typed, found in (
        ("dup", ["DUPUIS Frères", "Dupont SA", "Établissements Ledupont"]),
        ("DUPONT", ["Dupont SA", "Établissements Ledupont"]),
        ("café", ["Café du Port"]),
        ("ort", ["Café du Port"]),
        ("zz", []),
    ):
        assert [p.name for p in parties.list_parties(uow, ctx, search=typed)] == found, typed


def generic_plan(app, statement) -> str:  # type: ignore[no-untyped-def]
    """PostgreSQL's generic plan of `statement` (the plan a statement prepared by the driver may get, priced
    for any value of its parameters) when nothing but an index's bitmap may read a table."""
    compiling = statement.compile(dialect=app.engine.dialect, compile_kwargs={"render_postcompile": True})
    compiled = str(compiling)
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", compiled)))
    sql = re.sub(r"%\((\w+)\)s", lambda m: f"${names.index(m.group(1)) + 1}", compiled).replace("%%", "%")
    values = compiling.params
    with app.engine.begin() as connection:
        raw = connection.connection.driver_connection
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            raw.execute(f"SET LOCAL {setting} = off")
        raw.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        raw.execute(f"PREPARE searched AS {sql}")
        try:
            arguments = ", ".join(["%s"] * len(names))
            explained = raw.execute(
                f"EXPLAIN EXECUTE searched{f'({arguments})' if names else ''}", [values[n] for n in names]
            )
            return "\n".join(row[0] for row in explained)
        finally:
            raw.execute("DEALLOCATE searched")


def test_on_postgresql_each_search_reads_its_trigram_index_whatever_the_plan(app, backend, ctx):
    if backend != "postgresql":
        pytest.skip("SQLite has no trigram index: its searches read the company's rows")
    _company, searched = own_conditions(ctx.company_id, DocumentFilter(search="0042"))
    documents_plan = generic_plan(app, select(DocumentRow.id).where(searched))
    assert "ix_documents_search_number" in documents_plan and "ix_documents_search_reference" in documents_plan
    by_name = contains(func.lower(PartyRow.name), "dup", escape=False)
    assert "ix_parties_search_name" in generic_plan(app, select(PartyRow.id).where(by_name))


def test_the_searched_text_is_written_into_the_statement_not_bound(app, uow, ctx):
    """So that every plan of a search knows its pattern (persistence/searches.py): a generic plan priced for
    any pattern walked a whole company's date index."""
    sent: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        sent.append((statement, parameters))

    event.listen(app.engine, "before_cursor_execute", record)
    try:
        documents.document_list(uow, ctx, search="Zq'42")
        documents.document_list_totals(uow, ctx, search="Zq'42")
        parties.list_parties(uow, ctx, search="Zq'42")
    finally:
        event.remove(app.engine, "before_cursor_execute", record)
    searching = [(s, p) for s, p in sent if "zq''42" in s]
    assert len(searching) >= 3
    assert all("zq'42" not in str(p).lower() for _s, p in sent)


def _search_indexes(url: str) -> set[str]:
    """The search indexes of the database, read from its catalogue (SQLAlchemy does not reflect an expression's
    index on SQLite)."""
    sqlite = url.startswith("sqlite")
    catalogue = "SELECT name FROM sqlite_master WHERE type = 'index'" if sqlite else "SELECT indexname FROM pg_indexes"
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {name for name in connection.execute(text(catalogue)).scalars() if "_search_" in name}
    finally:
        engine.dispose()


def test_the_search_indexes_migration_upgrades_and_downgrades(tmp_path, backend):
    made = {"ix_documents_search_number", "ix_documents_search_reference", "ix_parties_search_name"}
    with scratch_database(tmp_path) as url:
        command.upgrade(alembic_config(url), "0021_search_indexes")
        assert _search_indexes(url) == (made if backend == "postgresql" else set())
        command.downgrade(alembic_config(url), "0020_payment_sums")
        assert _search_indexes(url) == set()
        command.upgrade(alembic_config(url), "head")  # again: the extension is there already
        assert _search_indexes(url) == (made if backend == "postgresql" else set())


def test_the_party_order_keeps_name_then_id_through_the_cursors_when_names_are_shared(uow, ctx):
    shared = [parties.create_party(uow, ctx, name=name) for name in ("Dupont", "DUPONT", "dupont")]
    before, after = parties.create_party(uow, ctx, name="Alpha"), parties.create_party(uow, ctx, name="Zeta")
    for round_ in range(3):  # interleaved: the ids of one name's parties alternate
        for party in (*shared, before, after):
            validated(uow, ctx, party.id, line("10.00"), today=date(2026, 1, 1 + round_))
    with uow:
        every = uow.documents.summaries(ctx.company_id, limit=1000)
    for descending in (False, True):
        expected = [d.id for d in sorted(every, key=lambda d: (d.party_name.lower(), d.id), reverse=descending)]
        listed = documents.document_list(uow, ctx, sort="party", descending=descending, per_page=2)
        forward = [r.id for r in listed.rows]
        while listed.next_cursor is not None:
            listed = documents.document_list(
                uow,
                ctx,
                sort="party",
                descending=descending,
                per_page=2,
                after=listed.next_cursor,
                page=listed.page + 1,
            )
            forward += [r.id for r in listed.rows]
        backward = [r.id for r in listed.rows]
        while listed.previous_cursor is not None:
            listed = documents.document_list(
                uow, ctx, sort="party", descending=descending, per_page=2, before=listed.previous_cursor, page=2
            )
            backward = [r.id for r in listed.rows] + backward
        assert forward == expected == backward, descending


@pytest.mark.parametrize("sort", LIST_SORTS)
def test_a_page_after_a_cursor_sends_as_many_parameters_whatever_the_cursor(app, uow, ctx, customer, sort):
    for day in range(1, 10):
        validated(uow, ctx, customer.id, line(f"{day}0.00"), today=date(2026, 1, day))
    counts: list[int] = []

    def count(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if "FROM documents" in statement:
            counts.append(len(parameters or ()))

    listed, seen = documents.document_list(uow, ctx, sort=sort, per_page=2), []
    event.listen(app.engine, "before_cursor_execute", count)
    try:
        while listed.next_cursor is not None:
            counts.clear()
            listed = documents.document_list(uow, ctx, sort=sort, per_page=2, after=listed.next_cursor, page=2)
            seen.append(tuple(counts))
    finally:
        event.remove(app.engine, "before_cursor_execute", count)
    assert len(seen) >= 4 and len(set(seen)) == 1 and all(seen[0]), seen
