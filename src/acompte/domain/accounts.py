"""The party account: payment terms and instalments, ageing of what is due, and the statement of account.

Pure rules over values. Payment terms (« conditions de règlement ») split a document's gross total into one or
more instalments (« échéances »), each with its own due date, e.g. 30 % at order and 70 % at 30 days end of
month. What a document has received settles its instalments oldest due date first, so what is overdue is known
per instalment. The aged balance puts each instalment's unpaid part in a bucket by days past due; the statement
of account lists movements with an opening balance, running balance and closing balance.

Sign convention: an amount that increases what the party must pay (sale) or what we must pay the party
(purchase) is a *debit* of the account; money and credits the other way are *credits*. The balance is
debits minus credits: what is due minus what is in hand.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from acompte.domain.dates import DateField, add_days
from acompte.domain.errors import InvalidPaymentTerms, Reason
from acompte.domain.money import Money, decimal_places, total

HUNDRED = Decimal(100)
MAX_TERM_DAYS = 366


class TermBasis(StrEnum):
    INVOICE = "invoice"  # counted from the invoice date
    ORDER = "order"  # counted from the date of the order the invoice comes from (the invoice date without one)


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True, slots=True)
class TermPart:
    """One instalment rule: `percent` of the gross, due `days` after its basis date, optionally at end of month.

    « 30 jours fin de mois » is computed as: basis date + 30 days, then the last day of that month (the usual
    reading; the other one, end of month + 30 days, is not offered).
    """

    percent: Decimal
    days: int = 0
    end_of_month: bool = False
    basis: TermBasis = TermBasis.INVOICE

    def due_date(self, invoice_date: date, order_date: date | None = None) -> date:
        start = order_date if self.basis is TermBasis.ORDER and order_date is not None else invoice_date
        due = add_days(start, self.days, DateField.DUE_DATE)  # refused beyond 2999-12-31, never an overflow
        return end_of_month(due) if self.end_of_month else due

    def to_data(self) -> dict[str, Any]:
        return {
            "percent": str(self.percent),
            "days": self.days,
            "end_of_month": self.end_of_month,
            "basis": self.basis.value,
        }


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    """Instalment rules whose percentages sum to exactly 100."""

    parts: tuple[TermPart, ...]

    def __post_init__(self) -> None:
        if not self.parts:
            raise InvalidPaymentTerms(reason=Reason.NO_INSTALMENT)
        for part in self.parts:
            if not isinstance(part.percent, Decimal) or not part.percent.is_finite() or part.percent <= 0:
                raise InvalidPaymentTerms(reason=Reason.INSTALMENT_PERCENT_POSITIVE)
            if decimal_places(part.percent) > 2:
                raise InvalidPaymentTerms(reason=Reason.PERCENT_PLACES)
            if isinstance(part.days, bool) or not isinstance(part.days, int) or not 0 <= part.days <= MAX_TERM_DAYS:
                raise InvalidPaymentTerms(reason=Reason.DAYS_RANGE, maximum=MAX_TERM_DAYS)
        if sum((p.percent for p in self.parts), Decimal(0)) != HUNDRED:
            raise InvalidPaymentTerms(reason=Reason.PERCENTS_TOTAL)

    @classmethod
    def single(cls, days: int = 0, *, end_of_month: bool = False) -> PaymentTerms:
        return cls((TermPart(HUNDRED, days, end_of_month),))

    def to_data(self) -> list[dict[str, Any]]:
        return [p.to_data() for p in self.parts]

    @classmethod
    def from_data(cls, data: Sequence[Mapping[str, Any]]) -> PaymentTerms:
        try:
            parts = tuple(
                TermPart(
                    percent=Decimal(str(item["percent"])),
                    days=int(item.get("days", 0)),
                    end_of_month=bool(item.get("end_of_month", False)),
                    basis=TermBasis(item.get("basis", TermBasis.INVOICE.value)),
                )
                for item in data
            )
        except (KeyError, ValueError, TypeError, InvalidOperation):
            raise InvalidPaymentTerms(reason=Reason.TERMS_FORMAT) from None
        return cls(parts)


@dataclass(frozen=True, slots=True)
class Instalment:
    number: int
    due_date: date
    amount: Money
    settled: Money

    @property
    def remaining(self) -> Money:
        return self.amount - self.settled

    def is_overdue(self, as_of: date) -> bool:
        return self.remaining.is_positive and self.due_date < as_of

    def days_overdue(self, as_of: date) -> int:
        return max(0, (as_of - self.due_date).days)


def schedule(
    gross: Money,
    terms: PaymentTerms | None,
    invoice_date: date,
    *,
    order_date: date | None = None,
    due_date: date | None = None,
    settled: Money | None = None,
) -> tuple[Instalment, ...]:
    """The instalments of a document and what each has received.

    Without terms the document has one instalment, due on `due_date` (or on its date: payable on receipt).
    Amounts are split by percentage with the largest-remainder rule, so they sum exactly to the gross. The
    settled amount goes to the instalments in due-date order (the oldest debt is paid first).
    """
    if terms is None:
        rows = [(due_date or invoice_date, gross)]
    else:
        amounts = gross.split([p.percent for p in terms.parts])
        rows = [(p.due_date(invoice_date, order_date), a) for p, a in zip(terms.parts, amounts, strict=True)]
    left = settled if settled is not None else Money.zero(gross.currency)
    order = sorted(range(len(rows)), key=lambda i: (rows[i][0], i))
    paid = [Money.zero(gross.currency)] * len(rows)
    for i in order:
        part = left.min(rows[i][1]).max(Money.zero(gross.currency))
        paid[i] = part
        left = left - part
    return tuple(
        Instalment(number=i + 1, due_date=due, amount=amount, settled=paid[i]) for i, (due, amount) in enumerate(rows)
    )


def applicable_terms(*candidates: Sequence[Mapping[str, Any]] | None) -> PaymentTerms | None:
    """The first terms set among `candidates`, in the order given (the document's, the party's, the company's
    default): the one rule that says which terms an invoice follows. None when none is set."""
    for stored in candidates:
        if stored:
            return PaymentTerms.from_data(stored)
    return None


def final_due_date(terms: PaymentTerms, invoice_date: date, order_date: date | None = None) -> date:
    """The date by which the whole document is due: its last instalment's due date (its only one, usually)."""
    return max(part.due_date(invoice_date, order_date) for part in terms.parts)


def _part_words(part: TermPart) -> str:
    if part.days == 0:
        words = "fin de mois" if part.end_of_month else "à réception"
    else:
        words = f"à {part.days} jours" + (" fin de mois" if part.end_of_month else "")
    if part.basis is TermBasis.ORDER and part.days:
        words += " date de commande"
    return words


def describe_terms(terms: PaymentTerms, invoice_date: date | None = None, order_date: date | None = None) -> str:
    """The terms in words, as printed on the invoice and carried in its Factur-X (BT-20): « Paiement à 30 jours »,
    « Paiement en 2 échéances : 30 % à réception (10/03/2026), 70 % à 30 jours fin de mois (30/04/2026) ».
    French: the language of the issued document. With `invoice_date`, each instalment shows its due date."""
    if len(terms.parts) == 1:
        return f"Paiement {_part_words(terms.parts[0])}"
    items = []
    for part in terms.parts:
        item = f"{part.percent.normalize():f}".replace(".", ",") + f" % {_part_words(part)}"
        if invoice_date is not None:
            item += f" ({part.due_date(invoice_date, order_date):%d/%m/%Y})"
        items.append(item)
    return f"Paiement en {len(terms.parts)} échéances : " + ", ".join(items)


# -- ageing ---------------------------------------------------------------------------------------------------


class AgeBucket(StrEnum):
    NOT_DUE = "not_due"
    DAYS_1_30 = "1_30"
    DAYS_31_60 = "31_60"
    DAYS_61_90 = "61_90"
    OVER_90 = "over_90"


AGE_LABELS = {
    AgeBucket.NOT_DUE: "Non échu",
    AgeBucket.DAYS_1_30: "1 à 30 jours",
    AgeBucket.DAYS_31_60: "31 à 60 jours",
    AgeBucket.DAYS_61_90: "61 à 90 jours",
    AgeBucket.OVER_90: "Plus de 90 jours",
}


def bucket_of(due_date: date, as_of: date) -> AgeBucket:
    late = (as_of - due_date).days
    if late <= 0:
        return AgeBucket.NOT_DUE
    if late <= 30:
        return AgeBucket.DAYS_1_30
    if late <= 60:
        return AgeBucket.DAYS_31_60
    if late <= 90:
        return AgeBucket.DAYS_61_90
    return AgeBucket.OVER_90


@dataclass(frozen=True, slots=True)
class Aged:
    """Amounts due per age bucket."""

    currency: str
    amounts: tuple[tuple[AgeBucket, Money], ...]

    @classmethod
    def of(cls, instalments: Iterable[Instalment], as_of: date, currency: str) -> Aged:
        sums = {b: Money.zero(currency) for b in AgeBucket}
        for instalment in instalments:
            if instalment.remaining.is_positive:
                key = bucket_of(instalment.due_date, as_of)
                sums[key] = sums[key] + instalment.remaining
        return cls(currency, tuple((b, sums[b]) for b in AgeBucket))

    def __getitem__(self, bucket: AgeBucket) -> Money:
        for b, amount in self.amounts:  # five buckets: a walk, not a dict built on each read (pages read many)
            if b is bucket:
                return amount
        raise KeyError(bucket)

    @property
    def total(self) -> Money:
        if all(m.currency == self.currency for _, m in self.amounts):  # summed in minor units: one Money built
            return Money.from_minor(sum(m.minor_units for _, m in self.amounts), self.currency)
        return total((m for _, m in self.amounts), self.currency)  # raises the currency mismatch

    @property
    def overdue(self) -> Money:
        return self.total - self[AgeBucket.NOT_DUE]

    def __add__(self, other: Aged) -> Aged:
        theirs = dict(other.amounts)
        return Aged(self.currency, tuple((b, m + theirs[b]) for b, m in self.amounts))


# -- statement of account -------------------------------------------------------------------------------------


class MovementKind(StrEnum):
    INVOICE = "invoice"
    DEPOSIT_INVOICE = "deposit_invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
    REFUND = "refund"
    WRITE_OFF = "write_off"
    DEDUCTION = "deduction"
    ORDER = "order"


@dataclass(frozen=True, slots=True)
class Movement:
    """One entry of a party's account. `amount` is signed: positive is a debit, negative a credit."""

    day: date
    kind: MovementKind
    reference: str
    label: str
    amount: Money
    document_id: int | None = None
    payment_id: int | None = None
    sequence: int = 0  # tie-breaker within a day (creation order)
    #: An invoice's due date (the one it was issued with), shown beside it on the statement.
    due_date: date | None = None

    @property
    def debit(self) -> Money:
        return self.amount if self.amount.is_positive else Money.zero(self.amount.currency)

    @property
    def credit(self) -> Money:
        return -self.amount if self.amount.is_negative else Money.zero(self.amount.currency)


@dataclass(frozen=True, slots=True)
class StatementLine:
    movement: Movement
    balance: Money


@dataclass(frozen=True, slots=True)
class Statement:
    currency: str
    date_from: date
    date_to: date
    opening: Money
    lines: tuple[StatementLine, ...]

    @property
    def closing(self) -> Money:
        return self.lines[-1].balance if self.lines else self.opening

    @property
    def total_debit(self) -> Money:
        return total((line.movement.debit for line in self.lines), self.currency)

    @property
    def total_credit(self) -> Money:
        return total((line.movement.credit for line in self.lines), self.currency)


def build_statement(movements: Iterable[Movement], date_from: date, date_to: date, currency: str) -> Statement:
    """Opening balance = movements before `date_from`; lines = movements in [date_from, date_to] with a running
    balance; closing = opening + debits − credits of the period."""
    ordered = sorted(movements, key=lambda m: (m.day, m.sequence, m.kind.value, m.reference))
    opening = total((m.amount for m in ordered if m.day < date_from), currency)
    balance = opening
    lines = []
    for movement in ordered:
        if date_from <= movement.day <= date_to:
            balance = balance + movement.amount
            lines.append(StatementLine(movement, balance))
    return Statement(currency, date_from, date_to, opening, tuple(lines))
