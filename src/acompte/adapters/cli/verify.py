"""`acompte verify`: the history chain, the allocations against the history, the money bounds and the numbering.
Exit 0 with a short summary when all holds; exit 1 with the first break of each company otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from acompte.adapters.cli.localized import _

if TYPE_CHECKING:
    from acompte.services.verification import Break

SENTENCES = {
    "unlinked": "l'événement {id} n'a pas de maillon dans la chaîne (ajouté hors de l'application)",
    "missing_link": "il manque le maillon n° {seq} de la chaîne (un événement a été retiré)",
    "altered": "l'événement {id} ne correspond plus à son empreinte SHA-256 (modifié après coup)",
    "head": "la tête de la chaîne ({head}) n'est pas le dernier maillon ({last}) : la fin de l'historique a été coupée",
    "removed_twice": "le rapprochement {allocation} est retiré deux fois (la première par l'événement {first})",
    "removed_but_present": "le rapprochement {allocation} existe encore alors que l'historique l'a retiré",
    "no_history": "le rapprochement {allocation} n'a aucun événement qui l'ait créé",
    "document_sum": "la pièce {document} : rapprochements {allocations}, historique {history}",
    "payment_over": "les rapprochements du règlement {payment} ({allocated} en unités) dépassent son montant",
    "credit_over": "l'avoir {document} est utilisé au-delà de son total ({used} en unités)",
    "document_over": "la pièce {document} est réglée au-delà de son total ({settled} en unités)",
    "unreadable": "le numéro {number} (série {series}) est illisible",
    "gap": "la série {series} {year} n'a pas le numéro {value} une fois et une seule",
    "payment_summary": "le récapitulatif du règlement {payment} ({column}) ne correspond plus à ses rapprochements,"
    " remboursements et passages en perte",
    "summary": "les sommes tenues de la pièce {document} ne sont plus celles de ses faits ({count} pièce(s) en écart)",
    "totals": "les totaux tenus des listes ({group}) ne sont plus les sommes de leurs pièces"
    " ({count} groupe(s) en écart)",
    "tally": "le décompte tenu « {key} » ne correspond plus aux pièces et règlements ({count} décompte(s) en écart)",
}
CHECKS = {
    "chain": "chaîne",
    "allocations": "rapprochements",
    "money": "montants",
    "numbering": "numérotation",
    "summary": "récapitulatifs",
    "sums": "sommes tenues",
    "tallies": "décomptes du tableau de bord",
}


def sentence(found: Break) -> str:
    text = f"Société {found.company_id}, {CHECKS[found.check]} : " + SENTENCES[found.code].format(**found.params)
    if found.event is not None:
        at = found.event.occurred_at.strftime("%d/%m/%Y %H:%M:%S")
        text += f" — événement {found.event.id} ({found.event.kind}, {at})"
    return text


def verify_command(
    company: Annotated[int | None, typer.Option("--company", help=_("Id de la société (toutes sinon)"))] = None,
) -> None:
    """Check the history chain, the allocations against the history, the money bounds and the numbering."""
    from rich.console import Console
    from rich.markup import escape

    from acompte import bootstrap
    from acompte.adapters.i18n import message
    from acompte.config import Settings
    from acompte.domain.errors import DomainError
    from acompte.services.verification import verify

    out = Console(soft_wrap=True)
    application = bootstrap.build(Settings.from_env().database_url)
    try:
        result = verify(application.uow(), company)
    except DomainError as error:
        out.print(f"[red]{escape(message(error, 'fr'))}[/red]")
        raise typer.Exit(code=2) from error
    finally:
        application.close()
    if result.ok:
        out.print(
            f"Vérification réussie : {result.companies} société(s), {result.events} événements chaînés, "
            f"{result.allocations} rapprochements conformes à l'historique, {result.numbers} numéros sans trou."
        )
        return
    out.print(f"[red]Vérification échouée : {len(result.breaks)} anomalie(s).[/red]")
    for found in result.breaks:
        out.print(escape(sentence(found)))
    raise typer.Exit(code=1)
