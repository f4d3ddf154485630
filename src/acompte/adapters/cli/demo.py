"""`acompte demo`: a furniture shop with customers, orders, invoices, deposits and payments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from rich.console import Console

from acompte.adapters.cli.output import Column, print_table
from acompte.adapters.formatting import (
    KIND_LABELS,
    POSITION_STATUS_LABELS,
    STATE_LABELS,
    date_fr,
    money_fr,
)
from acompte.domain.addresses import PostalAddress
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.domain.parties import Item, ItemKind
from acompte.services import accounts, companies, credits, deposits, documents, parties, payments
from acompte.services.ports import Ctx, UnitOfWork

D = Decimal
DEMO_COMPANY = "Meubles Durand (démo)"


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def build_demo(uow: UnitOfWork, *, today: date | None = None) -> int:
    """Create the demo company and its story; returns the company id."""
    today = today or uow.clock.today()
    company_id = companies.create_company(
        uow,
        name="Meubles Durand (démo)",
        currency="EUR",
        siren="732829320",
        vat_number="FR44732829320",
        address=PostalAddress("12 rue des Artisans", postcode="69003", city="Lyon"),
    )
    ctx = Ctx(company_id, actor="demo")
    table = parties.create_item(uow, ctx, name="Table en chêne", unit_price=D("1000.00"), vat_rate=D("20"))
    chair = parties.create_item(uow, ctx, name="Chaise paillée", unit_price=D("85.50"), vat_rate=D("20"))
    delivery = parties.create_item(
        uow, ctx, name="Livraison et montage", unit_price=D("120.00"), vat_rate=D("10"), kind=ItemKind.SERVICE
    )
    martin = parties.create_party(uow, ctx, name="Claire Martin", email="claire.martin@example.fr")
    bistro = parties.create_party(uow, ctx, name="Bistrot du Parc SARL", siren="552100554")
    leroy = parties.create_party(uow, ctx, name="Paul Leroy")

    def line(item: Item, qty: str) -> LineInput:
        return LineInput(item.name, D(qty), item.unit_price, item.vat_rate, item_id=item.id)

    # 1. An order with a 30 % deposit payment by transfer (no deposit invoice), carried to its final invoice.
    order = documents.create_document(
        uow,
        ctx,
        kind=Kind.ORDER,
        flow=Flow.SALE,
        party_id=martin.id,
        lines=[line(table, "1"), line(chair, "4"), line(delivery, "1")],
        issue_date=today - timedelta(days=20),
    )
    order = documents.validate_document(uow, ctx, order.id, today=today - timedelta(days=20))
    deposit = order.document.gross.times(D("0.30"))
    deposits.record_deposit_payment(
        uow,
        ctx,
        order.id,
        amount=deposit,
        method="transfer",
        reference="VIR MARTIN ACOMPTE",
        payment_date=today - timedelta(days=18),
    )
    final = deposits.create_final_invoice(uow, ctx, order.id)  # the deposit follows the order to the invoice
    documents.validate_document(uow, ctx, final.invoice.id, today=today - timedelta(days=3))

    # 1b. A furniture order with a 15 % deposit invoice paid by card, deducted on the final invoice.
    dining = documents.create_document(
        uow,
        ctx,
        kind=Kind.ORDER,
        flow=Flow.SALE,
        party_id=bistro.id,
        lines=[line(table, "3"), line(chair, "12"), line(delivery, "1")],
        issue_date=today - timedelta(days=15),
    )
    dining = documents.validate_document(uow, ctx, dining.id, today=today - timedelta(days=15))
    deposit_invoice = deposits.create_deposit_invoice(uow, ctx, origin_id=dining.id, percent=D("15"))
    deposits.issue_deposit_invoice(
        uow,
        ctx,
        deposit_invoice.id,
        today=today - timedelta(days=14),
        generate_payment=True,
        method="card",
        payment_date=today - timedelta(days=14),
    )
    dining_final = deposits.create_final_invoice(uow, ctx, dining.id)
    documents.validate_document(uow, ctx, dining_final.invoice.id, today=today - timedelta(days=1))

    # 2. An invoice paid in full by cheque.
    invoice = documents.create_document(
        uow,
        ctx,
        kind=Kind.INVOICE,
        flow=Flow.SALE,
        party_id=bistro.id,
        lines=[line(chair, "12")],
    )
    invoice = documents.validate_document(uow, ctx, invoice.id, today=today - timedelta(days=10))
    payments.record_payment(
        uow,
        ctx,
        party_id=bistro.id,
        amount=invoice.document.gross,
        method="cheque",
        reference="Chèque n° 4521877",
        payment_date=today - timedelta(days=5),
        allocations=[(invoice.id, invoice.document.gross)],
    )

    # 3. An order converted to an invoice, half paid by card, the rest still due.
    order2 = documents.create_document(
        uow,
        ctx,
        kind=Kind.ORDER,
        flow=Flow.SALE,
        party_id=leroy.id,
        lines=[line(table, "2"), line(delivery, "1")],
    )
    order2 = documents.validate_document(uow, ctx, order2.id, today=today - timedelta(days=7))
    invoice2 = documents.convert_document(uow, ctx, order2.id, Kind.INVOICE)
    invoice2 = documents.validate_document(uow, ctx, invoice2.id, today=today - timedelta(days=2))
    half = invoice2.document.gross.times(D("0.5"))
    payments.record_payment(
        uow,
        ctx,
        party_id=leroy.id,
        amount=half,
        method="card",
        payment_date=today - timedelta(days=1),
        allocations=[(invoice2.id, half)],
    )

    # 4. A payment larger than the invoice it settles: the rest stays as the customer's credit.
    small = documents.create_document(
        uow,
        ctx,
        kind=Kind.INVOICE,
        flow=Flow.SALE,
        party_id=bistro.id,
        lines=[LineInput("Réparation de chaise", D("1"), D("37.50"), D("20"))],
    )
    small = documents.validate_document(uow, ctx, small.id, today=today)
    cheque = payments.record_payment(
        uow,
        ctx,
        party_id=bistro.id,
        amount=eur("50.00"),
        method="cheque",
        reference="Chèque n° 4521901",
        payment_date=today,
        allocations=[(small.id, small.document.gross)],
    )
    # 5. The 5.00 left on that cheque settles part of the next invoice (60.00): 55.00 still due.
    cushions = documents.create_document(
        uow,
        ctx,
        kind=Kind.INVOICE,
        flow=Flow.SALE,
        party_id=bistro.id,
        lines=[LineInput("Coussin de chaise", D("4"), D("12.50"), D("20"))],
    )
    cushions = documents.validate_document(uow, ctx, cushions.id, today=today)
    payments.allocate(uow, ctx, payment_id=cheque.id, document_id=cushions.id)
    # 6. A return: 2 of the 12 chairs come back. The credit note (205.20) is used on two invoices: the cushions
    #    (55.00) and a table (150.20 of 180.00, 29.80 still due).
    table_invoice = documents.create_document(
        uow,
        ctx,
        kind=Kind.INVOICE,
        flow=Flow.SALE,
        party_id=bistro.id,
        lines=[LineInput("Table bistrot", D("1"), D("150.00"), D("20"))],
    )
    table_invoice = documents.validate_document(uow, ctx, table_invoice.id, today=today)
    note = credits.credit_invoice(uow, ctx, invoice.id, lines=[(1, D("2"))], comment="Retour de 2 chaises", today=today)
    credits.use_credit(uow, ctx, credit_id=note.id, document_id=cushions.id)
    credits.use_credit(uow, ctx, credit_id=note.id, document_id=table_invoice.id)
    # 7. A draft quote, not yet sent.
    documents.create_document(
        uow,
        ctx,
        kind=Kind.QUOTE,
        flow=Flow.SALE,
        party_id=martin.id,
        lines=[line(chair, "6")],
    )
    # 8. An invoice issued today, not paid yet.
    unpaid = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=martin.id, lines=[line(chair, "2")]
    )
    documents.validate_document(uow, ctx, unpaid.id, today=today)
    return company_id


def print_demo(uow: UnitOfWork, company_id: int, console: Console) -> None:
    """The demo's documents, payments and one customer's account, in tables that never cut an amount."""
    ctx = Ctx(company_id)
    company = companies.get_company(uow, ctx)
    console.print(f"[bold]{company.name}[/bold] — société n° {company_id}\n")

    amounts = {"Total TTC", "Acomptes déduits", "Réglé", "Solde dû", "Montant", "Affecté", "Non affecté", "Disponible"}

    def columns(*headers: str) -> list[Column]:
        return [Column(h, amount=h in amounts, whole=h == "Numéro") for h in headers]

    rows = []
    for doc in documents.list_documents(uow, ctx, limit=500):
        position = doc.position
        assert position is not None
        status = POSITION_STATUS_LABELS[position.status.value]
        if position.cancelled_by is not None:
            status += f" par {position.cancelled_by.number}"
        if position.credit_left is not None:  # a credit note is used, not paid: what is used and what remains
            settled, left = position.total - position.credit_left, position.credit_left
        else:
            settled, left = position.paid + position.credited + position.written_off, position.balance_due
        rows.append(
            [
                doc.number or "(brouillon)",
                KIND_LABELS[doc.kind],
                doc.party_name,
                STATE_LABELS[doc.state],
                money_fr(position.total),
                money_fr(position.deducted),
                money_fr(settled),
                money_fr(left),
                status,
            ]
        )
    headers = ("Numéro", "Type", "Client", "État", "Total TTC", "Acomptes déduits", "Réglé", "Solde dû", "Statut")
    print_table(console, "Documents", columns(*headers), rows)

    methods = {m.code: m.label for m in company.methods}
    rows = [
        [
            p.payment.number,
            date_fr(p.payment.payment_date),
            p.party_name,
            methods.get(p.payment.method, p.payment.method),
            money_fr(p.payment.amount),
            money_fr(p.allocated),
            money_fr(p.unallocated),
        ]
        for p in payments.list_payments(uow, ctx, limit=500)
    ]
    print_table(
        console, "Règlements", columns("Numéro", "Date", "Tiers", "Mode", "Montant", "Affecté", "Non affecté"), rows
    )

    # The party account of the customer of the credit story (returns, overpayment): what it owes, what it holds.
    bistro = next(p for p in parties.list_parties(uow, ctx, role="customer") if p.name.startswith("Bistrot"))
    account = accounts.party_account(uow, ctx, bistro.id)
    natures = {"credit_note": "Avoir", "overpayment": "Trop-perçu", "unallocated_payment": "Règlement"}
    rows = []
    for i in range(max(len(account.due), len(account.credits))):
        d = account.due[i] if i < len(account.due) else None
        c = account.credits[i] if i < len(account.credits) else None
        rows.append(
            [
                d.number or "" if d else "",
                money_fr(d.balance_due) if d else "",
                f"{natures[c.category]} {c.number}" if c else "",
                money_fr(c.remaining) if c else "",
            ]
        )
    rows.append(["Total", money_fr(account.due_total), "Total", money_fr(account.credit_total)])
    title = f"Gestion commerciale — {bistro.name}"
    print_table(console, title, columns("Doit", "Solde dû", "En main", "Disponible"), rows)
    console.print(f"Solde du compte : {money_fr(account.balance)}", soft_wrap=True)
