"""The party account (« Gestion commerciale »): what a party owes and what it has in hand (`party_account`),
settling one with the other in one action (`settling`), payment terms and instalments (`terms`), the statement
of account and the ledger balance (`statement`), and the aged balance (`aged`). This package's names are the
capability's public API.
"""

from __future__ import annotations

from acompte.domain.credits import CreditStatus
from acompte.services.accounts.aged import aged_balance
from acompte.services.accounts.holdings import credit_notes_in_hand, payments_in_hand
from acompte.services.accounts.party_account import party_account, proposal_for, suggest_settlement
from acompte.services.accounts.settling import NewPayment, settle
from acompte.services.accounts.statement import ledger_balance, movements, statement, statements
from acompte.services.accounts.terms import (
    document_instalments,
    set_party_payment_terms,
    set_payment_terms,
)
from acompte.services.accounts.views import (
    AccountView,
    AgedBalanceView,
    AgedRow,
    CreditItem,
    DueItem,
    SettlementProposal,
    StatementView,
)
from acompte.services.payment_terms import PAYMENT_TERMS_KEY

__all__ = [
    "PAYMENT_TERMS_KEY",
    "AccountView",
    "AgedBalanceView",
    "AgedRow",
    "CreditItem",
    "CreditStatus",
    "DueItem",
    "NewPayment",
    "SettlementProposal",
    "StatementView",
    "aged_balance",
    "credit_notes_in_hand",
    "document_instalments",
    "ledger_balance",
    "movements",
    "party_account",
    "payments_in_hand",
    "proposal_for",
    "set_party_payment_terms",
    "set_payment_terms",
    "settle",
    "statement",
    "statements",
    "suggest_settlement",
]
