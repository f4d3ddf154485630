"""The use cases refuse a date outside 1900-01-01 … 2999-12-31 before any work, and work up to its edges:
a financial year that closes just after 2999-12-31 is exported and read back."""

from __future__ import annotations

from datetime import date

import pytest

from acompte.domain.dates import DateField
from acompte.domain.documents import Flow, Kind
from acompte.domain.errors import InvalidDate
from acompte.services import companies, documents, exports, payments
from tests.helpers import line, paid_invoice, snapshot


@pytest.mark.parametrize(
    "call",
    [
        lambda uow, ctx: exports.run_export(uow, ctx, date_from=date(1, 1, 1), date_to=date(1, 12, 31)),
        lambda uow, ctx: exports.ledger(uow, ctx, on=date(1, 1, 1)),
        lambda uow, ctx: documents.list_documents(uow, ctx, date_from=date(1, 1, 1)),
        lambda uow, ctx: payments.list_payments(uow, ctx, date_to=date(9999, 12, 31)),
    ],
)
def test_a_date_outside_the_range_is_refused_and_nothing_is_written(uow, ctx, call) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(uow, ctx)
    with pytest.raises(InvalidDate):
        call(uow, ctx)
    assert snapshot(uow, ctx) == before


def test_a_document_dated_in_year_3000_is_refused_naming_its_field(uow, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidDate) as refused:
        documents.create_document(
            uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id,
            lines=[line("10.00")], issue_date=date(3000, 1, 1),
        )  # fmt: skip
    assert refused.value.params["field"] is DateField.ISSUE_DATE


def test_the_last_supported_days_export_and_read_back_with_a_year_closing_in_3000(uow, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    companies.update_settings(uow, ctx, {"accounting": {"fiscal_year_end": "06-30"}})
    paid_invoice(uow, ctx, customer.id, "100.00", today=date(2999, 12, 30))
    result = exports.run_export(uow, ctx, date_from=date(2999, 12, 1), date_to=date(2999, 12, 31))
    assert (result.fiscal_year_start, result.fiscal_year_end) == (date(2999, 7, 1), date(3000, 6, 30))
    year = exports.ledger(uow, ctx, fiscal_year_end=result.fiscal_year_end)
    assert year.closing_date == date(3000, 6, 30) and len(year.entries) == len(result.posted) >= 2
