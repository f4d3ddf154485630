"""The saved column mappings of the banks' CSV exports: one per bank layout, named, checked when saved so that
an import never meets a mapping it cannot apply."""

from __future__ import annotations

from typing import Any

from acompte.domain.banking.statements import COLUMNS, DATE_FORMATS, DELIMITERS, ENCODINGS, CsvMapping
from acompte.domain.errors import InvalidSetting, NotFound, Reason
from acompte.services.ports import Ctx, UnitOfWork

MAPPING = "Format CSV"
#: Title lines a bank puts before the header: more is surely a mistake.
MAX_SKIP_ROWS = 50


def check_mapping(
    *,
    name: str,
    columns: dict[str, str],
    delimiter: str = ";",
    encoding: str = "utf-8",
    decimal_comma: bool = True,
    date_format: str = "dd/mm/yyyy",
    skip_rows: int = 0,
    header: bool = True,
) -> CsvMapping:
    """A mapping as it will be saved, or InvalidSetting naming the field and why."""
    name = " ".join(str(name).split())
    if not name:
        raise InvalidSetting(reason=Reason.MAPPING_COLUMN_REQUIRED, field="name", column="name")
    choices = {"delimiter": (delimiter, DELIMITERS), "encoding": (encoding, ENCODINGS)}
    choices["date_format"] = (date_format, tuple(DATE_FORMATS))
    for field, (value, allowed) in choices.items():
        if value not in allowed:
            raise InvalidSetting(reason=Reason.UNKNOWN_CHOICE, field=field, value=value, choices=allowed)
    if not 0 <= skip_rows <= MAX_SKIP_ROWS:
        raise InvalidSetting(reason=Reason.DAYS_RANGE, field="skip_rows", maximum=MAX_SKIP_ROWS)
    kept = {key: str(value).strip() for key, value in columns.items() if str(value or "").strip()}
    unknown = sorted(set(kept) - set(COLUMNS))
    if unknown:
        raise InvalidSetting(reason=Reason.UNKNOWN_FIELDS, field="columns", fields=unknown)
    if "date" not in kept:
        raise InvalidSetting(reason=Reason.MAPPING_COLUMN_REQUIRED, field="columns", column="date")
    has_amount, has_sides = "amount" in kept, bool({"debit", "credit"} & set(kept))
    if has_amount == has_sides:  # neither, or both ways at once: which one would be the line's amount?
        raise InvalidSetting(reason=Reason.MAPPING_AMOUNT_COLUMNS, field="columns")
    return CsvMapping(
        name=name[:100],
        columns=kept,
        delimiter=delimiter,
        encoding=encoding,
        decimal_comma=decimal_comma,
        date_format=date_format,
        skip_rows=skip_rows,
        header=header,
    )


def create_mapping(uow: UnitOfWork, ctx: Ctx, **fields: Any) -> CsvMapping:
    mapping = check_mapping(**fields)
    with uow:
        if any(m.name.casefold() == mapping.name.casefold() for m in uow.bank.mappings(ctx.company_id)):
            raise InvalidSetting(reason=Reason.MAPPING_NAME_TAKEN, field="name", name=mapping.name)
        mapping_id = uow.bank.add_mapping(ctx.company_id, mapping)
        uow.commit()
    return get_mapping(uow, ctx, mapping_id)


def list_mappings(uow: UnitOfWork, ctx: Ctx) -> list[CsvMapping]:
    with uow:
        return uow.bank.mappings(ctx.company_id)


def get_mapping(uow: UnitOfWork, ctx: Ctx, mapping_id: int) -> CsvMapping:
    with uow:
        found = uow.bank.mapping(ctx.company_id, mapping_id)
    if found is None:
        raise NotFound(entity=MAPPING, id=mapping_id)
    return found


def delete_mapping(uow: UnitOfWork, ctx: Ctx, mapping_id: int) -> None:
    """Forget a mapping; the imports made with it stay as they are (they keep their lines, not the mapping)."""
    with uow:
        if not uow.bank.remove_mapping(ctx.company_id, mapping_id):
            raise NotFound(entity=MAPPING, id=mapping_id)
        uow.commit()
