"""Items (« Articles »): goods and services with a default unit price, VAT rate and deposit percentage.

`/items` (search, kind filter, CSV) and `/items/new`. Items are not edited here: the services offer no change
of an item yet (only its deposit percentage).
"""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.web import i18n, security
from acompte.adapters.web.errors import error_text, french_text
from acompte.adapters.web.routes._credits_common import csv_response, form_of, page_query, paginate
from acompte.adapters.web.security import PageRead, PageWrite
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain import errors as e
from acompte.domain.parties import ItemKind
from acompte.services import companies, deposits, parties
from acompte.services.ports import Ctx

router = APIRouter()


@router.get("/items")
def item_list(
    request: Request,
    ctx: PageRead,
    q: str | None = None,
    kind: str | None = None,
    page: int = 1,
    format: str | None = None,
) -> Response:
    rows = parties.list_items(security.uow_of(request), ctx)
    if q:
        rows = [i for i in rows if q.strip().lower() in i.name.lower()]
    if kind in ("goods", "service"):
        rows = [i for i in rows if i.kind.value == kind]
    rows.sort(key=lambda i: (i.name.lower(), i.id))
    if format == "csv":
        header = [translate(request, t) for t in ("Article", "Type", "Prix unitaire HT", "TVA", "Acompte par défaut")]
        lang = i18n.language(request)
        return csv_response(
            request,
            "articles.csv",
            header,
            (
                (
                    i.name,
                    translate(request, "Bien") if i.kind is ItemKind.GOODS else translate(request, "Service"),
                    i.unit_price,
                    i18n.percent(i.vat_rate, lang),
                    i18n.percent(i.settings.get("deposit_percent"), lang),
                )
                for i in rows
            ),
        )
    paged = paginate(rows, page)
    query = {"q": q, "kind": kind}
    return render(
        request,
        "items/list.html",
        {
            "paged": paged,
            "filters": query,
            "prev_url": page_query(query, paged.page - 1),
            "next_url": page_query(query, paged.page + 1),
            "csv_url": page_query({**query, "format": "csv"}, 1),
        },
    )


def _item_form(
    request: Request, ctx: Ctx, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    rates = companies.get_company(security.uow_of(request), ctx).vat_rates
    return render(request, "items/form.html", {"values": values, "errors": errors, "rates": rates}, status)


@router.get("/items/new")
def item_new_page(request: Request, ctx: PageRead) -> Response:
    rates = companies.get_company(security.uow_of(request), ctx).vat_rates
    values = {
        "kind": "goods",
        "vat_rate": format(max(rates), "f") if rates else "",
        "form_key": security.new_form_key(),
    }
    return _item_form(request, ctx, values, {})


def _number(request: Request, form: dict[str, str], field: str, errors: dict[str, str]) -> Decimal | None:
    text = form.get(field, "").strip()
    if not text:
        return None
    try:
        return i18n.parse_amount(text)
    except ValueError:
        errors[field] = translate(request, "Nombre invalide : saisissez par exemple 1 234,56.")
        return None


@router.post("/items/new")
def item_create(request: Request, ctx: PageWrite) -> Response:
    form = form_of(request)
    errors: dict[str, str] = {}
    name = form.get("name", "").strip()
    if not name:
        errors["name"] = translate(request, "Le nom est obligatoire.")
    price = _number(request, form, "unit_price", errors)
    if price is None and "unit_price" not in errors:
        errors["unit_price"] = translate(request, "Le prix est obligatoire.")
    elif price is not None and price < 0:
        errors["unit_price"] = translate(request, "Le prix ne peut pas être négatif.")
    rate = _number(request, form, "vat_rate", errors)
    percent = _number(request, form, "deposit_percent", errors)
    if percent is not None and not Decimal(0) <= percent <= Decimal(100):
        errors["deposit_percent"] = translate(request, "Un pourcentage entre 0 et 100.")
    kind = ItemKind.SERVICE if form.get("kind") == "service" else ItemKind.GOODS
    if rate is None and "vat_rate" not in errors:
        errors["vat_rate"] = translate(request, "Choisissez un taux de TVA.")
    if errors or price is None or rate is None:
        return _item_form(request, ctx, form, errors, 422)
    uow = security.uow_of(request)
    key = form.get(security.FORM_KEY_FIELD)
    try:
        with uow:
            replay = security.replayed(uow, ctx, request, key)
            if replay is not None:
                return replay
            item = parties.create_item(uow, ctx, name=name, unit_price=price, vat_rate=rate, kind=kind)
            if percent is not None:
                deposits.set_item_deposit_percent(uow, ctx, item.id, percent)
            security.remember(uow, ctx, key, "/items")
            uow.commit()
    except e.DomainError as exc:
        text = french_text(exc).lower()
        field = "vat_rate" if "tva" in text or "taux" in text else "unit_price" if "prix" in text else "__all__"
        return _item_form(request, ctx, form, {field: error_text(request, exc)}, 422)
    return redirect(request, "/items", flash=translate(request, "Article {name} créé.", name=item.name))
