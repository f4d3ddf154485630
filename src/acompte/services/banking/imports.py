"""Importing a bank statement into one of the company's bank accounts, and reading what was imported.

The file is read by an adapter (`adapters/bank_formats`) into a `Statement`; `import_statement` keeps the rules
of `domain.banking.statements`: the statement is the account's (currency, IBAN), its balances add up, and each
line is added once — a line already there (same key: the bank's entry reference, else the hash of account,
date, amount, label and position) is counted, not added again. One transaction: a refusal writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from acompte.domain.banking.lines import BankLine, NewBankLine
from acompte.domain.banking.statements import (
    BankImport,
    ImportSummary,
    LineFilter,
    Statement,
    StatementAccount,
    check_account,
    check_balances,
    check_not_empty,
    dedup_key,
    normalize_iban,
)
from acompte.domain.errors import NotFound
from acompte.domain.money import Money
from acompte.services.ports import Ctx, UnitOfWork

ACCOUNT = "Compte de trésorerie"
LINE = "Ligne de relevé"
#: Lines written per step; the progress callback is told after each.
STEP = 500

#: Told (lines done, lines in all) as the import goes: the command line draws its progress bar with it.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class AccountOverview:
    account: StatementAccount
    last_import: BankImport | None


def bank_accounts(uow: UnitOfWork, ctx: Ctx) -> list[AccountOverview]:
    """The company's bank accounts, each with its latest import."""
    with uow:
        last = uow.bank.last_imports(ctx.company_id)
        return [AccountOverview(a, last.get(a.id)) for a in uow.bank.statement_accounts(ctx.company_id)]


def get_account(uow: UnitOfWork, ctx: Ctx, account_id: int) -> StatementAccount:
    with uow:
        found = uow.bank.statement_account(ctx.company_id, account_id)
    if found is None:
        raise NotFound(entity=ACCOUNT, id=account_id)
    return found


def find_account(uow: UnitOfWork, ctx: Ctx, key: str) -> StatementAccount:
    """A bank account by its id or its IBAN (spaces and case ignored)."""
    text = key.strip()
    if text.isdigit() and len(text) <= 18:
        return get_account(uow, ctx, int(text))
    wanted = normalize_iban(text)
    with uow:
        for account in uow.bank.statement_accounts(ctx.company_id):
            if wanted and normalize_iban(account.iban) == wanted:
                return account
    raise NotFound(entity=ACCOUNT, id=text[:40])


def import_statement(
    uow: UnitOfWork,
    ctx: Ctx,
    account_id: int,
    statement: Statement,
    *,
    file_name: str = "",
    file_sha256: str,
    progress: Progress | None = None,
) -> ImportSummary:
    """Add the statement's new lines to the account and record the import (with what it added and skipped)."""
    check_not_empty(statement)
    check_balances(statement)
    with uow:
        account = uow.bank.statement_account(ctx.company_id, account_id, lock=True)
        if account is None:
            raise NotFound(entity=ACCOUNT, id=account_id)
        check_account(statement, account)
        keyed = [(line, dedup_key(account.id, line)) for line in statement.lines]
        there = uow.bank.existing_keys(ctx.company_id, account.id, [key for _, key in keyed])
        new: list[tuple[NewBankLine, str]] = []
        for line, key in keyed:
            if key not in there:
                new.append((line, key))
                there.add(key)  # twice in one file: the bank's reference names one entry
        import_id = uow.bank.add_import(
            ctx.company_id,
            account.id,
            format=statement.format.value,
            file_sha256=file_sha256,
            currency=statement.currency,
            file_name=file_name[:255],
            statement_ref=statement.statement_ref[:100],
            period=statement.period,
            balances=(statement.opening, statement.closing),
            imported_by=ctx.actor[:100],
        )
        total = len(new)
        if progress is not None:
            progress(0, total)
        for start in range(0, total, STEP):
            uow.bank.add_lines(ctx.company_id, account.id, import_id, new[start : start + STEP])
            if progress is not None:
                progress(min(start + STEP, total), total)
        skipped = len(keyed) - total
        uow.bank.set_import_counts(ctx.company_id, import_id, added=total, skipped=skipped)
        uow.commit()
    return ImportSummary(
        import_id=import_id,
        account_id=account.id,
        format=statement.format,
        lines_in_file=len(keyed),
        added=total,
        skipped=skipped,
        opening=statement.opening,
        closing=statement.closing,
    )


def list_imports(
    uow: UnitOfWork, ctx: Ctx, *, account_id: int | None = None, after_id: int | None = None, limit: int = 500
) -> list[BankImport]:
    """Imports, newest first."""
    with uow:
        return uow.bank.imports(ctx.company_id, account_id, after_id=after_id, limit=limit)


def list_lines(
    uow: UnitOfWork, ctx: Ctx, where: LineFilter, *, after_id: int | None = None, limit: int = 500
) -> list[BankLine]:
    """Lines by filter, in id order (for cursor paging)."""
    with uow:
        return uow.bank.find_lines(ctx.company_id, where, after_id=after_id, limit=limit)


@dataclass(frozen=True)
class LinePage:
    lines: list[BankLine]
    count: int
    total: Money


def line_page(uow: UnitOfWork, ctx: Ctx, where: LineFilter, *, page: int, size: int, currency: str) -> LinePage:
    """One page of lines, newest booking first, with how many match and their sum (for a screen)."""
    with uow:
        count, minor = uow.bank.count_lines(ctx.company_id, where)
        lines = uow.bank.find_lines(ctx.company_id, where, offset=(page - 1) * size, limit=size, newest_first=True)
    return LinePage(lines, count, Money.from_minor(minor, currency))


def get_line(uow: UnitOfWork, ctx: Ctx, line_id: int) -> BankLine:
    with uow:
        found = uow.bank.line(ctx.company_id, line_id)
    if found is None:
        raise NotFound(entity=LINE, id=line_id)
    return found
