"""An export run reads what it posts per batch, in chunks of a fixed number of ids: a month holding more
documents and payments than one chunk is posted whole, each item once, with the same entries as a document
read on its own.

The company is populated in bulk (bench/populate.py: parties of 50 documents, all dated in March; invoices and
deposit invoices, orders paid by deposits, invoices half paid or paid, overpayments, payments on account)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from bench import populate
from sqlalchemy import text

from acompte import bootstrap
from acompte.domain.accounting import document_entries
from acompte.domain.money import Money, total
from acompte.persistence.export_batches import CHUNK
from acompte.services import exports
from acompte.services.ports import Ctx

YEAR = date.today().year - 1
MARCH = (date(YEAR, 3, 1), date(YEAR, 3, 31))


@pytest.fixture(scope="module")
def month(app: bootstrap.App) -> tuple[Ctx, exports.ExportResult]:
    """A March of more than two chunks of documents to post (and more than one chunk of payments), posted."""
    [company] = populate.create_companies(app.uow, ["Mois chargé"])
    parties = -(-4 * CHUNK // populate.PARTY_DOCUMENTS) + 1  # half of the pattern is posted: > 2 chunks
    populate.populate_parties(app.engine, company, parties, year=YEAR, month=3)
    ctx = Ctx(company.id, actor="tester")
    return ctx, exports.run_export(app.uow(), ctx, date_from=MARCH[0], date_to=MARCH[1])


def _count(app: bootstrap.App, ctx: Ctx, sql: str) -> int:
    with app.engine.connect() as conn:
        return int(conn.execute(text(sql), {"c": ctx.company_id}).scalar() or 0)


def test_every_document_and_payment_of_the_month_is_posted_once(
    app: bootstrap.App, month: tuple[Ctx, exports.ExportResult]
) -> None:
    ctx, run = month
    documents = _count(
        app,
        ctx,
        "SELECT count(*) FROM documents WHERE company_id = :c AND state = 'validated' "
        "AND kind IN ('invoice', 'deposit_invoice')",
    )
    payments = _count(app, ctx, "SELECT count(*) FROM payments WHERE company_id = :c AND state = 'active'")
    assert documents > 2 * CHUNK and payments > CHUNK
    assert (run.documents, run.payments) == (documents, payments)
    invoices = _count(
        app, ctx, "SELECT count(*) FROM documents WHERE company_id = :c AND state = 'validated' AND kind = 'invoice'"
    )
    sources = Counter(p.entry.source for p in run.posted)
    assert sum(1 for s in sources if s.startswith("doc:")) == invoices  # a deposit invoice makes no entry
    assert sum(1 for s in sources if s.startswith("pay:")) == payments
    assert all(count == 1 for count in sources.values())
    # the state the run leaves: nothing of March is left to post
    assert _count(app, ctx, "SELECT count(*) FROM payments WHERE company_id = :c AND NOT exported") == 0
    assert _count(app, ctx, "SELECT count(*) FROM exported_sources WHERE company_id = :c") == documents
    postings = "SELECT count(*) FROM allocation_postings WHERE company_id = :c"
    assert _count(app, ctx, postings) == _count(app, ctx, "SELECT count(*) FROM allocations WHERE company_id = :c")


def test_the_entries_balance_and_are_numbered_without_a_gap(month: tuple[Ctx, exports.ExportResult]) -> None:
    _, run = month
    for posted in run.posted:
        assert posted.entry.debit == posted.entry.credit
    debit = total((p.entry.debit for p in run.posted), "EUR")
    assert debit == total((p.entry.credit for p in run.posted), "EUR") == run.debit
    by_journal: dict[str, list[str]] = {}
    for posted in run.posted:
        by_journal.setdefault(posted.entry.journal.value, []).append(posted.number)
    for numbers in by_journal.values():
        sequences = [int(re.fullmatch(r".*?(\d+)", n).group(1)) for n in numbers]  # type: ignore[union-attr]
        assert sequences == list(range(1, len(numbers) + 1))


def test_a_document_posts_what_it_posts_when_read_on_its_own(
    app: bootstrap.App, month: tuple[Ctx, exports.ExportResult]
) -> None:
    ctx, run = month
    posted = {p.entry.source: p.entry for p in run.posted}
    with app.uow() as uow:
        company = uow.companies.get(ctx.company_id)
        settings = exports.accounting_settings(company)
        reader = exports.FactReader(uow, ctx, company, settings)  # nothing read beforehand: one by one
        for source in sorted(s for s in posted if s.startswith("doc:")):
            document = reader.document(int(source.removeprefix("doc:")))
            (alone,) = document_entries(reader.fact(document), settings)
            assert posted[source] == alone, source


def test_a_payment_posts_its_amount_against_what_it_settles(
    app: bootstrap.App, month: tuple[Ctx, exports.ExportResult]
) -> None:
    """Received: D 512 the amount / C 411 per invoice it settles (its allocation), C 4191 the net of a deposit
    (its VAT on 44571), C 411 what it leaves unallocated."""
    ctx, run = month
    with app.uow() as uow:
        for posted in run.posted:
            if not posted.entry.source.startswith("pay:"):
                continue
            payment_id = int(posted.entry.source.removeprefix("pay:"))
            payment = uow.payments.get(ctx.company_id, payment_id)
            assert posted.entry.debit == payment.amount
            allocations = uow.allocations.for_payment(ctx.company_id, payment_id)
            for allocation in allocations:
                key = f"doc:{allocation.document_id}"
                credited = total((line.credit for line in posted.entry.lines if line.match_key == key), "EUR")
                if uow.documents.get(ctx.company_id, allocation.document_id).kind.value == "invoice":
                    assert credited == allocation.amount, (posted.entry.source, key)
                else:  # a deposit: its net on 4191
                    assert Money.zero("EUR") < credited < allocation.amount, (posted.entry.source, key)
            rest = payment.amount - total((a.amount for a in allocations), "EUR")
            on_account = total((ln.credit for ln in posted.entry.lines if ln.match_key == posted.entry.source), "EUR")
            assert on_account == rest


def test_the_ledger_reads_back_what_the_run_posted(app: bootstrap.App, month: tuple[Ctx, exports.ExportResult]) -> None:
    ctx, run = month
    assert exports.ledger(app.uow(), ctx, run_id=run.run_id).entries == run.posted
