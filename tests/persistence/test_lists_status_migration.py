"""The migration that stores each document's status and the lists' totals (0024_lists_status) fills them from the
facts already there — an invoice credited in full, a deposit invoice reversed — and downgrades to the sums of
0022 leaving the facts untouched; upgraded again, the same rows. On the test's backend (a scratch database)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from acompte import bootstrap
from acompte.persistence.company_keys import WHOLE_DATABASE
from acompte.persistence.engine import alembic_config
from acompte.services import companies
from acompte.services.ports import Ctx
from tests.persistence.test_address_migration import scratch_database
from tests.services.test_bank_open_documents import HISTORY
from tests.services.test_document_list import History

OLD = "SELECT document_id, kind, state, gross_minor, pay, cred, wo, ded, used, refunded, cwo, balance_minor"
SUMS = f"{OLD}, credited_full, reversed, status FROM document_sums ORDER BY document_id"
TOTALS = (
    "SELECT kind, flow, state, currency, status, sum(n), sum(gross_minor), sum(pay), sum(cred), sum(wo), sum(ded),"
    " sum(cwo) FROM document_totals GROUP BY kind, flow, state, currency, status"
    " HAVING sum(n) <> 0 ORDER BY kind, flow, state, currency, status"
)


def _read(application: bootstrap.App, sql: str) -> list[tuple[object, ...]]:
    with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
        return [
            tuple(int(v) if hasattr(v, "as_integer_ratio") else v for v in r) for r in connection.execute(text(sql))
        ]


def test_the_status_and_the_totals_are_backfilled_on_upgrade_and_dropped_on_downgrade(tmp_path):
    with scratch_database(tmp_path) as url:
        application = bootstrap.build(url)
        try:
            ctx = Ctx(companies.create_company(application.uow(), name="Statuts SARL"), actor="test")
            history = History(application.uow(), ctx)
            for step in HISTORY:
                history.play(*step)
            kept, totals = _read(application, SUMS), _read(application, TOTALS)
            statuses = {r[-1] for r in kept}
            assert {"cancelled", "partial", "paid", "used"} <= statuses  # an invoice credited in full among them
            assert any(r[-2] > 0 for r in kept) and any(r[-3] > 0 for r in kept)  # reversed, credited in full
            assert sum(r[5] for r in totals) == sum(1 for r in kept if r[-1] is not None)
            application.engine.dispose()

            command.downgrade(alembic_config(url), "0023_export_pending_payments")
            with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
                assert "document_totals" not in inspect(connection).get_table_names()
                columns = {c["name"] for c in inspect(connection).get_columns("document_sums")}
                assert not {"status", "credited_full", "reversed"} & columns
            assert _read(application, f"{OLD} FROM document_sums ORDER BY document_id") == [r[:-3] for r in kept]
            application.engine.dispose()

            command.upgrade(alembic_config(url), "head")
            assert _read(application, SUMS) == kept
            assert _read(application, TOTALS) == totals
            uow = application.uow()
            with uow:
                assert uow.integrity.sums_astray(ctx.company_id) == []
                assert uow.integrity.totals_astray(ctx.company_id) == []
        finally:
            application.close()
