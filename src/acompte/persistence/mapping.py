"""Row <-> domain conversions. Money columns are joined with the row's currency here and only here."""

from __future__ import annotations

from acompte.domain.documents import Document, Flow, Kind, Line, State
from acompte.domain.money import Money
from acompte.domain.parties import Company, Item, ItemKind, Party
from acompte.domain.payments import Direction, Method, Payment, PaymentState
from acompte.domain.vat import VatRounding
from acompte.persistence.rows import (
    CompanyRow,
    DocumentLineRow,
    DocumentRow,
    ItemRow,
    PartyRow,
    PaymentMethodRow,
    PaymentRow,
    VatRateRow,
)


def company(row: CompanyRow, rates: list[VatRateRow], methods: list[PaymentMethodRow]) -> Company:
    return Company(
        id=row.id,
        name=row.name,
        currency=row.currency,
        vat_rounding=VatRounding(row.vat_rounding),
        vat_rates=tuple(sorted((r.rate for r in rates if r.active), reverse=True)),
        methods=tuple(method(m) for m in methods if m.active),
        siren=row.siren,
        vat_number=row.vat_number,
        street=row.street,
        street2=row.street2,
        postcode=row.postcode,
        city=row.city,
        country=row.country,
        settings=dict(row.settings or {}),
        version=row.version,
    )


def method(row: PaymentMethodRow) -> Method:
    return Method(row.code, row.label, row.digital)


def party(row: PartyRow) -> Party:
    return Party(
        id=row.id,
        company_id=row.company_id,
        name=row.name,
        is_customer=row.is_customer,
        is_supplier=row.is_supplier,
        email=row.email,
        siren=row.siren,
        vat_number=row.vat_number,
        street=row.street,
        street2=row.street2,
        postcode=row.postcode,
        city=row.city,
        country=row.country,
        vat_regime=row.vat_regime,
        vat_exemption_code=row.vat_exemption_code,
        vat_exemption_reason=row.vat_exemption_reason,
        settings=dict(row.settings or {}),
    )


def item(row: ItemRow) -> Item:
    return Item(
        id=row.id,
        company_id=row.company_id,
        name=row.name,
        kind=ItemKind(row.kind),
        unit_price=row.unit_price,
        vat_rate=row.vat_rate,
        settings=dict(row.settings or {}),
    )


def line(row: DocumentLineRow, currency: str) -> Line:
    return Line(
        position=row.position,
        designation=row.designation,
        quantity=row.quantity,
        unit_price=row.unit_price,
        discount_percent=row.discount_percent,
        vat_rate=row.vat_rate,
        net=Money.from_minor(row.net_minor, currency),
        item_id=row.item_id,
    )


def document(row: DocumentRow, lines: list[DocumentLineRow] | None = None) -> Document:
    return Document(
        id=row.id,
        company_id=row.company_id,
        kind=Kind(row.kind),
        flow=Flow(row.flow),
        state=State(row.state),
        party_id=row.party_id,
        currency=row.currency,
        issue_date=row.issue_date,
        gross=Money.from_minor(row.gross_minor, row.currency),
        net=Money.from_minor(row.net_minor, row.currency),
        number=row.number,
        origin_id=row.origin_id,
        due_date=row.due_date,
        version=row.version,
        lines=tuple(line(r, row.currency) for r in sorted(lines or [], key=lambda r: r.position)),
        exchange_rate=row.exchange_rate,
        supplier_reference=row.supplier_reference or "",
    )


def payment(row: PaymentRow) -> Payment:
    return Payment(
        id=row.id,
        company_id=row.company_id,
        number=row.number,
        party_id=row.party_id,
        direction=Direction(row.direction),
        method=row.method,
        digital=row.digital,
        account_id=row.account_id,
        payment_date=row.payment_date,
        amount=Money.from_minor(row.amount_minor, row.currency),
        state=PaymentState(row.state),
        reference=row.reference,
        comment=row.comment,
        exported=row.exported,
        origin_document_id=row.origin_document_id,
        version=row.version,
        exchange_rate=row.exchange_rate,
    )
