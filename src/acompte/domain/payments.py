"""Payments (règlements): methods and whether they are digital, direction, state, and what may change when."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from acompte.domain.dates import DateField, check_optional
from acompte.domain.documents import Flow
from acompte.domain.errors import (
    AmountBelowAllocated,
    CurrencyMismatch,
    DigitalMethodRefused,
    DigitalPaymentLocked,
    ExportedPaymentLocked,
    InvalidSetting,
    NonPositiveAmount,
    NotFound,
    PaymentCancelled,
    Reason,
    RefundAmountLocked,
)
from acompte.domain.money import Money


class Direction(StrEnum):
    IN = "in"  # received from a customer
    OUT = "out"  # paid to a supplier (or refunded to a customer)

    @property
    def flow(self) -> Flow:
        return Flow.SALE if self is Direction.IN else Flow.PURCHASE

    @property
    def label(self) -> str:
        return "reçu" if self is Direction.IN else "versé"


class PaymentState(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Method:
    """A payment method a company offers. Digital ones (card, PayPal, …) come from a payment provider
    and cannot be edited or cancelled in acompte."""

    code: str
    label: str
    digital: bool


#: The methods a new company starts with.
DEFAULT_METHODS: tuple[Method, ...] = (
    Method("cash", "Espèces", False),
    Method("cheque", "Chèque", False),
    Method("transfer", "Virement", False),
    Method("card", "Carte bancaire", True),
    Method("paypal", "PayPal", True),
    Method("sepa_debit", "Prélèvement SEPA", True),
    Method("other", "Autre", False),
)


class AccountKind(StrEnum):
    BANK = "bank"
    CASH = "cash"


def treasury_account(accounts: Sequence[tuple[int, str]], method: str, account_id: int | None) -> int:
    """The account a payment goes to: the one named (it must be among the company's active `accounts`, given as
    (id, kind) by id), else the first of the method's kind (cash for cash, the bank otherwise), else the first."""
    if account_id is not None:
        if account_id not in {a[0] for a in accounts}:
            raise NotFound(entity="Compte de trésorerie", id=account_id)
        return account_id
    wanted = AccountKind.CASH.value if method == "cash" else AccountKind.BANK.value
    for acc_id, kind in accounts:
        if kind == wanted:
            return int(acc_id)
    if accounts:
        return int(accounts[0][0])
    raise InvalidSetting(reason=Reason.NO_TREASURY_ACCOUNT)


@dataclass(frozen=True, slots=True)
class Payment:
    id: int
    company_id: int
    number: str
    party_id: int
    direction: Direction
    method: str
    digital: bool
    account_id: int
    payment_date: date
    amount: Money
    state: PaymentState = PaymentState.ACTIVE
    reference: str = ""
    comment: str = ""
    exported: bool = False
    origin_document_id: int | None = None
    version: int = 1
    #: for a payment in a foreign currency: company-currency units for one unit of its currency, at receipt
    exchange_rate: Decimal | None = None

    @property
    def currency(self) -> str:
        return self.amount.currency


# -- what may change when --------------------------------------------------------------------------------------
#
# A payment that is neither digital nor exported may change its method, date, amount and reference. A digital
# payment (card, PayPal, direct debit: it comes from a payment provider) and a payment exported to accounting
# (its entry is validated there, PCG art. 420-5) may change only their comment, and cannot be cancelled.
# An amount never drops below what the payment already settles, refunds or wrote off.

#: Every field a clerk may edit on a payment, in form order.
EDITABLE_FIELDS: tuple[str, ...] = ("method", "payment_date", "amount", "reference", "comment")
#: What may always change, even on a locked payment.
ALWAYS_EDITABLE = frozenset({"comment"})


class Lock(StrEnum):
    """Why a payment is read-only but for its comment."""

    DIGITAL = "digital"
    EXPORTED = "exported"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class PaymentChange:
    """The fields a clerk wants to change; None leaves a field as it is."""

    method: str | None = None
    payment_date: date | None = None
    amount: Money | None = None
    reference: str | None = None
    comment: str | None = None

    def __post_init__(self) -> None:
        check_optional(self.payment_date, DateField.PAYMENT_DATE)

    def changes(self, payment: Payment) -> dict[str, tuple[object, object]]:
        """{field: (before, after)} for the fields that really change."""
        result: dict[str, tuple[object, object]] = {}
        for name in EDITABLE_FIELDS:
            after = getattr(self, name)
            if name == "reference" and after is not None:
                after = after.strip()
            before = getattr(payment, name)
            if after is not None and after != before:
                result[name] = (before, after)
        return result


def lock_of(payment: Payment) -> Lock | None:
    if payment.state is PaymentState.CANCELLED:
        return Lock.CANCELLED
    if payment.digital:
        return Lock.DIGITAL
    if payment.exported:
        return Lock.EXPORTED
    return None


def editable_fields(payment: Payment) -> frozenset[str]:
    """The fields the edit form may offer for this payment (the others are shown locked, with `lock_of`)."""
    lock = lock_of(payment)
    if lock is Lock.CANCELLED:
        return frozenset()
    if lock is not None:
        return ALWAYS_EDITABLE
    return frozenset(EDITABLE_FIELDS)


def _raise_lock(payment: Payment, lock: Lock) -> None:
    if lock is Lock.CANCELLED:
        raise PaymentCancelled(number=payment.number)
    if lock is Lock.DIGITAL:
        raise DigitalPaymentLocked(number=payment.number, method=payment.method)
    raise ExportedPaymentLocked(number=payment.number)


def check_change(
    payment: Payment,
    change: PaymentChange,
    used: Money,
    *,
    new_method: Method | None = None,
    is_refund: bool = False,
) -> dict[str, tuple[object, object]]:
    """Raise the specific error that forbids `change`, if any; return {field: (before, after)}.

    `used` is what the payment already settles, refunds or wrote off; `new_method` is the company's method for
    `change.method` (None when unknown or inactive); `is_refund` tells that the payment is a refund, whose
    amount follows the credit it gives back and so cannot be edited.
    """
    changes = change.changes(payment)
    lock = lock_of(payment)
    if lock is Lock.CANCELLED:
        _raise_lock(payment, lock)
    if lock is not None and set(changes) - ALWAYS_EDITABLE:
        _raise_lock(payment, lock)
    if "method" in changes:
        if new_method is None:
            raise InvalidSetting(reason=Reason.UNKNOWN_PAYMENT_METHOD, method=change.method)
        if new_method.digital:
            raise DigitalMethodRefused(method=new_method.label)
    if "amount" in changes:
        amount = change.amount
        assert amount is not None
        if amount.currency != payment.currency:
            raise CurrencyMismatch(left=payment.currency, right=amount.currency)
        if not amount.is_positive:
            raise NonPositiveAmount(amount=amount)
        if is_refund:
            raise RefundAmountLocked(number=payment.number)
        if amount < used:
            raise AmountBelowAllocated(number=payment.number, amount=amount, allocated=used)
    return changes


def check_cancel(payment: Payment) -> None:
    """A payment may be cancelled unless it is digital, exported or already cancelled."""
    lock = lock_of(payment)
    if lock is not None:
        _raise_lock(payment, lock)
