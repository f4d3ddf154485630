"""Bank statement imports, the bank lines they added, and the saved CSV mappings of the banks' exports."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StrictBool, StrictInt, StrictStr, model_validator

from acompte.adapters.api.schemas.common import Bounded, CodeOut, Input, MoneyOut, Output, UtcOut
from acompte.domain.banking.statements import COLUMNS


class ImportSummaryOut(Output):
    import_id: str
    account_id: str
    format: CodeOut
    lines_in_file: int
    added: int = Field(description="Lines new to the account, now added")
    skipped: int = Field(description="Lines already there (imported before, or twice in the file): not added again")
    opening: MoneyOut | None = Field(None, description="The file's opening balance, when it gives one")
    closing: MoneyOut | None = Field(None, description="The file's closing balance, when it gives one")


class BankImportOut(Output):
    id: str
    account_id: str
    format: CodeOut
    file_name: str
    file_sha256: str
    statement_ref: str
    currency: str
    period_from: date | None
    period_to: date | None
    opening: MoneyOut | None
    closing: MoneyOut | None
    lines_added: int
    lines_skipped: int
    imported_by: str
    imported_at: UtcOut

    @model_validator(mode="before")
    @classmethod
    def _period(cls, value: Any) -> Any:
        if hasattr(value, "period"):
            return {**value.__dict__, "period_from": value.period[0], "period_to": value.period[1]}
        return value


class BankLineOut(Output):
    id: str
    account_id: str
    import_id: str
    position: int
    booking_date: date
    value_date: date | None
    amount: MoneyOut = Field(description="Signed as the bank sees the account: money in positive, money out negative")
    label: str
    reference: str
    entry_reference: str
    counterparty_name: str
    counterparty_iban: str
    transaction_code: str
    state: CodeOut
    version: int


#: The choices of `domain.banking.statements` (DELIMITERS, ENCODINGS, DATE_FORMATS), written out for the schema.
Delimiter = Literal[";", ",", "\t", "|"]
Encoding = Literal["utf-8", "cp1252", "latin-1"]
DateFormat = Literal["dd/mm/yyyy", "dd/mm/yy", "dd-mm-yyyy", "dd.mm.yyyy", "yyyy-mm-dd", "mm/dd/yyyy", "yyyymmdd"]
Column = Annotated[StrictStr, Field(max_length=100, pattern=r"^[^\x00]*$")]


class CsvColumns(Input):
    """Which column holds what: a header's text (any case) or a 1-based column number. `date` is required, and
    either `amount` (signed) or `debit` and / or `credit`."""

    date: Column
    value_date: Column | None = None
    amount: Column | None = None
    debit: Column | None = None
    credit: Column | None = None
    label: Column | None = None
    reference: Column | None = None
    counterparty: Column | None = None
    iban: Column | None = None


class CsvMappingIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Crédit Agricole",
                    "delimiter": ";",
                    "encoding": "cp1252",
                    "decimal_comma": True,
                    "date_format": "dd/mm/yyyy",
                    "skip_rows": 2,
                    "header": True,
                    "columns": {
                        "date": "Date",
                        "value_date": "Date valeur",
                        "label": "Libellé",
                        "debit": "Débit euros",
                        "credit": "Crédit euros",
                    },
                }
            ]
        },
    )

    name: Annotated[StrictStr, Bounded(100, min_length=1, example="Crédit Agricole")]
    columns: CsvColumns
    delimiter: Delimiter = ";"
    encoding: Encoding = "utf-8"
    decimal_comma: StrictBool = True
    date_format: DateFormat = "dd/mm/yyyy"
    skip_rows: Annotated[StrictInt, Field(ge=0, le=50)] = 0
    header: StrictBool = True

    def fields(self) -> dict[str, Any]:
        columns = {key: value for key, value in self.columns.model_dump().items() if value}
        assert set(columns) <= set(COLUMNS)
        return {**self.model_dump(exclude={"columns"}), "columns": columns}


class CsvMappingOut(Output):
    id: str
    name: str
    columns: dict[str, str]
    delimiter: str
    encoding: str
    decimal_comma: bool
    date_format: str
    skip_rows: int
    header: bool
