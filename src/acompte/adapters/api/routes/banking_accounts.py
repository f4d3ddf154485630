"""The company's bank accounts: list, create, read, change (administrator). Changes accept `If-Match` (the
account's `version`, also sent as its ETag): 412 when it changed since."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from fastapi import Response

from acompte.adapters.api.dependencies import AdminCtx, IfMatch, PageParams, ReadCtx, Uow, etag, parse_id
from acompte.adapters.api.routing import capability_router
from acompte.adapters.api.schemas.banking_accounts import BankAccountIn, BankAccountOut, BankAccountPatch
from acompte.adapters.api.schemas.common import Page
from acompte.domain.banking.accounts import TreasuryAccount
from acompte.domain.payments import AccountKind
from acompte.services.banking import accounts

router = capability_router("/bank-accounts", "bank accounts")
ENTITY = "Compte de trésorerie"
BANK = AccountKind.BANK


def _out(account: TreasuryAccount, response: Response) -> BankAccountOut:
    response.headers["ETag"] = etag(account.version)
    return BankAccountOut.model_validate(account)


@router.get("", summary="List the company's bank accounts")
def list_bank_accounts(
    ctx: ReadCtx, uow: Uow, paging: PageParams, include_inactive: bool = False
) -> Page[BankAccountOut]:
    found = accounts.list_accounts(uow, ctx, kind=BANK, include_inactive=include_inactive)
    rows, cursor = paging.slice(found)
    return Page(items=[BankAccountOut.model_validate(a) for a in rows], next_cursor=cursor)


@router.post("", status_code=201, summary="Add a bank account (administrator)")
def create_bank_account(body: BankAccountIn, ctx: AdminCtx, uow: Uow, response: Response) -> BankAccountOut:
    account = accounts.create_account(
        uow,
        ctx,
        name=body.name,
        iban=body.iban,
        bic=body.bic,
        ledger_account=body.ledger_account,
        currency=body.currency or None,
        opening_balance=Decimal(body.opening_balance),
        opening_date=body.opening_date,
    )
    response.headers["Location"] = f"/api/v1/bank-accounts/{account.id}"
    return _out(account, response)


@router.get("/{account_id}", summary="Read a bank account")
def get_bank_account(account_id: str, ctx: ReadCtx, uow: Uow, response: Response) -> BankAccountOut:
    return _out(accounts.get_account(uow, ctx, parse_id(account_id, ENTITY), kind=BANK), response)


@router.patch("/{account_id}", summary="Change a bank account (only the fields sent; administrator)")
def change_bank_account(
    account_id: str, body: BankAccountPatch, ctx: AdminCtx, uow: Uow, expected: IfMatch, response: Response
) -> BankAccountOut:
    changes = cast(accounts.AccountChanges, body.changes())
    if "opening_balance" in changes:
        changes["opening_balance"] = Decimal(str(changes["opening_balance"]))
    account = accounts.change_account(
        uow, ctx, parse_id(account_id, ENTITY), changes, expected_version=expected, kind=BANK
    )
    return _out(account, response)
