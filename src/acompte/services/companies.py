"""Companies (tenants) and their settings: VAT rates, number-series prefixes, payment methods, accounts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from acompte.domain.accounting import AccountingSettings, AccountMapping, Journal, Nature
from acompte.domain.accounts import PaymentTerms
from acompte.domain.addresses import ADDRESS_FIELDS, PostalAddress
from acompte.domain.banking.confirmation import AUTO_RECONCILE_SETTING
from acompte.domain.company_events import (
    AccountAdded,
    CompanyCreated,
    CompanyIdentityChanged,
    PaymentMethodChanged,
    SettingsChanged,
    VatRatesChanged,
)
from acompte.domain.credits import WRITE_OFF_THRESHOLD_SETTING, write_off_threshold
from acompte.domain.deposits import DepositSettings, parse_percent
from acompte.domain.einvoicing import DeductionEncoding
from acompte.domain.errors import DomainError, InvalidSetting, Reason, StaleVersion
from acompte.domain.money import minor_unit
from acompte.domain.numbering import DEFAULT_PREFIXES
from acompte.domain.parties import Company
from acompte.domain.payments import DEFAULT_METHODS, AccountKind, Method
from acompte.domain.vat import FRENCH_RATES, VatRounding, normalize_rate
from acompte.services import identifiers
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
    address: PostalAddress | str | None = None,
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
    siren = identifiers.siren(siren)
    vat_number = identifiers.vat_number(vat_number, siren=siren)
    # One text box (older callers) is read into the fields as the API reads it.
    typed = {"address": address} if isinstance(address, str) else (address or PostalAddress()).fields()
    checked = identifiers.address(typed)
    with uow:
        company_id = uow.companies.add(
            name=name,
            currency=currency,
            siren=siren,
            vat_number=vat_number,
            address=checked,
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
    checked_iban = identifiers.iban(iban) or ""
    with uow:
        account_id = uow.companies.add_account(ctx.company_id, name=name.strip(), kind=kind.value, iban=checked_iban)
        publish(uow, ctx, AccountAdded(company_id=ctx.company_id, name=name, account_kind=kind.value))
        uow.commit()
        return int(account_id)


def set_vat_rates(uow: UnitOfWork, ctx: Ctx, rates: list[Decimal]) -> None:
    change_settings(uow, ctx, {"vat_rates": rates})


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
    change_settings(uow, ctx, {"prefixes": {key: prefix}})


def update_identity(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    name: str,
    siren: str | None,
    vat_number: str | None,
    address: Mapping[str, Any],
    legal: dict[str, str] | None = None,
) -> Company:
    """The company's name, SIREN, VAT number, address (its fields, `ADDRESS_FIELDS`) and legal mentions,
    changed and recorded as one change."""
    changes: dict[str, Any] = {"name": name, "siren": siren, "vat_number": vat_number, **address}
    if legal is not None:
        changes["legal"] = legal
    return change_settings(uow, ctx, changes)


def update_settings(uow: UnitOfWork, ctx: Ctx, changes: dict[str, Any]) -> dict[str, Any]:
    """Merge `changes` into the company settings (one level deep for dict values) and record the change.

    No check of the values: for the services that validated their own setting; people's changes go through
    `change_settings`."""
    with uow:
        company = uow.companies.get(ctx.company_id, lock=True)
        after = _merged(company.settings, changes)
        uow.companies.update(ctx.company_id, settings=after, version=company.version + 1)
        publish(uow, ctx, SettingsChanged(company_id=ctx.company_id, before=dict(company.settings), after=after))
        uow.commit()
        return after


def _merged(settings: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    after = dict(settings)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(after.get(key), dict):
            after[key] = {**after[key], **value}
        else:
            after[key] = value
    return after


# -- every setting, checked as a whole ---------------------------------------------------------------------------

#: The legal mentions printed on invoices and quotes (settings key `legal`).
LEGAL_MENTIONS = ("PMT", "PMD", "AAB", "payment_terms", "quote_validity")
#: The accounting options (settings key `accounting`).
ACCOUNTING_OPTIONS = ("accounts", "vat_on_debits", "imputation_journal", "default_nature")
#: The e-invoicing options (settings key `einvoicing`).
EINVOICING_OPTIONS = ("deduction_encoding",)
#: The company's columns `change_settings` changes; every other key is one of its settings.
COLUMNS = ("name", "siren", "vat_number", *ADDRESS_FIELDS, "vat_rounding")
SETTINGS = (
    "legal",
    "accounting",
    "prefixes",
    "deposits",
    "einvoicing",
    WRITE_OFF_THRESHOLD_SETTING,
    DEFAULT_PAYMENT_TERMS_KEY,
    AUTO_RECONCILE_SETTING,
)
#: Every key `change_settings` accepts.
CHANGEABLE = frozenset((*COLUMNS, "address", "vat_rates", *SETTINGS))


def change_settings(
    uow: UnitOfWork, ctx: Ctx, changes: Mapping[str, Any], *, expected_version: int | None = None
) -> Company:
    """Change any of the company's settings — identity (name, SIREN, VAT number, address), legal mentions, VAT
    rates and rounding, accounting options and accounts, number prefixes, deposit options, e-invoicing options,
    write-off threshold, automatic bank reconciliation — in one change, checked as a whole: one refused value (an
    error naming its `field`) and nothing is written. `expected_version` (the API's If-Match) refuses a change of
    a company changed since.

    Each changed part is recorded in the history (identity, VAT rates, settings) and the version goes up by one;
    the web settings page and the API both change the settings here."""
    unknown = set(changes) - CHANGEABLE
    if unknown:
        raise InvalidSetting(reason=Reason.UNKNOWN_FIELDS, fields=tuple(sorted(unknown)), field=sorted(unknown)[0])
    with uow:
        company = uow.companies.get(ctx.company_id, lock=True)
        if expected_version is not None and company.version != expected_version:
            raise StaleVersion(entity="Société", id=company.name, expected=expected_version, actual=company.version)
        columns = _columns(company, changes)
        rates = _rates(changes["vat_rates"]) if "vat_rates" in changes else None
        settings = _settings(company, changes)
        before_columns = {key: _column(company, key) for key in columns}
        changed = False
        if columns != before_columns:
            uow.companies.update(ctx.company_id, **columns)
            publish(uow, ctx, CompanyIdentityChanged(company_id=ctx.company_id, before=before_columns, after=columns))
            changed = True
        if rates is not None and tuple(rates) != tuple(company.vat_rates):
            uow.companies.set_vat_rates(ctx.company_id, rates)
            publish(uow, ctx, VatRatesChanged(company_id=ctx.company_id, before=company.vat_rates, after=tuple(rates)))
            changed = True
        if settings != company.settings:
            uow.companies.update(ctx.company_id, settings=settings)
            publish(uow, ctx, SettingsChanged(company_id=ctx.company_id, before=dict(company.settings), after=settings))
            changed = True
        if changed:
            uow.companies.update(ctx.company_id, version=company.version + 1)
        uow.commit()
        return uow.companies.get(ctx.company_id)


@contextmanager
def _field(name: str) -> Iterator[None]:
    """Name the setting at fault in an error raised by a check that does not know it."""
    try:
        yield
    except DomainError as exc:
        exc.params.setdefault("field", name)
        raise


def _column(company: Company, key: str) -> Any:
    value = getattr(company, key)
    return value.value if isinstance(value, VatRounding) else value


def _columns(company: Company, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The changed columns as stored: only the keys given (a partial change keeps the others)."""
    result: dict[str, Any] = {}
    if "name" in changes:
        name = str(changes["name"] or "").strip()
        if not name:
            raise InvalidSetting(reason=Reason.COMPANY_NAME_REQUIRED, field="name")
        result["name"] = name
    if "siren" in changes:
        result["siren"] = identifiers.siren(changes["siren"])
    if "siren" in changes or "vat_number" in changes:
        vat_number = changes.get("vat_number", company.vat_number)
        siren = result["siren"] if "siren" in changes else company.siren
        result["vat_number"] = identifiers.vat_number(vat_number, siren=siren)
    if "address" in changes or any(name in changes for name in ADDRESS_FIELDS):
        # `address` as one text box (older clients) is read into the fields; the fields sent win over it.
        result.update(identifiers.address(changes, company.address).fields())
    if "vat_rounding" in changes:
        result["vat_rounding"] = _choice("vat_rounding", changes["vat_rounding"], VatRounding).value
    return result


def _rates(rates: Any) -> list[Decimal]:
    with _field("vat_rates"):
        normalized = sorted({normalize_rate(r) for r in rates or ()}, reverse=True)
    if not normalized:
        raise InvalidSetting(reason=Reason.VAT_RATE_REQUIRED, field="vat_rates")
    return normalized


E = TypeVar("E", bound=StrEnum)


def _choice(field: str, value: Any, choices: type[E]) -> E:
    try:
        return choices(value)
    except ValueError:
        options = tuple(c.value for c in choices)
        raise InvalidSetting(reason=Reason.UNKNOWN_CHOICE, field=field, value=str(value), choices=options) from None


def _flag(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidSetting(reason=Reason.BOOLEAN_EXPECTED, field=field, value=repr(value))
    return value


def _group(field: str, value: Any, allowed: Iterable[str]) -> dict[str, Any]:
    """A group of options (`legal`, `accounting`…): a mapping of known keys."""
    if not isinstance(value, Mapping):
        raise InvalidSetting(reason=Reason.OPTIONS_EXPECTED, field=field)
    unknown = set(value) - set(allowed)
    if unknown:
        raise InvalidSetting(reason=Reason.UNKNOWN_FIELDS, fields=tuple(sorted(unknown)), field=field)
    return dict(value)


def _settings(company: Company, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The settings after the change, every given option checked (the others kept as they are)."""
    settings = dict(company.settings)
    if "legal" in changes:
        legal = _group("legal", changes["legal"], LEGAL_MENTIONS)
        settings["legal"] = {**dict(settings.get("legal") or {}), **{k: str(v or "").strip() for k, v in legal.items()}}
    if "accounting" in changes:
        settings["accounting"] = _accounting(dict(settings.get("accounting") or {}), changes["accounting"])
    if "prefixes" in changes:
        prefixes = dict(settings.get("prefixes") or {})
        for key, prefix in _group("prefixes", changes["prefixes"], DEFAULT_PREFIXES).items():
            if not isinstance(prefix, str) or not prefix or len(prefix) > 12 or any(c.isspace() for c in prefix):
                raise InvalidSetting(reason=Reason.PREFIX_SHAPE, field=f"prefixes.{key}")
            prefixes[key] = prefix
        settings["prefixes"] = prefixes
    if "deposits" in changes:
        settings["deposits"] = {**dict(settings.get("deposits") or {}), **_deposits(company, changes["deposits"])}
    if "einvoicing" in changes:
        einvoicing = _group("einvoicing", changes["einvoicing"], EINVOICING_OPTIONS)
        stored = dict(settings.get("einvoicing") or {})
        if "deduction_encoding" in einvoicing:
            field = "einvoicing.deduction_encoding"
            stored["deduction_encoding"] = _choice(field, einvoicing["deduction_encoding"], DeductionEncoding).value
        settings["einvoicing"] = stored
    if WRITE_OFF_THRESHOLD_SETTING in changes:
        raw = changes[WRITE_OFF_THRESHOLD_SETTING]
        if isinstance(raw, float | bool) or raw is None:
            raise InvalidSetting(reason=Reason.WRITE_OFF_THRESHOLD_INVALID, value=str(raw), field="write_off_threshold")
        with _field(WRITE_OFF_THRESHOLD_SETTING):
            threshold = write_off_threshold({WRITE_OFF_THRESHOLD_SETTING: raw}, company.currency)
        settings[WRITE_OFF_THRESHOLD_SETTING] = str(threshold.amount)
    if DEFAULT_PAYMENT_TERMS_KEY in changes:
        settings[DEFAULT_PAYMENT_TERMS_KEY] = _terms(changes[DEFAULT_PAYMENT_TERMS_KEY])
    if AUTO_RECONCILE_SETTING in changes:
        settings[AUTO_RECONCILE_SETTING] = _flag(AUTO_RECONCILE_SETTING, changes[AUTO_RECONCILE_SETTING])
    return settings


def _terms(value: Any) -> list[dict[str, Any]] | None:
    """Default payment terms as stored (None: payable on receipt), checked by the domain's own rule."""
    if value is None:
        return None
    if not isinstance(value, list | tuple):
        raise InvalidSetting(reason=Reason.OPTIONS_EXPECTED, field=DEFAULT_PAYMENT_TERMS_KEY)
    with _field(DEFAULT_PAYMENT_TERMS_KEY):
        return PaymentTerms.from_data(value).to_data()


def _accounting(stored: dict[str, Any], change: Any) -> dict[str, Any]:
    accounting = _group("accounting", change, ACCOUNTING_OPTIONS)
    result = dict(stored)
    if "accounts" in accounting:
        accounts = accounting["accounts"]
        if not isinstance(accounts, Mapping):
            raise InvalidSetting(reason=Reason.OPTIONS_EXPECTED, field="accounting.accounts")
        for role, number in accounts.items():
            with _field(f"accounting.accounts.{role}"):
                AccountMapping.from_settings({role: number})
        result["accounts"] = {**dict(stored.get("accounts") or {}), **{k: str(v) for k, v in accounts.items()}}
    if "vat_on_debits" in accounting:
        result["vat_on_debits"] = _flag("accounting.vat_on_debits", accounting["vat_on_debits"])
    if "imputation_journal" in accounting:
        journal = accounting["imputation_journal"]
        if journal not in (Journal.MISC.value, Journal.SALES.value):
            raise InvalidSetting(
                reason=Reason.INVALID_DEPOSIT_JOURNAL, journal=str(journal), field="accounting.imputation_journal"
            )
        result["imputation_journal"] = journal
    if "default_nature" in accounting:
        result["default_nature"] = _choice("accounting.default_nature", accounting["default_nature"], Nature).value
    with _field("accounting"):
        AccountingSettings.from_settings(result)
    return result


def _deposits(company: Company, change: Any) -> dict[str, Any]:
    """The deposit options (see DepositSettings) as stored."""
    if not isinstance(change, Mapping):
        raise InvalidSetting(reason=Reason.OPTIONS_EXPECTED, field="deposits")
    unknown = set(change) - set(DepositSettings.__dataclass_fields__)
    if unknown:
        raise InvalidSetting(reason=Reason.UNKNOWN_DEPOSIT_OPTIONS, options=tuple(sorted(unknown)), field="deposits")
    clean: dict[str, Any] = {}
    for key, value in change.items():
        if key == "default_percent":
            with _field("deposits.default_percent"):
                clean[key] = None if value in (None, "") else str(parse_percent(value))
        elif key == "payment_method":
            if company.method(str(value)) is None:
                raise InvalidSetting(
                    reason=Reason.UNKNOWN_PAYMENT_METHOD, method=str(value), field="deposits.payment_method"
                )
            clean[key] = str(value)
        elif isinstance(value, bool):
            clean[key] = value
        else:
            raise InvalidSetting(
                reason=Reason.DEPOSIT_OPTION_BOOLEAN, option=key, value=repr(value), field=f"deposits.{key}"
            )
    return clean


def set_default_payment_terms(uow: UnitOfWork, ctx: Ctx, terms: PaymentTerms | None) -> Company:
    """The terms a sale invoice follows when neither it nor its customer has any (None: payable on receipt).
    Applied when an invoice is issued (`services.payment_terms`); issued invoices keep the terms they had."""
    return change_settings(uow, ctx, {DEFAULT_PAYMENT_TERMS_KEY: None if terms is None else terms.to_data()})
