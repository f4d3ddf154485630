"""A malformed statement file, of any format, is refused with the error that says why (its code and params: the
line of the file, the field, the figures) and writes nothing: no line, no import, no event (both databases).

The files are the published examples of tests/fixtures/bank, each broken by one change (tests/bank_import_cases.py)."""

from __future__ import annotations

import pytest

from acompte.adapters.bank_formats.upload import import_file
from acompte.domain.banking.statements import LineFilter
from acompte.services.banking import accounts, csv_mappings
from acompte.services.ports import Ctx
from tests.bank_import_cases import REFUSALS, Into, Refusal, read
from tests.helpers import snapshot


def bank_of(app, ctx: Ctx, into: Into) -> tuple[int, int | None]:  # type: ignore[no-untyped-def]
    """An account of the company in the file's currency (of the IBAN the case names) and its CSV mapping if any."""
    account = accounts.create_account(app.uow(), ctx, name="Banque", iban=into.iban, currency=into.currency)
    mapping = csv_mappings.create_mapping(app.uow(), ctx, **into.mapping) if into.mapping else None
    return account.id, mapping.id if mapping else None


def rows(app, ctx: Ctx) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """How many imports and bank lines the company has, counted by the store."""
    uow = app.uow()
    with uow:
        lines, _total = uow.bank.count_lines(ctx.company_id, LineFilter())
        return len(uow.bank.imports(ctx.company_id, None, limit=10_000)), lines


@pytest.mark.parametrize("case", REFUSALS, ids=lambda case: case.id)
def test_a_malformed_file_is_refused_with_why_and_writes_nothing(app, ctx, case: Refusal):  # type: ignore[no-untyped-def]
    account_id, mapping_id = bank_of(app, ctx, case.into)
    before, counted = snapshot(app.uow(), ctx), rows(app, ctx)
    with pytest.raises(case.error) as refused:
        import_file(app.uow(), ctx, account_id, case.data(), file_name=case.fixture, mapping_id=mapping_id)
    assert {key: refused.value.params.get(key) for key in case.params} == case.params
    assert counted == (0, 0) and rows(app, ctx) == (0, 0)
    assert snapshot(app.uow(), ctx) == before


def test_a_refused_file_leaves_what_an_earlier_import_wrote_as_it_was(app, ctx):  # type: ignore[no-untyped-def]
    case = next(case for case in REFUSALS if case.id == "camt053-wrong-closing-balance")
    account_id, _ = bank_of(app, ctx, case.into)
    assert import_file(app.uow(), ctx, account_id, read(case.fixture)).added == 3
    before, counted = snapshot(app.uow(), ctx), rows(app, ctx)
    with pytest.raises(case.error):
        import_file(app.uow(), ctx, account_id, case.data())
    assert counted == (1, 3) and rows(app, ctx) == (1, 3) and snapshot(app.uow(), ctx) == before
