"""The company's bank accounts (treasury accounts of kind bank, and cash registers beside them): create, change,
list, deactivate. Each is checked whole before anything is written: its IBAN and BIC (python-stdnum), its own
ledger account (512…, 53… for cash; empty: the chart's), its currency and opening balance.

A change names the version it was read at (`expected_version`): a stale one is refused (`StaleVersion`, the
API's If-Match → 412)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any, TypedDict

from acompte.domain.bank_account_events import BankAccountChanged
from acompte.domain.banking.accounts import TreasuryAccount, check_ledger_account, check_opening_balance
from acompte.domain.company_events import AccountAdded
from acompte.domain.dates import check_optional
from acompte.domain.errors import InvalidSetting, NotFound, Reason, StaleVersion
from acompte.domain.events import plain
from acompte.domain.money import Money, minor_unit
from acompte.domain.payments import AccountKind
from acompte.services import identifiers
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork

ENTITY = "Compte de trésorerie"


class AccountChanges(TypedDict, total=False):
    """What a change may set (all optional); `opening_balance` is an amount in the account's currency."""

    name: str
    iban: str
    bic: str
    ledger_account: str
    currency: str
    opening_balance: Decimal | Money
    opening_date: date | None
    active: bool


def list_accounts(
    uow: UnitOfWork, ctx: Ctx, *, kind: AccountKind | None = AccountKind.BANK, include_inactive: bool = False
) -> list[TreasuryAccount]:
    """The company's bank accounts (by default; `kind=None`: cash registers too), oldest first."""
    with uow:
        uow.companies.currency(ctx.company_id)  # NotFound for an unknown company
        return list(uow.bank_accounts.list(ctx.company_id, kind=kind, include_inactive=include_inactive))


def get_account(uow: UnitOfWork, ctx: Ctx, account_id: int, *, kind: AccountKind | None = None) -> TreasuryAccount:
    """One account of the company; another company's, or one of another kind than `kind`: NotFound."""
    with uow:
        return _of_kind(uow.bank_accounts.get(ctx.company_id, account_id), kind)


def create_account(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    name: str,
    kind: AccountKind = AccountKind.BANK,
    iban: str = "",
    bic: str = "",
    ledger_account: str = "",
    currency: str | None = None,
    opening_balance: Decimal | Money = Decimal(0),
    opening_date: date | None = None,
) -> TreasuryAccount:
    """A new treasury account; `currency` empty: the company's."""
    with uow:
        own_currency = (currency or "").strip().upper() or uow.companies.currency(ctx.company_id)
        fields = _checked(
            kind,
            name=name,
            iban=iban,
            bic=bic,
            ledger_account=ledger_account,
            currency=own_currency,
            opening_balance=opening_balance,
            opening_date=opening_date,
        )
        account = uow.bank_accounts.add(ctx.company_id, kind=kind, **fields)
        publish(uow, ctx, AccountAdded(company_id=ctx.company_id, name=account.name, account_kind=kind.value))
        uow.commit()
        return account


def change_account(
    uow: UnitOfWork,
    ctx: Ctx,
    account_id: int,
    changes: AccountChanges,
    *,
    expected_version: int | None = None,
    kind: AccountKind | None = None,
) -> TreasuryAccount:
    """Change the fields given, checked as a whole with the ones kept; nothing changed: nothing written."""
    unknown = set(changes) - set(AccountChanges.__annotations__)
    if unknown:
        raise InvalidSetting(reason=Reason.UNKNOWN_FIELDS, fields=sorted(unknown))
    with uow:
        before = _of_kind(uow.bank_accounts.get(ctx.company_id, account_id, lock=True), kind)
        if expected_version is not None and before.version != expected_version:
            raise StaleVersion(entity=ENTITY, id=account_id, expected=expected_version, actual=before.version)
        currency = str(changes.get("currency") or before.currency).strip().upper()
        balance = changes.get("opening_balance", before.opening_balance.amount)
        fields = _checked(
            before.kind,
            name=changes.get("name", before.name),
            iban=changes.get("iban", before.iban),
            bic=changes.get("bic", before.bic),
            ledger_account=changes.get("ledger_account", before.ledger_account),
            currency=currency,
            opening_balance=balance,
            opening_date=changes.get("opening_date", before.opening_date),
        )
        active = bool(changes.get("active", before.active))
        after = dataclasses.replace(before, **fields, currency=currency, active=active)
        changed = [f.name for f in dataclasses.fields(after) if getattr(after, f.name) != getattr(before, f.name)]
        if not changed:
            return before
        saved = uow.bank_accounts.update(ctx.company_id, account_id, after)
        publish(
            uow,
            ctx,
            BankAccountChanged(
                company_id=ctx.company_id,
                account_id=account_id,
                before={name: plain(getattr(before, name)) for name in changed},
                after={name: plain(getattr(after, name)) for name in changed},
            ),
        )
        uow.commit()
        return saved


def deactivate_account(
    uow: UnitOfWork, ctx: Ctx, account_id: int, *, expected_version: int | None = None
) -> TreasuryAccount:
    """Stop offering the account for new payments; its payments and lines stay where they are."""
    return change_account(uow, ctx, account_id, {"active": False}, expected_version=expected_version)


def _of_kind(account: TreasuryAccount, kind: AccountKind | None) -> TreasuryAccount:
    if kind is not None and account.kind is not kind:
        raise NotFound(entity=ENTITY, id=account.id)
    return account


def _checked(
    kind: AccountKind,
    *,
    name: str,
    iban: str,
    bic: str,
    ledger_account: str,
    currency: str,
    opening_balance: Decimal | Money,
    opening_date: date | None,
) -> dict[str, Any]:
    """The account's fields as stored, or the first refused one's error."""
    name = " ".join(name.split())
    if not name:
        raise InvalidSetting(reason=Reason.ACCOUNT_NAME_REQUIRED, field="name")
    minor_unit(currency)  # UnknownCurrency for a code acompte does not know
    if isinstance(opening_balance, Money):
        balance = check_opening_balance(opening_balance, currency)
    else:
        balance = Money.of(opening_balance, currency)
    return {
        "name": name,
        "iban": identifiers.iban(iban) or "",
        "bic": identifiers.bic(bic),
        "ledger_account": check_ledger_account(ledger_account, kind),
        "opening_balance": balance,
        "opening_date": check_optional(opening_date),
    }
