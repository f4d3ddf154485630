"""The statement files of tests/fixtures/bank (see its README.md for where each comes from) and the account each
one belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bank"

ISO_CAMT053 = "iso20022-camt053-v04-business-example.xml"
POSTFINANCE_CAMT054 = "postfinance-camt054-v04-qr-credit.xml"
OFX_SPEC = "ofx-spec-bank-statement.ofx"
OFX_SPEC_SGML = "ofx-spec-bank-statement-sgml.ofx"
CREDIT_AGRICOLE_CSV = "credit-agricole.csv"

#: The Crédit Agricole export's saved mapping, as a clerk would enter it.
CREDIT_AGRICOLE_MAPPING: dict[str, object] = {
    "name": "Crédit Agricole",
    "encoding": "cp1252",
    "skip_rows": 2,
    "columns": {
        "date": "Date",
        "value_date": "Date valeur",
        "label": "Libellé",
        "debit": "Débit euros",
        "credit": "Crédit euros",
    },
}

#: The accounts the examples are of: the IBAN of the ISO example's Swedish account number (the Swedish example of
#: the IBAN registry), PostFinance's example account, and a French one for the files that name none.
FINPETROL_IBAN = "SE3550000000054910000003"
POSTFINANCE_IBAN = "CH2909000000250094239"
FRENCH_IBAN = "FR7630006000011234567890189"
OTHER_SWEDISH_IBAN = "SE4550000000058398257466"
OTHER_SWISS_IBAN = "CH5109000000250092291"


@dataclass(frozen=True)
class Into:
    """The account a file is imported into: its currency, its IBAN ("" for none), its bank's CSV mapping."""

    currency: str
    iban: str = ""
    mapping: dict[str, object] | None = None


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
