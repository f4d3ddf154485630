"""Bank reconciliation: the company's bank accounts and those of its parties, statements, matching, confirmation."""
