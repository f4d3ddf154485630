"""Accounting: issued documents, payments, deductions, credit notes, refunds and write-offs -> journal entries.

Pure rules over plain records, in one module per job:

- `chart`      journals, account roles and their PCG numbers, the company's accounting settings
- `entries`    balanced journal entries, the builder of their lines, posted entries and financial years
- `parts`      VAT parts (net and VAT per rate and nature) and the exact shares a payment or deduction carries
- `facts`      what happened, as plain records (documents, payments, deductions, refunds, write-offs ...)
- `postings`   the rules that turn facts into entries (the PCG patterns are listed there)
- `lettering`  matching letters for the party and deposit accounts
- `currency`   entries of foreign-currency items in the company's currency; realised exchange differences

Each module imports only those above it in this list. This package re-exports their public names, so callers
write `from acompte.domain.accounting import JournalEntry`.
"""

from acompte.domain.accounting.chart import (
    DEFAULT_ACCOUNTS,
    JOURNAL_LABELS,
    PCG_LABELS,
    ROLE_LABELS,
    AccountingSettings,
    AccountMapping,
    Journal,
    Nature,
    Treasury,
)
from acompte.domain.accounting.currency import booked_share, convert, convert_entry, realised_difference
from acompte.domain.accounting.entries import (
    EntryBuilder,
    EntryLine,
    JournalEntry,
    PartyRef,
    PostedEntry,
    balances,
    entry_number,
    fiscal_year,
    with_label,
)
from acompte.domain.accounting.facts import (
    KIND_WORDS,
    AllocationFact,
    BankFeeFact,
    CreditNoteFact,
    CreditReason,
    DeductionFact,
    DocumentFact,
    ExchangeDifferenceFact,
    PaymentFact,
    RefundFact,
    ReversalFact,
    Treatment,
    WriteOffFact,
    WriteOffKind,
    write_off_kind,
)
from acompte.domain.accounting.lettering import MATCHED_ROLES, Match, letter_code, match_lines, matched_accounts
from acompte.domain.accounting.parts import (
    FactLine,
    VatPart,
    natured_parts,
    parts_total,
    share,
    share_between,
    subtract_parts,
    vat_parts,
)
from acompte.domain.accounting.postings import (
    bank_fee_entry,
    credit_note_entry,
    credit_note_fact,
    deduction_entry,
    deposit_allocation,
    document_entries,
    exchange_difference_entry,
    invoice_entry,
    payment_entries,
    receivable_allocation,
    refund_entry,
    reversal_entry,
    write_off_entry,
)

__all__ = [
    "DEFAULT_ACCOUNTS",
    "JOURNAL_LABELS",
    "KIND_WORDS",
    "MATCHED_ROLES",
    "PCG_LABELS",
    "ROLE_LABELS",
    "AccountMapping",
    "AccountingSettings",
    "AllocationFact",
    "BankFeeFact",
    "CreditNoteFact",
    "CreditReason",
    "DeductionFact",
    "DocumentFact",
    "EntryBuilder",
    "EntryLine",
    "ExchangeDifferenceFact",
    "FactLine",
    "Journal",
    "JournalEntry",
    "Match",
    "Nature",
    "PartyRef",
    "PaymentFact",
    "PostedEntry",
    "RefundFact",
    "ReversalFact",
    "Treasury",
    "Treatment",
    "VatPart",
    "WriteOffFact",
    "WriteOffKind",
    "balances",
    "bank_fee_entry",
    "booked_share",
    "convert",
    "convert_entry",
    "credit_note_entry",
    "credit_note_fact",
    "deduction_entry",
    "deposit_allocation",
    "document_entries",
    "entry_number",
    "exchange_difference_entry",
    "fiscal_year",
    "invoice_entry",
    "letter_code",
    "match_lines",
    "matched_accounts",
    "natured_parts",
    "parts_total",
    "payment_entries",
    "realised_difference",
    "receivable_allocation",
    "refund_entry",
    "reversal_entry",
    "share",
    "share_between",
    "subtract_parts",
    "vat_parts",
    "with_label",
    "write_off_entry",
    "write_off_kind",
]
