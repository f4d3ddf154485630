"""The party account (« Gestion commerciale »): settling a party's documents with its credits and a new payment in
one action, the suggested settlement, payment terms and instalments, the statement of account and the aged
balance. `GET /parties/{id}/account` (routes/parties.py) shows what is due and what is in hand.

Periods are `?from=YYYY-MM-DD&to=YYYY-MM-DD` (default: from the 1st of January of `to`'s year to today).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from acompte.adapters.api.dependencies import (
    ID_QUERY,
    Auth,
    DateFrom,
    DateTo,
    IfMatch,
    PageParams,
    ReadCtx,
    Uow,
    WriteCtx,
    opt_id,
    parse_id,
    period,
)
from acompte.adapters.api.lookups import known
from acompte.adapters.api.routes.parties import party_out
from acompte.adapters.api.routing import capability_router
from acompte.adapters.api.schemas.accounts import (
    AgedBalanceOut,
    InstalmentsOut,
    PartyTermsIn,
    PaymentTermsIn,
    SettleIn,
    SettlementProposalOut,
    StatementOut,
)
from acompte.adapters.api.schemas.common import IsoDate, Page
from acompte.adapters.api.schemas.credits import SettleResultOut
from acompte.adapters.api.schemas.parties import PartyOut
from acompte.domain.credits import Excess
from acompte.domain.documents import Flow
from acompte.domain.users import Permission, authorize
from acompte.services import accounts, parties

router = capability_router("", "accounts")
PARTY = "Tiers"
DOCUMENT = "Document"

AsOf = Annotated[IsoDate | None, Query(description="The day the ages are counted on (default: today)")]
FlowParam = Annotated[Flow | None, Query(description="sale (customer) or purchase (supplier); default: by the role")]


# -- settling --------------------------------------------------------------------------------------------------


@router.post(
    "/parties/{party_id}/settle",
    summary="Settle the selected documents with the selected credits and an optional new payment, in one action",
)
def settle(party_id: str, body: SettleIn, principal: Auth, ctx: WriteCtx, uow: Uow) -> SettleResultOut:
    pid = parse_id(party_id, PARTY)
    if body.excess is Excess.WRITE_OFF:
        authorize(principal, Permission.ACCOUNTING)
    refs = [credit.to_domain() for credit in body.credits]
    with uow:
        known(uow, ctx, party_ids=[pid])
        known(
            uow,
            ctx,
            document_ids=[d.document_id for d in body.documents] + [c.credit_id for c in body.credits],
            payment_ids=[c.payment_id for c in body.credits],
            account_ids=[body.new_payment.account_id] if body.new_payment else [],
        )
        result = accounts.settle(
            uow,
            ctx,
            pid,
            documents=[(int(d.document_id), d.amount.to_domain() if d.amount else None) for d in body.documents],
            credits_used=refs,
            new_payment=body.new_payment.to_domain() if body.new_payment else None,
            excess=body.excess,
            refund_method=body.refund_method,
            flow=body.flow,
        )
        uow.commit()
    return SettleResultOut.model_validate(result)


@router.get(
    "/parties/{party_id}/settlement-suggestion",
    summary="The settle screen's pre-selection: the oldest debts with the oldest credits",
)
def suggest_settlement(party_id: str, ctx: ReadCtx, uow: Uow, flow: FlowParam = None) -> SettlementProposalOut:
    return SettlementProposalOut.model_validate(
        accounts.suggest_settlement(uow, ctx, parse_id(party_id, PARTY), flow=flow)
    )


# -- payment terms -----------------------------------------------------------------------------------------------


@router.put("/parties/{party_id}/payment-terms", summary="The party's default payment terms (instalments)")
def set_party_payment_terms(party_id: str, body: PartyTermsIn, ctx: WriteCtx, uow: Uow) -> PartyOut:
    return party_out(uow, ctx, accounts.set_party_payment_terms(uow, ctx, parse_id(party_id, PARTY), body.required()))


@router.put(
    "/documents/{document_id}/payment-terms",
    summary="Put payment terms on a draft invoice or an order (null: the party's default terms)",
)
def set_payment_terms(
    document_id: str, body: PaymentTermsIn, ctx: WriteCtx, uow: Uow, expected: IfMatch
) -> InstalmentsOut:
    doc_id = parse_id(document_id, DOCUMENT)
    terms = body.to_domain()
    found = accounts.set_payment_terms(uow, ctx, doc_id, terms, expected_version=expected)
    return InstalmentsOut.of(doc_id, found)


@router.get(
    "/documents/{document_id}/instalments",
    summary="A document's instalments (échéances), each with what it has received",
)
def document_instalments(document_id: str, ctx: ReadCtx, uow: Uow) -> InstalmentsOut:
    doc_id = parse_id(document_id, DOCUMENT)
    return InstalmentsOut.of(doc_id, accounts.document_instalments(uow, ctx, doc_id))


# -- statement and aged balance ----------------------------------------------------------------------------------


@router.get(
    "/parties/{party_id}/statement",
    summary="The statement of account of a period: opening balance, movements, running and closing balance",
)
def statement(
    party_id: str, ctx: ReadCtx, uow: Uow, date_from: DateFrom = None, date_to: DateTo = None, flow: FlowParam = None
) -> StatementOut:
    start, end = period(date_from, date_to, uow.clock.today())
    view = accounts.statement(uow, ctx, parse_id(party_id, PARTY), date_from=start, date_to=end, flow=flow)
    return StatementOut.model_validate(view)


@router.get(
    "/statements",
    summary="The statement of every party with an opening balance or a movement in the period",
)
def statements(
    ctx: ReadCtx,
    uow: Uow,
    paging: PageParams,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    flow: Annotated[Flow, Query(description="sale (customers) or purchase (suppliers)")] = Flow.SALE,
) -> Page[StatementOut]:
    start, end = period(date_from, date_to, uow.clock.today())
    found = accounts.statements(uow, ctx, date_from=start, date_to=end, flow=flow)
    rows, cursor = paging.slice(found, key=lambda s: s.party_id)
    return Page(items=[StatementOut.model_validate(s) for s in rows], next_cursor=cursor)


@router.get(
    "/aged-balance",
    summary="What is due on invoices per party by age (not due, 1–30, 31–60, 61–90, over 90 days)",
)
def aged_balance(
    ctx: ReadCtx,
    uow: Uow,
    party_id: ID_QUERY = None,
    flow: Annotated[Flow, Query(description="sale (customers) or purchase (suppliers)")] = Flow.SALE,
    as_of: AsOf = None,
) -> AgedBalanceOut:
    return AgedBalanceOut.model_validate(
        accounts.aged_balance(uow, ctx, party_id=opt_id(party_id), flow=flow, as_of=as_of)
    )


@router.get("/parties/{party_id}/aged-balance", summary="The aged balance of one party")
def party_aged_balance(
    party_id: str, ctx: ReadCtx, uow: Uow, flow: FlowParam = None, as_of: AsOf = None
) -> AgedBalanceOut:
    pid = parse_id(party_id, PARTY)
    with uow:
        party = known_party_flow(uow, ctx, pid, flow)
        return AgedBalanceOut.model_validate(accounts.aged_balance(uow, ctx, party_id=pid, flow=party, as_of=as_of))


def known_party_flow(uow: Uow, ctx: ReadCtx, party_id: int, flow: Flow | None) -> Flow:
    """The flow of a party's account: the one asked, else sale for a customer and purchase for a supplier."""
    party = parties.get_party(uow, ctx, party_id)
    if flow is not None:
        return flow
    return Flow.SALE if party.is_customer else Flow.PURCHASE
