"""The company's bank accounts and the IBANs its parties hold."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, StrictBool, StrictStr

from acompte.adapters.api.schemas.common import AMOUNT_PATTERN, Bounded, CodeOut, Input, IsoDate, MoneyOut, Output

IBAN_DOC = "IBAN, spaces allowed (stored compact, upper case; its country format and key are checked)"
BIC_DOC = "BIC (8 or 11 characters), optional"
LEDGER_DOC = "Its own ledger account: 512… for a bank (53… for cash); empty: the chart's bank account"
OPENING_DOC = "The bank's balance on opening_date, before the first imported line, in the account's currency"


class BankAccountIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "BNP Paribas",
                    "iban": "FR76 3000 6000 0112 3456 7890 189",
                    "bic": "BNPAFRPPXXX",
                    "ledger_account": "5121",
                    "opening_balance": "1500.00",
                    "opening_date": "2026-01-01",
                }
            ]
        },
    )

    name: Annotated[StrictStr, Bounded(100, min_length=1, example="BNP Paribas")]
    iban: Annotated[StrictStr, Bounded(50)] = Field("", description=IBAN_DOC)
    bic: Annotated[StrictStr, Bounded(20)] = Field("", description=BIC_DOC)
    ledger_account: Annotated[StrictStr, Bounded(20)] = Field("", description=LEDGER_DOC)
    currency: Annotated[StrictStr, Bounded(3)] = Field("", description="ISO 4217; empty: the company's")
    opening_balance: Annotated[StrictStr, Field(pattern=AMOUNT_PATTERN)] = Field("0", description=OPENING_DOC)
    opening_date: IsoDate | None = None


class BankAccountPatch(Input):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"ledger_account": "5122"}]})

    name: Annotated[StrictStr, Bounded(100, min_length=1)] | None = None
    iban: Annotated[StrictStr, Bounded(50)] | None = Field(None, description=IBAN_DOC)
    bic: Annotated[StrictStr, Bounded(20)] | None = Field(None, description=BIC_DOC)
    ledger_account: Annotated[StrictStr, Bounded(20)] | None = Field(None, description=LEDGER_DOC)
    currency: Annotated[StrictStr, Bounded(3)] | None = None
    opening_balance: Annotated[StrictStr, Field(pattern=AMOUNT_PATTERN)] | None = Field(None, description=OPENING_DOC)
    opening_date: IsoDate | None = None
    active: StrictBool | None = Field(None, description="false: no longer offered for new payments")

    def changes(self) -> dict[str, Any]:
        """The fields sent (an explicit null opening_date clears it)."""
        sent = self.model_dump(exclude_unset=True)
        return {k: v for k, v in sent.items() if v is not None or k == "opening_date"}


class BankAccountOut(Output):
    id: str
    name: str
    kind: CodeOut = Field(description="bank (cash registers are not listed here)")
    iban: str
    bic: str
    ledger_account: str = Field(description=LEDGER_DOC)
    currency: str
    opening_balance: MoneyOut
    opening_date: IsoDate | None
    active: bool
    version: int = Field(description="Raised by each change; send it as If-Match to change the account")


class PartyBankAccountIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"iban": "DE89 3704 0044 0532 0130 00", "label": "Compte principal"}]},
    )

    iban: Annotated[StrictStr, Bounded(50, min_length=1)] = Field(description=IBAN_DOC)
    bic: Annotated[StrictStr, Bounded(20)] = Field("", description=BIC_DOC)
    label: Annotated[StrictStr, Bounded(100)] = ""


class PartyBankAccountOut(Output):
    id: str
    iban: str
    bic: str
    label: str
    source: str = Field(description="user (typed or imported) or learned (from a confirmed bank match)")
