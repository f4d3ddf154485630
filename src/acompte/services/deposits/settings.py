"""Deposit settings: the company's options, the default percentages per party, item, or item for one party,
and the default deposit of a document they give."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from acompte.domain.deposit_events import ItemDepositPercentSet
from acompte.domain.deposits import DepositSettings, line_gross, parse_percent, percent_of, resolve_percent
from acompte.domain.documents import Document
from acompte.domain.errors import MissingDepositAmount
from acompte.domain.money import Money, total
from acompte.domain.parties import Company
from acompte.services import companies, parties
from acompte.services.deposits.family import doc_label
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork


def configure_deposits(uow: UnitOfWork, ctx: Ctx, **changes: Any) -> DepositSettings:
    """Change the deposit options (see DepositSettings): generate_payment_sale, generate_payment_purchase,
    payment_method, deduct_all, block_delivery, default_percent. Checked and recorded like every setting."""
    company = companies.change_settings(uow, ctx, {"deposits": changes})
    return DepositSettings.from_settings(company.settings)


def set_party_deposit_percent(
    uow: UnitOfWork, ctx: Ctx, party_id: int, percent: Decimal | str | None, *, item_id: int | None = None
) -> None:
    """The default deposit percentage of a customer or supplier — or, with `item_id`, of one item for this
    party. None removes it."""
    value = None if percent is None else str(parse_percent(percent))
    with uow:
        party = uow.parties.get(ctx.company_id, party_id)
        settings = dict(party.settings)
        if item_id is None:
            settings["deposit_percent"] = value
        else:
            uow.items.get(ctx.company_id, item_id)
            by_item = dict(settings.get("deposit_percent_by_item") or {})
            if value is None:
                by_item.pop(str(item_id), None)
            else:
                by_item[str(item_id)] = value
            settings["deposit_percent_by_item"] = by_item
        parties.update_party(uow, ctx, party_id, settings=settings)
        uow.commit()


def set_item_deposit_percent(uow: UnitOfWork, ctx: Ctx, item_id: int, percent: Decimal | str | None) -> None:
    """The default deposit percentage of an item (all parties). None removes it."""
    value = None if percent is None else str(parse_percent(percent))
    with uow:
        item = uow.items.get(ctx.company_id, item_id)
        settings = {**item.settings, "deposit_percent": value}
        uow.deposits.set_item_settings(ctx.company_id, item_id, settings)
        publish(
            uow,
            ctx,
            ItemDepositPercentSet(
                company_id=ctx.company_id,
                item_id=item_id,
                percent_before=item.settings.get("deposit_percent"),
                percent_after=value,
            ),
        )
        uow.commit()


def default_line_percents(uow: UnitOfWork, ctx: Ctx, company: Company, document: Document) -> dict[int, Decimal | None]:
    party = uow.parties.get(ctx.company_id, document.party_id)
    default = DepositSettings.from_settings(company.settings).default_percent
    result = {}
    for line in document.lines:
        item_settings = uow.items.get(ctx.company_id, line.item_id).settings if line.item_id is not None else None
        result[line.position] = resolve_percent(
            item_id=line.item_id, party_settings=party.settings, item_settings=item_settings, company_default=default
        )
    return result


def default_deposit(
    uow: UnitOfWork, ctx: Ctx, company: Company, document: Document
) -> tuple[Money | None, Decimal | None]:
    """The default deposit of a document: one percentage of its gross when every line has the same default,
    else the sum of each line's default share of its gross. MissingDepositAmount when nothing is configured."""
    percents = default_line_percents(uow, ctx, company, document)
    values = set(percents.values())
    if not any(values):
        raise MissingDepositAmount(document=doc_label(document))
    if len(values) == 1:
        return None, values.pop()
    by_position = {line.position: line for line in document.lines}
    amount = total(
        (percent_of(line_gross(by_position[p]), pct) for p, pct in percents.items() if pct), document.currency
    )
    return amount, None


def suggested_deposit(uow: UnitOfWork, ctx: Ctx, document_id: int) -> tuple[Money | None, Decimal | None]:
    """What a deposit on `document_id` starts from in a form: its default percentage (the party's, the item's, the
    company's — `default_deposit`), or the amount of the line defaults when they differ; (None, None) when none is
    configured."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id)
        try:
            return default_deposit(uow, ctx, company, document)
        except MissingDepositAmount:
            return None, None
