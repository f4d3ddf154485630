"""One company's half year, built through the services, with every dashboard figure known in advance.

Counted on AS_OF = 30/06/2026 (invoices without terms are due on their date):
- customers' invoices: FA1 1 200,00 paid 200,00 → 1 000,00 over 90 days; FA2 600,00 → 31–60 days; FA3 120,00
  paid 100,00 by a payment of 150,00 → 20,00 at 1–30 days and an overpayment of 50,00; FA4 240,00 issued on
  AS_OF, 20,00 of a credit note used on it → 220,00 not due. Owed 1 840,00, overdue 1 620,00.
- a payment of 80,00 allocated to nothing; a gesture of 120,00 unused and one of 60,00 used for 20,00 (40,00 left);
  customers hold 80 + 50 + 120 + 40 = 290,00.
- an order with a deposit payment of 300,00 (not invoiced, all of the 25 % it requested); another with a deposit
  invoice of 180,00, paid and not deducted: 480,00 of deposits. A third order requests 30 % (144,00) and has
  received nothing: the one deposit awaited.
- suppliers' invoices: 300,00 issued 15/06 (overdue) and 120,00 due on AS_OF: 420,00 owed, both to pay today.
- one draft sales invoice.
- cash: in 200,00 (March), 100,00 (April, refunded the same month: out 100,00), 1 910,00 (June: 300 + 180 +
  150 + 80 + 1 200 for the invoice the gestures name); a cancelled payment of 999,00 in May counts nothing; a
  supplier payment of 7,00 on 01/07/2025 is the first month's, one of 10,00 on 15/06/2025 is before the chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from acompte.domain.credits import CreditRef
from acompte.domain.documents import Flow, Kind
from acompte.domain.money import Money
from acompte.domain.payments import Direction
from acompte.services import credits, deposits, documents, parties, payment_changes, payments
from acompte.services.ports import Ctx, UnitOfWork
from tests.helpers import gesture, line, paid_invoice, validated

AS_OF = date(2026, 6, 30)


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


@dataclass(frozen=True)
class Story:
    customer: int
    supplier: int
    invoices: tuple[int, ...]  # FA1..FA4
    orders: tuple[int, int]  # with a deposit payment, with a deposit invoice
    awaited: int  # an order whose requested deposit was never received
    deposit_invoice: int
    supplier_invoices: tuple[int, int]


def half_year(uow: UnitOfWork, ctx: Ctx) -> Story:
    customer = parties.create_party(uow, ctx, name="Client Tableau").id
    supplier = parties.create_party(uow, ctx, name="Fournisseur Tableau", customer=False, supplier=True).id

    def pay(amount: str, day: date, *to: tuple[int, str], direction: Direction = Direction.IN, party: int = customer):
        return payments.record_payment(
            uow,
            ctx,
            party_id=party,
            amount=eur(amount),
            method="transfer",
            direction=direction,
            payment_date=day,
            allocations=[(i, eur(a)) for i, a in to],
        )

    pay("10.00", date(2025, 6, 15), direction=Direction.OUT, party=supplier)
    pay("7.00", date(2025, 7, 1), direction=Direction.OUT, party=supplier)
    fa1 = validated(uow, ctx, customer, line("1000.00"), today=date(2026, 3, 1)).id
    pay("200.00", date(2026, 3, 15), (fa1, "200.00"))
    refunded = pay("100.00", date(2026, 4, 10))
    credits.refund(uow, ctx, source=CreditRef.payment(refunded.id), method="transfer", payment_date=date(2026, 4, 20))
    cancelled = pay("999.00", date(2026, 5, 5))
    payment_changes.cancel_payment(uow, ctx, cancelled.id, reason="saisi deux fois")
    fa2 = validated(uow, ctx, customer, line("500.00"), today=date(2026, 5, 10)).id
    with_payment = validated(uow, ctx, customer, line("1000.00"), kind=Kind.ORDER, today=date(2026, 6, 1)).id
    deposits.request_deposit(uow, ctx, with_payment, percent=Decimal("25"))  # 300.00, received below
    deposits.record_deposit_payment(
        uow, ctx, with_payment, method="transfer", amount=eur("300.00"), payment_date=date(2026, 6, 2)
    )
    with_invoice = validated(uow, ctx, customer, line("500.00"), kind=Kind.ORDER, today=date(2026, 6, 3)).id
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=with_invoice, percent=Decimal("30"))
    deposit_invoice = deposits.issue_deposit_invoice(
        uow, ctx, draft.id, today=date(2026, 6, 4), generate_payment=True, method="transfer"
    ).document.id
    awaited = validated(uow, ctx, customer, line("400.00"), kind=Kind.ORDER, today=date(2026, 6, 5)).id
    deposits.request_deposit(uow, ctx, awaited, percent=Decimal("30"))  # 144.00, never received
    p1 = validated(uow, ctx, supplier, line("250.00"), flow=Flow.PURCHASE, today=date(2026, 6, 15)).id
    fa3 = validated(uow, ctx, customer, line("100.00"), today=date(2026, 6, 20)).id
    pay("150.00", date(2026, 6, 21), (fa3, "100.00"))
    pay("80.00", date(2026, 6, 25))
    fa4 = validated(uow, ctx, customer, line("200.00"), today=AS_OF).id
    p2 = validated(uow, ctx, supplier, line("100.00"), flow=Flow.PURCHASE, today=AS_OF).id
    named = paid_invoice(uow, ctx, customer, today=AS_OF).id
    gesture(uow, ctx, customer, on=named, today=AS_OF)
    partly = gesture(uow, ctx, customer, line("50.00"), on=named, today=AS_OF)
    credits.use_credit(uow, ctx, credit_id=partly.id, document_id=fa4, amount=eur("20.00"))
    documents.create_document(uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer, lines=[line("10.00")])
    return Story(
        customer=customer,
        supplier=supplier,
        invoices=(fa1, fa2, fa3, fa4),
        orders=(with_payment, with_invoice),
        awaited=awaited,
        deposit_invoice=deposit_invoice,
        supplier_invoices=(p1, p2),
    )
