"""The home page (« Tableau de bord »): the figures of `services.dashboard`, each a link to the list behind it,
the overdue amounts by age, the cash of the last twelve months drawn by Chart.js (vendored, static/chart.umd.min.js)
from a JSON data island — the API's series, with the amounts already written the reader's way — and its table
(what a reader without scripts sees), and today's actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_date
from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.web import i18n, security
from acompte.adapters.web.routes._documents_common import url_kind
from acompte.adapters.web.templating import render
from acompte.domain.accounts import AGE_LABELS, AgeBucket
from acompte.domain.documents import Kind
from acompte.domain.money import Money
from acompte.services import dashboard as service

router = APIRouter()


@dataclass(frozen=True, slots=True)
class Month:
    name: str  # in full, in the table's abbreviations
    short: str  # abbreviated with its year, in the table and under the chart's bars
    cash_in: Money
    cash_out: Money
    net: Money


def _drafts_word(lang: str, kind: str, n: int) -> str:
    if kind == Kind.DEPOSIT_INVOICE.value:
        return i18n.ngettext(
            lang, "{count} facture d'acompte en brouillon", "{count} factures d'acompte en brouillon", n
        )
    if kind == Kind.CREDIT_NOTE.value:
        return i18n.ngettext(lang, "{count} avoir en brouillon", "{count} avoirs en brouillon", n)
    return i18n.ngettext(lang, "{count} facture en brouillon", "{count} factures en brouillon", n)


def _url(path: str, **query: str) -> str:
    return f"{path}?{urlencode(query)}" if query else path


def _months(cash: tuple[service.MonthCash, ...], lang: str) -> list[Month]:
    locale = i18n.LOCALES[lang]
    return [
        Month(
            name=format_date(m.month, "LLLL yyyy", locale=locale),
            short=format_date(m.month, "LLL yyyy", locale=locale),
            cash_in=m.cash_in,
            cash_out=m.cash_out,
            net=m.net,
        )
        for m in cash
    ]


def _api_money(value: Money) -> dict[str, str]:
    """Written as the API writes an amount (`{"amount": "1234.50", "currency": "EUR"}`)."""
    return {"amount": f"{value.amount:f}", "currency": value.currency}


def chart_data(cash: tuple[service.MonthCash, ...], months: list[Month], lang: str) -> dict[str, Any]:
    """What static/cash-chart.js draws: `series` is GET /api/v1/dashboard's `cash`, month for month; the labels and
    the amounts as the page writes them come along, so the script formats nothing itself."""
    return {
        "series": [
            {
                "month": m.month.isoformat(),
                "cash_in": _api_money(m.cash_in),
                "cash_out": _api_money(m.cash_out),
                "net": _api_money(m.net),
            }
            for m in cash
        ],
        "labels": [m.short for m in months],
        "shown": [
            [
                i18n.gettext(lang, "Encaissé : {amount}", amount=i18n.money(m.cash_in, lang)),
                i18n.gettext(lang, "Décaissé : {amount}", amount=i18n.money(m.cash_out, lang)),
            ]
            for m in months
        ],
        "names": [i18n.gettext(lang, "Encaissé"), i18n.gettext(lang, "Décaissé")],
        "locale": i18n.LOCALES[lang].replace("_", "-"),
        "currency": cash[0].cash_in.currency if cash else "EUR",
    }


@router.get("/")
def home(request: Request, ctx: security.PageRead) -> Response:
    lang = i18n.language(request)
    figures = service.dashboard(security.uow_of(request), ctx, as_of=security.clock_of(request).today())
    as_of = figures.as_of.isoformat()
    months = _months(figures.cash, lang)

    aged_sale = _url("/accounting/aged-balance", flow="sale", as_of=as_of)
    links = {
        "aged_sale": aged_sale,
        "aged_purchase": _url("/accounting/aged-balance", flow="purchase", as_of=as_of),
        "overpayments": _url("/overpayments", flow="sale"),
        "credits_unused": _url("/credits", flow="sale", status="unused"),
        "credits_partial": _url("/credits", flow="sale", status="partially_used"),
        "deposits_received": _url("/deposits/waiting", figure="received"),
        "deposits_not_invoiced": _url("/deposits/waiting", figure="not_invoiced"),
        "deposits_not_deducted": _url("/deposits/waiting", figure="not_deducted"),
        "deposits_awaited": _url("/deposits/waiting", figure="awaited"),
        "payments": "/payments",
    }
    buckets = [
        (bucket, i18n.gettext(lang, AGE_LABELS[bucket]), figures.receivable[bucket])
        for bucket in AgeBucket
        if bucket is not AgeBucket.NOT_DUE
    ]
    drafts = [
        (
            _drafts_word(lang, d.kind, d.count),
            _url("/documents", flow=d.flow, kind=url_kind(Kind(d.kind)), state="draft"),
        )
        for d in figures.drafts
        if d.count
    ]
    counts = {
        "unallocated": i18n.ngettext(
            lang, "{count} règlement", "{count} règlements", figures.unallocated_payments.count
        ),
        "overpayments": i18n.ngettext(lang, "{count} règlement", "{count} règlements", figures.overpayments.count),
        "credits": i18n.ngettext(lang, "{count} avoir", "{count} avoirs", figures.unused_credit_notes.count),
        "deposit_payments": i18n.ngettext(
            lang, "{count} document", "{count} documents", figures.deposits_not_invoiced.count
        ),
        "deposit_invoices": i18n.ngettext(
            lang, "{count} facture d'acompte", "{count} factures d'acompte", figures.deposits_not_deducted.count
        ),
        "overdue": i18n.ngettext(
            lang, "{count} facture en retard", "{count} factures en retard", figures.overdue_invoices.tally.count
        ),
        "awaited": i18n.ngettext(
            lang, "{count} acompte attendu", "{count} acomptes attendus", figures.deposits_awaited.tally.count
        ),
        "to_pay": i18n.ngettext(
            lang, "{count} facture à payer", "{count} factures à payer", figures.invoices_to_pay.tally.count
        ),
    }
    late = {
        d.document_id: i18n.ngettext(lang, "{count} jour de retard", "{count} jours de retard", d.days_late)
        for d in (*figures.overdue_invoices.oldest, *figures.invoices_to_pay.oldest)
    }
    context = {
        "d": figures,
        "links": links,
        "buckets": buckets,
        "months": months,
        "chart": chart_data(figures.cash, months, lang),
        "drafts": drafts,
        "counts": counts,
        "late": late,
        "today": figures.as_of,
    }
    return render(request, "home.html", context)
