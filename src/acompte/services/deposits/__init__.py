"""Deposits (acomptes), from quote to final invoice, for customers and suppliers.

User actions (one function each, one transaction each), by module:
- `settings`: `configure_deposits`, `set_party_deposit_percent`, `set_item_deposit_percent`;
- `requests`, a deposit noted on a quote or order (no payment): `request_deposit`, `clear_deposit_request`;
- `payments`, a deposit payment on an order, delivery note or invoice (règlement d'acompte): `deposit_form`,
  `record_deposit_payment`, `attach_deposit_payment`;
- `invoices`: `create_deposit_invoice`, `update_deposit_invoice`, `issue_deposit_invoice`,
  `attach_deposit_invoice`; `credit_notes`: `create_deposit_credit_note`, `issue_deposit_credit_note`;
- `deductions`, final invoices: `create_final_invoice`, `deduction_view`, `deduct_deposit`, `remove_deduction`,
  `undeducted_warnings`, `apply_automatic_deductions` (the rules themselves in `deduction_plans`);
- `follow`, money that follows the order: `carry_deposits`, `return_deposits_to_origin`;
- `views`, reading: `deposit_position`, `invoiced_amounts`, `deposit_invoice_view`, `document_breakdown`;
  `plans`: `line_deposits`; `currency`: `set_exchange_rate`, `company_currency_balance`.

`handlers` reacts to the ledger's documents (wired in `bootstrap.message_bus()`); `family` holds the figures the
use cases share; `records` the frozen records they return; the facts they record are in
`acompte.domain.deposit_events`. Within the package the modules import one another in one direction only:
`records` and `family` at the bottom; `settings`, `plans`, `views` and `deduction_plans` on them; the use-case
modules above; `handlers` on top.

Vocabulary of the derived figures (nothing here is stored; everything follows from documents, allocations,
deductions and deposit credit notes):
- a deposit invoice's **reversed** amount: the gross of its deposit credit notes;
- its **deducted** amount: what final invoices deduct from it (`deductions` table);
- its **available** amount: gross − reversed − deducted: what a final invoice may still deduct;
- an order's (quote's, delivery note's) **invoiced** amount: what the party owes for it through *other*
  documents = the gross of the validated final invoices made from it (directly or through delivery notes) +
  for each validated deposit invoice attached to it or to those documents, its gross − reversed − deducted on
  validated invoices (the deducted part is already inside a final invoice's gross, so it is not counted twice);
- an order's **outstanding** amount: max(0, gross − payments allocated to it − invoiced): what the order itself
  still carries. A fully invoiced order has outstanding 0.00; the party account must count an order for its
  outstanding amount only (not its balance due), so that an order and its invoices never count twice.
"""

from __future__ import annotations

from acompte.services.deposits.credit_notes import create_deposit_credit_note, issue_deposit_credit_note
from acompte.services.deposits.currency import company_currency_balance, set_exchange_rate
from acompte.services.deposits.deduction_plans import DECLINED
from acompte.services.deposits.deductions import (
    apply_automatic_deductions,
    create_final_invoice,
    deduct_deposit,
    deduction_view,
    remove_deduction,
    undeducted_warnings,
)
from acompte.services.deposits.family import COMMERCIAL_KINDS, DEPOSIT_TARGETS, PAYMENT_TARGETS
from acompte.services.deposits.follow import carry_deposits, return_deposits_to_origin
from acompte.services.deposits.handlers import before_delete, check_lines_change, on_convert, on_validate
from acompte.services.deposits.invoices import (
    attach_deposit_invoice,
    create_deposit_invoice,
    issue_deposit_invoice,
    update_deposit_invoice,
)
from acompte.services.deposits.payments import attach_deposit_payment, deposit_form, record_deposit_payment
from acompte.services.deposits.plans import line_deposits
from acompte.services.deposits.records import (
    CarriedMove,
    DeductionRow,
    DeductionView,
    DepositForm,
    DepositInvoiceSummary,
    DepositInvoiceView,
    DepositPosition,
    IssuedDeposit,
    LineDeposit,
    ReturnedDeposits,
)
from acompte.services.deposits.requests import clear_deposit_request, request_deposit
from acompte.services.deposits.settings import (
    configure_deposits,
    set_item_deposit_percent,
    set_party_deposit_percent,
    suggested_deposit,
)
from acompte.services.deposits.views import deposit_invoice_view, deposit_position, document_breakdown, invoiced_amounts

__all__ = [
    "COMMERCIAL_KINDS",
    "DECLINED",
    "DEPOSIT_TARGETS",
    "PAYMENT_TARGETS",
    "CarriedMove",
    "DeductionRow",
    "DeductionView",
    "DepositForm",
    "DepositInvoiceSummary",
    "DepositInvoiceView",
    "DepositPosition",
    "IssuedDeposit",
    "LineDeposit",
    "ReturnedDeposits",
    "apply_automatic_deductions",
    "attach_deposit_invoice",
    "attach_deposit_payment",
    "before_delete",
    "carry_deposits",
    "check_lines_change",
    "clear_deposit_request",
    "company_currency_balance",
    "configure_deposits",
    "create_deposit_credit_note",
    "create_deposit_invoice",
    "create_final_invoice",
    "deduct_deposit",
    "deduction_view",
    "deposit_form",
    "deposit_invoice_view",
    "deposit_position",
    "document_breakdown",
    "invoiced_amounts",
    "issue_deposit_credit_note",
    "issue_deposit_invoice",
    "line_deposits",
    "on_convert",
    "on_validate",
    "record_deposit_payment",
    "remove_deduction",
    "request_deposit",
    "return_deposits_to_origin",
    "set_exchange_rate",
    "set_item_deposit_percent",
    "set_party_deposit_percent",
    "suggested_deposit",
    "undeducted_warnings",
    "update_deposit_invoice",
]
