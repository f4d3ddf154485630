"""Who the token acts as (`/me`) and the company: its settings, payment methods and bank accounts."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from acompte.adapters.api.schemas.common import CodeOut, DecimalOut, Joined, Output
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
        """The principal with what its role may do (a rule of the domain, not an attribute)."""
        return cls.model_validate(Joined(principal, permissions=sorted(p for p in Permission if principal.may(p))))


class MethodOut(Output):
    code: str
    label: str
    digital: bool

    @model_validator(mode="before")
    @classmethod
    def _row(cls, data: Any) -> Any:
        # The deposit form gives its methods as (code, label, digital) rows.
        if isinstance(data, tuple):
            code, label, digital = data
            return {"code": code, "label": label, "digital": digital}
        return data


class AccountOut(Output):
    id: str
    name: str
    kind: str

    @model_validator(mode="before")
    @classmethod
    def _row(cls, data: Any) -> Any:
        # The company's bank accounts come as (id, name, kind) rows.
        if isinstance(data, tuple):
            account_id, name, kind = data
            return {"id": account_id, "name": name, "kind": kind}
        return data


class CompanyOut(Output):
    id: str
    name: str
    currency: str
    siren: str | None
    vat_number: str | None
    address: str
    vat_rounding: CodeOut
    vat_rates: list[DecimalOut]
    payment_methods: list[MethodOut] = Field(validation_alias="methods")
    accounts: list[AccountOut]
    settings: dict[str, Any]

    @classmethod
    def of(cls, company: Company, accounts: list[tuple[int, str, str]]) -> CompanyOut:
        return cls.model_validate(Joined(company, accounts=accounts))
