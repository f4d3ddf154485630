"""Lists that become cards on a narrow screen: every cell names its column (data-label, shown by app.css before the
value), in the user's language, and the filters sit in a fold the stylesheet keeps open on a wide screen."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

from acompte.domain.money import Money
from acompte.services import exports, parties, payments
from tests.helpers import gesture, paid_invoice
from tests.web.test_documents import invoice, line, pay


class CardList(HTMLParser):
    """The first table.card-list of a page: its column headings and, per body row, (data-label, text) of each cell."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.rows: list[list[tuple[str | None, str]]] = []
        self._in_table = self._done = False
        self._part = ""
        self._cell: tuple[str | None, list[str]] | None = None
        self.folded_filters = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "details" and "filters-fold" in (found.get("class") or "").split():
            self.folded_filters = "open" not in found
        if self._done:
            return
        if tag == "table" and "card-list" in (found.get("class") or "").split():
            self._in_table = True
        elif self._in_table and tag in ("thead", "tbody", "tfoot"):
            self._part = tag
        elif self._in_table and tag == "tr" and self._part == "tbody":
            self.rows.append([])
        elif self._in_table and tag in ("th", "td"):
            self._cell = (found.get("data-label"), [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._in_table:
            self._in_table, self._done = False, True
        elif tag in ("th", "td") and self._cell is not None:
            label, texts = self._cell
            text = re.sub(r"[ \t\n]+", " ", "".join(texts)).strip()  # keeps the no-break spaces of amounts
            if self._part == "thead":
                self.headings.append(text.rstrip(" ▲▼"))
            elif self._part == "tbody" and tag == "td":
                self.rows[-1].append((label, text))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[1].append(data)


def card_list(html: str) -> CardList:
    parsed = CardList()
    parsed.feed(html)
    return parsed


def columns(page: CardList) -> list[str]:
    """The column headings but the last one, the actions menu (⋮), whose cell needs no label."""
    assert page.headings[-1] == "Actions"
    return page.headings[:-1]


def test_each_invoice_cell_names_its_column_so_a_card_shows_balance_due_and_status(app, web, customer):
    made = invoice(app, web.ctx, customer.id, line("1000.00"))  # 1 200,00 TTC
    pay(app, web.ctx, customer.id, made.id, "200.00")
    page = card_list(web.get("/documents?flow=sale&kind=invoice").text)
    assert page.folded_filters
    (row,) = page.rows
    cells = dict((label, text) for label, text in row if label)
    assert cells["Reste dû"] == "1\u202f000,00\u00a0€"
    assert cells["Statut"] == "Partiellement réglé"
    assert cells["Numéro"] == made.document.number
    labelled = [label for label, _ in row if label]
    assert labelled == columns(page)  # every column but the actions menu, in order


def test_in_english_the_cells_are_labelled_in_english(app, web, customer):
    invoice(app, web.ctx, customer.id, line("100.00"))
    web.post("/language", {"lang": "en", "back": "/"})
    try:
        page = card_list(web.get("/documents?flow=sale&kind=invoice").text)
    finally:
        web.post("/language", {"lang": "fr", "back": "/"})
    labels = [label for label, _ in page.rows[0] if label]
    assert "Balance due" in labels and "Status" in labels
    assert labels == columns(page)


def test_payments_contacts_credit_notes_and_overpayments_label_every_column(app, web, customer):
    made = invoice(app, web.ctx, customer.id, line("100.00"))
    payments.record_payment(
        app.uow(),
        web.ctx,
        party_id=customer.id,
        amount=Money.of("150.00", "EUR"),
        method="transfer",
        allocations=[(made.id, Money.of("120.00", "EUR"))],
    )  # 30,00 over the 120,00 invoice: an overpayment
    gesture(app.uow(), web.ctx, customer.id, on=made.id)
    for path in ("/payments", "/contacts", "/credits?flow=sale", "/overpayments"):
        page = card_list(web.get(path).text)
        assert page.folded_filters, path
        assert page.rows and all(len(row) > 1 for row in page.rows), path  # rows, not « nothing here »
        for row in page.rows:
            assert [label for label, _ in row if label] == columns(page), (path, row, page.headings)


def labels_in_order(row: list[tuple[str | None, str]]) -> list[str]:
    return [label for label, _ in row if label]


def test_articles_and_the_aged_balance_label_every_column(app, web, customer):
    parties.create_item(app.uow(), web.ctx, name="Pose", unit_price=Decimal("45"), vat_rate=Decimal("10"))
    invoice(app, web.ctx, customer.id, line("100.00"))
    for path in ("/items", "/accounting/aged-balance"):
        page = card_list(web.get(path).text)
        assert page.folded_filters, path
        assert page.rows and all(len(row) > 1 for row in page.rows), path
        for row in page.rows:
            assert labels_in_order(row) == page.headings, (path, row, page.headings)
    aged = dict(card_list(web.get("/accounting/aged-balance").text).rows[0])
    assert aged["Tiers"] == customer.name and aged["Total"] == "120,00\u00a0€"


def test_each_journal_entry_is_a_card_whose_lines_name_their_columns(app, web, customer):
    paid_invoice(app.uow(), web.ctx, customer.id, "1000.00", today=date.today())
    exports.run_export(app.uow(), web.ctx, date_from=date.today().replace(day=1), date_to=date.today())
    html = web.get("/accounting/entries").text
    page = card_list(html)
    assert page.rows and 'class="list card-list entry-cards"' in html
    entry, line_only = page.headings, page.headings[4:]  # the entry's number, date, journal, piece: once per entry
    firsts = [row for row in page.rows if labels_in_order(row) == entry]
    assert firsts and all(labels_in_order(row) in (entry, line_only) for row in page.rows)
    assert html.count("<tbody>") == len(firsts)  # one card (tbody) per entry
    debits = [text for row in page.rows for label, text in row if label == "Débit" and text]
    assert debits and all(text.endswith("€") for text in debits)
