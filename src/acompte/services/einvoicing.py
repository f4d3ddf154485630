"""Compatibility path: e-invoicing lives in the exports capability (`acompte.services.exports.einvoicing`).

Kept for the callers that still import `acompte.services.einvoicing`; new code imports the package module.
"""

from acompte.services.exports.einvoicing import (
    ENCAISSEE,
    STATUS_LABELS,
    check_before_issue,
    corrected_documents,
    einvoice_for,
    mark_collected,
    statuses,
)

__all__ = [
    "ENCAISSEE",
    "STATUS_LABELS",
    "check_before_issue",
    "corrected_documents",
    "einvoice_for",
    "mark_collected",
    "statuses",
]
