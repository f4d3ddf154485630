"""Former home of two credit actions, now in the credits package; kept so that existing callers still import
them from here."""

from __future__ import annotations

from acompte.services.credits import create_correcting_credit_note, get_refund

__all__ = ["create_correcting_credit_note", "get_refund"]
