"""Rows of bank reconciliation: the bank accounts parties hold, the statements imported from the company's banks,
their lines, the saved CSV column mappings, and each confirmed match of a bank line with payments (same metadata as
`rows.py`; the company's own bank accounts are `treasury_accounts`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from acompte.persistence.rows import Base
from acompte.persistence.types import Id


class PartyBankAccountRow(Base):
    """An IBAN a party pays from or is paid to: typed by a user, imported, or learned from a confirmed match."""

    __tablename__ = "party_bank_accounts"
    __table_args__ = (
        UniqueConstraint("company_id", "party_id", "iban", name="uq_party_bank_accounts_party_iban"),
        Index("ix_party_bank_accounts_iban", "company_id", "iban"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str] = mapped_column(String(11), default="")
    label: Mapped[str] = mapped_column(String(100), default="")
    #: "user" (typed or imported) or "learned" (from a confirmed bank match).
    source: Mapped[str] = mapped_column(String(10), default="user")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BankCsvMappingRow(Base):
    """How one bank's CSV files read: which column holds the date, the amount (or debit / credit), the label…"""

    __tablename__ = "bank_csv_mappings"
    __table_args__ = (
        UniqueConstraint("company_id", "name", name="uq_bank_csv_mappings_name"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    name: Mapped[str] = mapped_column(String(100))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BankImportRow(Base):
    """One imported statement file: what it said of its balances and what it added."""

    __tablename__ = "bank_imports"
    __table_args__ = (
        Index("ix_bank_imports_account", "company_id", "account_id", "imported_at"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("treasury_accounts.id"))
    #: camt.053, camt.054, ofx or csv.
    format: Mapped[str] = mapped_column(String(10))
    file_name: Mapped[str] = mapped_column(String(255), default="")
    file_sha256: Mapped[str] = mapped_column(String(64))
    statement_ref: Mapped[str] = mapped_column(String(100), default="")
    currency: Mapped[str] = mapped_column(String(3))
    period_from: Mapped[date | None] = mapped_column(Date)
    period_to: Mapped[date | None] = mapped_column(Date)
    opening_balance_minor: Mapped[int | None] = mapped_column(BigInteger)
    closing_balance_minor: Mapped[int | None] = mapped_column(BigInteger)
    lines_added: Mapped[int] = mapped_column(Integer, default=0)
    lines_skipped: Mapped[int] = mapped_column(Integer, default=0)
    imported_by: Mapped[str] = mapped_column(String(100), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BankLineRow(Base):
    """One line of the bank's statement. `amount_minor` is signed as the bank sees the company's account: money
    in is positive, money out negative. A line is imported once (`dedup_key`) and reconciled at most once."""

    __tablename__ = "bank_lines"
    __table_args__ = (
        UniqueConstraint("company_id", "account_id", "dedup_key", name="uq_bank_lines_dedup"),
        Index("ix_bank_lines_account_state", "company_id", "account_id", "state", "booking_date"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("treasury_accounts.id"))
    import_id: Mapped[int] = mapped_column(ForeignKey("bank_imports.id"))
    #: Order of the line in its file (part of the fallback deduplication key).
    position: Mapped[int] = mapped_column(Integer)
    booking_date: Mapped[date] = mapped_column(Date)
    value_date: Mapped[date | None] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    label: Mapped[str] = mapped_column(Text, default="")
    #: Remittance information: structured (RF creditor reference) or free text the payer typed.
    reference: Mapped[str] = mapped_column(Text, default="")
    #: The bank's own identifier of the entry (camt AcctSvcrRef / NtryRef, OFX FITID), when it gives one.
    entry_reference: Mapped[str] = mapped_column(String(100), default="")
    #: The bank's entry reference, else a SHA-256 of account, date, amount, label and position.
    dedup_key: Mapped[str] = mapped_column(String(100))
    counterparty_name: Mapped[str] = mapped_column(String(200), default="")
    counterparty_iban: Mapped[str] = mapped_column(String(34), default="")
    #: Bank transaction code (camt BkTxCd / OFX TRNTYPE), e.g. a card settlement or a direct debit.
    transaction_code: Mapped[str] = mapped_column(String(40), default="")
    #: open, reconciled or ignored.
    state: Mapped[str] = mapped_column(String(12), default="open")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BankMatchRow(Base):
    """A confirmed match of one bank line: the payments it stands for (recorded at confirmation or typed by hand
    before) and any bank fee. Undoing keeps the row (`undone_at`) so the history stays whole; at most one match
    of a line is active, which the partial unique index enforces even under concurrent confirmations."""

    __tablename__ = "bank_matches"
    __table_args__ = (
        Index(
            "uq_bank_matches_active_line",
            "line_id",
            unique=True,
            sqlite_where=text("undone_at IS NULL"),
            postgresql_where=text("undone_at IS NULL"),
        ),
        Index("ix_bank_matches_company", "company_id", "created_at"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    line_id: Mapped[int] = mapped_column(ForeignKey("bank_lines.id"))
    #: "auto" (reconciled automatically) or "user".
    origin: Mapped[str] = mapped_column(String(10), default="user")
    score: Mapped[int] = mapped_column(Integer, default=0)
    #: The reasons the candidate was proposed, as codes with their parameters (words come from the catalogue).
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BankMatchPaymentRow(Base):
    """A payment a bank match stands for; `recorded` says whether the confirmation recorded it (undo cancels it)
    or linked a payment typed by hand (undo only unlinks it)."""

    __tablename__ = "bank_match_payments"
    __table_args__ = (Index("ix_bank_match_payments_payment", "company_id", "payment_id"),)
    match_id: Mapped[int] = mapped_column(ForeignKey("bank_matches.id"), primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    recorded: Mapped[bool] = mapped_column(default=False)
