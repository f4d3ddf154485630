"""« Créer un règlement » (UI.md screen 6) and the contact's « Gestion commerciale » tab, one component: what the
party owes on the left, what it has in hand on the right with a new payment line, ticked and settled at once."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.web import errors, i18n, security
from acompte.adapters.web.routes._payments_common import FormInvalid, already_done, can_write, parse_day, parse_money
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain import errors as e
from acompte.domain.credits import CreditRef, Excess, write_off_threshold
from acompte.domain.documents import Flow
from acompte.domain.money import Money, total
from acompte.domain.users import Permission
from acompte.services import accounts, companies, parties
from acompte.services.accounts import NewPayment

router = APIRouter()
#: How many parties the selector offers at most (a search by name narrows it to the others).
PARTY_CHOICES = 50


def _flow(text: str | None) -> Flow | None:
    return Flow(text) if text in ("sale", "purchase") else None


def _ref_key(ref: CreditRef) -> str:
    return f"{ref.kind.value}:{ref.id}"


def _defaults(request: Request, account: Any, proposal: Any) -> dict[str, Any]:
    """The form as it opens: the service's suggestion ticked (the oldest debts with the oldest credits, as far as
    credits go) with its amounts, the other documents at their balance due, the new payment empty."""
    lang = i18n.language(request)
    values: dict[str, Any] = {"docs": [], "credits": [], "np_amount": "", "np_method": "", "np_reference": ""}
    values["np_date"] = account.as_of.isoformat()
    values["np_excess"] = Excess.KEEP.value
    values["np_refund_method"] = ""
    for item in account.due:
        values[f"amount_{item.document_id}"] = i18n.amount(item.balance_due, lang)
    if proposal is not None:
        for document_id, amount in proposal.documents:
            values["docs"].append(str(document_id))
            values[f"amount_{document_id}"] = i18n.amount(amount, lang)
        values["credits"] = [_ref_key(ref) for ref, _amount in proposal.credits]
        values["suggested"] = bool(proposal.documents)
    return values


def _one_document(request: Request, account: Any, document_id: int) -> dict[str, Any] | None:
    """The form as « Régler » on a document opens it: that document ticked at its balance due and a new payment
    of that amount — typed higher, the excess is kept as credit or refunded, as the form offers."""
    item = next((i for i in account.due if i.document_id == document_id), None)
    if item is None:
        return None
    values = _defaults(request, account, None)
    amount = i18n.amount(item.balance_due, i18n.language(request))
    values["docs"] = [str(document_id)]
    values[f"amount_{document_id}"] = amount
    values["np_amount"] = amount
    return values


def _page(
    request: Request,
    ctx: Any,
    party_id: int | None,
    flow: Flow | None,
    values: dict[str, Any] | None,
    errs: dict[str, str],
    *,
    tab: bool,
    status: int = 200,
    suggest: bool = True,
    document_id: int | None = None,
    party_search: str = "",
) -> Response:
    uow = security.uow_of(request)
    account = accounts.party_account(uow, ctx, party_id, flow=flow) if party_id is not None else None
    if values is None and account is not None and document_id is not None:
        values = _one_document(request, account, document_id)
    if values is None and account is not None:
        proposal = accounts.proposal_for(account) if suggest and can_write(request) else None
        values = _defaults(request, account, proposal)
    party = parties.get_party(uow, ctx, party_id) if party_id is not None else None
    company = companies.get_company(uow, ctx)
    # A bounded selector whatever the company's size: the parties whose name contains the search (the first
    # ones without it), the chosen party always among them.
    choices = (
        None if tab else parties.party_choices(uow, ctx, search=party_search, chosen=party_id, limit=PARTY_CHOICES)
    )
    context = {
        "shortfall_threshold": _shortfall_threshold(request, company, account),
        "account": account,
        "party": party,
        "parties": choices.parties if choices else (),
        "more_parties": bool(choices and choices.more),
        "party_search": party_search,
        "methods": [(m.code, m.label, m.digital) for m in company.methods],
        "values": values if values is not None else {},
        "errors": errs,
        "form_key": (values or {}).get("form_key") or security.new_form_key(),
        "ref_key": _ref_key,
        "editable": can_write(request),
        "action": f"/contacts/{party_id}/account" if tab else "/settle",
        "tab": tab,
        "excess_choices": [
            (Excess.KEEP.value, translate(request, "Le garder en crédit du tiers")),
            (Excess.REFUND.value, translate(request, "Le rembourser tout de suite")),
        ],
        "blank_url": (f"/contacts/{party_id}/account" if tab else f"/settle?party_id={party_id}")
        + ("?" if tab else "&")
        + "suggest=0"
        + (f"&flow={flow.value}" if flow else ""),
    }
    return render(request, "settle/account.html" if tab else "settle/page.html", context, status)


def _may_write_off(request: Request) -> bool:
    """A write-off is the accountant's (as the API's `write_off_shortfall`)."""
    principal = security.optional_principal(request)
    return principal is not None and principal.may(Permission.ACCOUNTING)


def _shortfall_threshold(request: Request, company: Any, account: Any) -> Money | None:
    """What a document may be left short and written off at receipt, offered to an accountant only, and only
    when the company allows a write-off at all."""
    if account is None or not _may_write_off(request):
        return None
    threshold = write_off_threshold(company.settings, account.currency)
    return threshold if threshold.is_positive else None


@router.get("/settle")
def settle_page(
    request: Request,
    ctx: security.PageRead,
    party_id: int | None = None,
    flow: str | None = None,
    suggest: str = "1",
    document: int | None = None,
    party_q: str = "",
) -> Response:
    """`document`: « Régler » on a document — that document alone, at its balance due. `party_q`: part of a
    party's name, narrowing the party selector."""
    search = party_q.strip()
    if party_id is None and search:  # a name that finds one party opens its account (no script needed)
        found = parties.party_choices(security.uow_of(request), ctx, search=search, limit=1)
        if len(found.parties) == 1 and not found.more:
            party_id = found.parties[0].id
    return _page(
        request,
        ctx,
        party_id,
        _flow(flow),
        None,
        {},
        tab=False,
        suggest=suggest != "0",
        document_id=document,
        party_search=search,
    )


@router.get("/contacts/{party_id}/account")
def account_tab(
    request: Request, party_id: int, ctx: security.PageRead, flow: str | None = None, suggest: str = "1"
) -> Response:
    return _page(request, ctx, party_id, _flow(flow), None, {}, tab=True, suggest=suggest != "0")


def _settle(request: Request, ctx: Any, party_id: int | None, *, tab: bool) -> Response:
    form = security.posted_form(request)

    def text(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    if party_id is None:
        raw = text("party_id")
        if not raw.isdigit():
            return redirect(request, "/settle")
        party_id = int(raw)
    flow = _flow(text("flow"))
    uow = security.uow_of(request)
    account = accounts.party_account(uow, ctx, party_id, flow=flow)
    values: dict[str, Any] = {
        "docs": [v for v in form.getlist("doc") if isinstance(v, str)],
        "credits": [v for v in form.getlist("credit") if isinstance(v, str)],
        **{
            n: text(n)
            for n in (
                "np_amount",
                "np_method",
                "np_date",
                "np_reference",
                "np_excess",
                "np_refund_method",
                "np_write_off",
                security.FORM_KEY_FIELD,
            )
        },
    }
    for item in account.due:
        values[f"amount_{item.document_id}"] = text(f"amount_{item.document_id}")
    done = already_done(request, ctx, values[security.FORM_KEY_FIELD])
    if done is not None:
        return done
    errs: dict[str, str] = {}
    due_ids = {str(item.document_id) for item in account.due}
    held = {_ref_key(c.ref): c.ref for c in account.credits}
    chosen_docs: list[tuple[int, Money | None]] = []
    new_payment = None
    try:
        for doc in values["docs"]:
            if doc not in due_ids:  # no longer owed (settled meanwhile) or not this party's: refused, not ignored
                raise FormInvalid("__all__", translate(request, "Un document coché n'est plus dû : rechargez la page."))
            chosen_docs.append(
                (int(doc), parse_money(request, f"amount_{doc}", values[f"amount_{doc}"], account.currency))
            )
        refs = []
        for key in values["credits"]:
            if key not in held:
                raise FormInvalid(
                    "__all__", translate(request, "Un crédit coché n'est plus disponible : rechargez la page.")
                )
            refs.append(held[key])
        amount = parse_money(request, "np_amount", values["np_amount"], account.currency, required=False)
        if amount is not None:
            if not values["np_method"]:
                raise FormInvalid("np_method", translate(request, "Choisissez un mode de règlement."))
            when = parse_day(request, "np_date", values["np_date"])
            new_payment = NewPayment(
                amount=amount, method=values["np_method"], payment_date=when, reference=values["np_reference"]
            )
        excess = Excess.REFUND if values["np_excess"] == Excess.REFUND.value else Excess.KEEP
        write_off = bool(values["np_write_off"]) and new_payment is not None
        if write_off and not _may_write_off(request):
            raise FormInvalid("__all__", translate(request, "Seul un comptable peut passer un écart de règlement."))
        if not chosen_docs and new_payment is None:
            raise FormInvalid(
                "__all__", translate(request, "Cochez au moins un document ou saisissez un nouveau règlement.")
            )
        if chosen_docs and not refs and new_payment is None:
            raise FormInvalid(
                "__all__",
                translate(request, "Cochez un crédit ou saisissez un nouveau règlement pour régler ces documents."),
            )
    except FormInvalid as invalid:
        errs[invalid.field] = invalid.message
        return _page(request, ctx, party_id, flow, values, errs, tab=tab, status=422)
    location = f"/contacts/{party_id}/account" if tab else f"/settle?party_id={party_id}"
    refunding = new_payment is not None and excess is Excess.REFUND and bool(values["np_refund_method"])
    try:
        with uow:
            replay = security.replayed(uow, ctx, request, values[security.FORM_KEY_FIELD])
            if replay is not None:
                return replay
            result = accounts.settle(
                uow,
                ctx,
                party_id,
                documents=chosen_docs,
                credits_used=refs,
                new_payment=new_payment,
                excess=excess,
                refund_method=values["np_refund_method"] or None,
                flow=flow,
                write_off_shortfall=write_off,
            )
            security.remember(uow, ctx, values[security.FORM_KEY_FIELD], location)
            uow.commit()
    except e.NotFound:
        raise
    except e.DomainError as exc:
        message = errors.error_text(request, exc)
        if isinstance(exc, e.OverAllocation) and chosen_docs:
            requested = str(exc.params.get("requested"))
            at_fault = next((d for d, a in chosen_docs if str(a) == requested), chosen_docs[-1][0])
            errs[f"amount_{at_fault}"] = message
        elif write_off and isinstance(exc, e.AboveWriteOffThreshold | e.CreditMismatch):
            errs["np_write_off"] = message
        elif new_payment is not None and isinstance(exc, e.NonPositiveAmount | e.InvalidAmount):
            errs["np_amount"] = message
        elif refunding and isinstance(exc, e.InvalidSetting | e.DigitalMethodRefused):
            errs["np_refund_method"] = message
        elif new_payment is not None and isinstance(exc, e.InvalidSetting | e.DigitalMethodRefused):
            errs["np_method"] = message
        else:
            errs["__all__"] = message
        return _page(request, ctx, party_id, flow, values, errs, tab=tab, status=422)
    if result.refund is not None:
        flash = translate(
            request, "Règlement enregistré ; excédent de {amount} remboursé", amount=money_text(request, result.excess)
        )
    elif result.excess.is_positive:
        flash = translate(
            request,
            "Règlement enregistré ; excédent de {amount} gardé en crédit",
            amount=money_text(request, result.excess),
        )
    else:
        flash = translate(request, "Règlement enregistré")
    if result.shortfalls:
        written_off = total((w.amount for w in result.shortfalls), account.currency)
        flash = translate(
            request, "{done} ; écart de {amount} passé en perte", done=flash, amount=money_text(request, written_off)
        )
    return redirect(request, location, flash=flash)


def money_text(request: Request, value: Money) -> str:
    return i18n.money(value, i18n.language(request))


@router.post("/settle")
def settle(request: Request, ctx: security.PageWrite) -> Response:
    return _settle(request, ctx, None, tab=False)


@router.post("/contacts/{party_id}/account")
def settle_from_account(request: Request, party_id: int, ctx: security.PageWrite) -> Response:
    return _settle(request, ctx, party_id, tab=True)
