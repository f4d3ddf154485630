"""The service layer: one function per user action, one transaction each, returning plain values."""
