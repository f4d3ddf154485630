"""Table classes of what follows an issued document: the bytes of its files, the jobs that render them after
commit, and its e-invoicing statuses. Declared on the same `Base` as persistence/rows.py (its metadata)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from acompte.persistence.rows import Base
from acompte.persistence.types import Id


class EInvoiceStatusRow(Base):
    """E-invoicing lifecycle statuses of a document (« Encaissée » …), append-only."""

    __tablename__ = "einvoice_statuses"
    __table_args__ = (
        Index("ix_einvoice_statuses_document", "company_id", "document_id"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    status: Mapped[str] = mapped_column(String(20))
    status_date: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IssuedFileRow(Base):
    """The bytes of an issued document's file (PDF, Factur-X, its XML), written once at issue and never updated:
    downloads hand them out as stored. `sha256` is also in the document's history (DocumentFileIssued)."""

    __tablename__ = "issued_files"
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IssuedFileJobRow(Base):
    """The files an issued document is due, recorded in the transaction that issued it: everything they are made
    of (`inputs`: the printed document and its e-invoice as at issue, JSON) and the issue instant (the Factur-X's
    dates). A worker renders them after commit and stores them in `issued_files`; `rendered_at` is then set.
    The inputs never change: rendering them again gives the same bytes."""

    __tablename__ = "issued_file_jobs"
    __table_args__ = (
        # the worker's queue: only the jobs still due, however many documents were issued before
        Index(
            "ix_issued_file_jobs_due",
            "issued_at",
            sqlite_where=text("rendered_at IS NULL"),
            postgresql_where=text("rendered_at IS NULL"),
        ),
    )
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    plan: Mapped[str] = mapped_column(String(20))  # FileKind: facturx (with its XML) or pdf
    actor: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    inputs: Mapped[str] = mapped_column(Text)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rendered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
