"""Who the token acts as (`/me`) and the company: its settings, payment methods and bank accounts."""

from __future__ import annotations

from typing import Any

from acompte.adapters.api.schemas.common import (
    Output,
    decimal_text,
)
from acompte.domain.parties import Company
from acompte.domain.users import Permission, Principal, Role


class MeOut(Output):
    user_id: str
    email: str
    company_id: str
    role: Role
    permissions: list[Permission]

    @classmethod
    def of(cls, principal: Principal) -> MeOut:
        return cls(
            user_id=str(principal.user_id),
            email=principal.email,
            company_id=str(principal.company_id),
            role=principal.role,
            permissions=sorted(p for p in Permission if principal.may(p)),
        )


class MethodOut(Output):
    code: str
    label: str
    digital: bool


class AccountOut(Output):
    id: str
    name: str
    kind: str


class CompanyOut(Output):
    id: str
    name: str
    currency: str
    siren: str | None
    vat_number: str | None
    address: str
    vat_rounding: str
    vat_rates: list[str]
    payment_methods: list[MethodOut]
    accounts: list[AccountOut]
    settings: dict[str, Any]

    @classmethod
    def of(cls, company: Company, accounts: list[tuple[int, str, str]]) -> CompanyOut:
        return cls(
            id=str(company.id),
            name=company.name,
            currency=company.currency,
            siren=company.siren,
            vat_number=company.vat_number,
            address=company.address,
            vat_rounding=company.vat_rounding.value,
            vat_rates=[decimal_text(r) for r in company.vat_rates],
            payment_methods=[MethodOut(code=m.code, label=m.label, digital=m.digital) for m in company.methods],
            accounts=[AccountOut(id=str(i), name=n, kind=k) for i, n, k in accounts],
            settings=dict(company.settings),
        )
