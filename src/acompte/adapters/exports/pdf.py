"""PDF documents from HTML templates (Jinja2 + WeasyPrint): quotes, orders, deposit invoices, invoices, credit
notes and account statements, French by default, with the legal mentions; a Factur-X PDF/A-3 for invoices.

WeasyPrint needs Pango (Debian `libpango-1.0-0`, `libpangoft2-1.0-0`) and subsets the fonts it embeds with
HarfBuzz (`libharfbuzz-subset0`; without it, with fontTools at about four times the CPU): `.ci/system-deps`
installs them if missing.

The same document renders to the same bytes: an issued document's file may be rendered after its issue, or again
(docs/design.md, « Issued documents are frozen »). WeasyPrint embeds font subsets whose `head` table fontTools
stamps with the current time unless `SOURCE_DATE_EPOCH` says which (the reproducible-builds convention): it is
fixed here, for this process, unless already set. The Factur-X's dates are its issue instant (facturx.py).
"""

from __future__ import annotations

import os
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from acompte.adapters.exports.facturx import cii_xml, facturx_pdf
from acompte.adapters.formatting import date_fr, money_fr
from acompte.adapters.i18n.catalogue import gettext
from acompte.domain.einvoicing import EInvoice
from acompte.services.exports.printing import PrintableDocument
from acompte.services.exports.statements import Statement

#: 2026-01-01T00:00:00Z: the date in the embedded fonts' headers (a fixed one: it says nothing of the document).
FONT_DATE_EPOCH = "1767225600"
os.environ.setdefault("SOURCE_DATE_EPOCH", FONT_DATE_EPOCH)


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value != 0 else "0"
    return text.replace(".", ",")


def _price(value: Decimal) -> str:
    """A unit price: at least two decimals, French grouping and decimal comma (1 000,00; 3,333)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(Decimal("0.01"))
    whole, _, fraction = f"{abs(value):f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return ("-" if value < 0 else "") + "\u202f".join(groups or ["0"]) + ("," + fraction if fraction else "")


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("acompte.adapters.exports", "templates"), autoescape=select_autoescape())
    env.filters.update(money=money_fr, date_fr=date_fr, number=_number, price=_price)
    return env


def _words(lang: str) -> dict[str, Any]:
    """The template's `_` (the one catalogue's words; printed documents are French, the legal language)."""
    return {"lang": lang, "_": lambda text, **params: gettext(lang, text, **params)}


def document_html(document: PrintableDocument, lang: str = "fr") -> str:
    template = _environment().get_template("document.html")
    return template.render(doc=document, seller=document.seller, buyer=document.buyer, **_words(lang))


def statement_html(statement: Statement, lang: str = "fr") -> str:
    template = _environment().get_template("statement.html")
    return template.render(st=statement, seller=statement.seller, buyer=statement.buyer, **_words(lang))


def load_renderer() -> None:
    """Import WeasyPrint now (a server's start) rather than in the first PDF request."""
    import weasyprint  # noqa: F401


def render_pdf(html: str, *, title: str = "", pdf_a: bool = False) -> bytes:
    from weasyprint import HTML

    options: dict[str, Any] = {"pdf_variant": "pdf/a-3b"} if pdf_a else {}
    return bytes(HTML(string=html).write_pdf(**options))


def document_pdf(document: PrintableDocument) -> bytes:
    return render_pdf(document_html(document), title=f"{document.title} {document.number}")


def statement_pdf(statement: Statement) -> bytes:
    return render_pdf(statement_html(statement), title=f"Relevé {statement.buyer.name}")


def facturx_document(document: PrintableDocument, invoice: EInvoice) -> bytes:
    """The printed invoice as a PDF/A-3 with its CII XML embedded (Factur-X, EN 16931 profile)."""
    return PdfRenderer().facturx(document, invoice)[0]


class PdfRenderer:
    """The services' `DocumentRenderer` port (services/ports.py) over WeasyPrint and factur-x; `bootstrap.build`
    hands it to every unit of work so that issuing a document produces its files."""

    def pdf(self, document: PrintableDocument) -> bytes:
        return document_pdf(document)

    def facturx(
        self, document: PrintableDocument, invoice: EInvoice, *, issued_at: datetime | None = None
    ) -> tuple[bytes, bytes]:
        xml = cii_xml(invoice)
        title = f"{document.title} {document.number}"
        pdf = render_pdf(document_html(document), title=title, pdf_a=True)
        return facturx_pdf(pdf, xml, title=title, author=document.seller.name, dated=issued_at), xml
