"""A bank account with its own ledger account (5121, 5122…) books its payments and refunds there instead of the
chart's 512: each account's balance in the books follows its statements; the entries and the FEC stay valid."""

from __future__ import annotations

from datetime import date

from acompte.adapters.exports.fec import check_fec, read_fec, write_fec
from acompte.domain.accounting import Journal
from acompte.domain.documents import Kind
from acompte.domain.payments import AccountKind, Direction
from acompte.services import exports, payments
from acompte.services.banking import accounts
from tests.services.test_exports import balances, eur, issued, item, rows


def test_each_payment_posts_to_its_bank_accounts_own_ledger_account(uow, ctx, customer):
    first = accounts.create_account(uow, ctx, name="BNP", ledger_account="5121")
    second = accounts.create_account(uow, ctx, name="Crédit Mutuel", ledger_account="5122")
    chart = next(a for a in accounts.list_accounts(uow, ctx) if not a.ledger_account)  # the company's own "Banque"
    table = item(uow, ctx, "Table", "100.00")
    one = issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 3, 2), (table, "1"))
    two = issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 3, 2), (table, "2"))
    three = issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 3, 2), (table, "1"))

    def pay(
        account_id: int, amount: str, to: int | None, direction: Direction = Direction.IN, allocate: str = ""
    ) -> None:
        payments.record_payment(
            uow,
            ctx,
            party_id=customer.id,
            amount=eur(amount),
            method="transfer",
            direction=direction,
            payment_date=date(2026, 3, 5),
            account_id=account_id,
            allocations=[(to, eur(allocate or amount))] if to else [],
        )

    pay(first.id, "120.00", one.id)
    pay(second.id, "250.00", two.id, allocate="240.00")  # 10.00 over what it owes, given back from the same account
    pay(second.id, "10.00", None, Direction.OUT)  # refunded to the customer
    pay(chart.id, "120.00", three.id)

    result = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    bank = [p for p in result.posted if p.entry.journal is Journal.BANK]
    assert [rows(p)[0] for p in bank] == [
        ("5121", "120.00", ""),
        ("5122", "250.00", ""),
        ("411", "10.00", ""),
        ("512", "120.00", ""),
    ]
    assert rows(bank[2]) == [("411", "10.00", ""), ("5122", "", "10.00")]
    for posted in result.posted:
        assert sum((line.signed for line in posted.entry.lines), eur("0")) == eur("0")
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    totals = balances(ledger)
    assert (totals["5121"], totals["5122"], totals["512"], totals["411"]) == ("120.00", "240.00", "120.00", "0.00")

    content = write_fec(ledger)
    assert check_fec(content, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)) == []
    _, lines = read_fec(content)
    fec_accounts = {line.values["CompteNum"]: line.values["CompteLib"] for line in lines}
    assert {"5121", "5122", "512"} <= set(fec_accounts)
    assert fec_accounts["5122"]


def test_a_cash_register_with_its_own_account_posts_there(uow, ctx, customer):
    till = accounts.create_account(uow, ctx, name="Caisse atelier", kind=AccountKind.CASH, ledger_account="5312")
    table = item(uow, ctx, "Chaise", "50.00")
    invoice = issued(uow, ctx, customer.id, Kind.INVOICE, date(2026, 4, 2), (table, "1"))
    payments.record_payment(
        uow,
        ctx,
        party_id=customer.id,
        amount=eur("60.00"),
        method="cash",
        payment_date=date(2026, 4, 3),
        account_id=till.id,
        allocations=[(invoice.id, eur("60.00"))],
    )
    result = exports.run_export(uow, ctx, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30))
    cash = next(p for p in result.posted if p.entry.journal is Journal.CASH)
    assert rows(cash) == [("5312", "60.00", ""), ("411", "", "60.00")]
