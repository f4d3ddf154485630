"""Companies (tenants) and their settings: VAT rates, number-series prefixes, payment methods, accounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from acompte.domain.accounts import PaymentTerms
from acompte.domain.company_events import (
    AccountAdded,
    CompanyCreated,
    CompanyIdentityChanged,
    PaymentMethodChanged,
    SettingsChanged,
    VatRatesChanged,
)
from acompte.domain.errors import InvalidSetting, Reason
from acompte.domain.money import minor_unit
from acompte.domain.numbering import DEFAULT_PREFIXES
from acompte.domain.parties import Company, normalize_siren, normalize_vat_number
from acompte.domain.payments import DEFAULT_METHODS, AccountKind, Method
from acompte.domain.vat import FRENCH_RATES, VatRounding, normalize_rate
from acompte.services.messagebus import publish
from acompte.services.payment_terms import DEFAULT_PAYMENT_TERMS_KEY
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import PaymentMethodView


def create_company(
    uow: UnitOfWork,
    *,
    name: str,
    currency: str = "EUR",
    siren: str | None = None,
    vat_number: str | None = None,
    address: str = "",
    vat_rates: tuple[Decimal, ...] = FRENCH_RATES,
    vat_rounding: VatRounding = VatRounding.PER_RATE,
    settings: dict[str, Any] | None = None,
    actor: str = "system",
) -> int:
    """Create a company with the French VAT rates, the default payment methods, a bank account and a till."""
    name = name.strip()
    if not name:
        raise InvalidSetting(reason=Reason.COMPANY_NAME_REQUIRED)
    minor_unit(currency)  # raises UnknownCurrency
    with uow:
        company_id = uow.companies.add(
            name=name,
            currency=currency,
            siren=siren,
            vat_number=vat_number,
            address=address,
            vat_rates=[normalize_rate(r) for r in vat_rates],
            methods=DEFAULT_METHODS,
            vat_rounding=vat_rounding.value,
            settings=settings or {},
        )
        uow.companies.add_account(company_id, name="Banque", kind=AccountKind.BANK.value)
        uow.companies.add_account(company_id, name="Caisse", kind=AccountKind.CASH.value)
        publish(uow, Ctx(company_id, actor), CompanyCreated(company_id=company_id, name=name, currency=currency))
        uow.commit()
        return int(company_id)


def get_company(uow: UnitOfWork, ctx: Ctx) -> Company:
    with uow:
        return uow.companies.get(ctx.company_id)


def list_companies(uow: UnitOfWork) -> list[Company]:
    with uow:
        return list(uow.companies.list())


def accounts(uow: UnitOfWork, ctx: Ctx) -> list[tuple[int, str, str]]:
    with uow:
        return list(uow.companies.accounts(ctx.company_id))


def add_account(uow: UnitOfWork, ctx: Ctx, *, name: str, kind: AccountKind, iban: str = "") -> int:
    if not name.strip():
        raise InvalidSetting(reason=Reason.ACCOUNT_NAME_REQUIRED)
    with uow:
        account_id = uow.companies.add_account(ctx.company_id, name=name.strip(), kind=kind.value, iban=iban)
        publish(uow, ctx, AccountAdded(company_id=ctx.company_id, name=name, account_kind=kind.value))
        uow.commit()
        return int(account_id)


def set_vat_rates(uow: UnitOfWork, ctx: Ctx, rates: list[Decimal]) -> None:
    normalized = sorted({normalize_rate(r) for r in rates}, reverse=True)
    if not normalized:
        raise InvalidSetting(reason=Reason.VAT_RATE_REQUIRED)
    with uow:
        before = uow.companies.get(ctx.company_id).vat_rates
        uow.companies.set_vat_rates(ctx.company_id, normalized)
        publish(uow, ctx, VatRatesChanged(company_id=ctx.company_id, before=tuple(before), after=tuple(normalized)))
        uow.commit()


def payment_methods(uow: UnitOfWork, ctx: Ctx, *, include_inactive: bool = False) -> list[PaymentMethodView]:
    """The company's payment methods: the ones it offers, and with `include_inactive` also the ones turned off
    (a settings page lists them to turn them back on). Offered ones first, each group by code."""
    with uow:
        uow.companies.currency(ctx.company_id)  # NotFound for an unknown company
        found = uow.companies.methods(ctx.company_id, include_inactive=include_inactive)
        return sorted(found, key=lambda m: not m.active)


def set_payment_method(uow: UnitOfWork, ctx: Ctx, method: Method, *, active: bool = True) -> None:
    if not method.code.strip() or not method.label.strip():
        raise InvalidSetting(reason=Reason.METHOD_CODE_AND_LABEL)
    with uow:
        uow.companies.set_method(ctx.company_id, method, active)
        publish(
            uow,
            ctx,
            PaymentMethodChanged(company_id=ctx.company_id, code=method.code, digital=method.digital, active=active),
        )
        uow.commit()


def set_prefix(uow: UnitOfWork, ctx: Ctx, key: str, prefix: str) -> None:
    """Change the prefix of a number series (`invoice/sale` → `FA`). Applies to numbers assigned from now."""
    if key not in DEFAULT_PREFIXES:
        raise InvalidSetting(reason=Reason.UNKNOWN_SERIES, series=key)
    if not prefix or len(prefix) > 12 or any(c.isspace() for c in prefix):
        raise InvalidSetting(reason=Reason.PREFIX_SHAPE)
    update_settings(uow, ctx, {"prefixes": {key: prefix}})


def update_identity(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    name: str,
    siren: str | None,
    vat_number: str | None,
    address: str,
    legal: dict[str, str] | None = None,
) -> Company:
    """The company's name, SIREN, VAT number, address and legal mentions, changed and recorded as one change."""
    name = name.strip()
    if not name:
        raise InvalidSetting(reason=Reason.COMPANY_NAME_REQUIRED)
    after = {"name": name, "siren": normalize_siren(siren), "vat_number": normalize_vat_number(vat_number)}
    with uow:
        company = uow.companies.get(ctx.company_id)
        before = {"name": company.name, "siren": company.siren, "vat_number": company.vat_number}
        uow.companies.update(ctx.company_id, address=address.strip(), **after)
        publish(uow, ctx, CompanyIdentityChanged(company_id=ctx.company_id, before=before, after=after))
        if legal is not None:
            update_settings(uow, ctx, {"legal": legal})
        uow.commit()
        return uow.companies.get(ctx.company_id)


def update_settings(uow: UnitOfWork, ctx: Ctx, changes: dict[str, Any]) -> dict[str, Any]:
    """Merge `changes` into the company settings (one level deep for dict values) and record the change."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        before = dict(company.settings)
        after = dict(before)
        for key, value in changes.items():
            if isinstance(value, dict) and isinstance(after.get(key), dict):
                after[key] = {**after[key], **value}
            else:
                after[key] = value
        uow.companies.update(ctx.company_id, settings=after)
        publish(uow, ctx, SettingsChanged(company_id=ctx.company_id, before=before, after=after))
        uow.commit()
        return after


def set_default_payment_terms(uow: UnitOfWork, ctx: Ctx, terms: PaymentTerms | None) -> dict[str, Any]:
    """The terms a sale invoice follows when neither it nor its customer has any (None: payable on receipt).
    Applied when an invoice is issued (`services.payment_terms`); issued invoices keep the terms they had."""
    return update_settings(uow, ctx, {DEFAULT_PAYMENT_TERMS_KEY: None if terms is None else terms.to_data()})
