"""Bank reconciliation: statements imported, their lines matched to the ledger, matches confirmed or undone."""
