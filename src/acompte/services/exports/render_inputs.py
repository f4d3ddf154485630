"""What an issued document's file is made of, frozen as text when it is issued: the printed document and, for a
Factur-X, its e-invoice. The worker renders the file from this text later (issued_files.py), so a change made
after issue (a party's address, a payment, the company's legal mentions) never reaches the file.

The text is JSON written from the frozen records themselves, field by field, and read back into equal records
with their type hints: decimals keep their exponent, dates and enumerations their value.
"""

from __future__ import annotations

import json
import types
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

from acompte.domain.einvoicing import EInvoice
from acompte.services.exports.printing import PrintableDocument

#: Changes when the form of the text changes; a job written in another form is refused, not misread.
VERSION = 1


@dataclass(frozen=True, slots=True)
class RenderInputs:
    document: PrintableDocument
    invoice: EInvoice | None = None  # set for a Factur-X


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value) if f.init}
    raise TypeError(f"cannot freeze a {type(value).__name__}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _typed(kind: Any, value: Any) -> Any:
    origin = get_origin(kind)
    if origin is Union or origin is types.UnionType:
        options = [option for option in get_args(kind) if option is not type(None)]
        if value is None:
            return None
        if len(options) != 1:
            raise TypeError(f"ambiguous type {kind}")
        return _typed(options[0], value)
    if origin is tuple:
        items = get_args(kind)
        if len(items) == 2 and items[1] is Ellipsis:
            return tuple(_typed(items[0], item) for item in value)
        return tuple(_typed(item_kind, item) for item_kind, item in zip(items, value, strict=True))
    if isinstance(kind, type):
        if is_dataclass(kind):
            hints = _hints(kind)
            return kind(**{f.name: _typed(hints[f.name], value[f.name]) for f in fields(kind) if f.init})
        if issubclass(kind, Enum):
            return kind(value)
        if kind is Decimal:
            return Decimal(value)
        if kind is datetime:
            return datetime.fromisoformat(value)
        if kind is date:
            return date.fromisoformat(value)
        if kind in (str, int, bool):
            if not isinstance(value, kind):
                raise TypeError(f"expected {kind.__name__}, got {value!r}")
            return value
    if kind is Any:
        return value
    raise TypeError(f"cannot read back a {kind}")


def dumps(inputs: RenderInputs) -> str:
    return json.dumps({"version": VERSION, **_plain(inputs)}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def loads(text: str) -> RenderInputs:
    data = json.loads(text)
    if data.pop("version", None) != VERSION:
        raise ValueError("the inputs of this file were written in another form")
    result: RenderInputs = _typed(RenderInputs, data)
    return result
