"""The body of every error: an RFC 9457 problem, with the invalid fields of a refused request."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)


class FieldError(BaseModel):
    location: Literal["body", "query", "path", "header", "cookie"]
    field: str
    message: str
    type: str


class Problem(BaseModel):
    """An error, as RFC 9457 `application/problem+json`. Error-specific fields may follow (`available`,
    `requested`...); an invalid request lists every invalid field in `errors`."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["/api/v1/errors/over-allocation"])
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    errors: list[FieldError] | None = None
