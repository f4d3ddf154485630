"""One tree of business errors: each is a stable `code` with typed parameters, and no words.

The parameters are values, not sentences: `Money`, `Decimal`, dates, enums (document kinds and states, a
`Reason`), document numbers and references. Adapters turn `code` + `params` into a sentence in the reader's
language (the gettext catalogue of `adapters/i18n`) and into a transport status (the API's one table), so the
domain knows neither French nor HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A document named in an error: its kind (an enum the catalogue translates) and its number."""

    kind: StrEnum
    number: str

    def __str__(self) -> str:
        return f"{self.kind.value} {self.number}"


class Reason(StrEnum):
    """Why a value was refused, for the errors that take a `reason`. Its own parameters sit beside it."""

    # amounts
    NOT_A_DECIMAL = "not-a-decimal"
    FLOAT_REFUSED = "float-refused"
    NOT_FINITE = "not-finite"
    TOO_MANY_DECIMALS = "too-many-decimals"  # places, currency
    TEXT_EXPECTED = "text-expected"
    NOT_QUANTIZED = "not-quantized"  # currency
    # lines and items
    DECIMAL_EXPECTED = "decimal-expected"  # field
    TOO_MANY_PLACES = "too-many-places"  # field, places
    DESIGNATION_REQUIRED = "designation-required"
    NEGATIVE_UNIT_PRICE = "negative-unit-price"
    DISCOUNT_RANGE = "discount-range"
    CREDIT_QUANTITY_POSITIVE = "credit-quantity-positive"
    ITEM_NAME_REQUIRED = "item-name-required"
    ITEM_PRICE = "item-price"  # places
    RECALL_DEPOSIT_UNKNOWN = "recall-deposit-unknown"  # deposits: the deposit invoices it may name
    RECALL_MISMATCH = "recall-mismatch"  # deposit, rate, expected, typed
    # settings
    WRITE_OFF_THRESHOLD_INVALID = "write-off-threshold-invalid"  # value
    WRITE_OFF_THRESHOLD_NEGATIVE = "write-off-threshold-negative"
    UNKNOWN_PAYMENT_METHOD = "unknown-payment-method"  # method
    COMPANY_NAME_REQUIRED = "company-name-required"
    ACCOUNT_NAME_REQUIRED = "account-name-required"
    VAT_RATE_REQUIRED = "vat-rate-required"
    METHOD_CODE_AND_LABEL = "method-code-and-label"
    UNKNOWN_SERIES = "unknown-series"  # series
    PREFIX_SHAPE = "prefix-shape"
    UNKNOWN_FIELDS = "unknown-fields"  # fields
    UNKNOWN_CHOICE = "unknown-choice"  # field, value, choices
    BOOLEAN_EXPECTED = "boolean-expected"  # field, value
    OPTIONS_EXPECTED = "options-expected"  # field
    # legal identifiers (InvalidIdentifier: what, value, rule, field)
    SIRET_DIGITS = "siret-digits"
    VAT_NUMBER_SHAPE = "vat-number-shape"
    IDENTIFIER_CHECKSUM = "identifier-checksum"
    VAT_NUMBER_KEY = "vat-number-key"
    VAT_NUMBER_OTHER_SIREN = "vat-number-other-siren"  # siren
    IBAN_SHAPE = "iban-shape"
    PARTY_NAME_REQUIRED = "party-name-required"
    SIREN_DIGITS = "siren-digits"
    PARTY_ROLE_REQUIRED = "party-role-required"
    UNKNOWN_LANGUAGE = "unknown-language"  # language
    UNKNOWN_USER = "unknown-user"  # email
    NOT_A_MEMBER = "not-a-member"  # email
    TOKEN_NAME_TOO_LONG = "token-name-too-long"  # maximum
    SECOND_FACTOR_ALREADY_ENABLED = "second-factor-already-enabled"
    SECOND_FACTOR_NOT_STARTED = "second-factor-not-started"
    NO_TREASURY_ACCOUNT = "no-treasury-account"
    # credits settling documents, credit notes correcting invoices
    CREDIT_SETTLES_ORDER_OR_INVOICE = "credit-settles-order-or-invoice"
    DOCUMENT_NOT_VALIDATED = "document-not-validated"
    CREDIT_FLOW_MISMATCH = "credit-flow-mismatch"
    NOT_IN_ACCOUNT = "not-in-account"
    OTHER_PARTY = "other-party"
    OTHER_FLOW = "other-flow"  # flow, credit_flow
    OTHER_CURRENCY = "other-currency"  # currency, credit_currency
    # payment terms
    NO_INSTALMENT = "no-instalment"
    INSTALMENT_PERCENT_POSITIVE = "instalment-percent-positive"
    PERCENT_PLACES = "percent-places"
    DAYS_RANGE = "days-range"  # maximum
    PERCENTS_TOTAL = "percents-total"
    TERMS_FORMAT = "terms-format"
    # document numbers for e-invoicing
    NUMBER_MISSING = "number-missing"  # field
    NUMBER_TOO_LONG = "number-too-long"  # length
    NUMBER_HAS_SPACE = "number-has-space"
    NUMBER_BAD_CHARACTER = "number-bad-character"
    NEGATIVE_PRICE = "negative-price"
    # a credit note naming no invoice at all (the whole sentence, for an error whose own has no `{reason}`)
    NO_CORRECTED_INVOICE = "no-corrected-invoice"
    # deposits
    DEPOSIT_SOURCE_KIND = "deposit-source-kind"
    NO_DEFAULT_TERMS = "no-default-terms"
    DEPOSIT_NOTED_ON_QUOTE_OR_ORDER = "deposit-noted-on-quote-or-order"
    DEPOSIT_PAYMENT_TARGET = "deposit-payment-target"
    DEPOSIT_INVOICE_TARGET = "deposit-invoice-target"
    AMOUNT_OR_PERCENT = "amount-or-percent"
    UNKNOWN_DEPOSIT_OPTIONS = "unknown-deposit-options"
    DEPOSIT_OPTION_BOOLEAN = "deposit-option-boolean"
    DEPOSIT_WITHOUT_ORDER_FIELDS = "deposit-without-order-fields"
    UNKNOWN_LINE = "unknown-line"
    NO_DEPOSIT_ON_LINE = "no-deposit-on-line"
    ORIGIN_OTHER_PARTY = "origin-other-party"
    EINVOICE_SALES_ONLY = "einvoice-sales-only"
    START_AFTER_END = "start-after-end"
    PERIOD_BEYOND_FISCAL_YEAR = "period-beyond-fiscal-year"
    CLOSING_DATE_FORMAT = "closing-date-format"
    SPLIT_OF_ZERO_DOCUMENT = "split-of-zero-document"
    ZERO_EXCHANGE_DIFFERENCE = "zero-exchange-difference"
    UNKNOWN_ACCOUNT_ROLES = "unknown-account-roles"
    INVALID_ACCOUNT_NUMBER = "invalid-account-number"
    INVALID_DEPOSIT_JOURNAL = "invalid-deposit-journal"
    # dates
    DATE_OUT_OF_RANGE = "date-out-of-range"  # field, minimum, maximum
    # the database could not serve the request in time (TemporarilyUnavailable)
    DATABASE_BUSY = "database-busy"
    STATEMENT_TIMEOUT = "statement-timeout"
    REQUEST_DEADLINE = "request-deadline"
    CONNECTION_LOST = "connection-lost"
    # addresses and VAT regimes (InvalidSetting: field)
    COUNTRY_CODE = "country-code"  # value
    POSTCODE_LENGTH = "postcode-length"  # maximum
    EXEMPTION_REASON_REQUIRED = "exemption-reason-required"
    VATEX_CODE = "vatex-code"  # value
    # bank statement files (InvalidStatement: line, field; UnreadableStatement) and CSV mappings (InvalidSetting)
    STATEMENT_EMPTY = "statement-empty"
    STATEMENT_FORMAT_UNKNOWN = "statement-format-unknown"
    STATEMENT_NOT_XML = "statement-not-xml"  # detail
    STATEMENT_SCHEMA = "statement-schema"  # detail
    STATEMENT_OFX = "statement-ofx"  # detail
    STATEMENT_ENCODING = "statement-encoding"  # encoding
    STATEMENT_VALUE_MISSING = "statement-value-missing"
    STATEMENT_DATE_FORMAT = "statement-date-format"  # value, expected
    STATEMENT_AMOUNT_FORMAT = "statement-amount-format"  # value
    STATEMENT_CURRENCY = "statement-currency"  # value
    STATEMENT_COLUMN_MISSING = "statement-column-missing"  # column
    STATEMENT_MAPPING_REQUIRED = "statement-mapping-required"
    STATEMENT_NO_LINES = "statement-no-lines"
    STATEMENT_CUT_SHORT = "statement-cut-short"  # expected
    MAPPING_NAME_TAKEN = "mapping-name-taken"  # name
    MAPPING_AMOUNT_COLUMNS = "mapping-amount-columns"
    MAPPING_COLUMN_REQUIRED = "mapping-column-required"  # column
    # bank accounts (InvalidBankAccount: field) and the BIC (InvalidIdentifier)
    BIC_SHAPE = "bic-shape"
    BANK_LEDGER_ACCOUNT = "bank-ledger-account"  # value, prefix
    IBAN_REQUIRED = "iban-required"
    OPENING_BALANCE_CURRENCY = "opening-balance-currency"  # currency, account_currency
    # the supplier's own number on a purchase document (InvalidSetting: field)
    SUPPLIER_REFERENCE_PURCHASE_ONLY = "supplier-reference-purchase-only"
    SUPPLIER_REFERENCE_LENGTH = "supplier-reference-length"  # maximum


class Field(StrEnum):
    """A field of a form or a document named in an error."""

    QUANTITY = "quantity"
    UNIT_PRICE = "unit_price"
    DISCOUNT = "discount"
    NUMBER = "number"
    CORRECTED_NUMBER = "corrected_number"
    SIREN_OR_ADDRESS = "siren_or_address"
    SIREN = "siren"
    SIRET = "siret"
    VAT_NUMBER = "vat_number"
    IBAN = "iban"
    BIC = "bic"


class DomainError(Exception):
    """Base of every business error: a stable `code` and typed `params`.

    A positional message and a string `reason` are still accepted from callers not yet converted to reason
    codes; adapters show such text as it is."""

    code = "domain-error"

    def __init__(self, message: str | None = None, /, **params: Any) -> None:
        self.params = params
        self.legacy_message = message
        super().__init__(message or self.code)

    @property
    def reason(self) -> Reason | str | None:
        return self.params.get("reason")

    @property
    def message(self) -> str:
        """A language-free rendering for logs and tests; people read the catalogue's sentence instead."""
        return str(self)

    def __str__(self) -> str:
        if self.legacy_message:
            return self.legacy_message
        figures = ", ".join(f"{key}={value}" for key, value in self.params.items())
        return f"{self.code}: {figures}" if figures else self.code


class NotFound(DomainError):
    code = "not-found"


class InvalidAmount(DomainError):
    code = "invalid-amount"


class NonPositiveAmount(DomainError):
    code = "non-positive-amount"


class CurrencyMismatch(DomainError):
    code = "currency-mismatch"


class UnknownCurrency(DomainError):
    code = "unknown-currency"


class InvalidVatRate(DomainError):
    code = "invalid-vat-rate"


class InvalidLine(DomainError):
    code = "invalid-line"


class NegativeQuantity(DomainError):
    code = "negative-quantity"


class InvalidTransition(DomainError):
    code = "invalid-transition"


class DocumentFrozen(DomainError):
    code = "document-frozen"


class DocumentCancelled(DomainError):
    code = "document-cancelled"


class PartyMismatch(DomainError):
    code = "party-mismatch"


class PartyRoleMismatch(DomainError):
    code = "party-role-mismatch"


class FlowMismatch(DomainError):
    code = "flow-mismatch"


class OverAllocation(DomainError):
    code = "over-allocation"


class OverSettlement(DomainError):
    code = "over-settlement"


class TotalBelowSettled(DomainError):
    code = "total-below-settled"


class PaymentCancelled(DomainError):
    code = "payment-cancelled"


class AllocationNotFound(NotFound):
    code = "allocation-not-found"


class InvalidConversion(DomainError):
    code = "invalid-conversion"


class EmptyDocument(DomainError):
    code = "empty-document"


class InvalidSetting(DomainError):
    code = "invalid-setting"


class NotCreditable(DomainError):
    code = "not-creditable"


class UnknownInvoiceLine(DomainError):
    code = "unknown-invoice-line"


class OverCreditQuantity(DomainError):
    code = "over-credit-quantity"


class OverCredit(DomainError):
    code = "over-credit"


class CreditLinesMismatch(DomainError):
    code = "credit-lines-mismatch"


class NotACredit(DomainError):
    code = "not-a-credit"


class CreditNotIssued(DomainError):
    code = "credit-not-issued"


class CreditWrittenOff(DomainError):
    code = "credit-written-off"


class OverCreditUse(DomainError):
    code = "over-credit-use"


class CreditFullyUsed(DomainError):
    code = "credit-fully-used"


class CreditAlreadyWrittenOff(DomainError):
    code = "credit-already-written-off"


class RefundTooLarge(DomainError):
    code = "refund-too-large"


class RefundNotFound(NotFound):
    code = "refund-not-found"


class RefundExists(DomainError):
    code = "refund-exists"


class RefundAmountLocked(DomainError):
    code = "refund-amount-locked"


class NothingToWriteOff(DomainError):
    code = "nothing-to-write-off"


class AboveWriteOffThreshold(DomainError):
    code = "above-write-off-threshold"


class DigitalPaymentLocked(DomainError):
    code = "digital-payment-locked"


class ExportedPaymentLocked(DomainError):
    code = "exported-payment-locked"


class DigitalMethodRefused(DomainError):
    code = "digital-method-refused"


class AmountBelowAllocated(DomainError):
    code = "amount-below-allocated"


class PaymentNotOnDocument(DomainError):
    code = "payment-not-on-document"


class InvalidPaymentTerms(DomainError):
    code = "invalid-payment-terms"


class CreditMismatch(DomainError):
    code = "credit-mismatch"


class NothingToRefund(DomainError):
    code = "nothing-to-refund"


# -- deposits ---------------------------------------------------------------------------------------------


class DepositExceedsOrder(DomainError):
    code = "deposit-exceeds-order"


class InvalidPercentage(DomainError):
    code = "invalid-percentage"


class DepositOnCancelledDocument(DomainError):
    code = "deposit-on-cancelled-document"


class NotADepositSource(DomainError):
    code = "not-a-deposit-source"


class DeductionExceedsDeposit(DomainError):
    code = "deduction-exceeds-deposit"


class DeductionExceedsInvoice(DomainError):
    code = "deduction-exceeds-invoice"


class DeductionPartyMismatch(DomainError):
    code = "deduction-party-mismatch"


class DepositedLineRemoval(DomainError):
    code = "deposited-line-removal"


class OrderBelowDeposits(DomainError):
    code = "order-below-deposits"


class DepositRequiredBeforeDelivery(DomainError):
    code = "deposit-required-before-delivery"


class ReversalExceedsDeposit(DomainError):
    code = "reversal-exceeds-deposit"


class InvalidExchangeRate(DomainError):
    code = "invalid-exchange-rate"


class DepositFormRequired(DomainError):
    code = "deposit-form-required"


class MissingDepositAmount(DomainError):
    code = "missing-deposit-amount"


class MissingAccount(DomainError):
    code = "missing-account"


class UnbalancedEntry(DomainError):
    code = "unbalanced-entry"


class InvalidDate(DomainError):
    """A date outside the supported calendar (`domain.dates`): `field` names where it came from."""

    code = "invalid-date"


class InvalidExportPeriod(DomainError):
    code = "invalid-export-period"


class ExportPeriodOverlap(DomainError):
    code = "export-period-overlap"


class ForeignCurrencyNotSupported(DomainError):
    code = "foreign-currency-not-supported"


class InvalidDocumentNumber(DomainError):
    code = "invalid-document-number"


class MissingCorrectedInvoice(DomainError):
    code = "missing-corrected-invoice"


class MissingLegalIdentifier(DomainError):
    code = "missing-legal-identifier"


class NotFullyPaid(DomainError):
    code = "not-fully-paid"


class InvalidEmail(DomainError):
    code = "invalid-email"


class WeakPassword(DomainError):
    code = "weak-password"


class UserExists(DomainError):
    code = "user-exists"


class AuthenticationRequired(DomainError):
    code = "authentication-required"


class InvalidCredentials(DomainError):
    code = "invalid-credentials"


class LoginLocked(DomainError):
    """Too many failed logins: refused, even with the right password, for `minutes` more (`until`)."""

    code = "login-locked"


class LoginThrottled(DomainError):
    """Attempts too close after failed ones: refused without checking, retry after `seconds`."""

    code = "login-throttled"


class SecondFactorRequired(DomainError):
    """The password is right and the user has a second factor: the 6-digit code is needed too."""

    code = "second-factor-required"


class PermissionDenied(DomainError):
    code = "permission-denied"


class RoleNotGranted(DomainError):
    code = "role-not-granted"


class StaleVersion(DomainError):
    code = "stale-version"


class IdempotencyKeyReused(DomainError):
    code = "idempotency-key-reused"


class CorrectedInvoiceMismatch(DomainError):
    code = "corrected-invoice-mismatch"


class InvalidIdentifier(DomainError):
    """A legal identifier of the wrong shape; `field` names it (siren, vat_number) for the form."""

    code = "invalid-identifier"


class WrittenOffShortfall(DomainError):
    """A document whose unpaid rest was written off (a loss already booked) cannot be cancelled: the loss
    would then stand for a debt that no longer exists."""

    code = "written-off-shortfall"


class TemporarilyUnavailable(DomainError):
    """The request could not be served in time — the database busy, a statement or the request's deadline
    exceeded, the connection to the database lost — and its transaction was rolled back: nothing was written.
    `reason` says which; `retry_after` (seconds) says when trying again makes sense."""

    code = "temporarily-unavailable"


class ExchangeRateRequired(DomainError):
    """A document or a payment in a currency other than the company's needs its exchange rate (company-currency
    units for one unit of its currency) before it is issued or recorded: its entries are kept in the company's
    currency."""

    code = "exchange-rate-required"


class ExchangeRateNotAllowed(DomainError):
    """An exchange rate given for an amount in the company's own currency: it has none."""

    code = "exchange-rate-for-company-currency"


class SupplierReferenceFrozen(DomainError):
    """The supplier's own invoice number is part of what was booked and exported once the purchase document is
    validated: it is set or changed on the draft only (`document`)."""

    code = "supplier-reference-frozen"
