"""Facts: what happened, as plain records the posting rules read (documents issued, payments and how they were
allocated, deductions, refunds, write-offs, exchange differences, reversals). The services build them from what
is stored; the domain never reads storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from acompte.domain.accounting.chart import Treasury
from acompte.domain.accounting.entries import PartyRef
from acompte.domain.accounting.parts import FactLine, VatPart, parts_total, vat_parts
from acompte.domain.documents import Flow, Kind
from acompte.domain.money import Money, total
from acompte.domain.payments import Direction
from acompte.domain.vat import VatRounding


class CreditReason(StrEnum):
    """A credit note either takes goods back / cancels (mirror of the invoice on 70x) or reduces the price (709)."""

    RETURN = "return"
    REDUCTION = "reduction"


@dataclass(frozen=True, slots=True)
class DocumentFact:
    """An issued invoice, deposit invoice or credit note (sale or purchase) as accounting needs it."""

    key: str
    kind: Kind
    flow: Flow
    number: str
    issue_date: date
    party: PartyRef
    currency: str
    lines: tuple[FactLine, ...]
    rounding: VatRounding = VatRounding.PER_RATE
    credit_reason: CreditReason = CreditReason.RETURN
    #: key of the deposit a recall line (or a deposit credit note) takes back, for matching its 4191 lines
    deposit_key: str | None = None
    #: the VAT breakdown as issued, when the lines cannot recompute it exactly (deposit invoices and deposit
    #: credit notes split a gross amount: their VAT is the gross less the net, not the net times the rate)
    issued_parts: tuple[VatPart, ...] | None = None

    @property
    def parts(self) -> tuple[VatPart, ...]:
        if self.issued_parts is not None:
            return self.issued_parts
        return vat_parts(self.lines, self.currency, self.rounding)

    @property
    def gross(self) -> Money:
        return parts_total(self.parts, self.currency)

    @property
    def label(self) -> str:
        return f"{KIND_WORDS[self.kind]} {self.number} {self.party.name}"


@dataclass(frozen=True, slots=True)
class CreditNoteFact:
    """A credit note (avoir) or deposit credit note (avoir d'acompte), independent of how credits are stored.

    `corrects` lists the numbers of the invoices it corrects; `deposit_key` the deposit a deposit credit note
    cancels (its 4191 lines then match the deposit's).
    """

    key: str
    number: str
    issue_date: date
    flow: Flow
    party: PartyRef
    currency: str
    parts: tuple[VatPart, ...]
    reason: CreditReason = CreditReason.RETURN
    deposit: bool = False
    deposit_key: str | None = None
    corrects: tuple[str, ...] = ()

    @property
    def gross(self) -> Money:
        return parts_total(self.parts, self.currency)


class Treatment(StrEnum):
    """How a payment's allocation is booked: against the receivable (411/401) or as a deposit (4191/4091)."""

    RECEIVABLE = "receivable"
    DEPOSIT = "deposit"


@dataclass(frozen=True, slots=True)
class AllocationFact:
    """Part of a payment settling one document.

    `content`: for a deposit, the net and VAT it carries (4191 + 44571). `release`: for a receivable whose VAT
    waits for payment, the VAT that this payment makes due (44574 -> 44571).
    """

    key: str
    number: str
    amount: Money
    treatment: Treatment = Treatment.RECEIVABLE
    content: tuple[VatPart, ...] = ()
    release: tuple[VatPart, ...] = ()


@dataclass(frozen=True, slots=True)
class PaymentFact:
    """A payment received (IN) or paid out (OUT) and how it was allocated; the rest is an overpayment (credit
    left on 411) or an advance to a supplier (debit left on 401). `flow` tells whose account it moves: a payment
    OUT to a customer is a refund (D 411)."""

    key: str
    number: str
    payment_date: date
    direction: Direction
    flow: Flow
    party: PartyRef
    amount: Money
    treasury: Treasury = Treasury.BANK
    allocations: tuple[AllocationFact, ...] = ()
    #: shortfalls written off at this receipt, in the same operation: booked in its treasury entry
    write_offs: tuple[WriteOffFact, ...] = ()
    #: the treasury account's own ledger account (5121…, 531…); empty: the chart's bank (or cash) account
    treasury_account: str = ""

    @property
    def unallocated(self) -> Money:
        return self.amount - total((a.amount for a in self.allocations), self.amount.currency)


@dataclass(frozen=True, slots=True)
class DeductionFact:
    """A deposit deducted from a final invoice (imputation): `parts` is the deposit's net and VAT content.

    `deposit_key` is what the deposit's 4191/4091 lines carry ("doc:<deposit invoice>" or "doc:<order>");
    `invoice_key` what the final invoice's 411/401 line carries.
    """

    key: str
    invoice_number: str
    invoice_key: str
    deposit_key: str
    deduction_date: date
    flow: Flow
    party: PartyRef
    parts: tuple[VatPart, ...]
    deposit_number: str = ""

    @property
    def gross(self) -> Money:
        currency = self.parts[0].net.currency if self.parts else "EUR"
        return parts_total(self.parts, currency)


@dataclass(frozen=True, slots=True)
class RefundFact:
    """Money given back: to a customer (D 411 / C 512) or by a supplier (D 512 / C 401).

    `refunded_key` names what was refunded (an overpayment "pay:<id>" or a credit note "doc:<id>").
    """

    key: str
    number: str
    refund_date: date
    flow: Flow
    party: PartyRef
    amount: Money
    refunded_key: str
    treasury: Treasury = Treasury.BANK
    treasury_account: str = ""


class WriteOffKind(StrEnum):
    GAIN = "gain"  # we keep money that is not ours: an overpayment, an unused credit note (758)
    LOSS = "loss"  # we give up money owed to us: a small shortfall (658)


def write_off_kind(what: str, flow: Flow) -> WriteOffKind:
    """Who gains when an amount is written off (`what`: "overpayment", "credit_note" or "shortfall").

    Sales: the company keeps what a customer overpaid or holds on a credit note (gain, 758) and gives up what a
    customer still owed (loss, 658). Purchases are the mirror: what we overpaid a supplier or hold on its credit
    note is lost (658), what we still owed it is gained (758).
    """
    keeps = what in {"overpayment", "credit_note"}
    return WriteOffKind.GAIN if keeps == (flow is Flow.SALE) else WriteOffKind.LOSS


@dataclass(frozen=True, slots=True)
class WriteOffFact:
    """A small difference written off (658/758) on a party's account; `written_key` names what it settles;
    `received_key` the payment at whose receipt it was written off, in the same operation ("pay:<id>")."""

    key: str
    reference: str
    write_off_date: date
    flow: Flow
    party: PartyRef
    amount: Money
    kind: WriteOffKind
    written_key: str
    received_key: str | None = None


@dataclass(frozen=True, slots=True)
class BankFeeFact:
    """The bank's commission kept from a card settlement (the line brings the card payments less it), as
    confirmed with the bank line: a charge paid from the bank account (D 627 / C 512)."""

    key: str
    reference: str
    fee_date: date
    amount: Money
    treasury: Treasury = Treasury.BANK


@dataclass(frozen=True, slots=True)
class ExchangeDifferenceFact:
    """The difference, in the company's currency, between what a foreign-currency item was booked at and what
    was settled. Positive `amount`: a gain (756); negative: a loss (656)."""

    key: str
    reference: str
    difference_date: date
    flow: Flow
    party: PartyRef
    amount: Money
    matched_key: str


@dataclass(frozen=True, slots=True)
class ReversalFact:
    """An entry already posted whose ground went away (a deduction removed when its final invoice was cancelled
    by a credit note): it is reversed by the mirror entry, never changed (PCG art. 420-5)."""

    key: str
    reversed_key: str  # the source key of the posted entry to reverse
    reversal_date: date
    reason: str = ""
    piece_ref: str = ""  # the document that caused it (the cancelling credit note); else the reversed entry's


KIND_WORDS = {
    Kind.INVOICE: "Facture",
    Kind.DEPOSIT_INVOICE: "Facture d'acompte",
    Kind.CREDIT_NOTE: "Avoir",
    Kind.DEPOSIT_CREDIT_NOTE: "Avoir d'acompte",
    Kind.ORDER: "Commande",
    Kind.QUOTE: "Devis",
    Kind.DELIVERY: "Bon de livraison",
}
