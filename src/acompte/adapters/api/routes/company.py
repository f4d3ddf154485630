"""Who am I, and the company's settings (read)."""

from __future__ import annotations

from acompte.adapters.api.dependencies import Auth, ReadCtx, Uow
from acompte.adapters.api.routing import capability_router
from acompte.adapters.api.schemas.company import CompanyOut, MeOut
from acompte.services import companies

router = capability_router("", "company")


@router.get("/me", summary="The token's user, company, role and permissions")
def me(principal: Auth, _ctx: ReadCtx) -> MeOut:
    return MeOut.of(principal)


@router.get("/company", summary="The company's settings: currency, VAT rates, payment methods, accounts")
def get_company(ctx: ReadCtx, uow: Uow) -> CompanyOut:
    company = companies.get_company(uow, ctx)
    return CompanyOut.of(company, companies.accounts(uow, ctx))
