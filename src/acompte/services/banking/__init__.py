"""Bank reconciliation: statements imported, their lines matched with the ledger, confirmed and undone."""
