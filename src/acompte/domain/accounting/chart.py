"""The chart of accounts: journals, account roles and their French (PCG) numbers, and the company's settings
that decide which account an amount goes to (`AccountMapping`, `AccountingSettings`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from acompte.domain.documents import Flow
from acompte.domain.errors import InvalidSetting, MissingAccount, Reason


class Journal(StrEnum):
    SALES = "VE"
    PURCHASES = "HA"
    BANK = "BQ"
    CASH = "CA"
    MISC = "OD"

    @property
    def label(self) -> str:
        return JOURNAL_LABELS[self]


JOURNAL_LABELS = {
    Journal.SALES: "Ventes",
    Journal.PURCHASES: "Achats",
    Journal.BANK: "Banque",
    Journal.CASH: "Caisse",
    Journal.MISC: "Opérations diverses",
}


class Nature(StrEnum):
    """What a line sells: goods or services. It decides the revenue account and when VAT is due."""

    GOODS = "goods"
    SERVICES = "services"


class Treasury(StrEnum):
    BANK = "bank"
    CASH = "cash"


#: Account roles and the French chart-of-accounts numbers a new company starts with.
DEFAULT_ACCOUNTS: dict[str, str] = {
    "customers": "411",
    "suppliers": "401",
    "customer_deposits": "4191",
    "supplier_deposits": "4091",
    "sales_goods": "707",
    "sales_services": "706",
    "sales_reductions": "709",
    "purchases_goods": "607",
    "purchases_services": "604",
    "purchase_reductions": "609",
    "output_vat": "44571",
    "output_vat_pending": "44574",
    "input_vat": "44566",
    "bank": "512",
    "cash": "531",  # 53 Caisse, subdivided: the FEC wants account numbers that start with three digits
    "exchange_loss": "656",
    "exchange_gain": "756",
    "write_off_loss": "658",
    "write_off_gain": "758",
    "bank_fees": "627",
}

#: How each role is named in messages (French, the user's language).
ROLE_LABELS: dict[str, str] = {
    "customers": "clients",
    "suppliers": "fournisseurs",
    "customer_deposits": "clients – avances et acomptes reçus",
    "supplier_deposits": "fournisseurs – avances et acomptes versés",
    "sales_goods": "ventes de marchandises",
    "sales_services": "prestations de services",
    "sales_reductions": "rabais, remises et ristournes accordés",
    "purchases_goods": "achats de marchandises",
    "purchases_services": "achats de prestations de services",
    "purchase_reductions": "rabais, remises et ristournes obtenus",
    "output_vat": "TVA collectée",
    "output_vat_pending": "TVA collectée en attente d'encaissement",
    "input_vat": "TVA déductible",
    "bank": "banque",
    "cash": "caisse",
    "exchange_loss": "pertes de change",
    "exchange_gain": "gains de change",
    "write_off_loss": "charges diverses de gestion courante",
    "write_off_gain": "produits divers de gestion courante",
    "bank_fees": "services bancaires et assimilés",
}

#: PCG labels of the default accounts (FEC column CompteLib).
PCG_LABELS: dict[str, str] = {
    "411": "Clients",
    "401": "Fournisseurs",
    "4191": "Clients - avances et acomptes reçus sur commandes",
    "4091": "Fournisseurs - avances et acomptes versés sur commandes",
    "707": "Ventes de marchandises",
    "706": "Prestations de services",
    "709": "Rabais, remises et ristournes accordés par l'entreprise",
    "607": "Achats de marchandises",
    "604": "Achats d'études et prestations de services",
    "609": "Rabais, remises et ristournes obtenus sur achats",
    "44571": "TVA collectée",
    "44574": "TVA collectée en attente d'encaissement",
    "44566": "TVA déductible sur autres biens et services",
    "512": "Banque",
    "531": "Caisse",
    "656": "Pertes de change sur créances et dettes commerciales",
    "756": "Gains de change sur créances et dettes commerciales",
    "658": "Charges diverses de gestion courante",
    "758": "Produits divers de gestion courante",
    "627": "Services bancaires et assimilés",
}


@dataclass(frozen=True, slots=True)
class AccountMapping:
    """The company's chart of accounts: one account number per role (defaults: DEFAULT_ACCOUNTS)."""

    customers: str = "411"
    suppliers: str = "401"
    customer_deposits: str = "4191"
    supplier_deposits: str = "4091"
    sales_goods: str = "707"
    sales_services: str = "706"
    sales_reductions: str = "709"
    purchases_goods: str = "607"
    purchases_services: str = "604"
    purchase_reductions: str = "609"
    output_vat: str = "44571"
    output_vat_pending: str = "44574"
    input_vat: str = "44566"
    bank: str = "512"
    cash: str = "531"
    exchange_loss: str = "656"
    exchange_gain: str = "756"
    write_off_loss: str = "658"
    write_off_gain: str = "758"
    bank_fees: str = "627"
    labels: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> AccountMapping:
        """Build from a company's `accounts` setting: {role: number, ..., "labels": {number: label}}.

        A role set to an empty value stays empty: `require` then names it (the export refuses to run).
        """
        settings = dict(settings or {})
        labels = dict(settings.pop("labels", {}) or {})
        unknown = set(settings) - set(DEFAULT_ACCOUNTS)
        if unknown:
            raise InvalidSetting(reason=Reason.UNKNOWN_ACCOUNT_ROLES, roles=tuple(sorted(unknown)))
        values = {role: str(settings.get(role, default) or "").strip() for role, default in DEFAULT_ACCOUNTS.items()}
        for role, number in values.items():
            if number and (len(number) < 3 or not number[:3].isdigit() or len(number) > 20):
                raise InvalidSetting(reason=Reason.INVALID_ACCOUNT_NUMBER, role=role, number=number)
        return cls(**values, labels={str(k): str(v) for k, v in labels.items()})

    def account(self, role: str) -> str:
        number = str(getattr(self, role))
        if not number:
            raise MissingAccount(role=role, account=ROLE_LABELS.get(role, role))
        return number

    def require(self, roles: Iterable[str] | None = None) -> None:
        """Raise MissingAccount naming the first role without an account."""
        for role in roles if roles is not None else DEFAULT_ACCOUNTS:
            self.account(role)

    def label(self, number: str) -> str:
        """The account's label: the company's own, the PCG label, or the role that uses it."""
        if number in self.labels:
            return str(self.labels[number])
        if number in PCG_LABELS:
            return PCG_LABELS[number]
        for f in fields(self):
            if f.name != "labels" and getattr(self, f.name) == number:
                return ROLE_LABELS[f.name].capitalize()
        return f"Compte {number}"


@dataclass(frozen=True, slots=True)
class AccountingSettings:
    """What decides the entries besides the accounts.

    `vat_on_debits`: the company opted to pay VAT on services at invoicing (CGI ann. III art. 77); without it,
    VAT on services is due on receipt and waits in `output_vat_pending` until the invoice is paid.
    """

    accounts: AccountMapping = field(default_factory=AccountMapping)
    vat_on_debits: bool = False
    imputation_journal: Journal = Journal.MISC
    write_off_journal: Journal = Journal.MISC

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> AccountingSettings:
        """From the company settings: `accounts` (see AccountMapping), `vat_on_debits`, `imputation_journal`."""
        settings = settings or {}
        journal = str(settings.get("imputation_journal", Journal.MISC.value))
        if journal not in {Journal.MISC.value, Journal.SALES.value}:
            raise InvalidSetting(reason=Reason.INVALID_DEPOSIT_JOURNAL, journal=journal)
        return cls(
            accounts=AccountMapping.from_settings(settings.get("accounts")),
            vat_on_debits=bool(settings.get("vat_on_debits", False)),
            imputation_journal=Journal(journal),
        )

    def vat_pending(self, flow: Flow, nature: Nature) -> bool:
        """Whether invoiced VAT waits for the payment before it is due (services sold, no debits option)."""
        return flow is Flow.SALE and nature is Nature.SERVICES and not self.vat_on_debits

    def invoice_vat_role(self, flow: Flow, nature: Nature) -> str:
        if flow is Flow.PURCHASE:
            return "input_vat"
        return "output_vat_pending" if self.vat_pending(flow, nature) else "output_vat"

    def revenue_role(self, flow: Flow, nature: Nature) -> str:
        if flow is Flow.SALE:
            return "sales_services" if nature is Nature.SERVICES else "sales_goods"
        return "purchases_services" if nature is Nature.SERVICES else "purchases_goods"
