"""The home page (« Tableau de bord »): the figures of `services.dashboard`, each a link to the list behind it,
the overdue amounts by age, the cash of the last twelve months as an inline SVG chart (no script, no inline
style: the CSP forbids both; classes come from static/dashboard.css) with its table, and today's actions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
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

#: The chart's drawing box (SVG user units; the picture scales to the width of the page).
CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BARS = 720, 230, 10, 180
BAR = 18  # one bar's width; a month holds two bars and a gap


@dataclass(frozen=True, slots=True)
class Bar:
    x: int
    y: float
    height: float
    amount: Money
    css: str


@dataclass(frozen=True, slots=True)
class Month:
    label: str  # the month alone, under the bars
    name: str  # in full, in the bars' titles
    short: str  # abbreviated with its year, in the table
    cash_in: Money
    cash_out: Money
    net: Money
    bars: tuple[Bar, Bar]
    label_x: int


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


def _bar_height(amount: Money, highest: Decimal) -> float:
    """Pixels of the chart, not money: a ratio of the highest month, rounded for the drawing."""
    if highest <= 0 or not amount.is_positive:
        return 0.0
    return round(float(amount.amount / highest) * CHART_BARS, 1)


def _months(cash: tuple[service.MonthCash, ...], lang: str) -> list[Month]:
    locale = i18n.LOCALES[lang]
    highest = max([m.cash_in.amount for m in cash] + [m.cash_out.amount for m in cash] + [Decimal(0)])
    step = CHART_WIDTH // max(1, len(cash))
    result = []
    for i, m in enumerate(cash):
        left = i * step + (step - 2 * BAR) // 2
        bars = []
        for offset, value, css in ((0, m.cash_in, "bar-in"), (BAR, m.cash_out, "bar-out")):
            height = _bar_height(value, highest)
            bars.append(Bar(left + offset, CHART_TOP + CHART_BARS - height, height, value, css))
        result.append(
            Month(
                label=format_date(m.month, "MMM", locale=locale),
                name=format_date(m.month, "LLLL yyyy", locale=locale),
                short=format_date(m.month, "LLL yyyy", locale=locale),
                cash_in=m.cash_in,
                cash_out=m.cash_out,
                net=m.net,
                bars=(bars[0], bars[1]),
                label_x=i * step + step // 2,
            )
        )
    return result


@router.get("/")
def home(request: Request, ctx: security.PageRead) -> Response:
    lang = i18n.language(request)
    figures = service.dashboard(security.uow_of(request), ctx, as_of=security.clock_of(request).today())
    as_of = figures.as_of.isoformat()

    aged_sale = _url("/accounting/aged-balance", flow="sale", as_of=as_of)
    links = {
        "aged_sale": aged_sale,
        "aged_purchase": _url("/accounting/aged-balance", flow="purchase", as_of=as_of),
        "overpayments": _url("/overpayments", flow="sale"),
        "credits_unused": _url("/credits", flow="sale", status="unused"),
        "credits_partial": _url("/credits", flow="sale", status="partially_used"),
        "orders": _url("/documents", flow="sale", kind="order", state="validated"),
        "deposit_invoices": _url("/documents", flow="sale", kind="deposit_invoice", state="validated"),
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
        "months": _months(figures.cash, lang),
        "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT, "base": CHART_TOP + CHART_BARS},
        "drafts": drafts,
        "counts": counts,
        "late": late,
        "today": figures.as_of,
    }
    return render(request, "home.html", context)
