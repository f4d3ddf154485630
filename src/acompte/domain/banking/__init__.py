"""Bank reconciliation: statement lines as the bank gives them, and the rules that match them to the ledger."""
