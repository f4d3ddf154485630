"""The IBANs a party holds: several per party, typed by a user, imported, or learned from a confirmed bank match.
A payer is recognised by the IBAN of a bank line; each IBAN is checked (python-stdnum) and held once per party."""

from __future__ import annotations

from acompte.domain.bank_account_events import PartyBankAccountAdded, PartyBankAccountRemoved
from acompte.domain.banking.lines import PartyBankAccount
from acompte.domain.errors import Field, InvalidIdentifier, NotFound, Reason
from acompte.services import identifiers
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork

ENTITY = "Compte bancaire du tiers"
SOURCES = ("user", "learned")
LABEL_LENGTH = 100


def party_accounts(uow: UnitOfWork, ctx: Ctx, party_id: int) -> list[PartyBankAccount]:
    """The party's IBANs, oldest first; another company's party: NotFound."""
    with uow:
        uow.parties.get(ctx.company_id, party_id)
        return list(uow.party_banks.of_party(ctx.company_id, party_id))


def accounts_of_parties(uow: UnitOfWork, ctx: Ctx, party_ids: list[int]) -> dict[int, list[PartyBankAccount]]:
    """The IBANs of several parties of the company, by party (a party without any is absent)."""
    found: dict[int, list[PartyBankAccount]] = {}
    with uow:
        for party_id in party_ids:
            held = list(uow.party_banks.of_party(ctx.company_id, party_id))
            if held:
                found[party_id] = held
    return found


def parties_with_iban(uow: UnitOfWork, ctx: Ctx, iban: str) -> list[int]:
    """The parties that hold `iban` (any spacing or case); an IBAN that is not one: none."""
    try:
        number = identifiers.iban(iban)
    except InvalidIdentifier:
        return []
    if number is None:
        return []
    with uow:
        return list(uow.party_banks.parties_with_iban(ctx.company_id, number))


def add_party_account(
    uow: UnitOfWork, ctx: Ctx, party_id: int, iban: str, *, bic: str = "", label: str = "", source: str = "user"
) -> PartyBankAccount:
    """Add an IBAN to the party (checked, stored compact); one it already holds is given back unchanged."""
    number = identifiers.iban(iban)
    if number is None:
        raise InvalidIdentifier(what=Field.IBAN, value=iban, rule=Reason.IBAN_REQUIRED, field="iban")
    checked_bic = identifiers.bic(bic)
    label = " ".join(label.split())[:LABEL_LENGTH]
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}: one of {', '.join(SOURCES)}")
    with uow:
        uow.parties.get(ctx.company_id, party_id)
        known = {a.iban for a in uow.party_banks.of_party(ctx.company_id, party_id)}
        account = uow.party_banks.add(ctx.company_id, party_id, number, bic=checked_bic, label=label, source=source)
        if number not in known:
            publish(
                uow,
                ctx,
                PartyBankAccountAdded(
                    company_id=ctx.company_id,
                    party_id=party_id,
                    bank_account_id=account.id,
                    iban=account.iban,
                    bic=account.bic,
                    source=source,
                ),
            )
        uow.commit()
        return account


def remove_party_account(uow: UnitOfWork, ctx: Ctx, party_id: int, account_id: int) -> None:
    """Remove one of the party's IBANs; one it does not hold (or another company's): NotFound."""
    with uow:
        uow.parties.get(ctx.company_id, party_id)
        held = {a.id: a for a in uow.party_banks.of_party(ctx.company_id, party_id)}
        if account_id not in held or not uow.party_banks.remove(ctx.company_id, party_id, account_id):
            raise NotFound(entity=ENTITY, id=account_id)
        publish(
            uow,
            ctx,
            PartyBankAccountRemoved(
                company_id=ctx.company_id, party_id=party_id, bank_account_id=account_id, iban=held[account_id].iban
            ),
        )
        uow.commit()
