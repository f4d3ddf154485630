"""Accounting export runs on SQLite and PostgreSQL: the worked examples end to end, numbering, matching,
what gets marked exported, and the refusals (overlapping period, missing account) that write nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from acompte.adapters.exports.fec import check_fec, fec_filename, read_fec, write_csv, write_fec
from acompte.adapters.i18n import message as rendered
from acompte.domain.accounting import DeductionFact, Journal, PartyRef, share
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.errors import ExportPeriodOverlap, InvalidExportPeriod, MissingAccount
from acompte.domain.money import Money
from acompte.domain.parties import ItemKind
from acompte.services import companies, documents, exports, parties, payments
from acompte.services.ports import Ctx
from tests.helpers import snapshot

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def rows(posted) -> list[tuple[str, str, str]]:
    return [
        (
            line.account,
            str(line.debit.amount) if line.debit.is_positive else "",
            str(line.credit.amount) if line.credit.is_positive else "",
        )
        for line in posted.entry.lines
    ]


def item(uow, ctx, name: str, price: str, kind: ItemKind = ItemKind.GOODS):
    return parties.create_item(uow, ctx, name=name, unit_price=D(price), vat_rate=D("20"), kind=kind)


def issued(uow, ctx, party_id: int, kind: Kind, day: date, *items_qty, flow: Flow = Flow.SALE):
    draft = documents.create_document(
        uow,
        ctx,
        kind=kind,
        flow=flow,
        party_id=party_id,
        lines=[LineInput(it.name, D(qty), it.unit_price, it.vat_rate, item_id=it.id) for it, qty in items_qty],
        issue_date=day,
    )
    return documents.validate_document(uow, ctx, draft.id, today=day)


def paid(
    uow, ctx, party_id: int, amount: str, day: date, *to: int, direction=payments.Direction.IN, method: str = "transfer"
):
    return payments.record_payment(
        uow,
        ctx,
        party_id=party_id,
        amount=eur(amount),
        method=method,
        direction=direction,
        payment_date=day,
        allocations=[(doc_id, eur(amount)) for doc_id in to],
    )


def move_allocations(uow, ctx, source_id: int, target_id: int) -> None:
    """What converting an order into its invoice does to the order's payments (DESIGN §4; wired by the deposits
    capability): the allocations follow the document."""
    with uow:
        for allocation in uow.allocations.for_document(ctx.company_id, source_id):
            uow.allocations.move(ctx.company_id, allocation.id, document_id=target_id)
        uow.commit()


def balances(ledger) -> dict[str, str]:
    result: dict[str, Money] = {}
    for posted in ledger.entries:
        for line in posted.entry.lines:
            result[line.account] = result.get(line.account, eur("0")) + line.signed
    return {a: str(m.amount) for a, m in result.items()}


def test_ac01_end_to_end_deposit_invoice_paid_then_final_invoice_deducting_it_then_the_balance(uow, ctx, customer):
    table = item(uow, ctx, "Table en chêne", "1000.00")
    deposit_invoice = issued(uow, ctx, customer.id, Kind.DEPOSIT_INVOICE, date(2026, 2, 2), (table, "0.3"))
    assert deposit_invoice.document.gross == eur("360.00")
    deposit = paid(uow, ctx, customer.id, "360.00", date(2026, 2, 5), deposit_invoice.id)
    final = issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 3, 16), (table, "1"))
    balance = paid(uow, ctx, customer.id, "840.00", date(2026, 4, 10), final.id)

    def deductions(uow_, ctx_, date_to):  # what the deposits capability hands in: FA-0001 deducted from FA-0002
        deposit_parts = exports.FactReader(
            uow_, ctx_, uow_.companies.get(ctx_.company_id), exports.AccountingSettings()
        )
        parts = deposit_parts.fact(deposit_parts.document(deposit_invoice.id)).parts
        return [
            DeductionFact(
                "ded:1",
                final.document.number,
                f"doc:{final.id}",
                f"doc:{deposit_invoice.id}",
                date(2026, 3, 16),
                Flow.SALE,
                PartyRef(f"C{customer.id:05d}", customer.name),
                share(parts, eur("360.00")),
                deposit_invoice.document.number,
            )
        ]

    result = exports.run_export(
        uow, ctx, date_from=date(2026, 2, 1), date_to=date(2026, 4, 30), today=date(2026, 5, 2), providers=[deductions]
    )
    assert (result.documents, result.payments) == (2, 2)
    assert [(p.entry.journal, p.number, str(p.entry.entry_date)) for p in result.posted] == [
        (Journal.BANK, "BQ000001", "2026-02-05"),
        (Journal.SALES, "VE000001", "2026-03-16"),
        (Journal.MISC, "OD000001", "2026-03-16"),
        (Journal.BANK, "BQ000002", "2026-04-10"),
    ]
    receipt, invoice_entry, imputation, balance_entry = result.posted
    assert rows(receipt) == [("512", "360.00", ""), ("4191", "", "300.00"), ("44571", "", "60.00")]
    assert rows(invoice_entry) == [("411", "1200.00", ""), ("707", "", "1000.00"), ("44571", "", "200.00")]
    assert rows(imputation) == [("4191", "300.00", ""), ("44571", "60.00", ""), ("411", "", "360.00")]
    assert rows(balance_entry) == [("512", "840.00", ""), ("411", "", "840.00")]
    assert invoice_entry.entry.piece_ref == final.document.number
    assert all(p.valid_date == date(2026, 5, 2) for p in result.posted)

    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    assert balances(ledger) == {"512": "1200.00", "4191": "0.00", "44571": "-200.00", "411": "0.00", "707": "-1000.00"}
    lettered = {
        (ledger.entries[i].entry.lines[j].account, m.letter, m.matched_on) for (i, j), m in ledger.matches.items()
    }
    assert {(a, d) for a, _, d in lettered} == {("411", date(2026, 4, 10)), ("4191", date(2026, 3, 16))}
    assert sum(1 for (i, j) in ledger.matches if ledger.entries[i].entry.lines[j].account == "411") == 3

    # what was covered is now exported: the payments carry the flag, the documents are recorded
    assert payments.get_payment(uow, ctx, deposit.id).payment.exported
    assert payments.get_payment(uow, ctx, balance.id).payment.exported
    with uow:
        assert uow.exports.is_document_exported(ctx.company_id, final.id)
        assert uow.exports.is_document_exported(ctx.company_id, deposit_invoice.id)

    content = write_fec(ledger)
    assert (
        check_fec(
            content,
            date_from=date(2026, 2, 1),
            date_to=date(2026, 4, 30),
            filename=fec_filename("123456782", ledger.closing_date),
        )
        == []
    )
    assert fec_filename("123456782", ledger.closing_date) == "123456782FEC20261231.txt"
    _, lines = read_fec(content)
    first = lines[0].values
    assert (
        first["JournalCode"],
        first["EcritureNum"],
        first["EcritureDate"],
        first["CompteNum"],
        first["Debit"],
        first["Credit"],
    ) == (
        "BQ",
        "BQ000001",
        "20260205",
        "512",
        "360,00",
        "0,00",
    )
    assert [line.values["EcritureLet"] != "" for line in lines if line.values["CompteNum"] == "411"] == [
        True,
        True,
        True,
    ]

    # a second run finds nothing new in a later period
    again = exports.run_export(uow, ctx, date_from=date(2026, 5, 1), date_to=date(2026, 5, 31), providers=[deductions])
    assert again.posted == ()


def test_monthly_runs_impute_an_order_deposit_on_the_invoice_it_became_and_number_each_journal_continuously(
    uow, ctx, customer
):
    table = item(uow, ctx, "Table en chêne", "1000.00")
    order = issued(uow, ctx, customer.id, Kind.ORDER, date(2026, 2, 1), (table, "1"))
    paid(uow, ctx, customer.id, "360.00", date(2026, 2, 5), order.id)
    february = exports.run_export(
        uow, ctx, date_from=date(2026, 2, 1), date_to=date(2026, 2, 28), today=date(2026, 3, 1)
    )
    assert [rows(p) for p in february.posted] == [
        [("512", "360.00", ""), ("4191", "", "300.00"), ("44571", "", "60.00")]
    ]

    final = issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 3, 16), (table, "1"))
    move_allocations(uow, ctx, order.id, final.id)  # the order became the invoice: its deposit follows
    march = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), today=date(2026, 4, 1))
    assert [(p.number, rows(p)) for p in march.posted] == [
        ("VE000001", [("411", "1200.00", ""), ("707", "", "1000.00"), ("44571", "", "200.00")]),
        ("OD000001", [("4191", "300.00", ""), ("44571", "60.00", ""), ("411", "", "360.00")]),
    ]

    paid(uow, ctx, customer.id, "840.00", date(2026, 4, 10), final.id)
    april = exports.run_export(uow, ctx, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30), today=date(2026, 5, 1))
    assert [(p.number, rows(p)) for p in april.posted] == [("BQ000002", [("512", "840.00", ""), ("411", "", "840.00")])]

    year = exports.ledger(uow, ctx, on=date(2026, 6, 1))
    assert [p.number for p in year.entries] == ["BQ000001", "VE000001", "OD000001", "BQ000002"]
    assert balances(year) == {"512": "1200.00", "4191": "0.00", "44571": "-200.00", "411": "0.00", "707": "-1000.00"}
    assert len(year.matches) == 5  # 411 x3, 4191 x2
    content = write_fec(year, separator="|")
    assert check_fec(content, date_from=year.date_from, date_to=year.date_to) == []
    assert content.splitlines()[0].startswith(b"JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum")
    assert "Opérations diverses".encode("iso-8859-15") in content  # ISO 8859-15, not UTF-8
    assert [r.id for r in exports.list_runs(uow, ctx)] == [february.run_id, march.run_id, april.run_id]


def test_ac02_services_deposit_and_vat_due_on_receipt_through_the_export(uow, ctx, customer):
    mission = item(uow, ctx, "Mission de conseil", "1000.00", ItemKind.SERVICE)
    quote = issued(uow, ctx, customer.id, Kind.QUOTE, date(2026, 1, 5), (mission, "1"))
    paid(uow, ctx, customer.id, "180.00", date(2026, 1, 12), quote.id)
    final = issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 2, 27), (mission, "1"))
    move_allocations(uow, ctx, quote.id, final.id)
    paid(uow, ctx, customer.id, "1020.00", date(2026, 3, 20), final.id)
    result = exports.run_export(uow, ctx, date_from=date(2026, 1, 1), date_to=date(2026, 3, 31), today=date(2026, 4, 2))
    assert [(p.entry.journal.value, str(p.entry.entry_date), rows(p)) for p in result.posted] == [
        ("BQ", "2026-01-12", [("512", "180.00", ""), ("4191", "", "150.00"), ("44571", "", "30.00")]),
        ("VE", "2026-02-27", [("411", "1200.00", ""), ("706", "", "1000.00"), ("44574", "", "200.00")]),
        ("OD", "2026-02-27", [("4191", "150.00", ""), ("44574", "30.00", ""), ("411", "", "180.00")]),
        ("BQ", "2026-03-20", [("512", "1020.00", ""), ("411", "", "1020.00")]),
        ("OD", "2026-03-20", [("44574", "170.00", ""), ("44571", "", "170.00")]),
    ]
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    assert balances(ledger) == {
        "512": "1200.00",
        "4191": "0.00",
        "44571": "-200.00",
        "411": "0.00",
        "706": "-1000.00",
        "44574": "0.00",
    }
    assert check_fec(write_fec(ledger), date_from=date(2026, 1, 1), date_to=date(2026, 3, 31)) == []


def test_ac03_with_the_debits_option_the_invoice_collects_the_vat(uow, ctx, customer):
    companies.update_settings(uow, ctx, {"accounting": {"vat_on_debits": True}})
    mission = item(uow, ctx, "Mission de conseil", "1000.00", ItemKind.SERVICE)
    quote = issued(uow, ctx, customer.id, Kind.QUOTE, date(2026, 1, 5), (mission, "1"))
    paid(uow, ctx, customer.id, "180.00", date(2026, 1, 12), quote.id)
    final = issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 2, 27), (mission, "1"))
    move_allocations(uow, ctx, quote.id, final.id)
    paid(uow, ctx, customer.id, "1020.00", date(2026, 3, 20), final.id)
    result = exports.run_export(uow, ctx, date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))
    assert [rows(p) for p in result.posted] == [
        [("512", "180.00", ""), ("4191", "", "150.00"), ("44571", "", "30.00")],
        [("411", "1200.00", ""), ("706", "", "1000.00"), ("44571", "", "200.00")],
        [("4191", "150.00", ""), ("44571", "30.00", ""), ("411", "", "180.00")],
        [("512", "1020.00", ""), ("411", "", "1020.00")],
    ]


def test_ac07_supplier_deposit_purchase_invoice_and_balance(uow, ctx, supplier):
    wood = item(uow, ctx, "Bois", "2000.00")
    order = issued(uow, ctx, supplier.id, Kind.ORDER, date(2026, 2, 1), (wood, "1"), flow=Flow.PURCHASE)
    paid(uow, ctx, supplier.id, "480.00", date(2026, 2, 3), order.id, direction=payments.Direction.OUT)
    final = issued(uow, ctx, supplier.id, Kind.INVOICE, date(2026, 3, 2), (wood, "1"), flow=Flow.PURCHASE)
    move_allocations(uow, ctx, order.id, final.id)
    paid(uow, ctx, supplier.id, "1920.00", date(2026, 3, 30), final.id, direction=payments.Direction.OUT)
    result = exports.run_export(uow, ctx, date_from=date(2026, 2, 1), date_to=date(2026, 3, 31))
    assert [(p.entry.journal.value, rows(p)) for p in result.posted] == [
        ("BQ", [("4091", "400.00", ""), ("44566", "80.00", ""), ("512", "", "480.00")]),
        ("HA", [("607", "2000.00", ""), ("44566", "400.00", ""), ("401", "", "2400.00")]),
        ("OD", [("401", "480.00", ""), ("4091", "", "400.00"), ("44566", "", "80.00")]),
        ("BQ", [("401", "1920.00", ""), ("512", "", "1920.00")]),
    ]
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    assert balances(ledger) == {"4091": "0.00", "44566": "400.00", "512": "-2400.00", "607": "2000.00", "401": "0.00"}
    assert check_fec(write_fec(ledger), date_from=date(2026, 2, 1), date_to=date(2026, 3, 31)) == []


def test_an_overpayment_in_cash_stays_on_411_and_the_invoice_is_lettered(uow, ctx, customer):
    table = item(uow, ctx, "Chaise", "80.00")
    invoice = issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 3, 2), (table, "1"))
    payments.record_payment(
        uow,
        ctx,
        party_id=customer.id,
        amount=eur("100.00"),
        method="cash",
        payment_date=date(2026, 3, 3),
        allocations=[(invoice.id, eur("96.00"))],
    )
    result = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    cash = result.posted[1]
    assert cash.entry.journal is Journal.CASH and cash.number == "CA000001"
    assert rows(cash) == [("531", "100.00", ""), ("411", "", "96.00"), ("411", "", "4.00")]
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    assert sorted(j for (i, j) in ledger.matches if i == 1) == [1]  # the 96.00 is matched, the 4.00 stays open


def test_an_export_over_a_period_already_exported_is_refused_and_writes_nothing(uow, ctx, customer):
    table = item(uow, ctx, "Table", "100.00")
    issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 3, 2), (table, "1"))
    exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 3, 20), (table, "1"))
    before = snapshot(uow, ctx)
    runs_before = exports.list_runs(uow, ctx)
    with pytest.raises(ExportPeriodOverlap) as error:
        exports.run_export(uow, ctx, date_from=date(2026, 3, 31), date_to=date(2026, 4, 30))
    assert "du 01/03/2026 au 31/03/2026" in rendered(error.value, "fr")
    assert snapshot(uow, ctx) == before
    assert exports.list_runs(uow, ctx) == runs_before


def test_a_missing_account_is_named_and_nothing_is_written(uow, ctx, customer):
    companies.update_settings(uow, ctx, {"accounting": {"accounts": {"customers": ""}}})
    table = item(uow, ctx, "Table", "100.00")
    issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 3, 2), (table, "1"))
    before = snapshot(uow, ctx)
    with pytest.raises(MissingAccount) as error:
        exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert error.value.params["account"] == "clients"
    assert "« clients »" in rendered(error.value, "fr")
    assert snapshot(uow, ctx) == before
    assert exports.list_runs(uow, ctx) == []


def test_a_period_must_run_forward_and_stay_within_one_financial_year(uow, ctx):
    before = snapshot(uow, ctx)
    with pytest.raises(InvalidExportPeriod):
        exports.run_export(uow, ctx, date_from=date(2026, 3, 31), date_to=date(2026, 3, 1))
    with pytest.raises(InvalidExportPeriod):
        exports.run_export(uow, ctx, date_from=date(2026, 12, 1), date_to=date(2027, 1, 31))
    companies.update_settings(uow, ctx, {"accounting": {"fiscal_year_end": "06-30"}})
    result = exports.run_export(uow, ctx, date_from=date(2026, 12, 1), date_to=date(2027, 1, 31))
    assert (result.fiscal_year_start, result.fiscal_year_end) == (date(2026, 7, 1), date(2027, 6, 30))
    del before


def test_a_payment_recorded_late_in_an_exported_period_is_posted_on_the_next_run(uow, ctx, customer):
    table = item(uow, ctx, "Table", "100.00")
    invoice = issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 3, 2), (table, "1"))
    exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    paid(uow, ctx, customer.id, "120.00", date(2026, 3, 15), invoice.id)  # typed in April, dated in March
    old = issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 1, 10), (table, "1"))  # before any export
    april = exports.run_export(uow, ctx, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30))
    (late,) = april.posted
    assert late.entry.entry_date == date(2026, 4, 1) and late.entry.piece_date == date(2026, 3, 15)
    assert april.left_out == (old.document.number,)


def test_the_csv_lists_every_line_with_french_dates_and_decimal_commas(uow, ctx, customer):
    table = item(uow, ctx, "Table", "1234.56")
    issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 3, 2), (table, "1"))
    result = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    text = write_csv(exports.ledger(uow, ctx, run_id=result.run_id)).decode("utf-8-sig").splitlines()
    assert text[0].startswith("Date;Journal;NumeroEcriture;Compte")
    assert text[1].split(";")[:4] == ["02/03/2026", "VE", "VE000001", "411"]
    assert text[1].split(";")[9] == "1481,47"
    assert len(text) == 4


def test_each_company_numbers_its_own_journals(uow, ctx, other_ctx, customer, app):
    other_customer = parties.create_party(app.uow(), other_ctx, name="Autre client")
    for c, party_id in ((ctx, customer.id), (other_ctx, other_customer.id)):
        it = item(uow, c, "Table", "100.00")
        issued(uow, c, party_id, Kind.INVOICE, date(2026, 3, 2), (it, "1"))
    mine = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    theirs = exports.run_export(uow, other_ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert [p.number for p in mine.posted] == [p.number for p in theirs.posted] == ["VE000001"]
    assert isinstance(Ctx(1), Ctx)


def test_ac08_deposit_invoice_paid_then_cancelled_by_a_deposit_credit_note_and_refunded(uow, ctx, customer):
    table = item(uow, ctx, "Table en chêne", "1000.00")
    deposit_invoice = issued(uow, ctx, customer.id, Kind.DEPOSIT_INVOICE, date(2026, 2, 2), (table, "0.3"))
    paid(uow, ctx, customer.id, "360.00", date(2026, 2, 5), deposit_invoice.id)
    draft = documents.create_document(
        uow, ctx, kind=Kind.DEPOSIT_CREDIT_NOTE, flow=Flow.SALE, party_id=customer.id, origin_id=deposit_invoice.id,
        lines=[LineInput(table.name, D("0.3"), table.unit_price, table.vat_rate, item_id=table.id)],
    )  # fmt: skip
    credit = documents.validate_document(uow, ctx, draft.id, today=date(2026, 3, 1))
    paid(uow, ctx, customer.id, "360.00", date(2026, 3, 5), direction=payments.Direction.OUT)  # the refund
    result = exports.run_export(uow, ctx, date_from=date(2026, 2, 1), date_to=date(2026, 3, 31))
    assert [(p.entry.journal.value, p.entry.piece_ref, rows(p)) for p in result.posted] == [
        (
            "BQ",
            result.posted[0].entry.piece_ref,
            [("512", "360.00", ""), ("4191", "", "300.00"), ("44571", "", "60.00")],
        ),
        ("VE", credit.document.number, [("4191", "300.00", ""), ("44571", "60.00", ""), ("411", "", "360.00")]),
        ("BQ", result.posted[2].entry.piece_ref, [("411", "360.00", ""), ("512", "", "360.00")]),
    ]
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    assert balances(ledger) == {"512": "0.00", "4191": "0.00", "44571": "0.00", "411": "0.00"}
    assert {ledger.entries[i].entry.lines[j].account for i, j in ledger.matches} == {"4191"}


def test_two_clerks_exporting_the_same_period_at_once_post_it_once(app, ctx, customer):
    import threading

    table = item(app.uow(), ctx, "Table", "100.00")
    issued(app.uow(), ctx, customer.id, Kind.INVOICE, date(2026, 3, 2), (table, "1"))
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def export() -> None:
        barrier.wait()
        try:
            exports.run_export(app.uow(), ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
            outcomes.append("done")
        except ExportPeriodOverlap:
            outcomes.append("overlap")

    threads = [threading.Thread(target=export) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["done", "overlap"]
    (run,) = exports.list_runs(app.uow(), ctx)
    assert run.entry_count == 1


def test_facts_handed_in_by_other_capabilities_are_posted_once(uow, ctx, customer):
    from acompte.domain.accounting import RefundFact, WriteOffFact, WriteOffKind

    party = PartyRef(f"C{customer.id:05d}", customer.name)

    def credits(uow_, ctx_, date_to):
        return [
            WriteOffFact(
                "wo:1", "RC-2026-00009", date(2026, 3, 31), Flow.SALE, party, eur("0.04"), WriteOffKind.GAIN, "pay:9"
            ),
            RefundFact("ref:1", "RD-2026-00001", date(2026, 4, 3), Flow.SALE, party, eur("25.00"), "doc:7"),
        ]

    march = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), providers=[credits])
    assert [(p.number, rows(p)) for p in march.posted] == [("OD000001", [("411", "0.04", ""), ("758", "", "0.04")])]
    april = exports.run_export(uow, ctx, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30), providers=[credits])
    assert [(p.number, rows(p)) for p in april.posted] == [("BQ000001", [("411", "25.00", ""), ("512", "", "25.00")])]
