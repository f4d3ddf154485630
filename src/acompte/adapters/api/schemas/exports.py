"""Accounting export runs and their journal entries, e-invoicing statuses, e-reporting payment data. Files
(FEC, CSV, PDF, Factur-X) are sent as they are."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import (
    AliasPath,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from acompte.adapters.api.schemas.common import (
    CodeOut,
    DecimalOut,
    Input,
    IsoDate,
    Joined,
    MoneyOut,
    Output,
)
from acompte.domain.accounting import Match, PostedEntry


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
    debit: MoneyOut
    credit: MoneyOut
    label: str
    party_code: str | None
    party_name: str | None
    letter: str | None
    #: a line of a foreign-currency document or payment: its amount in that currency, signed (debit positive)
    foreign_amount: MoneyOut | None = None

    @model_validator(mode="before")
    @classmethod
    def _party(cls, data: Any) -> Any:
        # A line names its party (if any) by its code and name.
        if isinstance(data, dict):
            return data
        party = data.party
        return Joined(data, party_code=party.code if party else None, party_name=party.name if party else None)


def _entry(*path: str) -> Any:
    return AliasPath("entry", *path)


class JournalEntryOut(Output):
    """A posted entry (écriture): its number in its journal, its lines with their matching letters."""

    number: str
    valid_date: date
    journal: CodeOut = Field(validation_alias=_entry("journal"))
    journal_label: str = Field(validation_alias=_entry("journal", "label"))
    entry_date: date = Field(validation_alias=_entry("entry_date"))
    piece_ref: str = Field(validation_alias=_entry("piece_ref"))
    piece_date: date = Field(validation_alias=_entry("piece_date"))
    label: str = Field(validation_alias=_entry("label"))
    lines: list[EntryLineOut]

    @model_validator(mode="before")
    @classmethod
    def _lettered_lines(cls, data: Any) -> Any:
        # The lines carry the matching letters the route found for this entry (`letters`, by line index).
        if isinstance(data, dict):
            return data
        letters = getattr(data, "letters", None) or {}
        lines = [
            Joined(line, letter=letters[j].letter if j in letters else None) for j, line in enumerate(data.entry.lines)
        ]
        return Joined(data, lines=lines)

    @classmethod
    def of(cls, posted: PostedEntry, letters: dict[int, Match] | None = None) -> JournalEntryOut:
        return cls.model_validate(Joined(posted, letters=letters or {}))


class ExportRunOut(Output):
    """An accounting export run: its period, its financial year, how many entries it posted, their debit."""

    id: str
    date_from: date
    date_to: date
    fiscal_year_end: date
    valid_date: date
    entry_count: int
    debit: MoneyOut
    actor: str


class ExportResultOut(Output):
    """What a run posted: its entries, how many documents and payments, and what stayed out of the period
    (`left_out`: dated before it in a period not exported yet)."""

    id: str = Field(validation_alias="run_id")
    date_from: date
    date_to: date
    fiscal_year_start: date
    fiscal_year_end: date
    documents: int
    payments: int
    entry_count: int = Field(validation_alias="posted")
    debit: MoneyOut | None
    left_out: list[str]
    entries: list[JournalEntryOut] = Field(validation_alias="posted")

    @field_validator("entry_count", mode="before")
    @classmethod
    def _count(cls, posted: Any) -> Any:
        return len(posted) if isinstance(posted, tuple | list) else posted


class EntriesOut(Output):
    """Posted journal entries (in validation order)."""

    entries: list[JournalEntryOut]


class EinvoiceStatusOut(Output):
    status: str
    label: str
    date: date
    amount: MoneyOut


class EinvoiceStatusesOut(Output):
    """The e-invoicing lifecycle statuses of a document (« Encaissée »...)."""

    document_id: str
    statuses: list[EinvoiceStatusOut]


class CollectedIn(Input):
    """Mark an issued, fully paid sale invoice « Encaissée » (on `date`, default today)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"date": "2026-03-20"}]})

    date: IsoDate | None = None


class VatAmountOut(Output):
    rate: DecimalOut
    amount: MoneyOut

    @model_validator(mode="before")
    @classmethod
    def _pair(cls, data: Any) -> Any:
        # A report gives its VAT as (rate, amount) pairs.
        return {"rate": data[0], "amount": data[1]} if isinstance(data, tuple) else data


class PaymentReportOut(Output):
    """A payment received for services whose VAT is due on receipt: what it makes reportable."""

    payment_number: str
    payment_date: date
    party: str
    documents: list[str]
    received: MoneyOut
    vat: list[VatAmountOut]
    vat_total: MoneyOut


class PaymentReportsOut(Output):
    """The e-reporting payment data of a period (empty under the VAT on debits option)."""

    date_from: date
    date_to: date
    reports: list[PaymentReportOut]
