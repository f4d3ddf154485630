"""Table classes (SQLAlchemy 2 typed mapping). They never leave the persistence package.

Every table carries `company_id`: it is the security boundary and the distribution key (DESIGN §3.7).
Money columns end in `_minor` (integer minor units of the row's currency).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from acompte.persistence.company_keys import keyed_by_company
from acompte.persistence.types import DecimalText, Id

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    __mapper_args__ = declared_attr.directive(keyed_by_company)


class CompanyRow(Base):
    __tablename__ = "companies"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    siren: Mapped[str | None] = mapped_column(String(9))
    vat_number: Mapped[str | None] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(Text, default="")
    street2: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(Text, default="")
    #: ISO 3166-1 alpha-2.
    country: Mapped[str] = mapped_column(String(2), default="FR")
    vat_rounding: Mapped[str] = mapped_column(String(10), default="per_rate")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: Raised by each change of the settings: a PATCH with a stale If-Match is refused (412).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class VatRateRow(Base):
    __tablename__ = "vat_rates"
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(DecimalText, primary_key=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PaymentMethodRow(Base):
    __tablename__ = "payment_methods"
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    digital: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TreasuryAccountRow(Base):
    """A bank account or cash register the company's money goes into or comes from."""

    __tablename__ = "treasury_accounts"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    iban: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    bic: Mapped[str] = mapped_column(String(11), default="")
    #: Its own 512x account in the books; empty: the chart's bank (or cash) account.
    ledger_account: Mapped[str] = mapped_column(String(20), default="")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    #: The bank's balance on `opening_date`, before the first imported line (minor units of `currency`).
    opening_balance_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    opening_date: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)


class NumberSeriesRow(Base):
    __tablename__ = "number_series"
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class PartyRow(Base):
    __tablename__ = "parties"
    __table_args__ = (
        # The document lists' party order walks the parties by name (persistence/document_pages.py).
        Index("ix_parties_list_name", "company_id", text("lower(name)"), "id"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    is_customer: Mapped[bool] = mapped_column(Boolean, default=True)
    is_supplier: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str] = mapped_column(String(200), default="")
    siren: Mapped[str] = mapped_column(String(9), default="")
    vat_number: Mapped[str] = mapped_column(String(20), default="")
    street: Mapped[str] = mapped_column(Text, default="")
    street2: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(Text, default="")
    #: ISO 3166-1 alpha-2.
    country: Mapped[str] = mapped_column(String(2), default="FR")
    #: Empty: derived from the country and the VAT number (domain/vat.py default_regime).
    vat_regime: Mapped[str] = mapped_column(String(20), default="")
    vat_exemption_code: Mapped[str] = mapped_column(String(30), default="")
    vat_exemption_reason: Mapped[str] = mapped_column(Text, default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ItemRow(Base):
    __tablename__ = "items"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    unit_price: Mapped[Decimal] = mapped_column(DecimalText)
    vat_rate: Mapped[Decimal] = mapped_column(DecimalText)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class DocumentRow(Base):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("company_id", "number", name="uq_documents_company_number"),
        Index("ix_documents_party_open", "company_id", "party_id", "state"),
        # The list orders (persistence/document_pages.py): a page's ids read in order from one of these, the
        # company, kind and flow first, the sort key then the id last (keyset cursors compare both). The
        # expressions are those the lists sort on, literally (migration 0019_list_indexes).
        Index("ix_documents_list_date", "company_id", "kind", "flow", "issue_date", "id"),
        Index("ix_documents_list_any_date", "company_id", "issue_date", "id"),
        Index("ix_documents_list_number", "company_id", "kind", "flow", text("coalesce(number, '')"), "id"),
        Index("ix_documents_list_gross", "company_id", "kind", "flow", "gross_minor", "id"),
        Index("ix_documents_list_due", "company_id", "kind", "flow", text("coalesce(due_date, '9999-12-31')"), "id"),
        Index("ix_documents_list_party", "company_id", "party_id", "kind", "flow", "id"),
        Index(
            "ix_documents_supplier_reference",
            "company_id",
            "supplier_reference",
            sqlite_where=text("supplier_reference <> ''"),
            postgresql_where=text("supplier_reference <> ''"),
        ),
        # Partial: most documents have no origin, and an index full of NULLs makes SQLite's planner (with
        # statistics) scan the whole table to find a document's children (bench: party reads at 1M documents).
        Index(
            "ix_documents_origin",
            "origin_id",
            sqlite_where=text("origin_id IS NOT NULL"),
            postgresql_where=text("origin_id IS NOT NULL"),
        ),
        # The few documents noting a deposit request (the dashboard's deposits awaited; migration 0020).
        Index(
            "ix_documents_deposit_request",
            "company_id",
            "issue_date",
            "id",
            sqlite_where=text("json_extract(data, '$.deposit_request') IS NOT NULL"),
            postgresql_where=text("(data ->> 'deposit_request') IS NOT NULL"),
        ),
        CheckConstraint("gross_minor >= 0", name="gross_not_negative"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    kind: Mapped[str] = mapped_column(String(30))
    flow: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(12))
    number: Mapped[str | None] = mapped_column(String(35))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    currency: Mapped[str] = mapped_column(String(3))
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    net_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    vat_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    gross_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    validated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    exchange_rate: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)  # documents in a foreign currency
    #: The supplier's own number of a purchase document (supplier payments quote it); empty on sales.
    supplier_reference: Mapped[str] = mapped_column(String(100), default="")


class DocumentLineRow(Base):
    __tablename__ = "document_lines"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    designation: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(DecimalText)
    unit_price: Mapped[Decimal] = mapped_column(DecimalText)
    discount_percent: Mapped[Decimal] = mapped_column(DecimalText)
    vat_rate: Mapped[Decimal] = mapped_column(DecimalText)
    net_minor: Mapped[int] = mapped_column(BigInteger)


class PaymentRow(Base):
    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("company_id", "number", name="uq_payments_company_number"),
        Index("ix_payments_party", "company_id", "party_id", "state"),
        Index("ix_payments_company_date", "company_id", "payment_date"),
        # what an export run posts: the active payments not exported yet, never the company's history
        Index(
            "ix_payments_to_export",
            "company_id",
            "payment_date",
            sqlite_where=text("state = 'active' AND exported IS 0"),
            postgresql_where=text("state = 'active' AND exported IS false"),
        ),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    number: Mapped[str] = mapped_column(String(35))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    direction: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(30))
    digital: Mapped[bool] = mapped_column(Boolean)
    account_id: Mapped[int] = mapped_column(ForeignKey("treasury_accounts.id"))
    payment_date: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    state: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str] = mapped_column(String(200), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    exported: Mapped[bool] = mapped_column(Boolean, default=False)
    origin_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    exchange_rate: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)  # payments in a foreign currency


class AllocationRow(Base):
    """A part of a payment (or of a credit document) settling a document."""

    __tablename__ = "allocations"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "(payment_id IS NOT NULL AND credit_document_id IS NULL) OR "
            "(payment_id IS NULL AND credit_document_id IS NOT NULL)",
            name="one_source",
        ),
        Index("ix_allocations_document", "document_id"),
        # a whole company's sums by document read only that company's allocations
        Index("ix_allocations_company_document", "company_id", "document_id"),
        Index("ix_allocations_payment", "payment_id"),
        Index("ix_allocations_credit", "credit_document_id"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    credit_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EventRow(Base):
    """The append-only history: triggers refuse UPDATE and DELETE; `event_chain` holds each row's hash."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_document", "company_id", "document_id"),
        Index("ix_events_payment", "company_id", "payment_id"),
        Index("ix_events_party", "company_id", "party_id"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(50))
    document_id: Mapped[int | None] = mapped_column(BigInteger)
    payment_id: Mapped[int | None] = mapped_column(BigInteger)
    party_id: Mapped[int | None] = mapped_column(BigInteger)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class EventChainRow(Base):
    """An event's place in its company's hash chain (`seq` from 1) and its SHA-256 (domain.history_chain).

    Written when the event's transaction commits, under the lock of the company's `history_heads` row, so two
    transactions never fork the chain; like the events, these rows are never updated or deleted (triggers)."""

    __tablename__ = "event_chain"
    __table_args__ = (UniqueConstraint("company_id", "seq", name="uq_event_chain_company_seq"),)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True, autoincrement=False)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class HistoryHeadRow(Base):
    """The last link of a company's chain: locked (SELECT … FOR UPDATE) by the transaction that appends to it."""

    __tablename__ = "history_heads"
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_event_id: Mapped[int | None] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))


# -- credits: refunds and write-offs ---------------------------------------------------------------------------


class RefundRow(Base):
    """A refund: an opposite payment (`payment_id`) giving back a credit — a credit note or the unused part of a
    payment. One refund row per refund payment; unwinding the refund cancels that payment and deletes the row
    (the history keeps both)."""

    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "(source_payment_id IS NOT NULL AND source_credit_id IS NULL) OR "
            "(source_payment_id IS NULL AND source_credit_id IS NOT NULL)",
            name="one_source",
        ),
        UniqueConstraint("payment_id", name="uq_refunds_payment"),
        Index("ix_refunds_party", "company_id", "party_id"),
        Index("ix_refunds_source_payment", "source_payment_id"),
        Index("ix_refunds_source_credit", "source_credit_id"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"))
    source_payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    source_credit_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WriteOffRow(Base):
    """An amount written off, with exactly one source: a credit note « comptabilisé » (final; at most one per
    credit note), a small overpayment left on a payment, or a small shortfall left on a document (both under the
    company threshold; an overpayment write-off goes away only with its payment's cancellation)."""

    __tablename__ = "write_offs"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "(CASE WHEN payment_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN credit_document_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN document_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_source",
        ),
        UniqueConstraint("credit_document_id", name="uq_write_offs_credit_document"),
        Index("ix_write_offs_party", "company_id", "party_id"),
        Index("ix_write_offs_payment", "payment_id"),
        Index("ix_write_offs_document", "document_id"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    credit_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    kind: Mapped[str] = mapped_column(String(20))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    write_off_date: Mapped[date] = mapped_column(Date)
    #: a shortfall written off in the same operation as the payment that left it (one bank entry)
    received_payment_id: Mapped[int | None] = mapped_column(Id, ForeignKey("payments.id"), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# -- deposits -------------------------------------------------------------------------------------------------
class DocumentVatRow(Base):
    """The VAT breakdown of a deposit invoice or deposit credit note, kept exactly as it was split from the
    gross amount (its lines cannot recompute it: VAT taken out of a gross is not always net × rate)."""

    __tablename__ = "document_vat"
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(DecimalText, primary_key=True)
    net_minor: Mapped[int] = mapped_column(BigInteger)
    vat_minor: Mapped[int] = mapped_column(BigInteger)


class DeductionRow(Base):
    """A deposit invoice deducted on a final invoice (acompte déduit), gross; its VAT split is in
    `deduction_vat`. `automatic` rows were planned by the « déduire les acomptes à 100 % » setting."""

    __tablename__ = "deductions"
    __table_args__ = (
        UniqueConstraint("invoice_id", "deposit_invoice_id", name="uq_deductions_invoice_deposit"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index("ix_deductions_deposit", "deposit_invoice_id"),
        Index("ix_deductions_company", "company_id"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    deposit_invoice_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DeductionVatRow(Base):
    __tablename__ = "deduction_vat"
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    deduction_id: Mapped[int] = mapped_column(ForeignKey("deductions.id", ondelete="CASCADE"), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(DecimalText, primary_key=True)
    net_minor: Mapped[int] = mapped_column(BigInteger)
    vat_minor: Mapped[int] = mapped_column(BigInteger)


class CarriedAllocationRow(Base):
    """An allocation that followed its order (or delivery note) to an invoice: where it came from, so that
    cancelling the invoice (or deleting its draft) sends it back."""

    __tablename__ = "carried_allocations"
    __table_args__ = (Index("ix_carried_allocations_to", "company_id", "to_document_id"),)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocations.id", ondelete="CASCADE"), primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    from_document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    to_document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    moved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# -- exports: accounting export runs, posted entries, e-invoicing statuses -------------------------------------


class ExportRunRow(Base):
    """One accounting export over a period. Periods of a company's runs never overlap."""

    __tablename__ = "export_runs"
    __table_args__ = (
        Index("ix_export_runs_company_period", "company_id", "date_from", "date_to"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)
    fiscal_year_end: Mapped[date] = mapped_column(Date)
    valid_date: Mapped[date] = mapped_column(Date)
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    debit_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class JournalEntryRow(Base):
    """A validated journal entry (écriture). Never updated or deleted: a mistake is reversed by a new entry."""

    __tablename__ = "journal_entries"
    __table_args__ = (
        UniqueConstraint("company_id", "journal", "fiscal_year", "sequence", name="uq_journal_entries_number"),
        Index("ix_journal_entries_company_date", "company_id", "entry_date"),
        Index("ix_journal_entries_run", "run_id"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("export_runs.id"))
    journal: Mapped[str] = mapped_column(String(4))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(30))
    entry_date: Mapped[date] = mapped_column(Date)
    piece_ref: Mapped[str] = mapped_column(String(60))
    piece_date: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(300))
    valid_date: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(60))


class JournalLineRow(Base):
    __tablename__ = "journal_lines"
    __table_args__ = (
        CheckConstraint("debit_minor >= 0 AND credit_minor >= 0", name="amounts_not_negative"),
        CheckConstraint("(debit_minor = 0) <> (credit_minor = 0)", name="debit_or_credit"),
        Index("ix_journal_lines_entry", "entry_id"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"))
    position: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(String(20))
    account_label: Mapped[str] = mapped_column(String(200))
    aux_code: Mapped[str] = mapped_column(String(30), default="")
    aux_label: Mapped[str] = mapped_column(String(200), default="")
    label: Mapped[str] = mapped_column(String(300))
    debit_minor: Mapped[int] = mapped_column(BigInteger)
    credit_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    match_key: Mapped[str | None] = mapped_column(String(60))
    # a line of a foreign-currency document or payment: its signed amount in that currency (Montantdevise)
    foreign_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    foreign_currency: Mapped[str | None] = mapped_column(String(3), nullable=True)


class ExportedSourceRow(Base):
    """What an export run has posted: documents ("doc:<id>", also in `document_id`), imputations, facts given
    by other capabilities. Payments carry their own `exported` flag."""

    __tablename__ = "exported_sources"
    __table_args__ = (
        # the keys of one kind ("ded:", "wo:" ...) by their prefix, whatever the database's collation:
        # PostgreSQL's only (info: compared there alone), created by migration 0023
        Index(
            "ix_exported_sources_prefix",
            "company_id",
            "source_key",
            postgresql_ops={"source_key": "text_pattern_ops"},
            info={"dialects": ("postgresql",)},
        ),
    )
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    source_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("export_runs.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)


class AllocationPostingRow(Base):
    """How an exported payment's allocation was booked: against the receivable or as a deposit (with its net and
    VAT content), so that a later final invoice imputes exactly what 4191/4091 received."""

    __tablename__ = "allocation_postings"
    __table_args__ = (
        Index("ix_allocation_postings_document", "company_id", "document_id"),
        Index("ix_allocation_postings_allocation", "company_id", "allocation_id"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("export_runs.id"))
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"))
    allocation_id: Mapped[int | None] = mapped_column(BigInteger)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    payment_date: Mapped[date] = mapped_column(Date)
    treatment: Mapped[str] = mapped_column(String(12))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    parts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    imputed_run_id: Mapped[int | None] = mapped_column(ForeignKey("export_runs.id"))
