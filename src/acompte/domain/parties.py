"""Companies (tenants), parties (customers and suppliers) and items as frozen records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from acompte.domain.addresses import DEFAULT_COUNTRY, PostalAddress
from acompte.domain.errors import Field, InvalidIdentifier, PartyRoleMismatch, Reason
from acompte.domain.payments import Method
from acompte.domain.vat import VatCategory, VatRegime, VatRounding, VatTreatment, default_regime

SIREN_DIGITS = 9


def normalize_siren(text: str | None) -> str | None:
    """A SIREN as stored: 9 digits, spaces removed; empty → None."""
    siren = (text or "").replace(" ", "").replace("\u00a0", "")
    if not siren:
        return None
    if len(siren) != SIREN_DIGITS or not siren.isdigit():
        raise InvalidIdentifier(what=Field.SIREN, value=text, rule=Reason.SIREN_DIGITS, field="siren")
    return siren


def normalize_vat_number(text: str | None) -> str | None:
    """An intra-community VAT number as stored: upper case, no spaces, a 2-letter country code then 2 to 13
    letters or digits (FR44732829320); empty → None. Its check digits are the services' (services/identifiers)."""
    number = (text or "").replace(" ", "").replace("\u00a0", "").upper()
    if not number:
        return None
    if not (4 <= len(number) <= 15 and number[:2].isalpha() and number.isalnum()):
        raise InvalidIdentifier(what=Field.VAT_NUMBER, value=text, rule=Reason.VAT_NUMBER_SHAPE, field="vat_number")
    return number


@dataclass(frozen=True, slots=True)
class Company:
    id: int
    name: str
    currency: str
    vat_rounding: VatRounding
    vat_rates: tuple[Decimal, ...]
    methods: tuple[Method, ...]
    siren: str | None = None
    vat_number: str | None = None
    street: str = ""
    street2: str = ""
    postcode: str = ""
    city: str = ""
    country: str = DEFAULT_COUNTRY
    settings: dict[str, Any] = field(default_factory=dict)
    version: int = 1

    @property
    def address(self) -> PostalAddress:
        return PostalAddress(self.street, self.street2, self.postcode, self.city, self.country)

    def method(self, code: str) -> Method | None:
        return next((m for m in self.methods if m.code == code), None)

    def prefix(self, key: str, default: str) -> str:
        return series_prefix(self.settings, key, default)


def series_prefix(settings: Mapping[str, Any], key: str, default: str) -> str:
    """The prefix a company's settings give a number series (`default` when they give none)."""
    return str(settings.get("prefixes", {}).get(key, default))


@dataclass(frozen=True, slots=True)
class Party:
    id: int
    company_id: int
    name: str
    is_customer: bool
    is_supplier: bool
    email: str = ""
    siren: str = ""
    vat_number: str = ""
    street: str = ""
    street2: str = ""
    postcode: str = ""
    city: str = ""
    country: str = DEFAULT_COUNTRY
    #: How sales to the party are taxed (domain/vat.py VatRegime); empty: derived from its country and VAT number.
    vat_regime: str = ""
    #: The exemption reason of an exempt regime, or wording replacing the legal one (BT-121 code, BT-120 text).
    vat_exemption_code: str = ""
    vat_exemption_reason: str = ""
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def address(self) -> PostalAddress:
        return PostalAddress(self.street, self.street2, self.postcode, self.city, self.country)

    @property
    def regime(self) -> VatRegime:
        """The regime chosen for the party, or the one its country and VAT number give (`default_regime`)."""
        return VatRegime(self.vat_regime) if self.vat_regime else default_regime(self.country, self.vat_number)

    @property
    def exemption(self) -> VatTreatment | None:
        if not (self.vat_exemption_code or self.vat_exemption_reason):
            return None
        return VatTreatment(VatCategory.EXEMPT, self.vat_exemption_code, self.vat_exemption_reason)

    def require_role(self, *, customer: bool) -> None:
        if customer and not self.is_customer:
            raise PartyRoleMismatch(party=self.name, role=PartyRole.CUSTOMER)
        if not customer and not self.is_supplier:
            raise PartyRoleMismatch(party=self.name, role=PartyRole.SUPPLIER)


class PartyRole(StrEnum):
    """What a party is to the company (one party may be both)."""

    CUSTOMER = "customer"
    SUPPLIER = "supplier"


class ItemKind(StrEnum):
    GOODS = "goods"
    SERVICE = "service"


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    company_id: int
    name: str
    kind: ItemKind
    unit_price: Decimal
    vat_rate: Decimal
    settings: dict[str, Any] = field(default_factory=dict)
