"""`acompte export …`: the accounting export (FEC + CSV) and the e-reporting payment data, from the command line."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from acompte.adapters.cli.localized import Command, _, new_app
from acompte.adapters.cli.output import console as new_console
from acompte.domain.dates import DateField, check_date
from acompte.domain.errors import InvalidDate

if TYPE_CHECKING:
    from acompte import bootstrap

app = new_app(_("Exports comptables (FEC, CSV) et données de paiement pour l'e-reporting."))
#: The FEC's character set unless told otherwise (`acompte.adapters.exports.fec.DEFAULT_ENCODING`, not imported
#: here: the help must not load the exports).
FEC_ENCODING = "iso-8859-15"


def _day(text: str, field: DateField = DateField.DATE) -> date:
    """An option's day, refused before any work (and any database access) when unreadable or outside the
    supported range, with the sentence of the catalogue."""
    from acompte.adapters.i18n import message

    try:
        return check_date(datetime.strptime(text, "%Y-%m-%d").date(), field)
    except InvalidDate as exc:
        raise typer.BadParameter(message(exc, "fr")) from None
    except ValueError:
        raise typer.BadParameter(f"date attendue au format AAAA-MM-JJ : {text!r}") from None


def _company_id(application: bootstrap.App, company: int | None) -> int:
    from acompte.services import companies

    if company is not None:
        return company
    found = companies.list_companies(application.uow())
    if not found:
        raise typer.BadParameter("aucune société : lancez d'abord `acompte init`")
    return found[0].id


@app.command(
    "fec",
    cls=Command,
    help=_("Comptabiliser les écritures de la période, puis écrire le FEC de l'exercice et un CSV de cet export."),
)
def fec(
    date_from: Annotated[str, typer.Option("--from", help=_("Premier jour de la période (AAAA-MM-JJ)"))],
    date_to: Annotated[str, typer.Option("--to", help=_("Dernier jour de la période (AAAA-MM-JJ)"))],
    output: Annotated[Path, typer.Option("--output", help=_("Dossier où écrire les fichiers"))] = Path("."),
    company: Annotated[int | None, typer.Option(help=_("Identifiant de la société (par défaut la première)"))] = None,
    pipe: Annotated[bool, typer.Option("--pipe", help=_("Séparer les champs par | au lieu d'une tabulation"))] = False,
    encoding: Annotated[str, typer.Option(help=_("Jeu de caractères du FEC"))] = FEC_ENCODING,
) -> None:
    """Post the period's entries, then write the FEC of the financial year and a CSV of this export."""
    from acompte import bootstrap
    from acompte.adapters.exports.fec import fec_filename, write_csv, write_fec
    from acompte.adapters.formatting import money_fr
    from acompte.adapters.i18n import message
    from acompte.config import Settings
    from acompte.domain.errors import DomainError, MissingLegalIdentifier
    from acompte.services import companies, exports
    from acompte.services.ports import Ctx

    console = new_console()
    start, end = _day(date_from, DateField.DATE_FROM), _day(date_to, DateField.DATE_TO)
    application = bootstrap.build(Settings.from_env().database_url)
    try:
        ctx = Ctx(_company_id(application, company), actor="cli")
        info = companies.get_company(application.uow(), ctx)
        if not info.siren:
            raise MissingLegalIdentifier(what="le SIREN", whose=info.name)
        result = exports.run_export(application.uow(), ctx, date_from=start, date_to=end)
        year = exports.ledger(application.uow(), ctx, fiscal_year_end=result.fiscal_year_end)
        run = exports.ledger(application.uow(), ctx, run_id=result.run_id)
        output.mkdir(parents=True, exist_ok=True)
        fec_path = output / fec_filename(info.siren, year.closing_date)
        fec_path.write_bytes(write_fec(year, separator="|" if pipe else "\t", encoding=encoding))
        csv_path = output / f"ecritures-{start:%Y%m%d}-{end:%Y%m%d}.csv"
        csv_path.write_bytes(write_csv(run))
    except DomainError as error:
        console.print(f"[red]Erreur :[/red] {message(error, 'fr')}")
        raise typer.Exit(code=1) from None
    finally:
        application.close()
    debit = money_fr(result.debit) if result.debit else "0,00"
    console.print(
        f"Export n° {result.run_id} du {start:%d/%m/%Y} au {end:%d/%m/%Y} : {len(result.posted)} écriture(s), "
        f"{result.documents} pièce(s), {result.payments} règlement(s), total débit {debit}."
    )
    if result.left_out:
        console.print(f"Hors période (non exportés) : {', '.join(result.left_out)}")
    console.print(f"FEC de l'exercice : [bold]{fec_path}[/bold]")
    console.print(f"CSV de l'export : [bold]{csv_path}[/bold]")


@app.command(
    "ereporting",
    cls=Command,
    help=_(
        "Écrire les données de paiement à déclarer (prestations dont la TVA est exigible à l'encaissement) "
        "pour une période."
    ),
)
def ereporting(
    date_from: Annotated[str, typer.Option("--from", help=_("Premier jour de la période (AAAA-MM-JJ)"))],
    date_to: Annotated[str, typer.Option("--to", help=_("Dernier jour de la période (AAAA-MM-JJ)"))],
    output: Annotated[Path, typer.Option("--output", help=_("Dossier où écrire le fichier"))] = Path("."),
    company: Annotated[int | None, typer.Option(help=_("Identifiant de la société (par défaut la première)"))] = None,
) -> None:
    """Write the payment data to report (services whose VAT is due on receipt) for a period."""
    from acompte import bootstrap
    from acompte.adapters.exports.ereporting import write_payment_reports_csv
    from acompte.adapters.i18n import message
    from acompte.config import Settings
    from acompte.domain.errors import DomainError
    from acompte.services.exports import ereporting as ereporting_service
    from acompte.services.ports import Ctx

    console = new_console()
    start, end = _day(date_from, DateField.DATE_FROM), _day(date_to, DateField.DATE_TO)
    application = bootstrap.build(Settings.from_env().database_url)
    try:
        ctx = Ctx(_company_id(application, company), actor="cli")
        reports = ereporting_service.payment_reports(application.uow(), ctx, date_from=start, date_to=end)
    except DomainError as error:
        console.print(f"[red]Erreur :[/red] {message(error, 'fr')}")
        raise typer.Exit(code=1) from None
    finally:
        application.close()
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"e-reporting-paiements-{start:%Y%m%d}-{end:%Y%m%d}.csv"
    path.write_bytes(write_payment_reports_csv(reports))
    console.print(f"{len(reports)} paiement(s) à déclarer : [bold]{path}[/bold]")
