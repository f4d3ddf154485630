"""acompte: a settlement ledger for commercial documents (deposits, payments, allocations, credits)."""

__version__ = "0.1.0"
