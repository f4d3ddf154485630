"""The one status of a document's position, for every kind (words defined in docs/design.md).

Payment statuses (unpaid, partial, paid) are the part of it that payable documents take; `documents.PaymentStatus`
is this same enum, so a status compares the same wherever it was computed.
"""

from __future__ import annotations

from enum import StrEnum


class PositionStatus(StrEnum):
    DRAFT = "draft"
    UNPAID = "unpaid"
    PARTIAL = "partial"
    PAID = "paid"
    CANCELLED = "cancelled"
    PARTIALLY_INVOICED = "partially_invoiced"
    INVOICED = "invoiced"
    UNUSED = "unused"
    PARTIALLY_USED = "partially_used"
    USED = "used"
    REFUNDED = "refunded"
    WRITTEN_OFF = "written_off"
