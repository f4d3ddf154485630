"""The IBANs parties hold: several per party, each checked and held once, found again by IBAN, removed; another
company's party is never reached."""

from __future__ import annotations

import pytest

from acompte.domain.errors import InvalidIdentifier, NotFound, Reason
from acompte.services import history, parties
from acompte.services.banking import party_accounts

IBAN = "DE89 3704 0044 0532 0130 00"
OTHER_IBAN = "FR76 3000 6000 0112 3456 7890 189"


def test_a_party_holds_several_ibans_each_once(uow, ctx, customer):
    first = party_accounts.add_party_account(uow, ctx, customer.id, IBAN.lower(), bic="cobadeffxxx", label=" Main ")
    again = party_accounts.add_party_account(uow, ctx, customer.id, IBAN.replace(" ", ""))
    second = party_accounts.add_party_account(uow, ctx, customer.id, OTHER_IBAN)
    assert (first.iban, first.bic, first.label, first.source) == (
        "DE89370400440532013000",
        "COBADEFFXXX",
        "Main",
        "user",
    )
    assert again == first
    assert party_accounts.party_accounts(uow, ctx, customer.id) == [first, second]
    assert party_accounts.parties_with_iban(uow, ctx, "de89 3704 0044 0532 0130 00") == [customer.id]
    assert party_accounts.parties_with_iban(uow, ctx, "not an iban") == []
    added = [e for e in history.party_history(uow, ctx, customer.id) if e.kind == "PartyBankAccountAdded"]
    assert len(added) == 2


def test_two_parties_may_share_an_iban(uow, ctx, customer):
    other = parties.create_party(uow, ctx, name="Martin SARL")
    party_accounts.add_party_account(uow, ctx, customer.id, IBAN)
    party_accounts.add_party_account(uow, ctx, other.id, IBAN)
    assert party_accounts.parties_with_iban(uow, ctx, IBAN) == sorted([customer.id, other.id])


@pytest.mark.parametrize(
    ("iban", "bic", "rule"),
    [
        ("", "", Reason.IBAN_REQUIRED),
        ("DE89 3704 0044 0532 0130 01", "", Reason.IDENTIFIER_CHECKSUM),
        ("DE89 3704", "", Reason.IBAN_SHAPE),
        (IBAN, "COBAXXFF", Reason.BIC_SHAPE),
    ],
)
def test_a_bad_iban_or_bic_is_refused_and_nothing_is_written(uow, ctx, customer, iban, bic, rule):
    with pytest.raises(InvalidIdentifier) as refused:
        party_accounts.add_party_account(uow, ctx, customer.id, iban, bic=bic)
    assert refused.value.params["rule"] is rule
    assert party_accounts.party_accounts(uow, ctx, customer.id) == []


def test_an_iban_is_removed_once_and_only_from_its_party(uow, ctx, customer):
    other = parties.create_party(uow, ctx, name="Durand")
    held = party_accounts.add_party_account(uow, ctx, customer.id, IBAN)
    with pytest.raises(NotFound):
        party_accounts.remove_party_account(uow, ctx, other.id, held.id)
    party_accounts.remove_party_account(uow, ctx, customer.id, held.id)
    assert party_accounts.party_accounts(uow, ctx, customer.id) == []
    with pytest.raises(NotFound):
        party_accounts.remove_party_account(uow, ctx, customer.id, held.id)
    assert [e.kind for e in history.party_history(uow, ctx, customer.id)][-1] == "PartyBankAccountRemoved"


def test_another_companys_party_is_not_found(uow, ctx, other_ctx, customer):
    held = party_accounts.add_party_account(uow, ctx, customer.id, IBAN)
    with pytest.raises(NotFound):
        party_accounts.party_accounts(uow, other_ctx, customer.id)
    with pytest.raises(NotFound):
        party_accounts.add_party_account(uow, other_ctx, customer.id, OTHER_IBAN)
    with pytest.raises(NotFound):
        party_accounts.remove_party_account(uow, other_ctx, customer.id, held.id)
    assert party_accounts.party_accounts(uow, ctx, customer.id) == [held]
