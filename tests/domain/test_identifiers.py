"""Legal identifiers of a company: SIREN and intra-community VAT number, normalised or refused."""

from __future__ import annotations

import pytest

from acompte.domain.errors import InvalidIdentifier
from acompte.domain.parties import normalize_siren, normalize_vat_number


def test_a_siren_is_nine_digits_spaces_ignored():
    assert normalize_siren("123 456 782") == "123456782"
    assert normalize_siren("") is None and normalize_siren(None) is None
    for bad in ("12345", "1234567890", "12345678A"):
        with pytest.raises(InvalidIdentifier) as refused:
            normalize_siren(bad)
        assert refused.value.params["field"] == "siren"


def test_a_vat_number_starts_with_its_country_code():
    assert normalize_vat_number("fr 11 123456782") == "FR11123456782"
    assert normalize_vat_number("  ") is None
    for bad in ("12345678901", "FR", "FR-123456789"):
        with pytest.raises(InvalidIdentifier) as refused:
            normalize_vat_number(bad)
        assert refused.value.params["field"] == "vat_number"
