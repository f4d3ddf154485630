"""The company's bank accounts: IBAN, BIC, ledger account, currency and opening balance checked whole; a change
from a stale version refused; nothing written on a refusal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.banking.errors import InvalidBankAccount
from acompte.domain.errors import (
    InvalidAmount,
    InvalidDate,
    InvalidIdentifier,
    InvalidSetting,
    NotFound,
    Reason,
    StaleVersion,
    UnknownCurrency,
)
from acompte.domain.money import Money
from acompte.domain.payments import AccountKind
from acompte.services import history
from acompte.services.banking import accounts

IBAN = "FR76 3000 6000 0112 3456 7890 189"


def test_a_bank_account_is_stored_with_its_details_compact(uow, ctx):
    account = accounts.create_account(
        uow,
        ctx,
        name="  Crédit  Agricole ",
        iban=IBAN.lower(),
        bic="agri fr pp 881",
        ledger_account="5122",
        opening_balance=Decimal("1234.56"),
        opening_date=date(2026, 1, 1),
    )
    assert (account.name, account.iban, account.bic) == (
        "Crédit Agricole",
        "FR7630006000011234567890189",
        "AGRIFRPP881",
    )
    assert (account.ledger_account, account.currency) == ("5122", "EUR")
    assert account.opening_balance == Money.of("1234.56", "EUR") and account.version == 1
    listed = accounts.list_accounts(uow, ctx)
    assert account in listed and all(a.kind is AccountKind.BANK for a in listed)


@pytest.mark.parametrize(
    ("fields", "error", "rule"),
    [
        ({"iban": "FR76 3000 6000 0112 3456 7890 188"}, InvalidIdentifier, Reason.IDENTIFIER_CHECKSUM),
        ({"iban": "FR76 3000"}, InvalidIdentifier, Reason.IBAN_SHAPE),
        ({"bic": "AGRIXXPP"}, InvalidIdentifier, Reason.BIC_SHAPE),
        ({"bic": "AGRI"}, InvalidIdentifier, Reason.BIC_SHAPE),
        ({"ledger_account": "411"}, InvalidBankAccount, Reason.BANK_LEDGER_ACCOUNT),
        ({"ledger_account": "531"}, InvalidBankAccount, Reason.BANK_LEDGER_ACCOUNT),
        ({"ledger_account": "512 1"}, InvalidBankAccount, Reason.BANK_LEDGER_ACCOUNT),
        ({"name": "  "}, InvalidSetting, Reason.ACCOUNT_NAME_REQUIRED),
    ],
)
def test_a_bad_detail_is_refused_with_its_rule_and_nothing_is_written(uow, ctx, fields, error, rule):
    before = accounts.list_accounts(uow, ctx, kind=None, include_inactive=True)
    with pytest.raises(error) as refused:
        accounts.create_account(uow, ctx, **{"name": "Banque 2", **fields})
    assert rule in (refused.value.params.get("rule"), refused.value.params.get("reason"))
    assert accounts.list_accounts(uow, ctx, kind=None, include_inactive=True) == before


def test_an_unknown_currency_or_an_amount_finer_than_it_is_refused(uow, ctx):
    with pytest.raises(UnknownCurrency):
        accounts.create_account(uow, ctx, name="Banque XYZ", currency="XYZ")
    with pytest.raises(InvalidAmount):
        accounts.create_account(uow, ctx, name="Banque JPY", currency="JPY", opening_balance=Decimal("10.5"))
    with pytest.raises(InvalidBankAccount) as refused:
        accounts.create_account(uow, ctx, name="Banque USD", currency="USD", opening_balance=Money.of("1", "EUR"))
    assert refused.value.params["reason"] is Reason.OPENING_BALANCE_CURRENCY
    with pytest.raises(InvalidDate):
        accounts.create_account(uow, ctx, name="Banque", opening_date=date(1800, 1, 1))
    usd = accounts.create_account(uow, ctx, name="Banque USD", currency="usd", opening_balance=Decimal("-5"))
    assert usd.opening_balance == Money.of("-5.00", "USD")


def test_a_cash_register_books_to_53_and_is_not_a_bank_account(uow, ctx):
    till = accounts.create_account(uow, ctx, name="Caisse 2", kind=AccountKind.CASH, ledger_account="5312")
    assert till.ledger_account == "5312"
    with pytest.raises(InvalidBankAccount):
        accounts.create_account(uow, ctx, name="Caisse 3", kind=AccountKind.CASH, ledger_account="5121")
    with pytest.raises(NotFound):
        accounts.get_account(uow, ctx, till.id, kind=AccountKind.BANK)
    assert till not in accounts.list_accounts(uow, ctx)


def test_a_change_is_checked_whole_versioned_and_recorded(uow, ctx):
    account = accounts.create_account(uow, ctx, name="Banque Populaire", iban=IBAN)
    changed = accounts.change_account(
        uow, ctx, account.id, {"ledger_account": "5123", "opening_balance": Decimal("10")}, expected_version=1
    )
    assert (changed.ledger_account, changed.opening_balance, changed.version) == ("5123", Money.of("10", "EUR"), 2)
    assert changed.iban == account.iban
    with pytest.raises(StaleVersion):
        accounts.change_account(uow, ctx, account.id, {"name": "Autre"}, expected_version=1)
    with pytest.raises(InvalidIdentifier):
        accounts.change_account(uow, ctx, account.id, {"bic": "nope", "name": "Autre"}, expected_version=2)
    assert accounts.get_account(uow, ctx, account.id) == changed
    same = accounts.change_account(uow, ctx, account.id, {"ledger_account": "5123"}, expected_version=2)
    assert same.version == 2
    events = [e for e in history.company_history(uow, ctx) if e.kind == "BankAccountChanged"]
    assert any(e.data["after"] == {"ledger_account": "5123", "opening_balance": "10.00"} for e in events)


def test_a_deactivated_account_leaves_the_list_and_another_company_never_sees_one(uow, ctx, other_ctx):
    account = accounts.create_account(uow, ctx, name="Banque fermée")
    accounts.deactivate_account(uow, ctx, account.id, expected_version=1)
    assert account.id not in {a.id for a in accounts.list_accounts(uow, ctx)}
    assert account.id in {a.id for a in accounts.list_accounts(uow, ctx, include_inactive=True)}
    with pytest.raises(NotFound):
        accounts.get_account(uow, other_ctx, account.id)
    with pytest.raises(NotFound):
        accounts.change_account(uow, other_ctx, account.id, {"name": "x"})
