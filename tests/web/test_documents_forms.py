"""Creating, editing, validating, converting and cancelling documents through the web forms."""

from __future__ import annotations

from decimal import Decimal

from acompte.domain.documents import Kind, State
from acompte.services import documents
from tests.web.conftest import FORM_KEY
from tests.web.test_documents import invoice


def _form(party_id, **lines):
    data = {"flow": "sale", "kind": "invoice", "rows": "5", "party_id": str(party_id), "issue_date": "2026-03-02"}
    data.update(lines)
    return data


def test_create_then_validate_writes_what_was_typed(app, web, customer):
    page = web.get("/documents/new?flow=sale&kind=invoice")
    assert page.status_code == 200 and "Client Dupont" in page.text
    key = FORM_KEY.search(page.text).group(1)
    data = _form(
        customer.id,
        **{
            "line-0-designation": "Pose de parquet",
            "line-0-quantity": "2,5",
            "line-0-unit_price": "1 234,50",
            "line-0-discount": "10",
            "line-0-vat_rate": "10",
            "line-1-designation": "Plinthes",
            "line-1-quantity": "4",
            "line-1-unit_price": "12",
            "line-1-vat_rate": "20",
            "form_key": key,
        },
    )
    response = web.post("/documents/new", data, csrf_from="/documents/new?flow=sale&kind=invoice")
    assert response.status_code == 303, response.text
    doc_id = int(response.headers["location"].rsplit("/", 1)[1])
    again = web.post("/documents/new", data)  # posted twice: recorded once
    assert again.status_code == 303 and again.headers["location"] == response.headers["location"]
    view = documents.get_document(app.uow(), web.ctx, doc_id)
    doc = view.document
    assert doc.state is State.DRAFT and doc.kind is Kind.INVOICE and doc.party_id == customer.id
    first, second = doc.lines
    assert (first.designation, first.quantity, first.unit_price, first.discount_percent, first.vat_rate) == (
        "Pose de parquet",
        Decimal("2.5"),
        Decimal("1234.50"),
        Decimal("10"),
        Decimal("10"),
    )
    assert second.net.amount == Decimal("48.00")
    # 2.5 × 1234.50 × 0.9 = 2777.63 (half up) HT at 10 % + 48.00 at 20 %
    assert doc.net.amount == Decimal("2825.63")
    assert "2\u202f825,63\u00a0€" in web.get(f"/documents/{doc_id}").text
    validated = web.post(f"/documents/{doc_id}/validate")
    assert validated.status_code == 303
    doc = documents.get_document(app.uow(), web.ctx, doc_id).document
    assert doc.state is State.VALIDATED and doc.number


def test_a_bad_quantity_or_price_is_shown_next_to_its_field_and_nothing_is_written(app, web, customer):
    before = documents.list_documents(app.uow(), web.ctx)
    data = _form(
        customer.id,
        **{
            "line-0-designation": "Vis",
            "line-0-quantity": "deux",
            "line-0-unit_price": "3,50",
            "line-0-vat_rate": "20",
            "line-1-designation": "Clous",
            "line-1-quantity": "1",
            "line-1-unit_price": "-4",
            "line-1-vat_rate": "20",
        },
    )
    response = web.post("/documents/new", data)
    assert response.status_code == 422
    text = response.text
    assert 'id="e-line-0-quantity"' in text and "Nombre invalide : deux" in text
    assert 'id="e-line-1-unit_price"' in text
    assert 'value="deux"' in text and 'value="3,50"' in text and 'value="Clous"' in text
    assert documents.list_documents(app.uow(), web.ctx) == before


def test_more_rows_keeps_what_was_typed_and_writes_nothing(app, web, customer):
    data = _form(customer.id, **{"line-0-designation": "Vis", "line-0-quantity": "3", "more": "1"})
    response = web.post("/documents/new", data)
    assert response.status_code == 200 and 'name="line-9-designation"' in response.text
    assert 'value="Vis"' in response.text
    assert documents.list_documents(app.uow(), web.ctx) == []


def test_edit_convert_and_cancel(app, web, customer):
    quote = invoice(app, web.ctx, customer.id, kind=Kind.QUOTE)
    form = web.get(f"/documents/{quote.id}/edit")
    assert form.status_code == 200 and 'value="1\u202f000,00"' in form.text
    data = {
        "rows": "5",
        "line-0-designation": "Autre",
        "line-0-quantity": "2",
        "line-0-unit_price": "10",
        "line-0-vat_rate": "20",
    }
    assert web.post(f"/documents/{quote.id}/edit", data).status_code == 303
    assert documents.get_document(app.uow(), web.ctx, quote.id).document.gross.amount == Decimal("24.00")
    converted = web.post(f"/documents/{quote.id}/convert", {"to": "order"})
    assert converted.status_code == 303
    order_id = int(converted.headers["location"].rsplit("/", 1)[1])
    order = documents.get_document(app.uow(), web.ctx, order_id).document
    assert order.kind is Kind.ORDER and order.origin_id == quote.id
    assert web.post(f"/documents/{quote.id}/cancel").status_code == 303
    assert documents.get_document(app.uow(), web.ctx, quote.id).document.state is State.CANCELLED


def test_a_refused_action_is_explained_on_the_page(app, web, customer):
    draft = invoice(app, web.ctx, customer.id, validate=False)
    documents.update_document(app.uow(), web.ctx, draft.id, lines=[])
    response = web.post(f"/documents/{draft.id}/validate")
    assert response.status_code == 422 and 'class="alert"' in response.text
    assert documents.get_document(app.uow(), web.ctx, draft.id).document.state is State.DRAFT


def test_a_reader_cannot_post_and_an_intruder_sees_nothing(app, web_reader, web_intruder, customer):
    doc = invoice(app, web_reader.ctx, customer.id, validate=False)
    assert web_reader.get(f"/documents/{doc.id}").status_code == 200
    for path in ("/validate", "/cancel", "/convert", "/edit"):
        assert web_reader.post(f"/documents/{doc.id}{path}").status_code == 403
    assert web_reader.post("/documents/new", _form(customer.id)).status_code == 403
    assert documents.get_document(app.uow(), web_reader.ctx, doc.id).document.state is State.DRAFT
    for path in ("", "?tab=history", "/edit", "/pdf"):
        assert web_intruder.get(f"/documents/{doc.id}{path}").status_code == 404
    assert web_intruder.post(f"/documents/{doc.id}/validate").status_code == 404
    assert documents.get_document(app.uow(), web_reader.ctx, doc.id).document.state is State.DRAFT


def _buttons_and_menu(html: str) -> tuple[str, str]:
    """The page head's buttons (what is in front) and its ⋮ menu."""
    head = html[html.index('<div class="buttons">') :]
    head = head[: head.index("</div>")]
    if '<details class="actions">' not in head:
        return head, ""
    front, _, menu = head.partition('<details class="actions">')
    return front, menu


def test_the_next_step_is_in_front_and_cancelling_is_in_the_menu(app, web, web_reader, customer):
    order = invoice(app, web.ctx, customer.id, kind=Kind.ORDER)
    front, menu = _buttons_and_menu(web.get(f"/documents/{order.id}").text)
    assert f'action="/documents/{order.id}/convert?to=invoice"' in front
    assert 'class="primary">Facturer</button>' in front
    assert f'href="/documents/{order.id}/deposit">Acompte</a>' in front
    assert "Facture d&#39;acompte</a>" in front
    assert "Annuler le document" in menu and "Annuler le document" not in front
    assert "Convertir en bon de livraison" in menu
    assert "<select" not in front  # no conversion picker defaulting to a delivery note

    invoiced = web.post(f"/documents/{order.id}/convert?to=invoice", {})
    assert invoiced.status_code == 303
    invoice_id = int(invoiced.headers["location"].rsplit("/", 1)[1])
    assert documents.get_document(app.uow(), web.ctx, invoice_id).document.kind is Kind.INVOICE

    issued = invoice(app, web.ctx, customer.id)
    front, menu = _buttons_and_menu(web.get(f"/documents/{issued.id}").text)
    assert (
        f'class="button primary" href="/settle?party_id={customer.id}&amp;flow=sale&amp;document={issued.id}">Régler</a>'
        in front
    )
    assert f'href="/documents/{issued.id}/credit-note">Avoir</a>' in front
    assert "/cancel" not in front + menu and "/edit" not in front + menu  # an issued invoice never changes

    front, menu = _buttons_and_menu(web_reader.get(f"/documents/{issued.id}").text)
    assert "<form" not in front + menu and "Régler" not in front + menu
    assert f'href="/documents/{issued.id}/pdf"' in front
