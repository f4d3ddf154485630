"""`acompte bank match [--account]`: each open bank line with its best candidate, its score and its reasons in
words, as a table that never cuts an amount (output.print_table)."""

from __future__ import annotations

from typing import Annotated

import typer

from acompte.adapters.cli.localized import LANG, _
from acompte.adapters.cli.output import Column, print_table
from acompte.adapters.cli.output import console as new_console


def match_command(
    account: Annotated[
        int | None, typer.Option("--account", help=_("Identifiant du compte bancaire (par défaut tous)"))
    ] = None,
    company: Annotated[int | None, typer.Option(help=_("Identifiant de la société (par défaut la première)"))] = None,
) -> None:
    """Show the open lines with their best candidate and its reasons."""
    from acompte import bootstrap
    from acompte.adapters.i18n import message
    from acompte.adapters.i18n.formats import money
    from acompte.adapters.i18n.match_words import kind_text, reason_text
    from acompte.config import Settings
    from acompte.domain.errors import DomainError
    from acompte.services import companies
    from acompte.services.banking import matching
    from acompte.services.ports import Ctx

    console = new_console()
    application = bootstrap.build(Settings.from_env().database_url)
    try:
        if company is None:
            found = companies.list_companies(application.uow())
            if not found:
                raise typer.BadParameter(_("aucune société : lancez d'abord `acompte init`"))
            company = found[0].id
        ctx = Ctx(company, actor="cli")
        proposed = matching.proposals(application.uow(), ctx, account, per_line=1)
    except DomainError as error:
        said = _("Erreur :")
        console.print(f"[red]{said}[/red] {message(error, LANG)}")
        raise typer.Exit(code=1) from None
    finally:
        application.close()
    rows = []
    for line, best in proposed:
        said = " ".join(part for part in (line.label, line.reference) if part)
        if best:
            top = best[0]
            numbers = ", ".join(d.number for d in top.documents) or ", ".join(p.number for p in top.payments)
            candidate = f"{kind_text(top.kind, LANG)} {numbers}".strip()
            if top.party_name:
                candidate += f" — {top.party_name}"
            certain = _("sûr")
            score = f"{top.score} {certain}" if top.certain else f"{top.score}"
            reasons = "; ".join(reason_text(r.code, r.params, LANG) for r in top.reasons)
        else:
            candidate, score, reasons = _("aucun candidat"), "", ""
        rows.append([line.booking_date.isoformat(), money(line.amount, LANG), said, candidate, score, reasons])
    columns = (
        Column(_("Date"), whole=True),
        Column(_("Montant"), amount=True),
        Column(_("Libellé")),
        Column(_("Candidat")),
        Column(_("Score"), whole=True),
        Column(_("Raisons")),
    )
    print_table(console, _("Lignes bancaires ouvertes"), columns, rows)
