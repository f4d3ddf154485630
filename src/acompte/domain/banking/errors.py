"""The refusals of bank reconciliation: statement files, bank accounts, confirming and undoing matches. Each is a
code with typed parameters; its words are in the catalogue."""

from __future__ import annotations

from acompte.domain.errors import DomainError, NotFound


class BankLineNotOpen(DomainError):
    """A bank line already reconciled or ignored (perhaps by another clerk a moment ago): nothing was written."""

    code = "bank-line-not-open"


class BankAmountMismatch(DomainError):
    """The payments linked to a bank line (plus a card settlement's fee) do not add up to the line's amount."""

    code = "bank-amount-mismatch"


class BankPaymentMismatch(DomainError):
    """A payment that cannot stand for this bank line: cancelled, on another account, in the other direction or
    another currency, or already reconciled with another line."""

    code = "bank-payment-mismatch"


class BankConfirmationIncomplete(DomainError):
    """A confirmation that names neither the party and documents to record a payment for, nor payments to link."""

    code = "bank-confirmation-incomplete"


class BankMatchNotFound(NotFound):
    """No active match by that id (never made, or undone already — perhaps by another clerk a moment ago)."""

    code = "bank-match-not-found"


class UnreadableStatement(DomainError):
    """A statement file that cannot be read at all (empty, of no known format): `reason` says which."""

    code = "unreadable-statement"


class InvalidStatement(DomainError):
    """A statement file refused at one place: `line` of the file, `field` (a `StatementField`), `reason`
    and the reason's own params. Nothing of the file is imported."""

    code = "invalid-statement"


class StatementUnbalanced(DomainError):
    """Opening balance + lines ≠ closing balance: `opening`, `total`, `closing`, `difference` (Money)."""

    code = "statement-unbalanced"


class StatementCurrencyMismatch(DomainError):
    """A statement (or one of its lines) in another `currency` than the account's `account_currency`."""

    code = "statement-currency-mismatch"


class StatementOtherAccount(DomainError):
    """A statement of another bank account (`iban`) than the one it is imported into (`account_iban`)."""

    code = "statement-other-account"


class InvalidBankAccount(DomainError):
    """A bank account's settings that do not hold together: its ledger account outside 512 (53 for cash), its
    opening balance in another currency; `reason` says which and `field` names the field for the form."""

    code = "invalid-bank-account"
