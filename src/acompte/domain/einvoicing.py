"""E-invoicing: what an issued document says in EN 16931 terms (Factur-X / CII), and what would make it fail.

`build_einvoice` turns a document's figures into an `EInvoice` record keyed by business terms (BT-x): type code,
billing framework (cadre de facturation, BT-23), preceding invoices (BT-25/26), VAT breakdown, totals with the
deposits already paid (BT-113) and the amount due (BT-115 = BT-112 − BT-113). `check_einvoice` refuses what the
French rules reject (french-rules.md §2.3, §2.4, §4): a number over 35 characters or with spaces, a credit note
without the invoice it corrects, a seller without SIREN or VAT number. The XML itself is written by
adapters/exports/facturx.py.

A final invoice deducts deposits in one of two encodings (the company chooses, §4.2):
- PAID_AMOUNT (default): full lines, BT-113 = deposits paid, cadre B4/S4/M4, BT-25 = each deposit invoice;
- DEDUCTION_LINE: a line « Acompte déjà facturé … » with quantity −1 and a positive price per deposit and rate,
  BT-113 = 0, cadre B1/S1/M1, the VAT of each rate less the VAT stored with its deductions (`recalled_parts`).
  Never a negative unit price (BR-27, BR-FR-DEC-03).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from acompte.domain.accounting import FactLine, Nature, VatPart, parts_total, vat_parts
from acompte.domain.addresses import PostalAddress
from acompte.domain.addresses import parse_address as parse_address  # where e-invoicing callers found it
from acompte.domain.documents import Kind
from acompte.domain.errors import Field, InvalidDocumentNumber, MissingCorrectedInvoice, MissingLegalIdentifier, Reason
from acompte.domain.money import Money, total
from acompte.domain.vat import VatCategory, VatRegime, VatRounding, VatTreatment, treatment

TYPE_CODES: dict[Kind, str] = {
    Kind.INVOICE: "380",
    Kind.DEPOSIT_INVOICE: "386",
    Kind.CREDIT_NOTE: "381",
    Kind.DEPOSIT_CREDIT_NOTE: "503",
}
CREDIT_NOTE_CODES = frozenset({"261", "381", "396", "502", "503"})
DEPOSIT_CODES = frozenset({"386", "500", "503"})
PROFILE_EN16931 = "urn:cen.eu:en16931:2017"
NUMBER_PATTERN = re.compile(r"^[A-Za-z0-9+\-_/]+$")

#: The legal payment notes a company starts with (C. com. L441-10; BR-FR-05 makes PMT, PMD and AAB mandatory).
DEFAULT_LEGAL_NOTES: dict[str, str] = {
    "PMT": "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €.",
    "PMD": "En cas de retard de paiement, pénalités au taux égal à trois fois le taux d'intérêt légal.",
    "AAB": "Pas d'escompte pour paiement anticipé.",
}
DEBITS_OPTION_NOTE = "Option pour le paiement de la taxe d'après les débits."
#: The document data key that keeps, from its issue on, the day an invoice was wholly paid at issue (or null).
PAID_AT_ISSUE = "paid_at_issue"


class EInvoiceAction(StrEnum):
    """What a user tries on an e-invoice, named when it is refused."""

    PRODUCE = "e-invoice"
    MARK_COLLECTED = "mark-collected"


class DeductionEncoding(StrEnum):
    PAID_AMOUNT = "paid_amount"
    DEDUCTION_LINE = "deduction_line"


@dataclass(frozen=True, slots=True)
class EParty:
    name: str
    siren: str = ""
    vat_number: str = ""
    address: PostalAddress = field(default_factory=PostalAddress)
    email: str = ""


@dataclass(frozen=True, slots=True)
class ELine:
    """An invoice line: `quantity` may be −1 only on a deposit deduction line; `price` is never negative."""

    line_id: str
    name: str
    quantity: Decimal
    price: Decimal
    net: Money
    rate: Decimal
    nature: Nature = Nature.GOODS
    gross_price: Decimal | None = None  # before the line discount, when there is one


@dataclass(frozen=True, slots=True)
class EReference:
    number: str
    issue_date: date


@dataclass(frozen=True, slots=True)
class DeductedDeposit:
    """A deposit invoice deducted from a final invoice: its number and date (BT-25/26) and its content."""

    number: str
    issue_date: date
    parts: tuple[VatPart, ...]

    @property
    def gross(self) -> Money:
        return parts_total(self.parts, self.parts[0].net.currency)


def recall_designation(deposit_number: str) -> str:
    """The words of a recall line: the same on the PDF and in the XML (BT-153)."""
    return f"Acompte déjà facturé {deposit_number}"


def recalled_parts(parts: Sequence[VatPart], deductions: Sequence[DeductedDeposit]) -> tuple[VatPart, ...]:
    """A final invoice's VAT parts less the deposits it recalls by lines, part by part, with the VAT stored with
    each deduction — never recomputed on the difference, so that the invoice's VAT plus its deposits' VAT is
    exactly what was collected (a cent could otherwise move between the deposit and the final invoice). A part
    fully recalled stays, at zero: its rate is still on the invoice's lines (BR-CO-18, BR-S-08)."""
    remaining = {(p.rate, p.nature): p for p in parts}
    for deposit in deductions:
        for m in deposit.parts:
            key = (m.rate, m.nature)
            base = remaining.get(key) or VatPart(m.rate, m.nature, m.net - m.net, m.vat - m.vat)
            remaining[key] = VatPart(base.rate, base.nature, base.net - m.net, base.vat - m.vat)
    return tuple(remaining.values())


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """A stored document line, as e-invoicing reads it."""

    name: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    rate: Decimal
    net: Money
    nature: Nature = Nature.GOODS


@dataclass(frozen=True, slots=True)
class EInvoice:
    number: str
    issue_date: date
    type_code: str
    currency: str
    business_process: str
    seller: EParty
    buyer: EParty
    lines: tuple[ELine, ...]
    vat: tuple[VatPart, ...]  # one part per rate (natures merged)
    paid: Money
    notes: tuple[tuple[str, str], ...] = ()
    preceding: tuple[EReference, ...] = ()
    due_date: date | None = None
    delivery_date: date | None = None
    order_reference: str = ""
    payment_terms: str = ""
    vat_on_debits: bool = False
    #: BT-111, the total VAT in the accounting currency (its currency is BT-6), for an invoice in another
    #: currency (BR-FR-CO-12): each rate's VAT converted at the invoice's exchange rate, as the entry books it
    vat_in_accounting_currency: Money | None = None
    regime: VatRegime = VatRegime.DOMESTIC
    exemption: VatTreatment | None = None  # the reason the user chose (exempt regime), BT-120 / BT-121

    def treatment(self, rate: Decimal, nature: Nature) -> VatTreatment:
        """The VAT category and exemption reason of a line or breakdown part (domain/vat.py `treatment`)."""
        return treatment(self.regime, rate, services=nature is Nature.SERVICES, exemption=self.exemption)

    @property
    def mentions(self) -> tuple[str, ...]:
        """The exemption or reverse-charge wording the invoice must print, once each (art. 242 nonies A)."""
        found = (self.treatment(part.rate, part.nature).reason for part in self.vat)
        return tuple(dict.fromkeys(reason for reason in found if reason))

    @property
    def line_total(self) -> Money:  # BT-106
        return total((line.net for line in self.lines), self.currency)

    @property
    def tax_basis(self) -> Money:  # BT-109
        return total((p.net for p in self.vat), self.currency)

    @property
    def tax_total(self) -> Money:  # BT-110
        return total((p.vat for p in self.vat), self.currency)

    @property
    def grand_total(self) -> Money:  # BT-112
        return self.tax_basis + self.tax_total

    @property
    def due(self) -> Money:  # BT-115 = BT-112 − BT-113 (BR-CO-16)
        return self.grand_total - self.paid

    @property
    def is_credit_note(self) -> bool:
        return self.type_code in CREDIT_NOTE_CODES


def check_number(number: str | None, what: Field = Field.NUMBER) -> None:
    """BR-FR-01/02: at most 35 characters, letters, digits and + - _ / only."""
    if not number:
        raise InvalidDocumentNumber(number=number or "", reason=Reason.NUMBER_MISSING, field=what)
    if len(number) > 35:
        raise InvalidDocumentNumber(number=number, reason=Reason.NUMBER_TOO_LONG, length=len(number))
    if any(c.isspace() for c in number):
        raise InvalidDocumentNumber(number=number, reason=Reason.NUMBER_HAS_SPACE)
    if not NUMBER_PATTERN.match(number):
        raise InvalidDocumentNumber(number=number, reason=Reason.NUMBER_BAD_CHARACTER)


def check_issuable(kind: Kind, number: str | None, corrects: Sequence[EReference | str]) -> None:
    """What e-invoicing refuses at issue: a bad number, a credit note that names no corrected invoice."""
    check_number(number)
    if kind in (Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE) and not corrects:
        raise MissingCorrectedInvoice(document=f"L'avoir {number}")


def check_einvoice(invoice: EInvoice) -> None:
    """Raise the specific error that would make the Factur-X fail, if any."""
    check_number(invoice.number)
    for reference in invoice.preceding:
        check_number(reference.number, Field.CORRECTED_NUMBER)
    if invoice.is_credit_note and not invoice.preceding:
        raise MissingCorrectedInvoice(document=f"L'avoir {invoice.number}")
    seller = invoice.seller
    if not re.fullmatch(r"\d{9}", seller.siren or ""):
        raise MissingLegalIdentifier(what="le SIREN", whose=seller.name)
    if not seller.vat_number:
        raise MissingLegalIdentifier(what="le numéro de TVA intracommunautaire", whose=seller.name)
    buyer = invoice.buyer
    if buyer.siren and not re.fullmatch(r"\d{9}", buyer.siren):
        raise MissingLegalIdentifier(what="un SIREN valide (9 chiffres)", whose=buyer.name)
    if not buyer.siren and not buyer.email:
        raise MissingLegalIdentifier(what=Field.SIREN_OR_ADDRESS, whose=buyer.name)
    categories = {invoice.treatment(part.rate, part.nature).category for part in invoice.vat}
    if VatCategory.INTRA_EU in categories and not buyer.vat_number:  # BR-IC-02
        raise MissingLegalIdentifier(what="le numéro de TVA intracommunautaire", whose=buyer.name)
    if VatCategory.REVERSE_CHARGE in categories and not (buyer.vat_number or buyer.siren):  # BR-AE-02
        raise MissingLegalIdentifier(what="le numéro de TVA intracommunautaire", whose=buyer.name)
    if any(line.price < 0 for line in invoice.lines):  # pragma: no cover - built lines never have one
        raise InvalidDocumentNumber(number=invoice.number, reason=Reason.NEGATIVE_PRICE)


def _framework(natures: set[Nature], stage: int) -> str:
    letter = "M" if len(natures) > 1 else ("S" if natures == {Nature.SERVICES} else "B")
    return f"{letter}{stage}"


def _quantize_price(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.000001")).normalize() if value != 0 else Decimal(0)


def _merge_rates(
    parts: Sequence[VatPart], currency: str, category: Callable[[VatPart], str] = lambda part: ""
) -> tuple[VatPart, ...]:
    """One part per rate (natures merged), and per VAT category where the regime gives the natures different
    ones (goods K and services AE at 0 % to a business in another member state)."""
    merged: dict[tuple[Decimal, str], VatPart] = {}
    for part in parts:
        key = (part.rate, category(part))
        seen = merged.get(key)
        merged[key] = (
            part if seen is None else VatPart(part.rate, seen.nature, seen.net + part.net, seen.vat + part.vat)
        )
    return tuple(merged[k] for k in sorted(merged, key=lambda k: (-k[0], k[1])))


def build_einvoice(
    *,
    kind: Kind,
    number: str,
    issue_date: date,
    currency: str,
    seller: EParty,
    buyer: EParty,
    lines: Sequence[DocumentLine],
    rounding: VatRounding = VatRounding.PER_RATE,
    deductions: Sequence[DeductedDeposit] = (),
    advances: Money | None = None,
    corrects: Sequence[EReference] = (),
    encoding: DeductionEncoding = DeductionEncoding.PAID_AMOUNT,
    vat_on_debits: bool = False,
    due_date: date | None = None,
    delivery_date: date | None = None,
    order_reference: str = "",
    paid_on: date | None = None,
    legal_notes: dict[str, str] | None = None,
    payment_terms: str = "",
    issued_vat: Sequence[VatPart] | None = None,
    regime: VatRegime = VatRegime.DOMESTIC,
    exemption: VatTreatment | None = None,
) -> EInvoice:
    """The e-invoice of an issued document.

    `deductions`: deposit invoices deducted from a final invoice; `advances`: deposits paid without a deposit
    invoice (paid amount only). `paid_on`: a deposit invoice or an invoice wholly paid on or before its issue
    (cadre B2/S2/M2: BT-113 = BT-112, BT-115 = 0, BT-9 = the payment date, BR-FR-CO-09); a final invoice that
    deducts deposit invoices as paid amount stays B4/S4/M4 (« définitive après acompte »), with BT-113 = BT-112
    and its due date unchanged (BR-FR-CO-07 holds for B4). `issued_vat`: the VAT breakdown as issued, when the
    lines cannot recompute it to the cent (a deposit invoice's VAT is its gross less its net; BR-CO-17 allows the cent).
    `regime` and `exemption`: how the sale is taxed (domain/vat.py), which gives each 0 % line its category.
    """
    e_lines: list[ELine] = []
    for position, line in enumerate(lines, start=1):
        if line.quantity < 0:  # a deduction line typed on the document: quantity −1 × positive price
            price = _quantize_price(abs(line.unit_price))
            gross_price = None
        else:
            gross_price = line.unit_price if line.discount_percent else None
            price = _quantize_price(line.unit_price * (100 - line.discount_percent) / 100)
        e_lines.append(
            ELine(str(position), line.name, line.quantity, price, line.net, line.rate, line.nature, gross_price)
        )
    fact_lines = [FactLine(line.net, line.rate, line.nature) for line in lines]
    natures = {line.nature for line in lines if line.quantity >= 0} or {Nature.GOODS}
    zero = Money.zero(currency)
    paid = advances or zero
    preceding = list(corrects)
    stage = 1
    recalled: Sequence[DeductedDeposit] = ()
    if kind is Kind.INVOICE and deductions:
        preceding += [EReference(d.number, d.issue_date) for d in deductions]
        if encoding is DeductionEncoding.PAID_AMOUNT:
            paid = paid + total((d.gross for d in deductions), currency)
        else:
            recalled = deductions
            for deposit in deductions:
                for part in deposit.parts:
                    e_lines.append(
                        ELine(
                            str(len(e_lines) + 1),
                            recall_designation(deposit.number),
                            Decimal(-1),
                            _quantize_price(part.net.amount),
                            -part.net,
                            part.rate,
                            part.nature,
                        )
                    )
    if kind is Kind.INVOICE and paid.is_positive and encoding is DeductionEncoding.PAID_AMOUNT:
        stage = 4  # "facture définitive après acompte"

    def category(part: VatPart) -> str:
        return treatment(regime, part.rate, services=part.nature is Nature.SERVICES, exemption=exemption).category

    own = issued_vat if issued_vat is not None else vat_parts(fact_lines, currency, rounding)
    vat = _merge_rates(recalled_parts(own, recalled) if recalled else own, currency, category)
    grand_total = parts_total(vat, currency)
    if issued_vat is not None:  # a deposit document: the natures of the order lines it is paid on
        natures = {p.nature for p in issued_vat if not p.net.is_zero} or natures
    if paid_on is not None and kind in (Kind.DEPOSIT_INVOICE, Kind.INVOICE) and grand_total.is_positive:
        if stage == 4:  # deposits deducted and the rest paid at issue: still « après acompte », nothing due
            paid = grand_total
        else:  # "déjà payée": BT-113 = BT-112, BT-115 = 0, BT-9 = the payment day
            stage, paid, due_date = 2, grand_total, paid_on
    notes = dict(DEFAULT_LEGAL_NOTES)
    notes.update(legal_notes or {})
    note_list = [("BAR", "B2B" if buyer.siren else "B2C")]
    note_list += [(code, notes[code]) for code in ("PMT", "PMD", "AAB")]
    if vat_on_debits and Nature.SERVICES in natures:
        note_list.append(("REG", DEBITS_OPTION_NOTE))
    return EInvoice(
        number=number,
        issue_date=issue_date,
        type_code=TYPE_CODES[kind],
        currency=currency,
        business_process=_framework(natures, stage),
        seller=seller,
        buyer=buyer,
        lines=tuple(e_lines),
        vat=vat,
        paid=paid,
        notes=tuple(note_list),
        preceding=tuple(preceding),
        due_date=due_date,
        delivery_date=delivery_date,
        order_reference=order_reference,
        payment_terms=payment_terms,
        vat_on_debits=vat_on_debits and Nature.SERVICES in natures,
        regime=regime,
        exemption=exemption,
    )


# -- e-reporting of payments (CGI art. 290 A) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PaymentReport:
    """What a payment received makes reportable: services whose VAT is due on receipt (no debits option).

    `received` is the VAT-inclusive amount received for those services; `vat` the VAT per rate it makes due.
    """

    payment_number: str
    payment_date: date
    party: str
    documents: tuple[str, ...]
    received: Money
    vat: tuple[tuple[Decimal, Money], ...]

    @property
    def vat_total(self) -> Money:
        return total((v for _, v in self.vat), self.received.currency)


def payment_report(
    payment_number: str,
    payment_date: date,
    party: str,
    contents: Sequence[tuple[str, Sequence[VatPart]]],
    *,
    vat_on_debits: bool,
) -> PaymentReport | None:
    """The report of one payment from what it settled, document by document; None when nothing is reportable
    (goods only, or the company pays VAT on debits)."""
    if vat_on_debits:
        return None
    services = [(number, p) for number, parts in contents for p in parts if p.nature is Nature.SERVICES]
    if not services:
        return None
    currency = services[0][1].net.currency
    by_rate: dict[Decimal, Money] = {}
    for _, part in services:
        by_rate[part.rate] = by_rate.get(part.rate, Money.zero(currency)) + part.vat
    received = total((p.gross for _, p in services), currency)
    if received.is_zero:
        return None
    documents = tuple(dict.fromkeys(number for number, _ in services))
    return PaymentReport(
        payment_number,
        payment_date,
        party,
        documents,
        received,
        tuple((rate, by_rate[rate]) for rate in sorted(by_rate, reverse=True)),
    )
