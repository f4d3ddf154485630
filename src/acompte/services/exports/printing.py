"""What a printed document shows: plain records for the PDF templates (adapters/exports/pdf.py).

An issued invoice, deposit invoice or credit note is printed as it was at issue (its file is produced then and
kept: issued_files.py): its net to pay is its total less the deposits deducted on it, the same figures
as its Factur-X (BT-112, BT-113, BT-115); payments received afterwards show on its page and the statement.

Quotes, orders (with the deposits already paid), deposit invoices, invoices (with deducted deposits and the net
to pay), credit notes (with the invoices they correct); a customer's account statement is printed by
statements.py. The figures are the same as the e-invoice's (einvoicing.py) and the accounting entries'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from acompte.domain.accounting import Nature, VatPart
from acompte.domain.addresses import DEFAULT_COUNTRY, PostalAddress
from acompte.domain.documents import CREDIT_KINDS, INVOICE_KINDS, Document, Flow, Kind, State
from acompte.domain.einvoicing import (
    DEBITS_OPTION_NOTE,
    DEFAULT_LEGAL_NOTES,
    DeductedDeposit,
    DeductionEncoding,
    recall_designation,
    recalled_parts,
)
from acompte.domain.money import Money, total
from acompte.domain.parties import Company, Party
from acompte.domain.vat import Totals, VatLine, compute_totals, treatment
from acompte.services import identifiers
from acompte.services.exports.deduction_encoding import encoding_of
from acompte.services.exports.einvoicing import corrected_documents, document_natures, paid_at_issue
from acompte.services.exports.issued_vat import DEPOSIT_DOCUMENT_KINDS, deducted_deposits, issued_breakdown
from acompte.services.payment_terms import applied_terms
from acompte.services.ports import Ctx, UnitOfWork


def N_(text: str) -> str:  # the catalogue's marker (`pybabel extract -k N_`): services import no adapter
    return text


#: An invoice wholly paid on or before its issue (cadre « déjà payée »): the row under its total, and its mention.
PAID_LABEL = N_("Payée")
PAID_MENTION = N_("Facture acquittée.")

TITLES = {
    Kind.QUOTE: "Devis",
    Kind.ORDER: "Bon de commande",
    Kind.DELIVERY: "Bon de livraison",
    Kind.INVOICE: "Facture",
    Kind.DEPOSIT_INVOICE: "Facture d'acompte",
    Kind.CREDIT_NOTE: "Avoir",
    Kind.DEPOSIT_CREDIT_NOTE: "Avoir d'acompte",
}


@dataclass(frozen=True, slots=True)
class PrintParty:
    name: str
    address_lines: tuple[str, ...]
    siren: str = ""
    vat_number: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class PrintLine:
    designation: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    vat_rate: Decimal
    net: Money


@dataclass(frozen=True, slots=True)
class PrintPayment:
    """A payment or a deduction shown under the totals: date, what, amount."""

    day: date
    label: str
    amount: Money


@dataclass(frozen=True, slots=True)
class PrintableDocument:
    kind: Kind
    title: str
    number: str
    draft: bool
    issue_date: date
    due_date: date | None
    seller: PrintParty
    buyer: PrintParty
    lines: tuple[PrintLine, ...]
    vat: tuple[VatLine, ...]
    net: Money
    vat_total: Money
    gross: Money
    #: What the document shows under its total, in this order: the deposit invoices it deducts; « Net à payer »
    #: (total − deducted, the position's net to pay); the payments and credits it shows as received (an issued
    #: invoice: those received before its date, as its Factur-X BT-113); « Reste à payer » (BT-115).
    deducted: tuple[PrintPayment, ...]
    net_to_pay: Money
    paid: tuple[PrintPayment, ...]
    amount_due: Money
    references: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    notes: str = ""


def party_lines(address: PostalAddress) -> tuple[str, ...]:
    """The address as printed; the country's name only for an address outside France."""
    abroad = address.country != DEFAULT_COUNTRY and not address.is_empty
    return address.lines(identifiers.countries().get(address.country, address.country) if abroad else "")


def vat_mentions(uow: UnitOfWork, ctx: Ctx, company: Company, party: Party, document: Document) -> tuple[str, ...]:
    """The exemption or reverse-charge wording a sale at 0 % must print (CGI ann. II art. 242 nonies A, I-13°),
    the same as its Factur-X BT-120 (domain/vat.py `treatment`)."""
    natures = document_natures(uow, ctx, company, document)
    found = (
        treatment(
            party.regime,
            line.vat_rate,
            services=natures.get(line.item_id, natures[None]) is Nature.SERVICES,
            exemption=party.exemption,
        ).reason
        for line in document.lines
    )
    return tuple(dict.fromkeys(reason for reason in found if reason))


def recalled_totals(totals: Totals, deductions: Sequence[DeductedDeposit]) -> Totals:
    """A final invoice's totals net of the deposits it recalls by lines: per rate, its base and VAT less the
    deductions' (the Factur-X's BT-109/110/112 and the sales entry, to the cent)."""
    parts = [VatPart(b.rate, Nature.GOODS, b.net, b.vat) for b in totals.breakdown]
    merged = [VatPart(p.rate, Nature.GOODS, p.net, p.vat) for d in deductions for p in d.parts]
    left = recalled_parts(parts, [DeductedDeposit("", date.min, tuple(merged))])
    by_rate: dict[Decimal, VatLine] = {}
    for part in left:
        seen = by_rate.get(part.rate)
        by_rate[part.rate] = (
            VatLine(part.rate, part.net, part.vat)
            if seen is None
            else VatLine(part.rate, seen.net + part.net, seen.vat + part.vat)
        )
    return Totals(totals.currency, tuple(by_rate[r] for r in sorted(by_rate, reverse=True)))


def printable_document(uow: UnitOfWork, ctx: Ctx, document_id: int) -> PrintableDocument:
    """A document as printed, with the legal mentions of its kind (CGI ann. II art. 242 nonies A; C. com. L441-9)."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id)
        party = uow.parties.get(ctx.company_id, document.party_id)
        if document.kind in DEPOSIT_DOCUMENT_KINDS:  # their VAT as issued (a split of the gross)
            totals = Totals(document.currency, issued_breakdown(uow, ctx, document))
        else:
            totals = compute_totals(
                ((line.net, line.vat_rate) for line in document.lines), document.currency, company.vat_rounding
            )
        seller = PrintParty(company.name, party_lines(company.address), company.siren or "", company.vat_number or "")
        buyer = PrintParty(party.name, party_lines(party.address), party.siren, party.vat_number, party.email)
        paid: list[PrintPayment] = []
        deducted: list[PrintPayment] = []
        references: list[str] = []
        is_invoice = document.kind in INVOICE_KINDS
        deductions: list[DeductedDeposit] = []
        recalls: list[PrintLine] = []
        if document.kind is Kind.INVOICE:
            deductions = deducted_deposits(uow, ctx, document)
            by_lines = encoding_of(uow, ctx, document, company) is DeductionEncoding.DEDUCTION_LINE
            for deposit in deductions:
                if by_lines:  # a line −1 × its net per rate, as the Factur-X says (BT-113 = 0)
                    recalls += [
                        PrintLine(
                            recall_designation(deposit.number), Decimal(-1), p.net.amount, Decimal(0), p.rate, -p.net
                        )
                        for p in deposit.parts
                    ]
                else:
                    deducted.append(
                        PrintPayment(deposit.issue_date, f"Acompte facturé {deposit.number}", deposit.gross)
                    )
                references.append(f"Facture d'acompte {deposit.number} du {deposit.issue_date:%d/%m/%Y}")
            if by_lines and deductions:
                totals = recalled_totals(totals, deductions)
        # An issued invoice shows what it said at issue, as its Factur-X does (BT-113): deposit invoices deducted
        # and, on a final invoice, payments received before its date. Later payments never change it.
        issued = is_invoice and document.state is State.VALIDATED
        if document.kind not in (Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE) and (
            not issued or document.kind is Kind.INVOICE
        ):
            for allocation in uow.allocations.for_document(ctx.company_id, document.id):
                if allocation.payment_id is None:
                    if not issued:
                        paid.append(PrintPayment(document.issue_date, "Avoir imputé", allocation.amount))
                    continue
                payment = uow.payments.get(ctx.company_id, allocation.payment_id)
                method = company.method(payment.method)
                early = payment.payment_date < document.issue_date
                if issued and not early:
                    continue
                word = (
                    "Acompte reçu"
                    if document.kind in (Kind.QUOTE, Kind.ORDER, Kind.DELIVERY) or early
                    else "Règlement reçu"
                )
                paid.append(
                    PrintPayment(
                        payment.payment_date,
                        f"{word} {payment.number} ({method.label if method else payment.method})",
                        allocation.amount,
                    )
                )
        if document.kind in (Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE):
            for corrected in corrected_documents(uow, ctx, document):
                references.append(f"Avoir sur la facture {corrected.number} du {corrected.issue_date:%d/%m/%Y}")
        if document.origin_id is not None and document.kind not in (Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE):
            origin = uow.documents.get(ctx.company_id, document.origin_id)
            if origin.number:
                references.append(f"{TITLES[origin.kind]} {origin.number} du {origin.issue_date:%d/%m/%Y}")
        if document.supplier_reference:  # the supplier's own number, which their payments quote
            references.append(f"N° de la facture du fournisseur : {document.supplier_reference}")
        net_to_pay = totals.gross - total((d.amount for d in deducted), document.currency)
        paid_on = paid_at_issue(uow, ctx, document) if issued else None
        if paid_on is not None:  # « déjà payée », as its Factur-X (BT-113 = its total, BT-115 = 0)
            paid = [PrintPayment(paid_on, PAID_LABEL, net_to_pay)]
        received = total((p.amount for p in paid), document.currency)
        legal = {**DEFAULT_LEGAL_NOTES, **dict(company.settings.get("legal") or {})}
        mentions: list[str] = []
        terms = applied_terms(uow, ctx, document)
        if paid_on is not None:
            mentions.append(PAID_MENTION)
        if is_invoice and document.flow is Flow.SALE:
            if document.kind not in CREDIT_KINDS:  # late payment and discount terms: a credit note asks no payment
                mentions += [legal["PMD"], legal["PMT"], legal["AAB"]]
                if terms.text or legal.get("payment_terms"):
                    mentions.append(terms.text or str(legal["payment_terms"]))
            if (company.settings.get("accounting") or {}).get("vat_on_debits"):
                mentions.append(DEBITS_OPTION_NOTE)
            if document.kind is Kind.DEPOSIT_INVOICE:
                mentions.append("Acompte à déduire de la facture définitive.")
            mentions += vat_mentions(uow, ctx, company, party, document)
        elif document.kind is Kind.QUOTE:
            mentions.append(str(legal.get("quote_validity", "Devis valable 30 jours.")))
        return PrintableDocument(
            kind=document.kind,
            title=TITLES[document.kind],
            number=document.number or f"Brouillon n° {document.id}",
            draft=document.state is State.DRAFT,
            issue_date=document.issue_date,
            due_date=None if paid_on is not None and not deducted else terms.due_date,  # B2: BT-9 is the payment day
            seller=seller,
            buyer=buyer,
            lines=tuple(
                PrintLine(
                    line.designation, line.quantity, line.unit_price, line.discount_percent, line.vat_rate, line.net
                )
                for line in document.lines
            )
            + tuple(recalls),
            vat=totals.breakdown,
            net=totals.net,
            vat_total=totals.vat,
            gross=totals.gross,
            deducted=tuple(deducted),
            net_to_pay=net_to_pay,
            paid=tuple(paid),
            amount_due=net_to_pay - received if document.kind not in CREDIT_KINDS else totals.gross,
            references=tuple(references),
            mentions=tuple(mentions),
        )
