"""Who am I, and the company's settings: read by every role, changed by an administrator.

`PATCH /company` changes any of them, checked as a whole (one refused value: 422 naming its `field`, nothing
written) and recorded in the company's history; it accepts `If-Match` (the company's `version`, also its ETag):
412 when the settings changed since.
"""

from __future__ import annotations

from fastapi import Response

from acompte.adapters.api.dependencies import AdminCtx, Auth, IfMatch, PageParams, ReadCtx, Uow, etag
from acompte.adapters.api.routing import capability_router
from acompte.adapters.api.schemas.common import Page
from acompte.adapters.api.schemas.company import CompanyOut, CompanyPatch, MeOut
from acompte.adapters.api.schemas.history import EventOut
from acompte.domain.parties import Company
from acompte.services import companies, history
from acompte.services.ports import Ctx, UnitOfWork

router = capability_router("", "company")


def _out(uow: UnitOfWork, ctx: Ctx, company: Company, response: Response) -> CompanyOut:
    response.headers["ETag"] = etag(company.version)
    return CompanyOut.of(company, companies.accounts(uow, ctx))


@router.get("/me", summary="The token's user, company, role and permissions")
def me(principal: Auth, _ctx: ReadCtx) -> MeOut:
    return MeOut.of(principal)


@router.get("/company", summary="Every company setting: identity, VAT, accounts, numbering, deposits, e-invoicing")
def get_company(ctx: ReadCtx, uow: Uow, response: Response) -> CompanyOut:
    return _out(uow, ctx, companies.get_company(uow, ctx), response)


@router.patch("/company", summary="Change company settings (only the ones sent; administrator)")
def change_company(body: CompanyPatch, ctx: AdminCtx, uow: Uow, expected: IfMatch, response: Response) -> CompanyOut:
    company = companies.change_settings(uow, ctx, body.changes(), expected_version=expected)
    return _out(uow, ctx, company, response)


@router.get("/company/history", summary="The history of the company's settings")
def company_history(ctx: ReadCtx, uow: Uow, paging: PageParams) -> Page[EventOut]:
    rows, cursor = paging.slice(history.company_history(uow, ctx))
    return Page(items=[EventOut.model_validate(e) for e in rows], next_cursor=cursor)
