"""`acompte bank reconcile`: each bank account's balance as per the bank and as per acompte, and with `--auto`
the lines whose best candidate is certain reconciled (when the company turned automatic reconciliation on)."""

from __future__ import annotations

from typing import Annotated

import typer

from acompte.adapters.cli.bank import app
from acompte.adapters.cli.localized import Command, _
from acompte.adapters.cli.output import console as new_console

#: The command's exit status when automatic reconciliation is off in the company's settings.
EXIT_AUTO_OFF = 1


@app.command(
    "reconcile",
    cls=Command,
    help=_(
        "Rapprocher les lignes bancaires : soldes par compte, et avec --auto les lignes dont la proposition est sûre."
    ),
)
def reconcile(
    auto: Annotated[
        bool, typer.Option("--auto", help=_("Rapprocher les lignes dont la meilleure proposition est sûre"))
    ] = False,
    account: Annotated[int | None, typer.Option(help=_("Identifiant du compte bancaire (tous sinon)"))] = None,
    company: Annotated[int | None, typer.Option(help=_("Identifiant de la société (par défaut la première)"))] = None,
) -> None:
    """Reconcile automatically (with --auto), then print each bank account's balances."""
    from acompte import bootstrap
    from acompte.adapters.cli.exports import _company_id
    from acompte.adapters.formatting import money_fr
    from acompte.adapters.i18n import message
    from acompte.config import Settings
    from acompte.domain.errors import DomainError
    from acompte.services import companies
    from acompte.services.banking import balances, reconciliation
    from acompte.services.ports import Ctx

    console = new_console()
    application = bootstrap.build(Settings.from_env().database_url)
    try:
        ctx = Ctx(_company_id(application, company), actor="cli")
        accounts = [a for a in companies.accounts(application.uow(), ctx) if a[2] == "bank"]
        chosen = [a[0] for a in accounts if account is None or a[0] == account]
        if account is not None and not chosen:
            raise typer.BadParameter(_("compte bancaire inconnu : {id}").format(id=account))
        if auto:
            info = companies.get_company(application.uow(), ctx)
            if not reconciliation.auto_enabled(info):
                console.print(
                    _(
                        "Le rapprochement automatique est désactivé : activez-le dans les paramètres de la société "
                        "(bank_auto_reconcile)."
                    )
                )
                raise typer.Exit(code=EXIT_AUTO_OFF)
            for account_id in chosen:
                result = reconciliation.auto_reconcile(application.uow(), ctx, account_id)
                console.print(
                    _("Compte {id} : {done} ligne(s) rapprochée(s) sur {seen} à rapprocher.").format(
                        id=account_id, done=len(result.reconciled), seen=result.examined
                    )
                )
                for line_id, code in result.refused:
                    console.print(_("  ligne {id} laissée à rapprocher : {code}").format(id=line_id, code=code))
        for account_id in chosen:
            found = balances.account_balance(application.uow(), ctx, account_id)
            console.print(
                _("{name} : banque {bank}, acompte {books}, écart {difference} ({count} ligne(s) à rapprocher)").format(
                    name=found.name,
                    bank=money_fr(found.bank),
                    books=money_fr(found.books),
                    difference=money_fr(found.difference),
                    count=found.open_count,
                )
            )
    except DomainError as error:
        console.print(f"[red]{message(error, 'fr')}[/red]")
        raise typer.Exit(code=2) from None
    finally:
        application.close()
