"""The legal identifiers people type — SIREN, SIRET, intra-community VAT number, IBAN — normalised, or refused with
the rule they break: the shape (domain/parties.py), then the check digits (python-stdnum): Luhn for SIREN and
SIRET, and for a French VAT number the key computed from its SIREN, which must be the company's own.

Numbers of other countries are checked for their shape only: their rules differ by country, and a customer
abroad must not be refused for a rule we would get wrong."""

from __future__ import annotations

from stdnum import iban as iban_rules
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.fr import siren as siren_rules
from stdnum.fr import siret as siret_rules
from stdnum.fr import tva as tva_rules

from acompte.domain.errors import Field, InvalidIdentifier, Reason
from acompte.domain.parties import normalize_siren, normalize_vat_number

SIRET_DIGITS = 14


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
