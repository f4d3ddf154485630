"""Accounting export persistence: runs, posted entries and lines, exported sources, allocation postings and
e-invoicing statuses. Company-scoped like every repository; entries are only ever inserted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import String, and_, bindparam, func, inspect, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from acompte.domain.accounting import EntryLine, Journal, JournalEntry, PartyRef, PostedEntry, VatPart
from acompte.domain.documents import Document
from acompte.domain.money import Money
from acompte.domain.payments import Payment
from acompte.persistence import mapping
from acompte.persistence.export_batches import ExportBatches, insert_rows, parts_to_json, posting_record
from acompte.persistence.export_links import SLICE, among, linked_pairs
from acompte.persistence.issued_rows import EInvoiceStatusRow
from acompte.persistence.rows import (
    AllocationPostingRow,
    AllocationRow,
    Base,
    CompanyRow,
    DocumentLineRow,
    DocumentRow,
    ExportedSourceRow,
    ExportRunRow,
    JournalEntryRow,
    JournalLineRow,
    PaymentRow,
    TreasuryAccountRow,
)
from acompte.services.ports.clock import Clock, SystemClock
from acompte.services.ports.exports import PostingRecord, RunRecord, StatusRecord


def _run(row: ExportRunRow) -> RunRecord:
    return RunRecord(
        id=row.id,
        date_from=row.date_from,
        date_to=row.date_to,
        fiscal_year_end=row.fiscal_year_end,
        valid_date=row.valid_date,
        entry_count=row.entry_count,
        debit=Money.from_minor(row.debit_minor, row.currency),
        actor=row.actor,
    )


class ExportRepository(ExportBatches):
    def __init__(self, session: Session, clock: Clock | None = None) -> None:
        self.session = session
        self.clock: Clock = clock or SystemClock()

    # -- runs ----------------------------------------------------------------------------------------------
    def lock_company(self, company_id: int) -> None:
        """Serialise export runs of one company (row lock on PostgreSQL; SQLite already holds the write lock)."""
        self.session.scalars(select(CompanyRow.id).where(CompanyRow.id == company_id).with_for_update()).first()

    def runs(self, company_id: int) -> list[RunRecord]:
        rows = self.session.scalars(
            select(ExportRunRow).where(ExportRunRow.company_id == company_id).order_by(ExportRunRow.id)
        )
        return [_run(r) for r in rows]

    def run(self, company_id: int, run_id: int) -> RunRecord | None:
        row = self.session.scalars(
            select(ExportRunRow).where(ExportRunRow.company_id == company_id, ExportRunRow.id == run_id)
        ).first()
        return _run(row) if row else None

    def overlapping(self, company_id: int, date_from: date, date_to: date) -> RunRecord | None:
        row = self.session.scalars(
            select(ExportRunRow)
            .where(
                ExportRunRow.company_id == company_id,
                ExportRunRow.date_from <= date_to,
                ExportRunRow.date_to >= date_from,
            )
            .order_by(ExportRunRow.date_from)
        ).first()
        return _run(row) if row else None

    def add_run(
        self,
        company_id: int,
        *,
        date_from: date,
        date_to: date,
        fiscal_year_end: date,
        valid_date: date,
        currency: str,
        actor: str,
    ) -> int:
        row = ExportRunRow(
            company_id=company_id,
            date_from=date_from,
            date_to=date_to,
            fiscal_year_end=fiscal_year_end,
            valid_date=valid_date,
            entry_count=0,
            debit_minor=0,
            currency=currency,
            actor=actor,
            created_at=self.clock.now(),
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def close_run(self, company_id: int, run_id: int, *, entry_count: int, debit: Money) -> None:
        row = self.session.get(ExportRunRow, (company_id, run_id))
        assert row is not None and row.company_id == company_id
        row.entry_count, row.debit_minor = entry_count, debit.minor_units
        self.session.flush()

    def covered(self, company_id: int, day: date) -> bool:
        """Whether `day` lies in a period already exported."""
        return (
            self.session.scalar(
                select(func.count(ExportRunRow.id)).where(
                    ExportRunRow.company_id == company_id, ExportRunRow.date_from <= day, ExportRunRow.date_to >= day
                )
            )
            or 0
        ) > 0

    # -- entries -------------------------------------------------------------------------------------------
    def add_entry(self, company_id: int, run_id: int, posted: PostedEntry, *, fiscal_year: int, sequence: int) -> int:
        return self.add_entries(company_id, run_id, [(posted, sequence)], fiscal_year=fiscal_year)[0]

    def add_entries(
        self, company_id: int, run_id: int, posted: Sequence[tuple[PostedEntry, int]], *, fiscal_year: int
    ) -> list[int]:
        """Entries (each with its sequence) and their lines, in batched inserts (plain rows, no ORM objects: a
        month is tens of thousands of lines); the entries' ids in the same order."""
        if not posted:
            return []
        insert_rows(
            self.session,
            JournalEntryRow.__tablename__,
            [
                {
                    "company_id": company_id,
                    "run_id": run_id,
                    "journal": p.entry.journal.value,
                    "fiscal_year": fiscal_year,
                    "sequence": sequence,
                    "number": p.number,
                    "entry_date": p.entry.entry_date,
                    "piece_ref": p.entry.piece_ref,
                    "piece_date": p.entry.piece_date,
                    "label": p.entry.label[:300],
                    "valid_date": p.valid_date,
                    "source": p.entry.source[:60],
                }
                for p, sequence in posted
            ],
        )
        # the ids back by the entries' numbers (unique per journal and year), read by the run, never by a list
        ids = {
            (r.journal, r.sequence): r.id
            for r in self.session.execute(
                select(JournalEntryRow.id, JournalEntryRow.journal, JournalEntryRow.sequence).where(
                    JournalEntryRow.company_id == company_id,
                    JournalEntryRow.run_id == run_id,
                    JournalEntryRow.fiscal_year == fiscal_year,
                )
            )
        }
        entry_ids = [ids[(p.entry.journal.value, sequence)] for p, sequence in posted]
        insert_rows(
            self.session,
            JournalLineRow.__tablename__,
            [
                {
                    "company_id": company_id,
                    "entry_id": entry_id,
                    "position": position,
                    "account": line.account,
                    "account_label": line.account_label[:200],
                    "aux_code": line.party.code if line.party else "",
                    "aux_label": line.party.name[:200] if line.party else "",
                    "label": line.label[:300],
                    "debit_minor": line.debit.minor_units,
                    "credit_minor": line.credit.minor_units,
                    "currency": line.debit.currency,
                    "match_key": line.match_key,
                    "foreign_minor": line.foreign_amount.minor_units if line.foreign_amount is not None else None,
                    "foreign_currency": line.foreign_amount.currency if line.foreign_amount is not None else None,
                }
                for entry_id, (p, _) in zip(entry_ids, posted, strict=True)
                for position, line in enumerate(p.entry.lines, start=1)
            ],
        )
        return entry_ids

    def entries(
        self,
        company_id: int,
        *,
        run_id: int | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> list[PostedEntry]:
        """Posted entries in validation order (the order the runs posted them)."""
        where = [JournalEntryRow.company_id == company_id]
        if run_id is not None:
            where.append(JournalEntryRow.run_id == run_id)
        if date_from is not None:
            where.append(JournalEntryRow.entry_date >= date_from)
        if date_to is not None:
            where.append(JournalEntryRow.entry_date <= date_to)
        entries = Base.metadata.tables[JournalEntryRow.__tablename__]
        rows = list(self.session.execute(select(entries).where(*where).order_by(JournalEntryRow.id)))
        return self._entries(rows, where)

    def _entries(self, rows: Sequence[Any], where: list[Any]) -> list[PostedEntry]:
        """The entries `rows` with their lines, read by a join on the same conditions (never a list of ids). Plain
        rows, not ORM objects: a year's ledger is tens of thousands of lines."""
        if not rows:
            return []
        lines: dict[int, list[Any]] = {}
        found = self.session.execute(
            select(Base.metadata.tables[JournalLineRow.__tablename__])
            .join(JournalEntryRow, JournalEntryRow.id == JournalLineRow.entry_id)
            .where(JournalLineRow.company_id == JournalEntryRow.company_id, *where)
            .order_by(JournalLineRow.entry_id, JournalLineRow.position)
        )
        for line in found:
            lines.setdefault(line.entry_id, []).append(line)
        result = []
        for row in rows:
            entry_lines = tuple(
                EntryLine(
                    account=line.account,
                    account_label=line.account_label,
                    debit=Money.from_minor(line.debit_minor, line.currency),
                    credit=Money.from_minor(line.credit_minor, line.currency),
                    label=line.label,
                    party=PartyRef(line.aux_code, line.aux_label) if line.aux_code else None,
                    match_key=line.match_key,
                    foreign_amount=(
                        Money.from_minor(line.foreign_minor, line.foreign_currency)
                        if line.foreign_minor is not None and line.foreign_currency
                        else None
                    ),
                )
                for line in lines.get(row.id, [])
            )
            entry = JournalEntry(
                Journal(row.journal), row.entry_date, row.piece_ref, row.piece_date, row.label, entry_lines, row.source
            )
            result.append(PostedEntry(row.number, row.valid_date, entry))
        return result

    # -- what was exported ---------------------------------------------------------------------------------
    def mark_exported(self, company_id: int, run_id: int, key: str, document_id: int | None = None) -> None:
        self.session.add(
            ExportedSourceRow(company_id=company_id, source_key=key, run_id=run_id, document_id=document_id)
        )
        self.session.flush()

    def exported_keys(self, company_id: int, keys: Iterable[str]) -> set[str]:
        """Which of `keys` were exported: read by the keys' prefixes ("ded:", "wo:" …), never as a list of keys
        (there is one per fact of the company's history)."""
        wanted = set(keys)
        if not wanted:
            return set()
        prefixes = {k.split(":", 1)[0] + ":" for k in wanted}
        return wanted & {k for prefix in sorted(prefixes) for k in self.exported_like(company_id, prefix)}

    def exported_like(self, company_id: int, prefix: str) -> set[str]:
        """The exported source keys that start with `prefix` ("ded:", "wo:" ...)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return set(
            self.session.scalars(
                select(ExportedSourceRow.source_key).where(
                    ExportedSourceRow.company_id == company_id,
                    # the pattern written into the statement: PostgreSQL plans it knowing the prefix, so its
                    # prefix index serves it (a prepared statement's generic plan would not)
                    ExportedSourceRow.source_key.like(
                        bindparam(None, f"{escaped}%", type_=String(), literal_execute=True), escape="\\"
                    ),
                )
            )
        )

    def entry_by_source(self, company_id: int, source: str) -> JournalEntry | None:
        """The posted entry made from one source key (the first, if a source made several)."""
        row = self.session.scalars(
            select(JournalEntryRow)
            .where(JournalEntryRow.company_id == company_id, JournalEntryRow.source == source)
            .order_by(JournalEntryRow.id)
        ).first()
        if row is None:
            return None
        return self._entries([row], [JournalEntryRow.company_id == company_id, JournalEntryRow.id == row.id])[0].entry

    def is_document_exported(self, company_id: int, document_id: int) -> bool:
        return bool(
            self.session.scalar(
                select(func.count()).where(
                    ExportedSourceRow.company_id == company_id, ExportedSourceRow.document_id == document_id
                )
            )
        )

    def documents_to_export(self, company_id: int, kinds: Iterable[str], date_to: date) -> list[Document]:
        """Validated documents of `kinds` dated up to `date_to` that no run has posted, oldest first."""
        stmt = (
            select(DocumentRow)
            .outerjoin(
                ExportedSourceRow,
                and_(
                    ExportedSourceRow.company_id == DocumentRow.company_id,
                    ExportedSourceRow.document_id == DocumentRow.id,
                ),
            )
            .where(
                DocumentRow.company_id == company_id,
                DocumentRow.state == "validated",
                DocumentRow.kind.in_(list(kinds)),
                DocumentRow.issue_date <= date_to,
                ExportedSourceRow.source_key.is_(None),
            )
            .order_by(DocumentRow.issue_date, DocumentRow.validated_at, DocumentRow.id)
        )
        rows = list(self.session.scalars(stmt))
        # their lines by the ids just read, in one array parameter per slice: choosing them again by the same
        # conditions would walk the company's exported history a second time
        ids = sorted(r.id for r in rows)
        lines: dict[int, list[DocumentLineRow]] = {}
        for start in range(0, len(ids), SLICE):
            for line in self.session.scalars(
                select(DocumentLineRow)
                .where(
                    DocumentLineRow.company_id == company_id,
                    among(self.session, DocumentLineRow.document_id, ids[start : start + SLICE]),
                )
                .order_by(DocumentLineRow.document_id, DocumentLineRow.id)
            ):
                lines.setdefault(line.document_id, []).append(line)
        return [mapping.document(r, lines.get(r.id, [])) for r in rows]

    def payments_to_export(self, company_id: int, date_to: date) -> list[Payment]:
        stmt = (
            select(PaymentRow)
            .where(
                PaymentRow.company_id == company_id,
                PaymentRow.state == "active",
                PaymentRow.exported.is_(False),
                PaymentRow.payment_date <= date_to,
            )
            .order_by(PaymentRow.payment_date, PaymentRow.id)
            .with_for_update()
        )
        return [mapping.payment(r) for r in self.session.scalars(stmt)]

    def mark_payment_exported(self, company_id: int, payment_id: int) -> None:
        row = self.session.get(PaymentRow, (company_id, payment_id))
        assert row is not None and row.company_id == company_id
        row.exported = True
        row.version += 1
        self.session.flush()

    # -- documents as accounting reads them ----------------------------------------------------------------
    def document(self, company_id: int, document_id: int) -> Document:
        row = self.session.scalars(
            select(DocumentRow).where(DocumentRow.company_id == company_id, DocumentRow.id == document_id)
        ).one()
        lines = list(
            self.session.scalars(
                select(DocumentLineRow).where(
                    DocumentLineRow.company_id == company_id, DocumentLineRow.document_id == row.id
                )
            )
        )
        return mapping.document(row, lines)

    def document_data(self, company_id: int, document_id: int) -> dict[str, Any]:
        """What is recorded on the document, from its row when this session holds it already (the documents
        repository's reads and writes go through that row, so it is the transaction's own state); otherwise its
        `data` alone is read."""
        held = self.session.identity_map.get(identity_key(DocumentRow, (company_id, document_id)))
        if held is not None and not inspect(held).expired:
            return dict(held.data or {})
        row = self.session.scalars(
            select(DocumentRow.data).where(DocumentRow.company_id == company_id, DocumentRow.id == document_id)
        ).one()
        return dict(row or {})

    def treasury_kind(self, company_id: int, account_id: int) -> str:
        kind = self.session.scalar(
            select(TreasuryAccountRow.kind).where(
                TreasuryAccountRow.company_id == company_id, TreasuryAccountRow.id == account_id
            )
        )
        return str(kind or "bank")

    def allocations_of_payment(self, company_id: int, payment_id: int) -> list[tuple[int, int, Money]]:
        """(allocation id, document id, amount) of a payment, oldest first."""
        rows = self.session.execute(
            select(AllocationRow.id, AllocationRow.document_id, AllocationRow.amount_minor, AllocationRow.currency)
            .where(AllocationRow.company_id == company_id, AllocationRow.payment_id == payment_id)
            .order_by(AllocationRow.id)
        )
        return [(r.id, r.document_id, Money.from_minor(r.amount_minor, r.currency)) for r in rows]

    def allocation_document(self, company_id: int, allocation_id: int) -> int | None:
        return self.session.scalar(
            select(AllocationRow.document_id).where(
                AllocationRow.company_id == company_id, AllocationRow.id == allocation_id
            )
        )

    def links(self, company_id: int, keys: Iterable[str]) -> list[tuple[str, str]]:
        """The allocations and refunds of every linked group holding one of `keys`, as pairs of matching keys
        (persistence/export_links.py): read from the keys, never the company's whole history."""
        return linked_pairs(self.session, company_id, keys)

    # -- allocation postings -------------------------------------------------------------------------------
    def add_posting(
        self,
        company_id: int,
        run_id: int,
        *,
        payment_id: int,
        allocation_id: int | None,
        document_id: int,
        payment_date: date,
        treatment: str,
        amount: Money,
        parts: Iterable[VatPart],
    ) -> int:
        row = AllocationPostingRow(
            company_id=company_id,
            run_id=run_id,
            payment_id=payment_id,
            allocation_id=allocation_id,
            document_id=document_id,
            payment_date=payment_date,
            treatment=treatment,
            amount_minor=amount.minor_units,
            currency=amount.currency,
            parts=parts_to_json(parts),
            imputed_run_id=None,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def postings(
        self, company_id: int, *, document_id: int | None = None, open_deposits: bool = False
    ) -> list[PostingRecord]:
        stmt = select(AllocationPostingRow).where(AllocationPostingRow.company_id == company_id)
        if document_id is not None:
            stmt = stmt.where(AllocationPostingRow.document_id == document_id)
        if open_deposits:
            stmt = stmt.where(
                AllocationPostingRow.treatment == "deposit", AllocationPostingRow.imputed_run_id.is_(None)
            )
        return [posting_record(r) for r in self.session.scalars(stmt.order_by(AllocationPostingRow.id))]

    def postings_for_allocations(self, company_id: int, allocation_ids: Iterable[int]) -> list[PostingRecord]:
        ids = list(set(allocation_ids))
        if not ids:
            return []
        rows = self.session.scalars(
            select(AllocationPostingRow)
            .where(AllocationPostingRow.company_id == company_id, AllocationPostingRow.allocation_id.in_(ids))
            .order_by(AllocationPostingRow.id)
        )
        return [posting_record(r) for r in rows]

    def imputed_on(self, company_id: int, invoice_key: str) -> list[PostingRecord]:
        """Deposit postings imputed on an invoice (their imputation source key names the invoice)."""
        keys = list(
            self.session.scalars(
                select(ExportedSourceRow.source_key).where(
                    ExportedSourceRow.company_id == company_id,
                    ExportedSourceRow.source_key.like(f"imp:%:{invoice_key}"),
                )
            )
        )
        ids = [int(k.split(":")[1]) for k in keys]
        if not ids:
            return []
        rows = self.session.scalars(
            select(AllocationPostingRow).where(
                AllocationPostingRow.company_id == company_id, AllocationPostingRow.id.in_(ids)
            )
        )
        return [posting_record(r) for r in rows]

    def mark_imputed(self, company_id: int, posting_id: int, run_id: int) -> None:
        row = self.session.get(AllocationPostingRow, (company_id, posting_id))
        assert row is not None and row.company_id == company_id
        row.imputed_run_id = run_id
        self.session.flush()

    # -- e-invoicing statuses --------------------------------------------------------------------------------
    def add_status(
        self, company_id: int, document_id: int, *, status: str, status_date: date, amount: Money, actor: str
    ) -> None:
        self.session.add(
            EInvoiceStatusRow(
                company_id=company_id,
                document_id=document_id,
                status=status,
                status_date=status_date,
                amount_minor=amount.minor_units,
                currency=amount.currency,
                actor=actor,
                created_at=self.clock.now(),
            )
        )
        self.session.flush()

    def statuses(self, company_id: int, document_id: int) -> list[StatusRecord]:
        rows = self.session.scalars(
            select(EInvoiceStatusRow)
            .where(EInvoiceStatusRow.company_id == company_id, EInvoiceStatusRow.document_id == document_id)
            .order_by(EInvoiceStatusRow.id)
        )
        return [
            StatusRecord(r.document_id, r.status, r.status_date, Money.from_minor(r.amount_minor, r.currency), r.actor)
            for r in rows
        ]

    def treasury_ledger(self, company_id: int, account_id: int) -> tuple[str, str]:
        """The treasury account's kind (bank or cash) and its own ledger account (empty: the chart's)."""
        row = self.session.execute(
            select(TreasuryAccountRow.kind, TreasuryAccountRow.ledger_account).where(
                TreasuryAccountRow.company_id == company_id, TreasuryAccountRow.id == account_id
            )
        ).first()
        return (str(row.kind), str(row.ledger_account or "")) if row is not None else ("bank", "")


__all__ = ["ExportRepository", "PostingRecord", "RunRecord", "StatusRecord", "or_"]
