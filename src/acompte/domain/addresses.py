"""Postal addresses as the law and EN 16931 read them: one or two street lines, postcode, city and an ISO 3166-1
alpha-2 country code (BT-35/36, BT-38, BT-37, BT-40 for the seller; BT-50/51, BT-53, BT-52, BT-55 for the buyer).

`parse_address` reads the free text people used to type (« 12 rue des Artisans\\n69003 Lyon », « 12 rue des
Artisans, 69003 Lyon ») into the fields; what it cannot read stays in the street lines, so nothing typed is lost.
Which codes are countries is the services' (services/identifiers.py, from babel's territory list); the member
states of the European Union are here because the VAT regime of a sale depends on them (domain/vat.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The member states of the European Union (ISO 3166-1 alpha-2; Greece is GR here, EL only in VAT numbers).
EU_MEMBER_STATES = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT",
        "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip

DEFAULT_COUNTRY = "FR"
#: The fields of an address, as the rows, the services, the API and the forms name them.
ADDRESS_FIELDS = ("street", "street2", "postcode", "city", "country")

_POSTCODE_CITY = re.compile(r"^(?:F-?|FR-?)?(\d{5})\s+(\S.*)$", re.IGNORECASE)
_FRANCE = {"france", "fr", "france métropolitaine"}


@dataclass(frozen=True, slots=True)
class PostalAddress:
    street: str = ""
    street2: str = ""
    postcode: str = ""
    city: str = ""
    country: str = DEFAULT_COUNTRY

    @property
    def is_empty(self) -> bool:
        return not (self.street or self.street2 or self.postcode or self.city)

    @property
    def in_eu(self) -> bool:
        return self.country in EU_MEMBER_STATES

    def fields(self) -> dict[str, str]:
        """The address as its named fields (`ADDRESS_FIELDS`), the way rows and events store it."""
        return {name: getattr(self, name) for name in ADDRESS_FIELDS}

    def lines(self, country_name: str = "") -> tuple[str, ...]:
        """The address as printed: the street lines, « postcode city », then the country's name when given
        (a French company prints it for an address abroad)."""
        found = [self.street, self.street2, f"{self.postcode} {self.city}".strip()]
        if country_name:
            found.append(country_name)
        return tuple(line for line in found if line)

    def text(self) -> str:
        """The address on one text box (what the API still returns as `address` for older clients)."""
        return "\n".join(self.lines("" if self.country == DEFAULT_COUNTRY else self.country))


def parse_address(text: str | None, country: str = DEFAULT_COUNTRY) -> PostalAddress:
    """Free text -> address. The last line (or comma-separated part) that reads « 5 digits + city » gives the
    postcode and city; a trailing « France » is dropped; everything else stays, in order, in the street lines
    (the first one in `street`, the others joined in `street2`)."""
    raw = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not raw:
        return PostalAddress(country=country)
    lines = [p.strip() for p in raw.split("\n") if p.strip()]
    parts = lines if len(lines) > 1 else [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) > 1 and parts[-1].strip(" .").lower() in _FRANCE:
        parts = parts[:-1]
    postcode = city = ""
    for i in range(len(parts) - 1, -1, -1):
        found = _POSTCODE_CITY.match(parts[i])
        if found:
            postcode, city = found.group(1), found.group(2).strip()
            parts = parts[:i] + parts[i + 1 :]
            break
    street = parts[0] if parts else ""
    street2 = ", ".join(parts[1:])
    return PostalAddress(street, street2, postcode, city, country)
