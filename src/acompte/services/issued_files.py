"""Compatibility path: issued files live in the exports capability (`acompte.services.exports.issued_files`).

Kept for the callers that still import `acompte.services.issued_files`; new code imports the package module.
"""

from acompte.services.exports.issued_files import Download, document_file, freeze, is_issued

__all__ = ["Download", "document_file", "freeze", "is_issued"]
