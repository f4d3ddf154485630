"""The credits capability: credit notes (avoirs), their use on documents, write-offs, overpayments
(trop-perçus) and refunds. Each public function is one user action in one transaction.

- `notes`: credit notes made, checked when issued, settling the invoices they correct;
- `uses`: a credit note used on a document, and that use undone;
- `write_offs`, `refunds`, `overpayments`: what else becomes of a credit;
- `views`: the read records and the reads;
- `handlers`: how credits react to the ledger's events (wired in `bootstrap.message_bus`).

Undo is exact: `cancel_credit_use` gives back what `use_credit` took, `unwind_refund` what `refund` took; the
history keeps both, and the action can be redone. This package's names are the capability's public API.
"""

from __future__ import annotations

from acompte.domain.credits import CreditRef, CreditStatus, CreditUse, Excess, SourceKind
from acompte.services.credits.notes import (
    after_issue,
    before_issue,
    create_correcting_credit_note,
    create_credit_note,
    credit_invoice,
)
from acompte.services.credits.overpayments import handle_excess, receive_payment
from acompte.services.credits.refunds import refund, unwind_refund
from acompte.services.credits.uses import cancel_credit_use, credit_use_released, use_credit
from acompte.services.credits.views import (
    CreditNoteView,
    CreditUseLine,
    InvoiceCredits,
    OverpaymentView,
    RefundView,
    SettleResult,
    WriteOffView,
    credit_uses,
    get_credit_note,
    get_refund,
    invoice_credits,
    list_credit_notes,
    list_overpayments,
    list_refunds,
    overpayments_of,
)
from acompte.services.credits.write_offs import (
    receive_writing_off,
    shortfall_write_off,
    write_off_credit,
    write_off_overpayment,
    write_off_shortfall,
)

__all__ = [
    "CreditNoteView",
    "CreditRef",
    "CreditStatus",
    "CreditUse",
    "CreditUseLine",
    "Excess",
    "InvoiceCredits",
    "OverpaymentView",
    "RefundView",
    "SettleResult",
    "SourceKind",
    "WriteOffView",
    "after_issue",
    "before_issue",
    "cancel_credit_use",
    "create_correcting_credit_note",
    "create_credit_note",
    "credit_invoice",
    "credit_use_released",
    "credit_uses",
    "get_credit_note",
    "get_refund",
    "handle_excess",
    "invoice_credits",
    "list_credit_notes",
    "list_overpayments",
    "list_refunds",
    "overpayments_of",
    "receive_payment",
    "receive_writing_off",
    "refund",
    "shortfall_write_off",
    "unwind_refund",
    "use_credit",
    "write_off_credit",
    "write_off_overpayment",
    "write_off_shortfall",
]
