"""The printed documents take their words from the one catalogue: French by default, English on request."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from acompte.adapters.exports.pdf import document_html
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.services import documents, printing


def test_a_printed_order_reads_in_french_or_in_english(uow, ctx, customer):
    order = documents.create_document(
        uow,
        ctx,
        kind=Kind.ORDER,
        flow=Flow.SALE,
        party_id=customer.id,
        lines=[LineInput("Table", D(1), D("1000.00"), D(20))],
        issue_date=date(2026, 2, 1),
    )
    printable = printing.printable_document(uow, ctx, order.id)
    french, english = document_html(printable), document_html(printable, "en")
    assert '<html lang="fr">' in french and '<html lang="en">' in english
    for word in ("Désignation", "Total TTC", "Reste à régler", "Base HT à 20 %", "(brouillon, sans valeur)"):
        assert word in french and word not in english, word
    for word in ("Total incl. VAT", "(draft, no value)", "Net base at 20%"):
        assert word in english, word
