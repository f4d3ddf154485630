"""Who the token acts as (`/me`) and the company: its settings, payment methods and bank accounts; the change of
its settings (`PATCH /company`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StrictBool, StrictStr, model_validator

from acompte.adapters.api.schemas.accounts import TermPartIn
from acompte.adapters.api.schemas.common import (
    AMOUNT_PATTERN,
    METHOD,
    PERCENT,
    RATE,
    Bounded,
    CodeOut,
    DecimalOut,
    Input,
    Joined,
    Output,
)
from acompte.adapters.api.schemas.parties import TermOut
from acompte.domain.accounting import DEFAULT_ACCOUNTS, Journal, Nature
from acompte.domain.banking.confirmation import AUTO_RECONCILE_SETTING
from acompte.domain.credits import WRITE_OFF_THRESHOLD_SETTING
from acompte.domain.deposits import DepositSettings
from acompte.domain.einvoicing import DEFAULT_LEGAL_NOTES, DeductionEncoding
from acompte.domain.numbering import DEFAULT_PREFIXES
from acompte.domain.parties import Company
from acompte.domain.users import Permission, Principal, Role
from acompte.domain.vat import VatRounding
from acompte.services.payment_terms import DEFAULT_PAYMENT_TERMS_KEY


class MeOut(Output):
    user_id: str
    email: str
    company_id: str
    role: Role
    permissions: list[Permission]

    @classmethod
    def of(cls, principal: Principal) -> MeOut:
        """The principal with what its role may do (a rule of the domain, not an attribute)."""
        return cls.model_validate(Joined(principal, permissions=sorted(p for p in Permission if principal.may(p))))


class MethodOut(Output):
    code: str
    label: str
    digital: bool

    @model_validator(mode="before")
    @classmethod
    def _row(cls, data: Any) -> Any:
        # The deposit form gives its methods as (code, label, digital) rows.
        if isinstance(data, tuple):
            code, label, digital = data
            return {"code": code, "label": label, "digital": digital}
        return data


class AccountOut(Output):
    id: str
    name: str
    kind: str

    @model_validator(mode="before")
    @classmethod
    def _row(cls, data: Any) -> Any:
        # The company's bank accounts come as (id, name, kind) rows.
        if isinstance(data, tuple):
            account_id, name, kind = data
            return {"id": account_id, "name": name, "kind": kind}
        return data


class AccountingOut(Output):
    accounts: dict[str, str] = Field(description="Account number of each role of the chart (defaults filled in)")
    vat_on_debits: bool
    imputation_journal: str
    default_nature: str


class DepositsOut(Output):
    generate_payment_sale: bool
    generate_payment_purchase: bool
    payment_method: str
    deduct_all: bool
    block_delivery: bool
    default_percent: DecimalOut | None


class EInvoicingOut(Output):
    deduction_encoding: str


class CompanyOut(Output):
    id: str
    version: int = Field(description="Raised by each change of the settings; send it as If-Match to change them")
    name: str
    currency: str
    siren: str | None
    vat_number: str | None
    street: str
    street2: str
    postcode: str
    city: str
    country: str = Field(description="ISO 3166-1 alpha-2")
    address: str = Field(description="The address fields on one text box (read only, for older clients)")
    vat_rounding: CodeOut
    vat_rates: list[DecimalOut]
    payment_methods: list[MethodOut] = Field(validation_alias="methods")
    accounts: list[AccountOut]
    legal: dict[str, str] = Field(description="Legal mentions printed on invoices and quotes (defaults filled in)")
    accounting: AccountingOut
    prefixes: dict[str, str] = Field(description="Prefix of each number series (defaults filled in)")
    deposits: DepositsOut
    einvoicing: EInvoicingOut
    write_off_threshold: DecimalOut
    default_payment_terms: list[TermOut] | None = Field(
        description="Terms of a sale invoice whose customer has none (null: payable on receipt)"
    )
    bank_auto_reconcile: bool = Field(description="Bank lines whose best candidate is certain are reconciled alone")
    settings: dict[str, Any] = Field(description="The settings as stored (what the fields above read)")

    @classmethod
    def of(cls, company: Company, accounts: list[tuple[int, str, str]]) -> CompanyOut:
        settings = company.settings
        accounting = dict(settings.get("accounting") or {})
        stored_accounts = {k: str(v) for k, v in dict(accounting.get("accounts") or {}).items() if k != "labels"}
        deposits = DepositSettings.from_settings(settings)
        return cls.model_validate(
            Joined(
                company,
                address=company.address.text(),
                accounts=accounts,
                legal={**DEFAULT_LEGAL_NOTES, **{k: str(v) for k, v in dict(settings.get("legal") or {}).items()}},
                accounting={
                    "accounts": {**DEFAULT_ACCOUNTS, **stored_accounts},
                    "vat_on_debits": bool(accounting.get("vat_on_debits", False)),
                    "imputation_journal": str(accounting.get("imputation_journal", Journal.MISC.value)),
                    "default_nature": str(accounting.get("default_nature") or Nature.GOODS.value),
                },
                prefixes={key: company.prefix(key, default) for key, default in DEFAULT_PREFIXES.items()},
                deposits={
                    "generate_payment_sale": deposits.generate_payment_sale,
                    "generate_payment_purchase": deposits.generate_payment_purchase,
                    "payment_method": deposits.payment_method,
                    "deduct_all": deposits.deduct_all,
                    "block_delivery": deposits.block_delivery,
                    "default_percent": deposits.default_percent,
                },
                einvoicing={
                    "deduction_encoding": str(
                        dict(settings.get("einvoicing") or {}).get(
                            "deduction_encoding", DeductionEncoding.PAID_AMOUNT.value
                        )
                    )
                },
                write_off_threshold=Decimal(str(settings.get(WRITE_OFF_THRESHOLD_SETTING, "0"))),
                default_payment_terms=settings.get(DEFAULT_PAYMENT_TERMS_KEY) or None,
                bank_auto_reconcile=bool(settings.get(AUTO_RECONCILE_SETTING, False)),
            )
        )


# -- changing the settings ---------------------------------------------------------------------------------------

TEXT = Annotated[StrictStr, Bounded(2000)]


class LegalIn(Input):
    PMT: TEXT | None = Field(None, description="Fixed recovery indemnity (« indemnité forfaitaire »)")
    PMD: TEXT | None = Field(None, description="Late payment penalties")
    AAB: TEXT | None = Field(None, description="Early payment discount")
    payment_terms: TEXT | None = Field(None, description="Payment terms printed on invoices")
    quote_validity: TEXT | None = Field(None, description="Validity of quotes")


class AccountingIn(Input):
    accounts: dict[Annotated[str, Field(max_length=40)], Annotated[StrictStr, Bounded(20)]] | None = Field(
        None, description="Account number by role of the chart (see GET /company `accounting.accounts`)"
    )
    vat_on_debits: StrictBool | None = Field(None, description="VAT on services due at invoicing (« sur les débits »)")
    imputation_journal: Journal | None = Field(None, description="Journal of deposit deductions: OD or VE")
    default_nature: Nature | None = Field(None, description="Nature of lines that do not say: goods or services")


class DepositsIn(Input):
    generate_payment_sale: StrictBool | None = None
    generate_payment_purchase: StrictBool | None = None
    payment_method: METHOD | None = None
    deduct_all: StrictBool | None = None
    block_delivery: StrictBool | None = None
    default_percent: PERCENT | None = Field(None, description="Company-wide default deposit percentage; null: none")


class EInvoicingIn(Input):
    deduction_encoding: DeductionEncoding | None = Field(
        None, description="How a final invoice states deposits: `paid_amount` (BT-113) or `deduction_line`"
    )


class CompanyPatch(Input):
    """Only the settings sent change; the others keep their value. Checked as a whole: one refused value and
    nothing is written."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"vat_number": "FR44732829320", "accounting": {"vat_on_debits": True}}]},
    )

    name: Annotated[StrictStr, Bounded(200, min_length=1)] | None = None
    siren: Annotated[StrictStr, Bounded(20)] | None = Field(None, description="9 digits; null or empty: none")
    vat_number: Annotated[StrictStr, Bounded(20)] | None = Field(None, description="FR + key + SIREN; null: none")
    street: Annotated[StrictStr, Bounded(200)] | None = Field(None, description="Street, number (BT-35)")
    street2: Annotated[StrictStr, Bounded(200)] | None = Field(None, description="Second street line (BT-36)")
    postcode: Annotated[StrictStr, Bounded(20)] | None = Field(None, description="Postcode (BT-38)")
    city: Annotated[StrictStr, Bounded(100)] | None = Field(None, description="City (BT-37)")
    country: Annotated[StrictStr, Bounded(2)] | None = Field(None, description="ISO 3166-1 alpha-2 (BT-40); null: FR")
    address: TEXT | None = Field(
        None, description="Deprecated: the address on one text box, read into the fields above (which win over it)"
    )
    legal: LegalIn | None = None
    vat_rounding: VatRounding | None = None
    vat_rates: Annotated[list[RATE], Field(min_length=1, max_length=20)] | None = None
    accounting: AccountingIn | None = None
    prefixes: dict[Annotated[str, Field(max_length=40)], Annotated[StrictStr, Bounded(40)]] | None = Field(
        None, description="Prefix by number series (`invoice/sale` → `FA`): 1 to 12 characters, no space"
    )
    deposits: DepositsIn | None = None
    einvoicing: EInvoicingIn | None = None
    write_off_threshold: Annotated[StrictStr, Field(pattern=AMOUNT_PATTERN)] | None = Field(
        None, description="Largest shortfall written off at receipt, in the company's currency"
    )
    default_payment_terms: Annotated[list[TermPartIn], Field(min_length=1, max_length=12)] | None = Field(
        None, description="Terms of a sale invoice whose customer has none; null: payable on receipt"
    )
    bank_auto_reconcile: StrictBool | None = Field(
        None, description="Reconcile bank lines whose best candidate is certain without a click (default off)"
    )

    def changes(self) -> dict[str, Any]:
        """The settings sent, as the service takes them (a null group is no change; a null SIREN removes it)."""
        sent = self.model_dump(mode="json", exclude_unset=True)
        groups = (
            "legal",
            "vat_rounding",
            "vat_rates",
            "accounting",
            "prefixes",
            "deposits",
            "einvoicing",
            AUTO_RECONCILE_SETTING,
        )
        return {k: v for k, v in sent.items() if v is not None or k not in (*groups, "name", "write_off_threshold")}
