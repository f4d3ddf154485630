"""The e-reporting payment data of a period as a CSV file (one line per payment and VAT rate)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from acompte.adapters.csv_cells import Figure, csv_line
from acompte.domain.einvoicing import PaymentReport

COLUMNS = ("DatePaiement", "NumeroReglement", "Client", "Factures", "MontantEncaisse", "TauxTVA", "MontantTVA")


def _amount(value: Decimal) -> Figure:
    return Figure(f"{value:f}".replace(".", ","))


def write_payment_reports_csv(reports: Sequence[PaymentReport]) -> bytes:
    """Semicolon separated, UTF-8 with BOM, ISO dates, decimal comma. The amount received repeats on each rate
    line of the same payment only on the first one, so the column sums to what was received. Text cells that a
    spreadsheet would run as a formula are neutralised (`csv_cells`); dates and amounts are figures."""
    buffer = io.StringIO()
    buffer.write(csv_line(COLUMNS))
    for report in reports:
        for index, (rate, vat) in enumerate(report.vat):
            buffer.write(
                csv_line(
                    [
                        Figure(report.payment_date.isoformat()),
                        report.payment_number,
                        report.party,
                        " ".join(report.documents),
                        _amount(report.received.amount) if index == 0 else "",
                        _amount(rate.normalize() if rate else Decimal(0)),
                        _amount(vat.amount),
                    ]
                )
            )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
