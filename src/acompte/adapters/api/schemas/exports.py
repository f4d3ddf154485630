"""Accounting export runs and their journal entries, e-invoicing statuses, e-reporting payment data. Files
(FEC, CSV, PDF, Factur-X) are sent as they are."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import (
    ConfigDict,
    model_validator,
)
from pydantic_core import PydanticCustomError

from acompte.adapters.api.schemas.common import (
    Input,
    IsoDate,
    Money,
    Output,
    decimal_text,
)
from acompte.domain.accounting import Match, PostedEntry
from acompte.domain.einvoicing import PaymentReport
from acompte.services.exports import ExportResult, RunSummary


class ExportRunIn(Input):
    """The period to post: every issued document and payment of it that no run has posted yet."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"date_from": "2026-01-01", "date_to": "2026-01-31"}]}
    )

    date_from: IsoDate
    date_to: IsoDate

    @model_validator(mode="after")
    def _ordered(self) -> ExportRunIn:
        if self.date_from > self.date_to:
            raise PydanticCustomError("date_order", "La date de début est postérieure à la date de fin", {})
        return self


class EntryLineOut(Output):
    account: str
    account_label: str
    debit: Money
    credit: Money
    label: str
    party_code: str | None
    party_name: str | None
    letter: str | None


class JournalEntryOut(Output):
    """A posted entry (écriture): its number in its journal, its lines with their matching letters."""

    number: str
    valid_date: date
    journal: str
    journal_label: str
    entry_date: date
    piece_ref: str
    piece_date: date
    label: str
    lines: list[EntryLineOut]

    @classmethod
    def of(cls, posted: PostedEntry, letters: dict[int, Match] | None = None) -> JournalEntryOut:
        entry = posted.entry
        letters = letters or {}
        return cls(
            number=posted.number,
            valid_date=posted.valid_date,
            journal=entry.journal.value,
            journal_label=entry.journal.label,
            entry_date=entry.entry_date,
            piece_ref=entry.piece_ref,
            piece_date=entry.piece_date,
            label=entry.label,
            lines=[
                EntryLineOut(
                    account=line.account,
                    account_label=line.account_label,
                    debit=Money.of(line.debit),
                    credit=Money.of(line.credit),
                    label=line.label,
                    party_code=line.party.code if line.party else None,
                    party_name=line.party.name if line.party else None,
                    letter=letters[j].letter if j in letters else None,
                )
                for j, line in enumerate(entry.lines)
            ],
        )


class ExportRunOut(Output):
    """An accounting export run: its period, its financial year, how many entries it posted, their debit."""

    id: str
    date_from: date
    date_to: date
    fiscal_year_end: date
    valid_date: date
    entry_count: int
    debit: Money
    actor: str

    @classmethod
    def of(cls, run: RunSummary) -> ExportRunOut:
        return cls(
            id=str(run.id),
            date_from=run.date_from,
            date_to=run.date_to,
            fiscal_year_end=run.fiscal_year_end,
            valid_date=run.valid_date,
            entry_count=run.entry_count,
            debit=Money.of(run.debit),
            actor=run.actor,
        )


class ExportResultOut(Output):
    """What a run posted: its entries, how many documents and payments, and what stayed out of the period
    (`left_out`: dated before it in a period not exported yet)."""

    id: str
    date_from: date
    date_to: date
    fiscal_year_start: date
    fiscal_year_end: date
    documents: int
    payments: int
    entry_count: int
    debit: Money | None
    left_out: list[str]
    entries: list[JournalEntryOut]

    @classmethod
    def of(cls, result: ExportResult) -> ExportResultOut:
        return cls(
            id=str(result.run_id),
            date_from=result.date_from,
            date_to=result.date_to,
            fiscal_year_start=result.fiscal_year_start,
            fiscal_year_end=result.fiscal_year_end,
            documents=result.documents,
            payments=result.payments,
            entry_count=len(result.posted),
            debit=Money.of(result.debit) if result.debit else None,
            left_out=list(result.left_out),
            entries=[JournalEntryOut.of(p) for p in result.posted],
        )


class EntriesOut(Output):
    """Posted journal entries (in validation order)."""

    entries: list[JournalEntryOut]


class EinvoiceStatusOut(Output):
    status: str
    label: str
    date: date
    amount: Money

    @classmethod
    def of(cls, status: dict[str, Any]) -> EinvoiceStatusOut:
        return cls(
            status=status["status"], label=status["label"], date=status["date"], amount=Money.of(status["amount"])
        )


class EinvoiceStatusesOut(Output):
    """The e-invoicing lifecycle statuses of a document (« Encaissée »...)."""

    document_id: str
    statuses: list[EinvoiceStatusOut]


class CollectedIn(Input):
    """Mark an issued, fully paid sale invoice « Encaissée » (on `date`, default today)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"date": "2026-03-20"}]})

    date: IsoDate | None = None


class VatAmountOut(Output):
    rate: str
    amount: Money


class PaymentReportOut(Output):
    """A payment received for services whose VAT is due on receipt: what it makes reportable."""

    payment_number: str
    payment_date: date
    party: str
    documents: list[str]
    received: Money
    vat: list[VatAmountOut]
    vat_total: Money

    @classmethod
    def of(cls, report: PaymentReport) -> PaymentReportOut:
        return cls(
            payment_number=report.payment_number,
            payment_date=report.payment_date,
            party=report.party,
            documents=list(report.documents),
            received=Money.of(report.received),
            vat=[VatAmountOut(rate=decimal_text(rate), amount=Money.of(vat)) for rate, vat in report.vat],
            vat_total=Money.of(report.vat_total),
        )


class PaymentReportsOut(Output):
    """The e-reporting payment data of a period (empty under the VAT on debits option)."""

    date_from: date
    date_to: date
    reports: list[PaymentReportOut]
