"""What a document offers comes from the lifecycle table read with its position and the user's rights: one next
step in front, the irreversible ones in the menu, nothing a read-only user cannot do."""

from __future__ import annotations

from dataclasses import replace

from acompte.domain.documents import Flow, Kind, State
from acompte.domain.lifecycle import Action, is_allowed
from acompte.domain.offers import Offer, Situation, Weight, offers


def situation(kind: Kind, state: State = State.VALIDATED, **facts: bool) -> Situation:
    base = {"owing": True, "holds_deposits": False, "cancelled_by_credit_note": False, "may_write": True}
    return Situation(kind=kind, flow=Flow.SALE, state=state, **(base | facts))


def shown(s: Situation) -> dict[Offer, Weight]:
    return dict(offers(s))


def test_a_validated_order_puts_invoicing_in_front_and_the_other_conversions_behind():
    got = shown(situation(Kind.ORDER))
    assert got[Offer.INVOICE] is Weight.PRIMARY
    assert (got[Offer.DEPOSIT], got[Offer.DEPOSIT_INVOICE]) == (Weight.BUTTON, Weight.BUTTON)
    assert got[Offer.DELIVERY] is Weight.MENU
    assert got[Offer.CANCEL] is Weight.MENU  # never a red button beside the others
    assert Offer.SETTLE not in got and Offer.CREDIT_NOTE not in got


def test_a_validated_invoice_still_owing_offers_settle_first_and_a_credit_note_never_cancel():
    got = shown(situation(Kind.INVOICE))
    assert next(iter(got)) is Offer.SETTLE and got[Offer.SETTLE] is Weight.PRIMARY
    assert got[Offer.CREDIT_NOTE] is Weight.BUTTON
    assert Offer.CANCEL not in got and Offer.EDIT not in got  # an issued invoice never changes
    assert Offer.SETTLE not in shown(situation(Kind.INVOICE, owing=False))
    assert Offer.SETTLE not in shown(situation(Kind.INVOICE, cancelled_by_credit_note=True))
    assert Offer.CREDIT_NOTE not in shown(situation(Kind.INVOICE, cancelled_by_credit_note=True))


def test_a_draft_is_validated_first_and_edited():
    got = shown(situation(Kind.INVOICE, State.DRAFT))
    assert next(iter(got)) is Offer.VALIDATE and got[Offer.VALIDATE] is Weight.PRIMARY
    assert got[Offer.EDIT] is Weight.BUTTON and got[Offer.DEPOSIT] is Weight.BUTTON
    assert Offer.PDF not in got and Offer.FACTURX not in got


def test_one_primary_offer_at_most_and_every_offer_agrees_with_the_lifecycle_table():
    for kind in Kind:
        for state in State:
            for owing in (True, False):
                for holds in (True, False):
                    s = situation(kind, state, owing=owing, holds_deposits=holds)
                    got = offers(s)
                    assert [w for _o, w in got].count(Weight.PRIMARY) <= 1
                    names = {o for o, _w in got}
                    for offer, action in ((Offer.VALIDATE, Action.VALIDATE), (Offer.EDIT, Action.EDIT)):
                        assert (offer in names) == is_allowed(kind, state, action), (kind, state, offer)
                    if Offer.CANCEL in names:
                        assert is_allowed(kind, state, Action.CANCEL)
                    if names & {Offer.ORDER, Offer.DELIVERY, Offer.INVOICE}:
                        assert is_allowed(kind, state, Action.CONVERT)


def test_a_read_only_user_is_offered_only_reading():
    for kind in Kind:
        for state in State:
            got = {o for o, _w in offers(replace(situation(kind, state), may_write=False))}
            assert got <= {Offer.PDF, Offer.FACTURX}, (kind, state, got)


def test_a_purchase_document_has_no_einvoice_to_download():
    purchase = replace(situation(Kind.INVOICE), flow=Flow.PURCHASE)
    assert Offer.FACTURX not in shown(purchase) and Offer.PDF in shown(purchase)


def test_an_order_wholly_invoiced_is_not_offered_another_invoice():
    assert Offer.INVOICE in shown(situation(Kind.ORDER))
    assert Offer.INVOICE not in shown(replace(situation(Kind.ORDER), wholly_invoiced=True))
