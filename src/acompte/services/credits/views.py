"""What the credits capability shows: its read records (credit notes as credits, where a credit went, refunds,
write-offs, overpayments, the result of settling) and the reads that return them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from acompte.domain.credits import CreditRef, CreditStatus, CreditUse, SourceKind, direction_of
from acompte.domain.documents import Flow, State
from acompte.domain.errors import CreditNotIssued
from acompte.domain.money import Money
from acompte.services.credits.lookups import credit_note, credited_on
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import AllocationView, PaymentView


@dataclass(frozen=True, slots=True)
class CreditNoteView:
    """A validated credit note as a credit: what it is worth, where it went, what remains."""

    id: int
    kind: str
    flow: str
    number: str | None
    party_id: int
    party_name: str
    currency: str
    issue_date: date
    origin_id: int | None
    origin_number: str | None
    use: CreditUse
    notes: str = ""

    @property
    def ref(self) -> CreditRef:
        return CreditRef.credit_note(self.id)

    @property
    def gross(self) -> Money:
        return self.use.total

    @property
    def remaining(self) -> Money:
        return self.use.remaining

    @property
    def status(self) -> CreditStatus:
        return self.use.status


@dataclass(frozen=True, slots=True)
class RefundView:
    id: int
    party_id: int
    payment_id: int  # the refund payment (opposite direction)
    payment_number: str
    source: CreditRef
    source_number: str | None
    amount: Money
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CreditUseLine:
    """One use of a credit (a credit note, or a payment's money): the document it settles, how much, since when.

    Read from the allocations themselves, so a use undone since is gone and a use moved (a deposit deducted
    on the final invoice) shows where it is now."""

    allocation_id: int
    source: CreditRef
    document_id: int
    document_number: str | None
    amount: Money
    used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class WriteOffView:
    """An amount written off: of a credit (`source`: a credit note or a payment's overpayment) or, for a small
    shortfall, of what a document still owed (`document_id`). `source_number` names the one or the other."""

    id: int
    party_id: int
    kind: str  # "credit_note", "overpayment" or "shortfall"
    source: CreditRef | None
    source_number: str | None
    amount: Money
    write_off_date: date
    reason: str = ""
    document_id: int | None = None
    #: a shortfall written off at the receipt of this payment, in the same operation (one bank entry)
    received_payment_id: int | None = None


@dataclass(frozen=True, slots=True)
class OverpaymentView:
    """The unused part of an active payment (« trop-perçu »), with where the payment came from."""

    payment_id: int
    number: str
    party_id: int
    party_name: str
    direction: str
    method: str
    payment_date: date
    amount: Money
    use: CreditUse
    origin_numbers: tuple[str, ...]  # the documents the payment settles, if any

    @property
    def ref(self) -> CreditRef:
        return CreditRef.payment(self.payment_id)

    @property
    def remaining(self) -> Money:
        return self.use.remaining

    @property
    def is_overpayment(self) -> bool:
        """True when the payment settles something and has money left; False for a wholly unallocated payment."""
        return self.use.used.is_positive or self.use.written_off.is_positive


@dataclass(frozen=True, slots=True)
class SettleResult:
    payment_id: int | None
    allocations: tuple[AllocationView, ...]
    excess: Money
    refund: RefundView | None = None
    write_off: WriteOffView | None = None
    #: the shortfalls written off at the receipt of the new payment (`write_off_shortfall`), one per document
    shortfalls: tuple[WriteOffView, ...] = ()


@dataclass(frozen=True, slots=True)
class InvoiceCredits:
    """How much of an invoice its credit notes have corrected."""

    invoice_id: int
    gross: Money
    credited: Money
    credit_note_ids: tuple[int, ...]

    @property
    def remaining(self) -> Money:
        return self.gross - self.credited

    @property
    def fully_credited(self) -> bool:
        """« Annulée par avoir »: the credit notes equal the invoice (it stays numbered, never deleted)."""
        return self.credited == self.gross


# -- reads ----------------------------------------------------------------------------------------------------


def invoice_credits(uow: UnitOfWork, ctx: Ctx, invoice_id: int) -> InvoiceCredits:
    with uow:
        invoice = uow.documents.get(ctx.company_id, invoice_id)
        _, credited = credited_on(uow, ctx, invoice_id)
        ids = tuple(
            n.id for n, _ in uow.credits.credit_notes_on(ctx.company_id, invoice_id) if n.state is State.VALIDATED
        )  # also those that correct it with other invoices
        return InvoiceCredits(invoice.id, invoice.gross, credited or Money.zero(invoice.currency), ids)


def get_credit_note(uow: UnitOfWork, ctx: Ctx, credit_id: int) -> CreditNoteView:
    with uow:
        credit = credit_note(uow, ctx, credit_id)
        if credit.state is not State.VALIDATED:
            raise CreditNotIssued(credit=credit.label)
        return uow.credits.credit_notes(ctx.company_id, credit_id=credit_id)[0]


def credit_uses(uow: UnitOfWork, ctx: Ctx, source: CreditRef) -> list[CreditUseLine]:
    """Where a credit went (« Utilisations »): the documents a credit note — or a payment, for an overpayment —
    settles now, with the amount and when, oldest first. Refunds and write-offs are read with `list_refunds`
    and the write-offs list. Company-scoped: another company's credit raises NotFound."""
    with uow:
        if source.kind is SourceKind.CREDIT_NOTE:
            credit_note(uow, ctx, source.id)
            allocations = uow.allocations.for_credit(ctx.company_id, source.id)
        else:
            uow.payments.get(ctx.company_id, source.id)
            allocations = uow.allocations.for_payment(ctx.company_id, source.id)
        return [
            CreditUseLine(
                allocation_id=a.id,
                source=source,
                document_id=a.document_id,
                document_number=a.document_number,
                amount=a.amount,
                used_at=a.created_at,
            )
            for a in allocations
        ]


def list_credit_notes(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    party_id: int | None = None,
    flow: Flow | None = None,
    status: CreditStatus | None = None,
) -> list[CreditNoteView]:
    """The credit notes list (« Avoirs »), filterable by status: unused, partially used, settled, written off."""
    with uow:
        views = uow.credits.credit_notes(ctx.company_id, party_id=party_id, flow=flow.value if flow else None)
        return [v for v in views if status is None or v.status is status]


def list_refunds(
    uow: UnitOfWork, ctx: Ctx, *, party_id: int | None = None, source: CreditRef | None = None
) -> list[RefundView]:
    with uow:
        return list(uow.credits.refunds(ctx.company_id, party_id=party_id, source=source))


def get_refund(uow: UnitOfWork, ctx: Ctx, refund_id: int) -> RefundView:
    with uow:
        return uow.credits.get_refund(ctx.company_id, refund_id)


def list_overpayments(
    uow: UnitOfWork, ctx: Ctx, *, party_id: int | None = None, flow: Flow | None = None, limit: int = 10_000
) -> list[OverpaymentView]:
    """Payments with money left (« Trop-perçus »): party, date, origin, what remains. Refund payments never
    appear (they are wholly used by the credit they give back)."""
    with uow:
        direction = direction_of(flow).value if flow else None
        views = uow.payments.views(
            ctx.company_id, party_id=party_id, direction=direction, unallocated_only=True, limit=limit
        )
        return overpayments_of(uow, ctx, views)


def overpayments_of(uow: UnitOfWork, ctx: Ctx, views: Sequence[PaymentView]) -> list[OverpaymentView]:
    """The overpayment views of payment views already read with money left (`unallocated_only`)."""
    with uow:
        found = [v.payment for v in views]
        uses = uow.credits.payment_uses(ctx.company_id, found)
        origins = uow.credits.allocated_documents(ctx.company_id, [p.id for p in found])
        names = {v.payment.id: v.party_name for v in views}
        return [
            OverpaymentView(
                payment_id=p.id,
                number=p.number,
                party_id=p.party_id,
                party_name=names[p.id],
                direction=p.direction.value,
                method=p.method,
                payment_date=p.payment_date,
                amount=p.amount,
                use=uses[p.id],
                origin_numbers=origins.get(p.id, ()),
            )
            for p in found
        ]
