"""Number series: which series a document or payment belongs to and how its number is written."""

from __future__ import annotations

from acompte.domain.documents import Flow, Kind

#: Default prefixes per (kind, flow); a company may override each one in its settings.
DEFAULT_PREFIXES: dict[str, str] = {
    "quote/sale": "DE",
    "order/sale": "CO",
    "delivery/sale": "BL",
    "invoice/sale": "FA",
    "deposit_invoice/sale": "FAC",
    "credit_note/sale": "AV",
    "deposit_credit_note/sale": "AVA",
    "quote/purchase": "DP",
    "order/purchase": "CF",
    "delivery/purchase": "BR",
    "invoice/purchase": "FF",
    "deposit_invoice/purchase": "FFA",
    "credit_note/purchase": "AF",
    "deposit_credit_note/purchase": "AFA",
    "payment/in": "RC",
    "payment/out": "RD",
}

WIDTH = 5


def series_key(kind: Kind | str, flow: Flow | str) -> str:
    return f"{kind}/{flow}"


def number_stem(prefix: str, year: int) -> str:
    """What a number of this series and year starts with, `FA-2026-`: its counter follows, zero-padded to
    `WIDTH` digits (more when it grows past them)."""
    return f"{prefix}-{year}-"


def format_number(prefix: str, year: int, value: int) -> str:
    """`FA-2026-00001`: prefix, year, a zero-padded counter. At most 35 characters, no spaces (EN 16931)."""
    return f"{number_stem(prefix, year)}{value:0{WIDTH}d}"
