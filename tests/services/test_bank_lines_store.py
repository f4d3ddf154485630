"""Bank lines are stored as read, scoped to their company, and change state only from the version they were read at."""

from acompte.domain.banking.lines import LineState
from tests.bank_helpers import bank_line


def test_a_stored_line_reads_back_signed_and_open(uow, ctx):
    line = bank_line(uow, ctx, "-45.10", label="PRLV EDF", counterparty_iban="FR7630006000011234567890189")
    assert str(line.amount.amount) == "-45.10" and not line.received
    assert line.state is LineState.OPEN and line.label == "PRLV EDF"


def test_another_company_never_reads_the_line(uow, ctx, other_ctx):
    line = bank_line(uow, ctx, "10.00")
    with uow:
        assert uow.bank.line(other_ctx.company_id, line.id) is None
        assert all(found.id != line.id for found in uow.bank.lines(other_ctx.company_id))


def test_a_state_change_from_a_stale_version_is_refused(uow, ctx):
    line = bank_line(uow, ctx, "10.00")
    with uow:
        assert uow.bank.set_state(ctx.company_id, line.id, LineState.IGNORED, line.version)
        assert not uow.bank.set_state(ctx.company_id, line.id, LineState.OPEN, line.version)
        uow.commit()
    with uow:
        found = uow.bank.line(ctx.company_id, line.id)
    assert found is not None and found.state is LineState.IGNORED and found.version == line.version + 1


def test_a_party_iban_is_held_once_and_found_by_its_iban(uow, ctx, customer):
    with uow:
        first = uow.party_banks.add(ctx.company_id, customer.id, "FR7630006000011234567890189")
        again = uow.party_banks.add(ctx.company_id, customer.id, "FR7630006000011234567890189", source="learned")
        uow.commit()
    assert again.id == first.id and again.source == "user"
    with uow:
        assert customer.id in uow.party_banks.parties_with_iban(ctx.company_id, "FR7630006000011234567890189")
        assert [a.iban for a in uow.party_banks.of_party(ctx.company_id, customer.id)] == [first.iban]
