"""`acompte bank …`: bank statements and their reconciliation, from the command line. Each command lives in its
own module and registers itself on this sub-app."""

from __future__ import annotations

from acompte.adapters.cli.localized import _, new_app

app = new_app(_("Relevés bancaires : import, propositions et rapprochement."))
