"""The legal identifiers people type — SIREN, SIRET, intra-community VAT number, IBAN — normalised, or refused with
the rule they break: the shape (domain/parties.py), then the check digits (python-stdnum): Luhn for SIREN and
SIRET, and for a French VAT number the key computed from its SIREN, which must be the company's own.

Numbers of other countries are checked for their shape only: their rules differ by country, and a customer
abroad must not be refused for a rule we would get wrong."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from stdnum import bic as bic_rules
from stdnum import iban as iban_rules
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.fr import siren as siren_rules
from stdnum.fr import siret as siret_rules
from stdnum.fr import tva as tva_rules

from acompte.domain.addresses import ADDRESS_FIELDS, DEFAULT_COUNTRY, PostalAddress, parse_address
from acompte.domain.errors import Field, InvalidIdentifier, InvalidSetting, Reason
from acompte.domain.parties import normalize_siren, normalize_vat_number

SIRET_DIGITS = 14
POSTCODE_LENGTH = 20


def siren(text: str | None, *, field: str = "siren") -> str | None:
    """A SIREN as stored (9 digits, its Luhn key right); empty → None."""
    try:
        number = normalize_siren(text)
    except InvalidIdentifier as exc:
        exc.params["field"] = field
        raise
    if number is not None and not siren_rules.is_valid(number):
        raise InvalidIdentifier(what=Field.SIREN, value=text, rule=Reason.IDENTIFIER_CHECKSUM, field=field)
    return number


def siret(text: str | None, *, field: str = "siret") -> str | None:
    """A SIRET as stored (14 digits: the SIREN then the establishment, its Luhn key right); empty → None."""
    number = (text or "").replace(" ", "").replace("\u00a0", "")
    if not number:
        return None
    if len(number) != SIRET_DIGITS or not number.isdigit():
        raise InvalidIdentifier(what=Field.SIRET, value=text, rule=Reason.SIRET_DIGITS, field=field)
    if not siret_rules.is_valid(number):
        raise InvalidIdentifier(what=Field.SIRET, value=text, rule=Reason.IDENTIFIER_CHECKSUM, field=field)
    return number


def vat_number(text: str | None, *, siren: str | None = None, field: str = "vat_number") -> str | None:
    """An intra-community VAT number as stored (upper case, no spaces); empty → None. A French one has the key
    of its SIREN and, when `siren` is known, holds that SIREN."""
    try:
        number = normalize_vat_number(text)
    except InvalidIdentifier as exc:
        exc.params.update(what=Field.VAT_NUMBER, rule=Reason.VAT_NUMBER_SHAPE, field=field)
        raise
    if number is None or not number.startswith("FR"):
        return number
    if not tva_rules.is_valid(number):
        raise InvalidIdentifier(what=Field.VAT_NUMBER, value=text, rule=Reason.VAT_NUMBER_KEY, field=field)
    if siren and number[4:].isdigit() and number[4:] != siren:
        raise InvalidIdentifier(
            what=Field.VAT_NUMBER, value=text, rule=Reason.VAT_NUMBER_OTHER_SIREN, siren=siren, field=field
        )
    return number


#: Codes babel lists as territories that are not ISO 3166-1 countries (regions, reserved or user-assigned).
_NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"})


@functools.cache
def countries() -> dict[str, str]:
    """The ISO 3166-1 alpha-2 country codes and their French names (babel's CLDR territories)."""
    from babel import Locale

    names = Locale("fr").territories
    return {
        code: names[code]
        for code in sorted(names)
        if len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_COUNTRIES
    }


def country(text: str | None, *, field: str = "country") -> str:
    """An ISO 3166-1 alpha-2 country code as stored (upper case); empty → FR, the company's own country."""
    code = (text or "").strip().upper() or DEFAULT_COUNTRY
    if code not in countries():
        raise InvalidSetting(reason=Reason.COUNTRY_CODE, field=field, value=text or "")
    return code


def address(fields: Mapping[str, Any], before: PostalAddress | None = None) -> PostalAddress:
    """An address from typed fields (`ADDRESS_FIELDS`, the ones not given kept from `before`), each trimmed, the
    country checked; an `address` given as one text box (older clients) is read by `parse_address` first."""
    base = before or PostalAddress()
    if "address" in fields:
        base = parse_address(str(fields["address"] or ""), base.country)
    values = base.fields()
    for name in ADDRESS_FIELDS:
        if name in fields:
            values[name] = " ".join(str(fields[name] or "").split()) if name != "country" else fields[name]
    values["country"] = country(values["country"])
    if len(values["postcode"]) > POSTCODE_LENGTH:
        raise InvalidSetting(reason=Reason.POSTCODE_LENGTH, field="postcode", maximum=POSTCODE_LENGTH)
    return PostalAddress(**values)


def iban(text: str | None, *, field: str = "iban") -> str | None:
    """An IBAN as stored (upper case, no spaces), its country's length and format and its mod-97 key right
    (python-stdnum); empty → None."""
    number = iban_rules.compact(text or "")
    if not number:
        return None
    try:
        return str(iban_rules.validate(number))
    except InvalidChecksum:
        # The key is checked before the country's format: a number too short must say so, not "wrong key".
        rule = Reason.IDENTIFIER_CHECKSUM if _shape_is_right(number) else Reason.IBAN_SHAPE
        raise InvalidIdentifier(what=Field.IBAN, value=text, rule=rule, field=field) from None
    except ValidationError:
        raise InvalidIdentifier(what=Field.IBAN, value=text, rule=Reason.IBAN_SHAPE, field=field) from None


def _shape_is_right(number: str) -> bool:
    """Whether the IBAN would be valid with the right check digits (its country, length and format are)."""
    try:
        iban_rules.validate(number[:2] + iban_rules.calc_check_digits(number) + number[4:])
    except ValidationError:
        return False
    return True


def bic(text: str | None, *, field: str = "bic") -> str:
    """A BIC as stored (upper case, no spaces: 8 or 11 characters, its country known; python-stdnum); empty → ""."""
    number = bic_rules.compact(text or "")
    if not number:
        return ""
    try:
        return str(bic_rules.validate(number))
    except ValidationError:
        raise InvalidIdentifier(what=Field.BIC, value=text, rule=Reason.BIC_SHAPE, field=field) from None
