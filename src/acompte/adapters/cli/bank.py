"""`acompte bank …`: the company's bank statements and their reconciliation from the command line."""

from __future__ import annotations

from acompte.adapters.cli.bank_match import match_command
from acompte.adapters.cli.localized import Command, _, new_app

app = new_app(_("Relevés bancaires : lignes importées et rapprochement avec les pièces et les règlements."))
app.command("match", cls=Command, help=_("Afficher les lignes ouvertes avec leur meilleur candidat et ses raisons."))(
    match_command
)
