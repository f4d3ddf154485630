"""Former home of the credit and party account read records, now in `services.credits.views` and
`services.accounts.views`; kept so that existing callers still import them from here."""

from __future__ import annotations

from acompte.services.accounts.views import (
    AccountView,
    AgedBalanceView,
    AgedRow,
    CreditItem,
    DueItem,
    SettlementProposal,
    StatementView,
)
from acompte.services.credits.views import (
    CreditNoteView,
    CreditUseLine,
    OverpaymentView,
    RefundView,
    SettleResult,
    WriteOffView,
)

__all__ = [
    "AccountView",
    "AgedBalanceView",
    "AgedRow",
    "CreditItem",
    "CreditNoteView",
    "CreditUseLine",
    "DueItem",
    "OverpaymentView",
    "RefundView",
    "SettleResult",
    "SettlementProposal",
    "StatementView",
    "WriteOffView",
]
