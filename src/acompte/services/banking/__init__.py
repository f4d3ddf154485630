"""Bank reconciliation: statements imported into the company's bank accounts, their lines matched with the
ledger and confirmed as payments. Each use case lives in its own module of this package."""
